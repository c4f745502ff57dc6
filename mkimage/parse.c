/*
 * parse.c - reads a .mki image description (grammar in docs/mkimage.md)
 * into struct mki_desc. One statement per line; indented lines add caps,
 * registers and mappings to the process, constructor or cappage above.
 * Input is untrusted: every error is reported as "file:line: message" and
 * parsing continues to report more, up to PARSE_MAX_ERRORS.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <abi/cap.h>
#include <abi/process.h>
#include <abi/store.h>
#include <boot/bootpart.h>

#include "disk.h"
#include "lex.h"
#include "parse.h"
#include "util.h"

const char *const mki_reg_names[20] = {
	"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
	"rip", "rflags", "fs_base", "gs_base",
};

int
mki_reg_index(const char *name)
{
	for (int i = 0; i < 20; i++)
		if (strcmp(name, mki_reg_names[i]) == 0)
			return i;
	return -1;
}

void
parse_error(struct parser *p, int line, const char *fmt, ...)
{
	va_list ap;

	if (p->errors++ >= PARSE_MAX_ERRORS)
		return;
	fprintf(stderr, "%s:%d: ", p->d->file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int
parse_valid_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 63)
		return 0;
	if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') ||
	    s[0] == '_'))
		return 0;
	for (size_t i = 1; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.'))
			return 0;
	}
	return 1;
}

/* Take the declared name in w[1]; returns it (copied) or NULL. */
static char *
decl_name(struct parser *p, struct lex_line *l, const char *what)
{
	if (l->nwords < 2) {
		parse_error(p, p->line, "%s needs a name", what);
		return NULL;
	}
	if (!parse_valid_name(l->word[1])) {
		parse_error(p, p->line, "bad %s name '%s'", what, l->word[1]);
		return NULL;
	}
	return mki_strdup(l->word[1]);
}

const char *
parse_opt_value(struct parser *p, struct lex_line *l, int *i)
{
	if (*i + 1 >= l->nwords) {
		parse_error(p, p->line, "'%s' needs a value", l->word[*i]);
		return NULL;
	}
	*i += 1;
	return l->word[*i];
}

static void
set_str(struct parser *p, char **dst, const char *v, const char *key)
{
	if (v == NULL)
		return;
	if (*dst != NULL) {
		parse_error(p, p->line, "'%s' given twice", key);
		return;
	}
	*dst = mki_strdup(v);
}

static int
dup_decl(struct parser *p, const void *found, const char *what,
    const char *name, int line)
{
	if (found == NULL)
		return 0;
	parse_error(p, p->line, "%s '%s' already declared on line %d", what,
	    name, line);
	return 1;
}

static void
stmt_cmdline(struct parser *p, struct lex_line *l)
{
	struct mki_desc *d = p->d;

	if (l->nwords != 2) {
		parse_error(p, p->line, "usage: cmdline \"TEXT\"");
		return;
	}
	if (d->cmdline != NULL) {
		parse_error(p, p->line, "cmdline already given on line %d",
		    d->cmdline_line);
		return;
	}
	if (strlen(l->word[1]) >= BOOTPART_CMDLINE_MAX) {
		parse_error(p, p->line, "cmdline longer than %d bytes",
		    BOOTPART_CMDLINE_MAX - 1);
		return;
	}
	d->cmdline = mki_strdup(l->word[1]);
	d->cmdline_line = p->line;
}

/* Periods above a day are surely a mistake (the kernel takes 2^32 - 1). */
#define CHECKPOINT_MAX	86400

static void
stmt_checkpoint(struct parser *p, struct lex_line *l)
{
	struct mki_desc *d = p->d;
	uint64_t v;

	if (l->nwords != 2 || mki_parse_u64(l->word[1], &v) != 0 ||
	    v > CHECKPOINT_MAX) {
		parse_error(p, p->line, "usage: checkpoint SECONDS (0 = off, "
		    "at most %d)", CHECKPOINT_MAX);
		return;
	}
	if (d->checkpoint_line != 0) {
		parse_error(p, p->line, "checkpoint already given on line %d",
		    d->checkpoint_line);
		return;
	}
	d->checkpoint = v;
	d->checkpoint_line = p->line;
}

/*
 * The kernel reads the checkpoint period from its command line: append
 * ckpt=N to it, unless it has a ckpt= word already.
 */
static void
checkpoint_to_cmdline(struct parser *p)
{
	struct mki_desc *d = p->d;
	const char *c = d->cmdline != NULL ? d->cmdline : "";
	char buf[BOOTPART_CMDLINE_MAX + 32];
	const char *w;

	if (d->checkpoint_line == 0)
		return;
	for (w = c; (w = strstr(w, "ckpt=")) != NULL; w++)
		if (w == c || w[-1] == ' ' || w[-1] == '\t') {
			parse_error(p, d->checkpoint_line, "checkpoint and a "
			    "ckpt= word in the cmdline (line %d) both set the "
			    "period", d->cmdline_line);
			return;
		}
	snprintf(buf, sizeof(buf), "%s%sckpt=%llu", c, *c != '\0' ? " " : "",
	    (unsigned long long)d->checkpoint);
	if (strlen(buf) >= BOOTPART_CMDLINE_MAX) {
		parse_error(p, d->checkpoint_line, "cmdline with ckpt= longer "
		    "than %d bytes", BOOTPART_CMDLINE_MAX - 1);
		return;
	}
	free(d->cmdline);
	d->cmdline = mki_strdup(buf);
}

static void
stmt_store(struct parser *p, struct lex_line *l)
{
	struct mki_desc *d = p->d;
	const char *why;
	uint64_t v;

	if (l->nwords != 2 || mki_parse_size(l->word[1], &v) != 0) {
		parse_error(p, p->line, "usage: store SIZE (e.g. 64M)");
		return;
	}
	if ((why = mki_store_size_error(v)) != NULL) {
		parse_error(p, p->line, "store size '%s' %s", l->word[1], why);
		return;
	}
	if (d->store_line != 0) {
		parse_error(p, p->line, "store already given on line %d",
		    d->store_line);
		return;
	}
	d->store_size = v;
	d->store_line = p->line;
}

const char *
mki_store_size_error(uint64_t bytes)
{
	if (bytes % STORE_BLOCK_SIZE != 0)
		return "must be a multiple of 4K";
	if (bytes < DISK_MIN_STORE)
		return "must be at least 1M";
	if (bytes > DISK_MAX_BYTES)
		return "must be at most 2T (what an MBR addresses)";
	return NULL;
}

static void
stmt_bankserver(struct parser *p, struct lex_line *l)
{
	if (l->nwords != 2 || !parse_valid_name(l->word[1])) {
		parse_error(p, p->line, "usage: bankserver ENDPOINT");
		return;
	}
	if (p->d->bankserver != NULL) {
		parse_error(p, p->line, "bankserver already given on line %d",
		    p->d->bankserver_line);
		return;
	}
	p->d->bankserver = mki_strdup(l->word[1]);
	p->d->bankserver_line = p->line;
}

static void
stmt_bank(struct parser *p, struct lex_line *l)
{
	struct mki_desc *d = p->d;
	struct mki_bank *b;
	char *name = decl_name(p, l, "bank");

	if (name == NULL)
		return;
	b = mki_find_bank(d, name);
	if (dup_decl(p, b, "bank", name, b ? b->line : 0)) {
		free(name);
		return;
	}
	mki_grow(&d->banks, &d->capbanks, d->nbanks + 1, sizeof(*b));
	b = &d->banks[d->nbanks++];
	b->line = p->line;
	b->name = name;
	names_add(&d->bank_names, name, d->nbanks - 1);
	b->id = (uint32_t)d->nbanks;
	for (int i = 2; i < l->nwords; i++) {
		if (strcmp(l->word[i], "parent") == 0)
			set_str(p, &b->parent, parse_opt_value(p, l, &i), "parent");
		else
			parse_error(p, p->line, "unknown bank option '%s'",
			    l->word[i]);
	}
}

static void
stmt_program(struct parser *p, struct lex_line *l)
{
	struct mki_desc *d = p->d;
	struct mki_program *pr;
	char *name = decl_name(p, l, "program");

	if (name == NULL)
		return;
	if (l->nwords != 3) {
		parse_error(p, p->line, "usage: program NAME \"PATH\"");
		free(name);
		return;
	}
	pr = mki_find_program(d, name);
	if (dup_decl(p, pr, "program", name, pr ? pr->line : 0)) {
		free(name);
		return;
	}
	mki_grow(&d->programs, &d->capprograms, d->nprograms + 1,
	    sizeof(*pr));
	pr = &d->programs[d->nprograms++];
	pr->line = p->line;
	pr->name = name;
	names_add(&d->program_names, name, d->nprograms - 1);
	pr->path = mki_strdup(l->word[2]);
}

static void
stmt_segment(struct parser *p, struct lex_line *l)
{
	struct mki_desc *d = p->d;
	struct mki_segment *s;
	char *name = decl_name(p, l, "segment");
	int have_at = 0, have_size = 0;
	const char *v;

	if (name == NULL)
		return;
	s = mki_find_segment(d, name);
	if (dup_decl(p, s, "segment", name, s ? s->line : 0)) {
		free(name);
		return;
	}
	mki_grow(&d->segments, &d->capsegments, d->nsegments + 1, sizeof(*s));
	s = &d->segments[d->nsegments++];
	s->line = p->line;
	s->name = name;
	names_add(&d->segment_names, name, d->nsegments - 1);
	for (int i = 2; i < l->nwords; i++) {
		const char *k = l->word[i];

		if (strcmp(k, "at") == 0) {
			if ((v = parse_opt_value(p, l, &i)) == NULL)
				continue;
			if (mki_parse_u64(v, &s->addr) != 0)
				parse_error(p, p->line, "bad address '%s'", v);
			have_at = 1;
		} else if (strcmp(k, "size") == 0) {
			if ((v = parse_opt_value(p, l, &i)) == NULL)
				continue;
			if (mki_parse_size(v, &s->size) != 0)
				parse_error(p, p->line, "bad size '%s'", v);
			have_size = 1;
		} else if (strcmp(k, "file") == 0) {
			set_str(p, &s->file, parse_opt_value(p, l, &i), "file");
		} else if (strcmp(k, "bank") == 0) {
			set_str(p, &s->bank, parse_opt_value(p, l, &i), "bank");
		} else if (strcmp(k, "ro") == 0) {
			s->flags |= MKI_SEG_RO;
		} else if (strcmp(k, "nx") == 0) {
			s->flags |= MKI_SEG_NX;
		} else {
			parse_error(p, p->line, "unknown segment option '%s'",
			    k);
		}
	}
	if (!have_at || !have_size)
		parse_error(p, p->line, "segment needs 'at ADDRESS' and "
		    "'size SIZE'");
}

static void
stmt_endpoint(struct parser *p, struct lex_line *l)
{
	struct mki_desc *d = p->d;
	struct mki_endpoint *e;
	char *name = decl_name(p, l, "endpoint");
	const char *v;
	uint64_t n;

	if (name == NULL)
		return;
	e = mki_find_endpoint(d, name);
	if (dup_decl(p, e, "endpoint", name, e ? e->line : 0)) {
		free(name);
		return;
	}
	mki_grow(&d->endpoints, &d->capendpoints, d->nendpoints + 1,
	    sizeof(*e));
	e = &d->endpoints[d->nendpoints++];
	e->line = p->line;
	e->name = name;
	names_add(&d->endpoint_names, name, d->nendpoints - 1);
	for (int i = 2; i < l->nwords; i++) {
		const char *k = l->word[i];

		if (strcmp(k, "bank") == 0) {
			set_str(p, &e->bank, parse_opt_value(p, l, &i), k);
		} else if (strcmp(k, "recipient") == 0) {
			set_str(p, &e->recipient, parse_opt_value(p, l, &i), k);
		} else if (strcmp(k, "match") == 0) {
			if ((v = parse_opt_value(p, l, &i)) == NULL)
				continue;
			if (mki_parse_u64(v, &n) != 0 || n > 0xffff)
				parse_error(p, p->line, "match payload '%s' is "
				    "not a number in 0..65535", v);
			e->has_match = 1;
			e->match = (uint16_t)n;
		} else {
			parse_error(p, p->line, "unknown endpoint option '%s'",
			    k);
		}
	}
}

/* process and constructor share everything but the image. */
static void
stmt_process(struct parser *p, struct lex_line *l, int constructor)
{
	struct mki_desc *d = p->d;
	struct mki_process *pr;
	const char *what = constructor ? "constructor" : "process";
	char *name = decl_name(p, l, what);
	const char *v;

	if (name == NULL)
		return;
	pr = mki_find_process(d, name);
	if (dup_decl(p, pr, "process or constructor", name,
	    pr ? pr->line : 0)) {
		free(name);
		return;
	}
	mki_grow(&d->processes, &d->capprocesses, d->nprocesses + 1,
	    sizeof(*pr));
	pr = &d->processes[d->nprocesses++];
	pr->line = p->line;
	pr->name = name;
	names_add(&d->process_names, name, d->nprocesses - 1);
	pr->stack_size = MKI_DEFAULT_STACK;
	p->proc = pr;
	for (int i = 2; i < l->nwords; i++) {
		const char *k = l->word[i];

		if (strcmp(k, constructor ? "server" : "program") == 0) {
			set_str(p, &pr->program, parse_opt_value(p, l, &i), k);
		} else if (constructor && strcmp(k, "program") == 0) {
			set_str(p, &pr->image, parse_opt_value(p, l, &i), k);
		} else if (strcmp(k, "bank") == 0) {
			set_str(p, &pr->bank, parse_opt_value(p, l, &i), k);
		} else if (strcmp(k, "keeper") == 0) {
			set_str(p, &pr->keeper, parse_opt_value(p, l, &i), k);
		} else if (strcmp(k, "handler") == 0) {
			set_str(p, &pr->handler, parse_opt_value(p, l, &i), k);
		} else if (strcmp(k, "stack") == 0) {
			if ((v = parse_opt_value(p, l, &i)) == NULL)
				continue;
			if (mki_parse_size(v, &pr->stack_size) != 0 ||
			    pr->stack_size == 0 ||
			    pr->stack_size > MKI_MAX_STACK ||
			    pr->stack_size % 4096 != 0)
				parse_error(p, p->line, "stack size '%s' must "
				    "be a multiple of 4K up to 8M", v);
		} else if (strcmp(k, "stopped") == 0) {
			pr->state = MKI_STATE_STOPPED;
		} else if (strcmp(k, "running") == 0) {
			pr->state = MKI_STATE_RUNNING;
		} else {
			parse_error(p, p->line, "unknown %s option '%s'", what,
			    k);
		}
	}
	if (pr->program == NULL)
		parse_error(p, p->line, constructor ? "constructor needs "
		    "'server PROGRAM'" : "process needs 'program PROGRAM'");
	if (constructor && pr->image == NULL)
		parse_error(p, p->line, "constructor needs 'program PROGRAM' "
		    "(the program it builds)");
}

static void
stmt_cappage(struct parser *p, struct lex_line *l)
{
	struct mki_desc *d = p->d;
	struct mki_cappage *c;
	char *name = decl_name(p, l, "cappage");

	if (name == NULL)
		return;
	c = mki_find_cappage(d, name);
	if (dup_decl(p, c, "cappage", name, c ? c->line : 0)) {
		free(name);
		return;
	}
	mki_grow(&d->cappages, &d->capcappages, d->ncappages + 1, sizeof(*c));
	c = &d->cappages[d->ncappages++];
	c->line = p->line;
	c->name = name;
	names_add(&d->cappage_names, name, d->ncappages - 1);
	p->cpage = c;
	for (int i = 2; i < l->nwords; i++) {
		if (strcmp(l->word[i], "bank") == 0)
			set_str(p, &c->bank, parse_opt_value(p, l, &i), "bank");
		else
			parse_error(p, p->line, "unknown cappage option '%s'",
			    l->word[i]);
	}
}

static void
statement(struct parser *p, struct lex_line *l)
{
	const char *k = l->word[0];

	if (l->indented) {
		parse_sub_statement(p, l);
		return;
	}
	p->proc = NULL;
	p->cpage = NULL;
	if (strcmp(k, "cmdline") == 0)
		stmt_cmdline(p, l);
	else if (strcmp(k, "checkpoint") == 0)
		stmt_checkpoint(p, l);
	else if (strcmp(k, "store") == 0)
		stmt_store(p, l);
	else if (strcmp(k, "bankserver") == 0)
		stmt_bankserver(p, l);
	else if (strcmp(k, "bank") == 0)
		stmt_bank(p, l);
	else if (strcmp(k, "program") == 0)
		stmt_program(p, l);
	else if (strcmp(k, "segment") == 0)
		stmt_segment(p, l);
	else if (strcmp(k, "endpoint") == 0)
		stmt_endpoint(p, l);
	else if (strcmp(k, "process") == 0)
		stmt_process(p, l, 0);
	else if (strcmp(k, "constructor") == 0)
		stmt_process(p, l, 1);
	else if (strcmp(k, "cappage") == 0)
		stmt_cappage(p, l);
	else
		parse_error(p, p->line, "unknown statement '%s'", k);
}

struct mki_desc *
mki_parse(const char *file, const char *text, size_t len)
{
	struct parser p = { 0 };
	struct lex_line *l;
	size_t pos = 0;

	if (len > MKI_MAX_FILE) {
		fprintf(stderr, "%s: %zu bytes, more than a description may "
		    "have (%llu)\n", file, len,
		    (unsigned long long)MKI_MAX_FILE);
		return NULL;
	}
	l = mki_alloc(sizeof(*l));

	p.d = mki_alloc(sizeof(*p.d));
	p.d->file = mki_strdup(file);
	p.d->store_size = MKI_DEFAULT_STORE;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl != NULL ? (size_t)(nl - text) : len;
		const char *msg;

		p.line++;
		if (memchr(text + pos, 0, end - pos) != NULL)
			parse_error(&p, p.line, "NUL byte in line");
		else if ((msg = lex_split(text + pos, end - pos, l)) != NULL)
			parse_error(&p, p.line, "%s", msg);
		else if (l->nwords > 0)
			statement(&p, l);
		pos = end + 1;
	}
	free(l);
	if (p.errors == 0)
		checkpoint_to_cmdline(&p);
	if (p.errors == 0)
		resolve_desc(&p);
	if (p.errors > PARSE_MAX_ERRORS)
		fprintf(stderr, "%s: %d more errors not shown\n", file,
		    p.errors - PARSE_MAX_ERRORS);
	if (p.errors > 0) {
		mki_desc_free(p.d);
		return NULL;
	}
	return p.d;
}
