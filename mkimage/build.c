/*
 * build.c - from a parsed description to objects: processes with their
 * address spaces, constructors with their program images, endpoints, cap
 * pages and shared segments, then every capability register and slot.
 *
 * OIDs are handed out in a fixed order (processes, endpoints, cap pages,
 * then pages and GPTs as spaces are built), so the same .mki and the
 * same programs always give the same image.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addrmap.h"
#include "build.h"
#include "elf.h"
#include "tree.h"
#include "util.h"

void
build_error(struct build *b, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%d: ", b->d->file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	b->errors++;
}

uint32_t
build_bank(const struct build *b, const char *name)
{
	const struct mki_bank *bk;

	if (name == NULL)
		return b->d->nbanks > 0 ? 1 : 0;
	bk = mki_find_bank(b->d, name);
	return bk != NULL ? bk->id : 0;
}

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

struct maplist {
	struct tree_map	*m;
	size_t		n, cap;
};

static void
add_map(struct maplist *ml, uint64_t va, struct cap c)
{
	mki_grow(&ml->m, &ml->cap, ml->n + 1, sizeof(*ml->m));
	ml->m[ml->n].va = va;
	ml->m[ml->n].cap = c;
	ml->n++;
}

static int
cmp_map(const void *a, const void *b)
{
	const struct tree_map *x = a, *y = b;

	return x->va < y->va ? -1 : x->va > y->va;
}

static uint8_t *
copy_page(const uint8_t *data)
{
	uint8_t *p;

	if (data == NULL)
		return NULL;
	p = mki_alloc(PAGE_SIZE);
	memcpy(p, data, PAGE_SIZE);
	return p;
}

/* The shared read-only page object for program page pg. */
static oid_t
shared_page(struct build *b, struct bprog_page *pg, uint32_t bank)
{
	if (pg->shared == 0)
		pg->shared = os_new_page(&b->os, bank, copy_page(pg->data));
	return pg->shared;
}

/* Map program p's pages into ml: private copies of writable pages. */
static void
map_program(struct build *b, struct bprog *p, struct maplist *ml,
    uint32_t bank, int skip_bss)
{
	for (size_t i = 0; i < p->npages; i++) {
		struct bprog_page *pg = &p->pages[i];
		uint8_t r = seg_restr(pg->flags);
		oid_t oid;

		if (pg->bss && skip_bss)
			continue;
		if (!(pg->flags & ELF_SEG_W))
			oid = shared_page(b, pg, bank);
		else
			oid = os_new_page(&b->os, bank, copy_page(pg->data));
		add_map(ml, pg->va, os_cap(&b->os, CT_PAGE, oid, r, 0));
	}
}

/* The pristine, read-only image of program p (constructors). */
static struct cap
program_image(struct build *b, struct bprog *p, uint32_t bank)
{
	struct maplist ml = { 0 };

	if (p->image_built)
		return p->image;
	for (size_t i = 0; i < p->npages; i++) {
		struct bprog_page *pg = &p->pages[i];
		oid_t oid;

		if (pg->bss)
			continue;	/* the zero-space keeper supplies it */
		if (!(pg->flags & ELF_SEG_W))
			oid = shared_page(b, pg, bank);
		else {
			if (pg->pristine == 0)
				pg->pristine = os_new_page(&b->os, bank,
				    copy_page(pg->data));
			oid = pg->pristine;
		}
		add_map(&ml, pg->va, os_cap(&b->os, CT_PAGE, oid,
		    seg_restr(pg->flags) | CAP_R_RO, 0));
	}
	p->image = tree_build(&b->os, bank, ml.m, ml.n, NULL);
	p->image.restr |= CAP_R_WEAK | CAP_R_RO;
	p->image_built = 1;
	free(ml.m);
	return p->image;
}

/* Create the page objects of every shared segment. */
static int
make_segments(struct build *b)
{
	const struct mki_desc *d = b->d;

	b->seg_pages = mki_alloc((d->nsegments + 1) * sizeof(oid_t *));
	b->seg_cap = mki_alloc((d->nsegments + 1) * sizeof(struct cap));
	for (size_t i = 0; i < d->nsegments; i++) {
		const struct mki_segment *s = &d->segments[i];
		uint64_t npages = s->size / PAGE_SIZE;
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
		if (s->file != NULL) {
			char *path = s->file[0] == '/' ? mki_strdup(s->file) :
			    mki_printf("%s/%s", b->root, s->file);

			if (mki_read_file(path, &file, &flen, err,
			    sizeof(err)) != 0) {
				build_error(b, s->line, "segment '%s': %s",
				    s->name, err);
				free(path);
				continue;
			}
			free(path);
			if (flen > s->size) {
				build_error(b, s->line, "segment '%s': file "
				    "of %zu bytes is larger than the segment",
				    s->name, flen);
				free(file);
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
			b->seg_pages[i][p] = os_new_page(&b->os,
			    build_bank(b, s->bank), data);
		}
		free(file);
	}
	return b->errors ? -1 : 0;
}

static void
map_segment(struct build *b, size_t si, struct maplist *ml, uint32_t extra)
{
	const struct mki_segment *s = &b->d->segments[si];
	uint32_t f = s->flags | extra;
	uint8_t r = (f & MKI_SEG_RO ? CAP_R_RO : 0) |
	    (f & MKI_SEG_NX ? CAP_R_NX : 0);

	for (uint64_t p = 0; p < s->size / PAGE_SIZE; p++)
		add_map(ml, s->addr + p * PAGE_SIZE, os_cap(&b->os, CT_PAGE,
		    b->seg_pages[si][p], r, 0));
}

/* A space holding only segment si, for "cap N segment S". */
static struct cap
segment_cap(struct build *b, size_t si)
{
	struct maplist ml = { 0 };

	if (b->seg_cap[si].type == CT_NULL) {
		map_segment(b, si, &ml, 0);
		b->seg_cap[si] = tree_build(&b->os,
		    build_bank(b, b->d->segments[si].bank), ml.m, ml.n, NULL);
		free(ml.m);
	}
	return b->seg_cap[si];
}

uint64_t
build_stack_top(size_t k)
{
	return AM_STACK_BASE + (uint64_t)(k + 1) * AM_STACK_SLOT;
}

/* Build process k's address space and initial registers. */
static void
make_space(struct build *b, size_t k)
{
	const struct mki_process *pd = &b->d->processes[k];
	struct bprog *p = &b->progs[mki_find_program(b->d, pd->program) -
	    b->d->programs];
	uint32_t bank = build_bank(b, pd->bank);
	struct maplist ml = { 0 };
	struct cap keeper, *kp = NULL;
	struct obj_process *op;
	uint64_t top = build_stack_top(k);

	if (pd->keeper != NULL) {
		keeper = os_cap(&b->os, CT_ENTRY, b->ep_oid[
		    mki_find_endpoint(b->d, pd->keeper) - b->d->endpoints],
		    0, 0);
		kp = &keeper;
	}
	map_program(b, p, &ml, bank, kp != NULL);
	if (kp == NULL)
		for (uint64_t va = top - pd->stack_size; va < top;
		    va += PAGE_SIZE)
			add_map(&ml, va, os_cap(&b->os, CT_PAGE,
			    os_new_page(&b->os, bank, NULL), CAP_R_NX, 0));
	for (size_t m = 0; m < pd->nmaps; m++)
		map_segment(b, (size_t)(mki_find_segment(b->d,
		    pd->maps[m].segment) - b->d->segments), &ml,
		    pd->maps[m].flags);
	qsort(ml.m, ml.n, sizeof(*ml.m), cmp_map);
	for (size_t i = 1; i < ml.n; i++)
		if (ml.m[i].va == ml.m[i - 1].va) {
			build_error(b, pd->line, "process '%s': two mappings "
			    "at 0x%llx", pd->name,
			    (unsigned long long)ml.m[i].va);
			free(ml.m);
			return;
		}
	b->space[k] = tree_build(&b->os, bank, ml.m, ml.n, kp);
	free(ml.m);
	op = os_proc(&b->os, b->proc_oid[k]);
	op->space = b->space[k];
	op->regs.rip = p->elf->entry;
	op->regs.rsp = top;
	op->run_state = pd->state == MKI_STATE_RUNNING ? PS_RUNNING :
	    PS_STOPPED;
	if (pd->image != NULL) {
		struct bprog *ip = &b->progs[mki_find_program(b->d, pd->image) -
		    b->d->programs];
		struct cap img = program_image(b, ip, bank);

		op = os_proc(&b->os, b->proc_oid[k]);
		op->regs.rdi = ip->elf->entry;
		op->regs.rsi = ip->lo;
		op->regs.rdx = ip->hi;
		op->cap_reg[1] = img;
	}
	for (size_t r = 0; r < pd->nregs; r++) {
		uint64_t *regs = (uint64_t *)&op->regs;

		regs[pd->regs[r].index] = pd->regs[r].value;
	}
	if (!(op->regs.rflags & RFLAGS_IF) || (op->regs.rflags & RFLAGS_IOPL) ||
	    !(op->regs.rflags & 0x2))
		build_error(b, pd->line, "process '%s': rflags %#llx must keep "
		    "IF and bit 1 set and IOPL 0", pd->name,
		    (unsigned long long)op->regs.rflags);
}

/* The cap a "cap N ..." line names. Everything it refers to exists. */
static struct cap
make_cap(struct build *b, const struct mki_capspec *c)
{
	const struct mki_desc *d = b->d;
	struct cap r = { 0 };
	size_t i;

	switch (c->kind) {
	case MKI_CK_NULL:
		return r;
	case MKI_CK_KERNLOG:
	case MKI_CK_RANGE:
	case MKI_CK_CKPT:
	case MKI_CK_DISCRIM:
	case MKI_CK_SLEEP:
		r.type = c->kind == MKI_CK_KERNLOG ? CT_KERNLOG :
		    c->kind == MKI_CK_RANGE ? CT_RANGE :
		    c->kind == MKI_CK_CKPT ? CT_CKPT :
		    c->kind == MKI_CK_DISCRIM ? CT_DISCRIM : CT_SLEEP;
		r.restr = c->restr;
		return r;
	case MKI_CK_ENDPOINT:
	case MKI_CK_ENTRY:
		i = (size_t)(mki_find_endpoint(d, c->target) - d->endpoints);
		return os_cap(&b->os, c->kind == MKI_CK_ENTRY ? CT_ENTRY :
		    CT_ENDPOINT, b->ep_oid[i], c->restr, c->payload);
	case MKI_CK_PROCESS:
	case MKI_CK_RESTART:
		i = (size_t)(mki_find_process(d, c->target) - d->processes);
		return os_cap(&b->os, c->kind == MKI_CK_PROCESS ? CT_PROCESS :
		    CT_RESTART, b->proc_oid[i], c->restr, 0);
	case MKI_CK_SPACE:
		i = (size_t)(mki_find_process(d, c->target) - d->processes);
		r = b->space[i];
		break;
	case MKI_CK_SEGMENT:
		i = (size_t)(mki_find_segment(d, c->target) - d->segments);
		r = segment_cap(b, i);
		break;
	case MKI_CK_IMAGE: {
		const struct mki_process *pd = mki_find_process(d, c->target);

		r = program_image(b, &b->progs[mki_find_program(d, pd->image) -
		    d->programs], build_bank(b, pd->bank));
		break;
	}
	case MKI_CK_CAPPAGE:
		i = (size_t)(mki_find_cappage(d, c->target) - d->cappages);
		return os_cap(&b->os, CT_CAPPAGE, b->cpage_oid[i], c->restr, 0);
	case MKI_CK_BANK:
		i = (size_t)(mki_find_endpoint(d, d->bankserver) -
		    d->endpoints);
		return os_cap(&b->os, CT_ENTRY, b->ep_oid[i], c->restr,
		    (uint16_t)mki_find_bank(d, c->target)->id);
	case MKI_CK_CONSTRUCTOR:
		i = (size_t)(mki_find_process(d, c->target) - d->processes);
		return os_cap(&b->os, CT_ENTRY, b->ctor_ep[i], c->restr, 0);
	default:
		return r;
	}
	if (r.type == CT_NULL && c->restr != 0) {
		build_error(b, c->line, "'%s %s' is empty: nothing to restrict",
		    c->kind == MKI_CK_SPACE ? "space" : "segment", c->target);
		return r;
	}
	r.restr |= c->restr;
	return r;
}

static void
make_objects(struct build *b)
{
	const struct mki_desc *d = b->d;
	size_t np = d->nprocesses;

	b->proc_oid = mki_alloc((np + 1) * sizeof(oid_t));
	b->ctor_ep = mki_alloc((np + 1) * sizeof(oid_t));
	b->space = mki_alloc((np + 1) * sizeof(struct cap));
	b->ep_oid = mki_alloc((d->nendpoints + 1) * sizeof(oid_t));
	b->cpage_oid = mki_alloc((d->ncappages + 1) * sizeof(oid_t));
	for (size_t i = 0; i < np; i++)
		b->proc_oid[i] = os_new_proc(&b->os,
		    build_bank(b, d->processes[i].bank));
	for (size_t i = 0; i < d->nendpoints; i++) {
		struct obj_endpoint *e;

		b->ep_oid[i] = os_new_ep(&b->os,
		    build_bank(b, d->endpoints[i].bank));
		e = os_ep(&b->os, b->ep_oid[i]);
		if (d->endpoints[i].has_match) {
			e->flags |= EP_F_PAYLOAD_MATCH;
			e->match_payload = d->endpoints[i].match;
		}
	}
	for (size_t i = 0; i < np; i++)
		if (d->processes[i].image != NULL)
			b->ctor_ep[i] = os_new_ep(&b->os,
			    build_bank(b, d->processes[i].bank));
	for (size_t i = 0; i < d->ncappages; i++)
		b->cpage_oid[i] = os_new_cpage(&b->os,
		    build_bank(b, d->cappages[i].bank),
		    mki_alloc(PAGE_SIZE));
}

static void
fill_caps(struct build *b)
{
	const struct mki_desc *d = b->d;

	for (size_t i = 0; i < d->nendpoints; i++)
		if (d->endpoints[i].recipient != NULL) {
			size_t k = (size_t)(mki_find_process(d,
			    d->endpoints[i].recipient) - d->processes);

			os_ep(&b->os, b->ep_oid[i])->recipient = os_cap(&b->os,
			    CT_PROCESS, b->proc_oid[k], 0, 0);
		}
	for (size_t i = 0; i < d->nprocesses; i++) {
		const struct mki_process *pd = &d->processes[i];

		if (b->ctor_ep[i] != 0)
			os_ep(&b->os, b->ctor_ep[i])->recipient = os_cap(&b->os,
			    CT_PROCESS, b->proc_oid[i], 0, 0);
		if (pd->handler != NULL)
			os_proc(&b->os, b->proc_oid[i])->handler = os_cap(
			    &b->os, CT_ENTRY, b->ep_oid[mki_find_endpoint(d,
			    pd->handler) - d->endpoints], 0, 0);
		for (size_t c = 0; c < pd->ncaps; c++) {
			struct cap cp = make_cap(b, &pd->caps[c]);

			os_proc(&b->os, b->proc_oid[i])->cap_reg[
			    pd->caps[c].slot] = cp;
		}
	}
	for (size_t i = 0; i < d->ncappages; i++)
		for (size_t c = 0; c < d->cappages[i].ncaps; c++) {
			struct cap cp = make_cap(b, &d->cappages[i].caps[c]);
			struct cappage *pg = (struct cappage *)
			    os_cpage(&b->os, b->cpage_oid[i])->data;

			pg->slot[d->cappages[i].caps[c].slot] = cp;
		}
	for (size_t i = 0; i < d->nprocesses; i++)
		if (os_proc(&b->os, b->proc_oid[i])->run_state == PS_RUNNING) {
			mki_grow(&b->os.runlist, &b->os.caprun_,
			    b->os.nrun + 1, sizeof(oid_t));
			b->os.runlist[b->os.nrun++] = b->proc_oid[i];
		}
}

int
build_image(struct build *b, const struct mki_desc *d, const char *root)
{
	memset(b, 0, sizeof(*b));
	b->d = d;
	b->root = root;
	if (build_load_programs(b) != 0)
		return -1;
	make_objects(b);
	if (make_segments(b) != 0)
		return -1;
	for (size_t i = 0; i < d->nprocesses; i++)
		make_space(b, i);
	if (b->errors)
		return -1;
	fill_caps(b);
	if (b->errors)
		return -1;
	build_manifest(b);
	return 0;
}

void
build_free(struct build *b)
{
	const struct mki_desc *d = b->d;

	if (d == NULL)
		return;
	if (b->progs != NULL)
		for (size_t i = 0; i < d->nprograms; i++) {
			for (size_t p = 0; p < b->progs[i].npages; p++)
				free(b->progs[i].pages[p].data);
			free(b->progs[i].pages);
			elf_free(b->progs[i].elf);
		}
	if (b->seg_pages != NULL)
		for (size_t i = 0; i < d->nsegments; i++)
			free(b->seg_pages[i]);
	free(b->seg_pages);
	free(b->seg_cap);
	free(b->progs);
	free(b->proc_oid);
	free(b->ctor_ep);
	free(b->space);
	free(b->ep_oid);
	free(b->cpage_oid);
	os_free(&b->os);
	mf_free(&b->mf);
	memset(b, 0, sizeof(*b));
}
