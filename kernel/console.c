/*
 * console.c - one output stream to two devices (serial and VGA), written
 * by two kinds of writer: the log (kprintf and KERNLOG caps: whole lines)
 * and the terminal (CONSOLE caps: a line editor's prompt and the line
 * being typed, which moves the cursor with \r and \b).
 *
 * So that a log line never lands inside the line a person is typing, the
 * console keeps the terminal's unfinished line (term: what is on screen
 * since the terminal's last newline, and the cursor column in it). A log
 * write that starts a line first blanks that line; a log write that ends
 * a line draws it again, cursor included.
 *
 * Invariants: interrupts are off inside every write (single CPU), so an
 * interrupt handler's message never lands inside another line's bytes;
 * term_len <= TERM_MAX and term_col <= term_len; log_midline is true when
 * the log's last byte was not a newline.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <console.h>
#include <x86_64/cpu.h>
#include <x86_64/serial.h>
#include <x86_64/vga.h>

#define TERM_MAX	160

static char	term[TERM_MAX];
static size_t	term_len, term_col;
static bool	log_midline;

void
console_init(void)
{
	serial_init();
	vga_init();
}

static void
out(const char *s, size_t n)
{
	serial_write(s, n);
	vga_write(s, n);
}

static void
out_repeat(char c, size_t n)
{
	while (n-- > 0)
		out(&c, 1);
}

/* Blank the terminal's unfinished line, cursor at its start. */
static void
term_hide(void)
{
	out("\r", 1);
	out_repeat(' ', term_len);
	out("\r", 1);
}

/* Draw it again, cursor where the terminal left it. */
static void
term_show(void)
{
	out(term, term_len);
	out_repeat('\b', term_len - term_col);
}

void
console_write(const char *s, size_t n)
{
	uint64_t flags;

	if (n == 0)
		return;
	flags = cpu_irq_save();
	if (!log_midline && term_len > 0)
		term_hide();
	out(s, n);
	log_midline = s[n - 1] != '\n';
	if (!log_midline && term_len > 0)
		term_show();
	cpu_irq_restore(flags);
}

/* Follow byte c in the terminal's line as the screen shows it. */
static void
term_track(char c)
{
	switch (c) {
	case '\n':
		term_len = term_col = 0;
		break;
	case '\r':
		term_col = 0;
		break;
	case '\b':
		if (term_col > 0)
			term_col--;
		break;
	default:
		if (term_col < TERM_MAX) {
			term[term_col++] = c;
			if (term_col > term_len)
				term_len = term_col;
		}
	}
}

void
console_term_write(const char *s, size_t n)
{
	uint64_t flags = cpu_irq_save();
	size_t i;

	out(s, n);
	for (i = 0; i < n; i++)
		term_track(s[i]);
	cpu_irq_restore(flags);
}
