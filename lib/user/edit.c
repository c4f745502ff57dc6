/*
 * edit.c - the line editor (user/edit.h). Each key changes the line in
 * e->line, then the whole line is redrawn (carriage return, prompt, the
 * line, blanks over what a shorter line left, backspaces to the cursor):
 * simple, and right whatever the terminal showed before.
 *
 * Invariants: len < EDIT_LINE_MAX, cur <= len, line[len] == 0; history
 * entry k (k < nhist, k >= nhist - EDIT_HIST) is hist[k % EDIT_HIST];
 * browse is in [max(0, nhist - EDIT_HIST), nhist], nhist meaning the
 * line being typed.
 */
#include <abi/err.h>
#include <lib/string.h>
#include <user/cons.h>
#include <user/edit.h>

#define CTRL(c)		((c) & 0x1f)
#define DEL		0x7f
#define ESC		0x1b

/* Escape sequence states: after ESC, after ESC [ or ESC O. */
#define ESC_NONE	0
#define ESC_START	1
#define ESC_CSI		2

void
edit_init(struct edit *e, unsigned cr)
{
	memset(e, 0, sizeof(*e));
	e->cr = cr;
}

static uint64_t
oldest(const struct edit *e)
{
	return e->nhist > EDIT_HIST ? e->nhist - EDIT_HIST : 0;
}

unsigned
edit_history_count(const struct edit *e)
{
	return (unsigned)(e->nhist - oldest(e));
}

uint64_t
edit_history_total(const struct edit *e)
{
	return e->nhist;
}

const char *
edit_history(const struct edit *e, unsigned i)
{
	if (i >= edit_history_count(e))
		return NULL;
	return e->hist[(oldest(e) + i) % EDIT_HIST];
}

static void
redraw(struct edit *e, const char *prompt)
{
	static const char blanks[] = "                                ";
	static const char backs[] = "\b\b\b\b\b\b\b\b\b\b\b\b\b\b\b\b";
	size_t n;

	cons_write(e->cr, "\r", 1);
	cons_write(e->cr, prompt, strlen(prompt));
	cons_write(e->cr, e->line, e->len);
	for (n = e->shown > e->len ? e->shown - e->len : 0; n > 0; ) {
		size_t k = n < sizeof(blanks) - 1 ? n : sizeof(blanks) - 1;

		cons_write(e->cr, blanks, k);
		n -= k;
	}
	n = (e->shown > e->len ? e->shown : e->len) - e->cur;
	while (n > 0) {
		size_t k = n < sizeof(backs) - 1 ? n : sizeof(backs) - 1;

		cons_write(e->cr, backs, k);
		n -= k;
	}
	e->shown = e->len;
}

static void
set_line(struct edit *e, const char *s)
{
	size_t n = strlen(s);

	if (n >= EDIT_LINE_MAX)
		n = EDIT_LINE_MAX - 1;
	memcpy(e->line, s, n);
	e->line[n] = 0;
	e->len = e->cur = n;
}

static void
walk(struct edit *e, int older)
{
	if (older && e->browse > oldest(e))
		e->browse--;
	else if (!older && e->browse < e->nhist)
		e->browse++;
	else
		return;
	set_line(e, e->browse == e->nhist ? "" :
	    e->hist[e->browse % EDIT_HIST]);
}

static void
insert(struct edit *e, char c)
{
	if (e->len + 1 >= EDIT_LINE_MAX)
		return;
	memmove(e->line + e->cur + 1, e->line + e->cur, e->len - e->cur + 1);
	e->line[e->cur++] = c;
	e->len++;
}

static void
delete_back(struct edit *e)
{
	if (e->cur == 0)
		return;
	memmove(e->line + e->cur - 1, e->line + e->cur, e->len - e->cur + 1);
	e->cur--;
	e->len--;
}

/* The final byte of ESC [ x or ESC O x. */
static void
escape(struct edit *e, uint8_t c)
{
	switch (c) {
	case 'A':
		walk(e, 1);
		break;
	case 'B':
		walk(e, 0);
		break;
	case 'C':
		if (e->cur < e->len)
			e->cur++;
		break;
	case 'D':
		if (e->cur > 0)
			e->cur--;
		break;
	}
}

/* Handle one byte. Returns 1 when the line is finished. */
static int
key(struct edit *e, uint8_t c)
{
	if (e->esc == ESC_START) {
		e->esc = c == '[' || c == 'O' ? ESC_CSI : ESC_NONE;
		return 0;
	}
	if (e->esc == ESC_CSI) {
		if (c >= 0x40 && c <= 0x7e) {	/* a final byte */
			escape(e, c);
			e->esc = ESC_NONE;
		}
		return 0;
	}
	switch (c) {
	case '\r':
	case '\n':
		return 1;
	case ESC:
		e->esc = ESC_START;
		break;
	case '\b':
	case DEL:
		delete_back(e);
		break;
	case CTRL('U'):
		set_line(e, "");
		break;
	case CTRL('A'):
		e->cur = 0;
		break;
	case CTRL('E'):
		e->cur = e->len;
		break;
	case CTRL('C'):
		cons_write(e->cr, "^C", 2);
		set_line(e, "");
		return 1;
	default:
		if (c >= 0x20 && c < DEL)
			insert(e, (char)c);
	}
	return 0;
}

int
edit_line(struct edit *e, const char *prompt, char *out, size_t size)
{
	int n, done = 0;

	if (size == 0)
		return -ERR_BAD_ARG;
	e->browse = e->nhist;
	e->shown = 0;
	redraw(e, prompt);
	while (!done) {
		if (e->in_at == e->in_n) {
			if ((n = cons_read(e->cr, e->in, 0)) < 0)
				return n;
			e->in_n = (unsigned)n;
			e->in_at = 0;
		}
		while (!done && e->in_at < e->in_n)
			done = key(e, e->in[e->in_at++]);
		redraw(e, prompt);
	}
	cons_write(e->cr, "\n", 1);
	n = (int)(e->len < size ? e->len : size - 1);
	memcpy(out, e->line, (size_t)n);
	out[n] = 0;
	if (e->len > 0) {
		memcpy(e->hist[e->nhist % EDIT_HIST], e->line, e->len + 1);
		e->nhist++;
	}
	set_line(e, "");
	e->esc = ESC_NONE;
	return n;
}
