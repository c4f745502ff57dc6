/*
 * build_space.c - the pages and address spaces of a build: shared
 * segments, process spaces (program pages, stack, mapped segments) and
 * constructor images.
 *
 * Every step that makes pages or GPTs runs twice: a dry run of the same
 * code counts what it would make, build_room() checks that against the
 * store, and only then the real run allocates. A size in the description
 * (a huge segment, a program with a huge BSS, many processes mapping a
 * big segment) is thus refused at its line before it costs memory.
 * Page objects are made in address order within each space, so the same
 * description always gives the same OIDs.
 */
#include <stdlib.h>
#include <string.h>

#include <lib/proccheck.h>

#include "build.h"
#include "elf.h"
#include "tree.h"
#include "util.h"

/* The mappings of one space under construction; a dry one only counts. */
struct maplist {
	int		dry;
	struct tree_map	*m;
	size_t		n, cap;		/* n counts in a dry run too */
	uint64_t	new_pages;	/* page objects made, or to be made */
	uint64_t	new_data;	/* of them, copies holding data */
};

static uint8_t
seg_restr(uint32_t elf_flags)
{
	uint8_t r = 0;

	if (!(elf_flags & ELF_SEG_W))
		r |= CAP_R_RO;
	if (!(elf_flags & ELF_SEG_X))
		r |= CAP_R_NX;
	return r;
}

static void
map_page(struct build *b, struct maplist *ml, uint64_t va, oid_t oid,
    uint8_t restr)
{
	if (!ml->dry) {
		mki_grow(&ml->m, &ml->cap, ml->n + 1, sizeof(*ml->m));
		ml->m[ml->n].va = va;
		ml->m[ml->n].cap = os_cap(&b->os, CT_PAGE, oid, restr, 0);
	}
	ml->n++;
}

/* A new page object holding a copy of src (NULL: zero); 0 if dry. */
static oid_t
new_page(struct build *b, struct maplist *ml, uint32_t bank,
    const uint8_t *src)
{
	uint8_t *data = NULL;

	ml->new_pages++;
	ml->new_data += src != NULL;
	if (ml->dry)
		return 0;
	if (src != NULL) {
		data = mki_alloc(PAGE_SIZE);
		memcpy(data, src, PAGE_SIZE);
		b->data_copies++;
	}
	return os_new_page(&b->os, bank, data);
}

/* The page *oid names, made on first use (pages shared by spaces). */
static oid_t
once_page(struct build *b, struct maplist *ml, oid_t *oid, uint32_t bank,
    const uint8_t *src)
{
	oid_t o;

	if (*oid != 0)
		return *oid;
	o = new_page(b, ml, bank, src);
	if (!ml->dry)
		*oid = o;
	return o;
}

/*
 * Map program p's pages, in address order: read-only ones shared by
 * every process, writable ones copied; BSS as zero pages unless
 * skip_bss (a keeper supplies it).
 */
static void
map_program(struct build *b, struct bprog *p, struct maplist *ml,
    uint32_t bank, int skip_bss)
{
	size_t i = 0, r = 0;

	while (i < p->npages || r < p->nbss) {
		struct bprog_bss *z;

		if (r == p->nbss || (i < p->npages &&
		    p->pages[i].va < p->bss[r].va)) {
			struct bprog_page *pg = &p->pages[i++];
			oid_t oid = pg->flags & ELF_SEG_W ?
			    new_page(b, ml, bank, pg->data) :
			    once_page(b, ml, &pg->shared, bank, pg->data);

			map_page(b, ml, pg->va, oid, seg_restr(pg->flags));
			continue;
		}
		z = &p->bss[r++];
		if (skip_bss)
			continue;
		if (!(z->flags & ELF_SEG_W) && z->shared == NULL && !ml->dry)
			z->shared = mki_alloc(z->npages * sizeof(oid_t));
		for (uint64_t k = 0; k < z->npages; k++) {
			oid_t oid = z->shared == NULL ?
			    new_page(b, ml, bank, NULL) :
			    once_page(b, ml, &z->shared[k], bank, NULL);

			map_page(b, ml, z->va + k * PAGE_SIZE, oid,
			    seg_restr(z->flags));
		}
	}
}

/* The pages of program p's image: read-only, BSS left out. */
static void
map_image(struct build *b, struct bprog *p, struct maplist *ml,
    uint32_t bank)
{
	for (size_t i = 0; i < p->npages; i++) {
		struct bprog_page *pg = &p->pages[i];
		oid_t oid = once_page(b, ml, pg->flags & ELF_SEG_W ?
		    &pg->pristine : &pg->shared, bank, pg->data);

		map_page(b, ml, pg->va, oid, seg_restr(pg->flags) | CAP_R_RO);
	}
}

int
build_program_image(struct build *b, struct bprog *p, uint32_t bank,
    int line, const char *what, const char *name, struct cap *out)
{
	struct maplist dry = { .dry = 1 }, ml = { 0 };

	if (!p->image_built) {
		map_image(b, p, &dry, bank);
		if (build_room(b, line, what, name, (uint64_t[OT_MAX]){
		    [OT_PAGE] = dry.new_pages,
		    [OT_GPT] = tree_gpts_at_least(dry.n, 0) },
		    dry.new_data) != 0)
			return -1;
		map_image(b, p, &ml, bank);
		p->image = tree_build(&b->os, bank, ml.m, ml.n, NULL);
		p->image.restr |= CAP_R_WEAK | CAP_R_RO;
		p->image_built = 1;
		free(ml.m);
	}
	*out = p->image;
	return 0;
}

int
build_segments(struct build *b)
{
	const struct mki_desc *d = b->d;

	b->seg_pages = mki_alloc((d->nsegments + 1) * sizeof(oid_t *));
	b->seg_cap = mki_alloc((d->nsegments + 1) * sizeof(struct cap));
	for (size_t i = 0; i < d->nsegments; i++) {
		const struct mki_segment *s = &d->segments[i];
		uint64_t npages = s->size / PAGE_SIZE;
		uint32_t bank = build_bank(b, s->bank);
		uint8_t *file = NULL;
		size_t flen = 0;
		char err[256];

		if (s->addr < AM_SHARED_BASE || s->addr + s->size >
		    AM_SHARED_END) {
			build_error(b, s->line, "segment '%s' must lie in the "
			    "shared region 0x%llx..0x%llx", s->name,
			    (unsigned long long)AM_SHARED_BASE,
			    (unsigned long long)AM_SHARED_END);
			continue;
		}
		if (build_room(b, s->line, "segment", s->name,
		    (uint64_t[OT_MAX]){ [OT_PAGE] = npages }, 0) != 0)
			return -1;
		if (s->file != NULL) {
			char *path = s->file[0] == '/' ? mki_strdup(s->file) :
			    mki_printf("%s/%s", b->root, s->file);
			int rc = mki_read_file(path, s->size, &file, &flen,
			    err, sizeof(err));

			free(path);
			if (rc != 0) {
				build_error(b, s->line, "segment '%s': %s",
				    s->name, err);
				continue;
			}
		}
		b->seg_pages[i] = mki_alloc(npages * sizeof(oid_t));
		for (uint64_t p = 0; p < npages; p++) {
			uint8_t *data = NULL;
			uint64_t off = p * PAGE_SIZE;

			if (off < flen) {
				data = mki_alloc(PAGE_SIZE);
				memcpy(data, file + off, flen - off < PAGE_SIZE ?
				    flen - off : PAGE_SIZE);
			}
			b->seg_pages[i][p] = os_new_page(&b->os, bank, data);
		}
		free(file);
	}
	return b->errors ? -1 : 0;
}

static void
map_segment(struct build *b, size_t si, struct maplist *ml, uint32_t extra)
{
	const struct mki_segment *s = &b->d->segments[si];
	uint64_t npages = s->size / PAGE_SIZE;
	uint32_t f = s->flags | extra;
	uint8_t r = (f & MKI_SEG_RO ? CAP_R_RO : 0) |
	    (f & MKI_SEG_NX ? CAP_R_NX : 0);

	if (ml->dry) {
		ml->n += npages;
		return;
	}
	for (uint64_t p = 0; p < npages; p++)
		map_page(b, ml, s->addr + p * PAGE_SIZE, b->seg_pages[si][p],
		    r);
}

int
build_segment_cap(struct build *b, size_t si, int line, struct cap *out)
{
	const struct mki_segment *s = &b->d->segments[si];
	struct maplist ml = { 0 };

	if (b->seg_cap[si].type == CT_NULL) {
		if (build_room(b, line, "segment space", s->name,
		    (uint64_t[OT_MAX]){ [OT_GPT] = tree_gpts_at_least(
		    s->size / PAGE_SIZE, 0) }, 0) != 0)
			return -1;
		map_segment(b, si, &ml, 0);
		b->seg_cap[si] = tree_build(&b->os, build_bank(b, s->bank),
		    ml.m, ml.n, NULL);
		free(ml.m);
	}
	*out = b->seg_cap[si];
	return 0;
}

uint64_t
build_stack_top(size_t k)
{
	return AM_STACK_BASE + (uint64_t)(k + 1) * AM_STACK_SLOT;
}

static int
cmp_map(const void *a, const void *b)
{
	const struct tree_map *x = a, *y = b;

	return x->va < y->va ? -1 : x->va > y->va;
}

/* Every mapping of process k's space: program, stack, segments. */
static void
map_space(struct build *b, size_t k, struct maplist *ml, int keeper)
{
	const struct mki_process *pd = &b->d->processes[k];
	struct bprog *p = &b->progs[mki_find_program(b->d, pd->program) -
	    b->d->programs];
	uint32_t bank = build_bank(b, pd->bank);
	uint64_t top = build_stack_top(k);

	map_program(b, p, ml, bank, keeper);
	if (!keeper)
		for (uint64_t va = top - pd->stack_size; va < top;
		    va += PAGE_SIZE)
			map_page(b, ml, va, new_page(b, ml, bank, NULL),
			    CAP_R_NX);
	for (size_t m = 0; m < pd->nmaps; m++)
		map_segment(b, (size_t)(mki_find_segment(b->d,
		    pd->maps[m].segment) - b->d->segments), ml,
		    pd->maps[m].flags);
}

int
build_space(struct build *b, size_t k)
{
	const struct mki_process *pd = &b->d->processes[k];
	const char *what = pd->image != NULL ? "constructor" : "process";
	uint32_t bank = build_bank(b, pd->bank);
	struct maplist dry = { .dry = 1 }, ml = { 0 };
	struct cap keeper, *kp = NULL;
	struct obj_process *op;
	const char *why;
	unsigned bad;

	if (pd->keeper != NULL) {
		keeper = os_cap(&b->os, CT_ENTRY, b->ep_oid[
		    mki_find_endpoint(b->d, pd->keeper) - b->d->endpoints],
		    0, 0);
		kp = &keeper;
	}
	map_space(b, k, &dry, kp != NULL);
	if (build_room(b, pd->line, what, pd->name, (uint64_t[OT_MAX]){
	    [OT_PAGE] = dry.new_pages,
	    [OT_GPT] = tree_gpts_at_least(dry.n, kp != NULL) },
	    dry.new_data) != 0)
		return -1;
	map_space(b, k, &ml, kp != NULL);
	qsort(ml.m, ml.n, sizeof(*ml.m), cmp_map);
	for (size_t i = 1; i < ml.n; i++)
		if (ml.m[i].va == ml.m[i - 1].va) {
			build_error(b, pd->line, "process '%s': two mappings "
			    "at 0x%llx", pd->name,
			    (unsigned long long)ml.m[i].va);
			free(ml.m);
			return 0;
		}
	b->space[k] = tree_build(&b->os, bank, ml.m, ml.n, kp);
	free(ml.m);
	op = os_proc(&b->os, b->proc_oid[k]);
	op->space = b->space[k];
	op->regs.rip = b->progs[mki_find_program(b->d, pd->program) -
	    b->d->programs].elf->entry;
	op->regs.rsp = build_stack_top(k);
	op->run_state = pd->state == MKI_STATE_RUNNING ? PS_RUNNING :
	    PS_STOPPED;
	if (pd->image != NULL) {
		struct bprog *ip = &b->progs[mki_find_program(b->d, pd->image) -
		    b->d->programs];
		struct cap img;

		if (build_program_image(b, ip, bank, pd->line, what, pd->name,
		    &img) != 0)
			return -1;
		op = os_proc(&b->os, b->proc_oid[k]);
		op->regs.rdi = ip->elf->entry;
		op->regs.rsi = ip->lo;
		op->regs.rdx = ip->hi;
		op->cap_reg[1] = img;
		op->cap_reg[2] = os_cap(&b->os, CT_ENDPOINT, b->ctor_ep[k], 0,
		    0);
	}
	for (size_t r = 0; r < pd->nregs; r++) {
		uint64_t *regs = (uint64_t *)&op->regs;

		regs[pd->regs[r].index] = pd->regs[r].value;
	}
	/* The kernel's rules (lib/proccheck.c): refused here, not parked. */
	if ((why = proc_regs_problem(&op->regs, &bad)) != NULL)
		build_error(b, pd->line, "process '%s': %s %#llx %s", pd->name,
		    proc_reg_name(bad),
		    (unsigned long long)((uint64_t *)&op->regs)[bad], why);
	return 0;
}
