/*
 * resolve.c - the second pass over a parsed .mki: every name refers to a
 * declaration of the right kind, banks form a tree, segment addresses are
 * sane. Also the lookups and the destructor of struct mki_desc.
 */
#include <stdlib.h>
#include <string.h>

#include <abi/types.h>

#include "parse.h"
#include "util.h"

/* The element of arr that index x maps name to, or NULL. */
#define FIND(arr, x, name)						\
	do {								\
		size_t pos_ = names_find(&(x), (name));			\
		return pos_ == NAMES_NONE ? NULL : &(arr)[pos_];	\
	} while (0)

struct mki_bank *
mki_find_bank(const struct mki_desc *d, const char *name)
{
	FIND(d->banks, d->bank_names, name);
}

struct mki_program *
mki_find_program(const struct mki_desc *d, const char *name)
{
	FIND(d->programs, d->program_names, name);
}

struct mki_segment *
mki_find_segment(const struct mki_desc *d, const char *name)
{
	FIND(d->segments, d->segment_names, name);
}

struct mki_endpoint *
mki_find_endpoint(const struct mki_desc *d, const char *name)
{
	FIND(d->endpoints, d->endpoint_names, name);
}

struct mki_process *
mki_find_process(const struct mki_desc *d, const char *name)
{
	FIND(d->processes, d->process_names, name);
}

struct mki_cappage *
mki_find_cappage(const struct mki_desc *d, const char *name)
{
	FIND(d->cappages, d->cappage_names, name);
}

static void
need_bank(struct parser *p, int line, const char *name)
{
	if (name != NULL && mki_find_bank(p->d, name) == NULL)
		parse_error(p, line, "no bank named '%s'", name);
}

static void
need_endpoint(struct parser *p, int line, const char *name, const char *role)
{
	if (name != NULL && mki_find_endpoint(p->d, name) == NULL)
		parse_error(p, line, "%s '%s' is not a declared endpoint", role,
		    name);
}

static void
resolve_caps(struct parser *p, const struct mki_capspec *caps, size_t n)
{
	const struct mki_desc *d = p->d;

	for (size_t i = 0; i < n; i++) {
		const struct mki_capspec *c = &caps[i];
		const char *t = c->target;
		int ok = 1;

		switch (c->kind) {
		case MKI_CK_ENDPOINT:
		case MKI_CK_ENTRY:
			ok = mki_find_endpoint(d, t) != NULL;
			break;
		case MKI_CK_PROCESS:
		case MKI_CK_RESTART:
		case MKI_CK_SPACE:
			ok = mki_find_process(d, t) != NULL;
			break;
		case MKI_CK_SEGMENT:
			ok = mki_find_segment(d, t) != NULL;
			break;
		case MKI_CK_IMAGE:
		case MKI_CK_CONSTRUCTOR:
			ok = mki_find_process(d, t) != NULL &&
			    mki_find_process(d, t)->image != NULL;
			break;
		case MKI_CK_CAPPAGE:
			ok = mki_find_cappage(d, t) != NULL;
			break;
		case MKI_CK_SYMBOLS:
			ok = mki_find_program(d, t) != NULL;
			break;
		case MKI_CK_BANK:
			ok = mki_find_bank(d, t) != NULL;
			if (ok && d->bankserver == NULL) {
				parse_error(p, c->line, "cap names bank '%s' "
				    "but no 'bankserver' endpoint is declared",
				    t);
				continue;
			}
			if (ok && mki_find_bank(d, t)->id > MKI_MAX_BANK_CAP) {
				parse_error(p, c->line, "bank '%s' has id %u: "
				    "a bank cap's payload holds ids up to %u",
				    t, mki_find_bank(d, t)->id,
				    MKI_MAX_BANK_CAP);
				continue;
			}
			break;
		default:
			break;
		}
		if (!ok)
			parse_error(p, c->line, "no %s named '%s'",
			    c->kind == MKI_CK_IMAGE ||
			    c->kind == MKI_CK_CONSTRUCTOR ? "constructor" :
			    c->kind == MKI_CK_ENTRY ? "endpoint" :
			    c->kind == MKI_CK_RESTART ||
			    c->kind == MKI_CK_SPACE ? "process" :
			    c->kind == MKI_CK_BANK ? "bank" :
			    c->kind == MKI_CK_SEGMENT ? "segment" :
			    c->kind == MKI_CK_CAPPAGE ? "cappage" :
			    c->kind == MKI_CK_SYMBOLS ? "program" :
			    c->kind == MKI_CK_ENDPOINT ? "endpoint" : "process",
			    t);
	}
}

struct seg_span {
	uint64_t	addr, end;
	size_t		i;		/* declaration order */
};

static int
cmp_span(const void *a, const void *b)
{
	const struct seg_span *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/*
 * Overlapping segments, found by sorting on address: a segment overlaps
 * an earlier one exactly when it starts below the highest end seen so
 * far. Each overlap is reported once, at the later-declared segment's
 * line, in line order.
 */
static void
check_overlaps(struct parser *p, struct seg_span *sp, size_t n)
{
	const struct mki_desc *d = p->d;
	size_t *other = mki_alloc((d->nsegments + 1) * sizeof(*other));
	size_t top = 0;

	for (size_t i = 0; i < d->nsegments; i++)
		other[i] = NAMES_NONE;
	qsort(sp, n, sizeof(*sp), cmp_span);
	for (size_t k = 1; k < n; k++) {
		if (sp[k].addr < sp[top].end) {
			size_t late = sp[k].i > sp[top].i ? sp[k].i : sp[top].i;

			if (other[late] == NAMES_NONE)
				other[late] = sp[k].i + sp[top].i - late;
		}
		if (sp[k].end > sp[top].end)
			top = k;
	}
	for (size_t i = 0; i < d->nsegments; i++)
		if (other[i] != NAMES_NONE)
			parse_error(p, d->segments[i].line, "segment '%s' "
			    "overlaps segment '%s' (line %d)",
			    d->segments[i].name, d->segments[other[i]].name,
			    d->segments[other[i]].line);
	free(other);
}

static void
resolve_segments(struct parser *p)
{
	const struct mki_desc *d = p->d;
	struct seg_span *sp = mki_alloc((d->nsegments + 1) * sizeof(*sp));
	size_t n = 0;

	for (size_t i = 0; i < d->nsegments; i++) {
		const struct mki_segment *s = &d->segments[i];

		need_bank(p, s->line, s->bank);
		if (s->addr % PAGE_SIZE != 0 || s->size % PAGE_SIZE != 0 ||
		    s->size == 0)
			parse_error(p, s->line, "segment '%s': address and "
			    "size must be non-zero multiples of 4K", s->name);
		else if (s->addr >= USER_MAP_END ||
		    s->size > USER_MAP_END - s->addr)
			parse_error(p, s->line, "segment '%s' does not fit in "
			    "user space (below 0x%llx)", s->name,
			    (unsigned long long)USER_MAP_END);
		else
			sp[n++] = (struct seg_span){ s->addr, s->addr + s->size,
			    i };
	}
	check_overlaps(p, sp, n);
	free(sp);
}

void
resolve_desc(struct parser *p)
{
	const struct mki_desc *d = p->d;

	for (size_t i = 0; i < d->nbanks; i++) {
		const struct mki_bank *b = &d->banks[i];
		const struct mki_bank *par;

		if (b->parent == NULL)
			continue;
		par = mki_find_bank(d, b->parent);
		if (par == NULL)
			parse_error(p, b->line, "no bank named '%s'", b->parent);
		else if (par->id >= b->id)
			parse_error(p, b->line, "parent bank '%s' must be "
			    "declared before bank '%s'", b->parent, b->name);
	}
	need_endpoint(p, d->bankserver_line, d->bankserver, "bankserver");
	resolve_segments(p);
	for (size_t i = 0; i < d->nendpoints; i++) {
		const struct mki_endpoint *e = &d->endpoints[i];

		need_bank(p, e->line, e->bank);
		if (e->recipient != NULL &&
		    mki_find_process(d, e->recipient) == NULL)
			parse_error(p, e->line, "recipient '%s' is not a "
			    "declared process", e->recipient);
	}
	for (size_t i = 0; i < d->nprocesses; i++) {
		const struct mki_process *pr = &d->processes[i];

		if (i == MKI_MAX_PROCESSES)
			parse_error(p, pr->line, "%s '%s': no stack slot left "
			    "(at most %llu processes and constructors)",
			    pr->image ? "constructor" : "process", pr->name,
			    (unsigned long long)MKI_MAX_PROCESSES);
		need_bank(p, pr->line, pr->bank);
		need_endpoint(p, pr->line, pr->keeper, "keeper");
		need_endpoint(p, pr->line, pr->handler, "handler");
		if (mki_find_program(d, pr->program) == NULL)
			parse_error(p, pr->line, "no program named '%s'",
			    pr->program);
		if (pr->image != NULL && mki_find_program(d, pr->image) == NULL)
			parse_error(p, pr->line, "no program named '%s'",
			    pr->image);
		for (size_t m = 0; m < pr->nmaps; m++)
			if (mki_find_segment(d, pr->maps[m].segment) == NULL)
				parse_error(p, pr->maps[m].line, "no segment "
				    "named '%s'", pr->maps[m].segment);
		resolve_caps(p, pr->caps, pr->ncaps);
	}
	for (size_t i = 0; i < d->ncappages; i++) {
		need_bank(p, d->cappages[i].line, d->cappages[i].bank);
		resolve_caps(p, d->cappages[i].caps, d->cappages[i].ncaps);
	}
}

static void
free_caps(struct mki_capspec *caps, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(caps[i].target);
	free(caps);
}

void
mki_desc_free(struct mki_desc *d)
{
	if (d == NULL)
		return;
	for (size_t i = 0; i < d->nbanks; i++) {
		free(d->banks[i].name);
		free(d->banks[i].parent);
	}
	for (size_t i = 0; i < d->nprograms; i++) {
		free(d->programs[i].name);
		free(d->programs[i].path);
	}
	for (size_t i = 0; i < d->nsegments; i++) {
		free(d->segments[i].name);
		free(d->segments[i].file);
		free(d->segments[i].bank);
	}
	for (size_t i = 0; i < d->nendpoints; i++) {
		free(d->endpoints[i].name);
		free(d->endpoints[i].bank);
		free(d->endpoints[i].recipient);
	}
	for (size_t i = 0; i < d->nprocesses; i++) {
		struct mki_process *pr = &d->processes[i];

		free(pr->name);
		free(pr->program);
		free(pr->bank);
		free(pr->keeper);
		free(pr->handler);
		free(pr->image);
		free_caps(pr->caps, pr->ncaps);
		free(pr->regs);
		for (size_t m = 0; m < pr->nmaps; m++)
			free(pr->maps[m].segment);
		free(pr->maps);
		names_free(&pr->map_names);
	}
	for (size_t i = 0; i < d->ncappages; i++) {
		free(d->cappages[i].name);
		free(d->cappages[i].bank);
		free_caps(d->cappages[i].caps, d->cappages[i].ncaps);
	}
	names_free(&d->bank_names);
	names_free(&d->program_names);
	names_free(&d->segment_names);
	names_free(&d->endpoint_names);
	names_free(&d->process_names);
	names_free(&d->cappage_names);
	free(d->banks);
	free(d->programs);
	free(d->segments);
	free(d->endpoints);
	free(d->processes);
	free(d->cappages);
	free(d->cmdline);
	free(d->bankserver);
	free(d->file);
	free(d);
}
