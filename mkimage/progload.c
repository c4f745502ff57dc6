/*
 * progload.c - loads the programs a .mki names: reads each ELF, gives it
 * its place in the global address map (AM_* in addrmap.h), relocates
 * position-independent ones there, and cuts its segments into pages.
 * Fixed-address programs keep their link address and must not overlap
 * each other or leave the fixed-address region.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addrmap.h"
#include "build.h"
#include "elf.h"
#include "util.h"

static char *
resolve_path(const struct build *b, const char *path)
{
	if (path[0] == '/' || b->root == NULL)
		return mki_strdup(path);
	return mki_printf("%s/%s", b->root, path);
}

/*
 * Cut segment s into pages: those holding file bytes are appended to
 * p->pages, the rest (BSS) becomes one run in p->bss, so a program costs
 * memory in proportion to its file, not to its memsz.
 */
static void
cut_pages(struct bprog *p, const struct elf_segment *s, size_t *cap,
    size_t *capbss)
{
	uint64_t va = s->vaddr & ~(uint64_t)(PAGE_SIZE - 1);
	uint64_t end = s->vaddr + s->memsz;
	uint64_t fend = s->vaddr + s->filesz;

	for (; va < end && (va > s->vaddr ? va : s->vaddr) < fend;
	    va += PAGE_SIZE) {
		struct bprog_page *pg;
		uint64_t lo = va > s->vaddr ? va : s->vaddr;
		uint64_t hi = va + PAGE_SIZE < fend ? va + PAGE_SIZE : fend;

		mki_grow(&p->pages, cap, p->npages + 1, sizeof(*pg));
		pg = &p->pages[p->npages++];
		pg->va = va;
		pg->flags = s->flags;
		pg->data = mki_alloc(PAGE_SIZE);
		memcpy(pg->data + (lo - va), s->data + (lo - s->vaddr),
		    hi - lo);
		if (os_is_zero(pg->data)) {
			free(pg->data);
			pg->data = NULL;
		}
	}
	if (va < end) {
		struct bprog_bss *z;

		mki_grow(&p->bss, capbss, p->nbss + 1, sizeof(*z));
		z = &p->bss[p->nbss++];
		z->va = va;
		z->npages = (end - va + PAGE_SIZE - 1) / PAGE_SIZE;
		z->flags = s->flags;
	}
}

static int
place(struct build *b, struct bprog *p, unsigned *slot)
{
	const struct mki_program *pd = p->decl;
	struct elf_image *e = p->elf;
	char err[256];

	if (e->type == ELF_TYPE_DYN) {
		uint64_t base = AM_PROG_BASE + (uint64_t)*slot * AM_PROG_SLOT;

		elf_span(e, &p->lo, &p->hi);
		if (p->hi > AM_PROG_SLOT || e->max_align > AM_PROG_SLOT) {
			build_error(b, pd->line, "program '%s': span or "
			    "alignment larger than a 4 GiB program slot",
			    pd->name);
			return -1;
		}
		if (base >= AM_PROG_END) {
			build_error(b, pd->line, "program '%s': no program "
			    "slot left", pd->name);
			return -1;
		}
		if (elf_relocate(e, base, err, sizeof(err)) != 0) {
			build_error(b, pd->line, "program '%s': %s", pd->name,
			    err);
			return -1;
		}
		(*slot)++;
	}
	elf_span(e, &p->lo, &p->hi);
	if (e->type != ELF_TYPE_DYN && (p->lo < AM_NULL_END ||
	    p->hi > AM_EXEC_END)) {
		build_error(b, pd->line, "program '%s' is linked at "
		    "0x%llx..0x%llx, outside the fixed-address region "
		    "0x%llx..0x%llx (link it there or build it -pie)",
		    pd->name, (unsigned long long)p->lo,
		    (unsigned long long)p->hi, (unsigned long long)AM_NULL_END,
		    (unsigned long long)AM_EXEC_END);
		return -1;
	}
	return 0;
}

static int
cmp_lo(const void *a, const void *b)
{
	const struct bprog *x = *(const struct bprog *const *)a;
	const struct bprog *y = *(const struct bprog *const *)b;

	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return x->decl < y->decl ? -1 : x->decl > y->decl;
}

/*
 * Programs overlapping in the global address map, found by sorting on
 * address: a program overlaps an earlier one exactly when it starts
 * below the highest end seen so far. Reported at the later-declared
 * program's line.
 */
static int
check_overlaps(struct build *b)
{
	size_t n = b->d->nprograms, top = 0;
	const struct bprog **s = mki_alloc((n + 1) * sizeof(*s));
	int rc = 0;

	for (size_t i = 0; i < n; i++)
		s[i] = &b->progs[i];
	qsort(s, n, sizeof(*s), cmp_lo);
	for (size_t k = 1; k < n; k++) {
		if (s[k]->lo < s[top]->hi) {
			const struct bprog *p = s[k], *q = s[top];

			if (p->decl < q->decl) {
				p = s[top];
				q = s[k];
			}
			build_error(b, p->decl->line, "program '%s' overlaps "
			    "program '%s' (line %d) in the global address map",
			    p->decl->name, q->decl->name, q->decl->line);
			rc = -1;
		}
		if (s[k]->hi > s[top]->hi)
			top = k;
	}
	free(s);
	return rc;
}

int
build_load_programs(struct build *b)
{
	const struct mki_desc *d = b->d;
	unsigned slot = 0;
	int rc = 0;

	b->progs = mki_alloc((d->nprograms + 1) * sizeof(*b->progs));
	for (size_t i = 0; i < d->nprograms; i++) {
		struct bprog *p = &b->progs[i];
		char err[256];
		char *path;
		uint8_t *buf;
		size_t len, cap = 0, capbss = 0;

		p->decl = &d->programs[i];
		path = resolve_path(b, p->decl->path);
		if (mki_read_file(path, BUILD_MAX_PROGRAM, &buf, &len, err,
		    sizeof(err)) != 0) {
			build_error(b, p->decl->line, "program '%s': %s",
			    p->decl->name, err);
			free(path);
			rc = -1;
			continue;
		}
		if (elf_load(buf, len, &p->elf, err, sizeof(err)) != 0) {
			build_error(b, p->decl->line, "program '%s': %s: %s",
			    p->decl->name, path, err);
			free(buf);
			free(path);
			rc = -1;
			continue;
		}
		free(buf);
		free(path);
		if (place(b, p, &slot) != 0) {
			rc = -1;
			continue;
		}
		for (size_t s = 0; s < p->elf->nsegs; s++)
			cut_pages(p, &p->elf->segs[s], &cap, &capbss);
	}
	if (rc != 0)
		return rc;
	return check_overlaps(b);
}
