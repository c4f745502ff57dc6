/*
 * build.c - from a parsed description to objects: processes, endpoints
 * and cap pages, their spaces and segments (build_space.c), then every
 * capability register and slot.
 *
 * OIDs are handed out in a fixed order (processes, endpoints, cap pages,
 * then pages and GPTs as spaces are built), so the same .mki and the
 * same programs always give the same image. Before each step makes
 * objects, build_room() checks that they fit the store: the work and
 * memory of a build are bounded by the store (and BUILD_MAX_BLOCKS),
 * not by the numbers written in the description.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "elf.h"
#include "parse.h"
#include "util.h"

void
build_error(struct build *b, int line, const char *fmt, ...)
{
	va_list ap;

	if (b->errors++ >= PARSE_MAX_ERRORS)
		return;
	fprintf(stderr, "%s:%d: ", b->d->file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static uint64_t
div_up(uint64_t a, uint64_t b)
{
	return a / b + (a % b != 0);
}

int
build_room(struct build *b, int line, const char *what, const char *name,
    const uint64_t add[OT_MAX], uint64_t data)
{
	const uint64_t have[OT_MAX] = {
		[OT_PAGE] = b->os.npages, [OT_CAPPAGE] = b->os.ncpages,
		[OT_GPT] = b->os.ngpts, [OT_PROCESS] = b->os.nprocs,
		[OT_ENDPOINT] = b->os.neps,
	};
	uint64_t store = b->d->store_size / STORE_BLOCK_SIZE;
	uint64_t objs = b->data_copies + data, made = 0, need;

	if (b->full)
		return -1;
	for (unsigned t = 1; t < OT_MAX; t++) {
		objs += div_up(have[t] + add[t], store_leaf_slots(t));
		made += add[t];
	}
	need = objs + STORE_FIRST_DATA + div_up(store, STORE_BITS_PER_LEAF);
	if (need <= store && objs <= BUILD_MAX_BLOCKS)
		return 0;
	b->full = 1;
	if (need > store)
		build_error(b, line, "%s '%s' does not fit: with its %llu new "
		    "objects the store needs at least %llu blocks, it has "
		    "%llu (%llu MiB)", what, name, (unsigned long long)made,
		    (unsigned long long)need, (unsigned long long)store,
		    (unsigned long long)(b->d->store_size >> 20));
	else
		build_error(b, line, "%s '%s' does not fit: with its %llu new "
		    "objects the image needs at least %llu blocks, more than "
		    "mkimage builds (%llu)", what, name,
		    (unsigned long long)made, (unsigned long long)objs,
		    (unsigned long long)BUILD_MAX_BLOCKS);
	return -1;
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
	case MKI_CK_CONSOLE:
	case MKI_CK_SYSINFO:
		r.type = c->kind == MKI_CK_KERNLOG ? CT_KERNLOG :
		    c->kind == MKI_CK_RANGE ? CT_RANGE :
		    c->kind == MKI_CK_CKPT ? CT_CKPT :
		    c->kind == MKI_CK_DISCRIM ? CT_DISCRIM :
		    c->kind == MKI_CK_SLEEP ? CT_SLEEP :
		    c->kind == MKI_CK_CONSOLE ? CT_CONSOLE : CT_SYSINFO;
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
		if (build_segment_cap(b, i, c->line, &r) != 0)
			return r;
		break;
	case MKI_CK_IMAGE: {
		const struct mki_process *pd = mki_find_process(d, c->target);

		if (build_program_image(b, &b->progs[mki_find_program(d,
		    pd->image) - d->programs], build_bank(b, pd->bank),
		    c->line, "image of constructor", pd->name, &r) != 0)
			return r;
		break;
	}
	case MKI_CK_CAPPAGE:
		i = (size_t)(mki_find_cappage(d, c->target) - d->cappages);
		return os_cap(&b->os, CT_CAPPAGE, b->cpage_oid[i], c->restr, 0);
	case MKI_CK_SYMBOLS:
		if (build_symbols(b, &b->progs[mki_find_program(d, c->target) -
		    d->programs], c->line, &r) != 0)
			return r;
		break;
	case MKI_CK_BANKTABLE:
		if (build_banktable(b, c->line, &r) != 0)
			return r;
		break;
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

/* Processes, endpoints and cap pages, each after checking it fits. */
static int
make_objects(struct build *b)
{
	const struct mki_desc *d = b->d;
	size_t np = d->nprocesses;

	b->proc_oid = mki_alloc((np + 1) * sizeof(oid_t));
	b->ctor_ep = mki_alloc((np + 1) * sizeof(oid_t));
	b->space = mki_alloc((np + 1) * sizeof(struct cap));
	b->ep_oid = mki_alloc((d->nendpoints + 1) * sizeof(oid_t));
	b->cpage_oid = mki_alloc((d->ncappages + 1) * sizeof(oid_t));
	for (size_t i = 0; i < np; i++) {
		const struct mki_process *pd = &d->processes[i];

		if (build_room(b, pd->line, pd->image ? "constructor" :
		    "process", pd->name, (uint64_t[OT_MAX]){
		    [OT_PROCESS] = 1 }, 0) != 0)
			return -1;
		b->proc_oid[i] = os_new_proc(&b->os, build_bank(b, pd->bank));
	}
	for (size_t i = 0; i < d->nendpoints; i++) {
		const struct mki_endpoint *ed = &d->endpoints[i];
		struct obj_endpoint *e;

		if (build_room(b, ed->line, "endpoint", ed->name,
		    (uint64_t[OT_MAX]){ [OT_ENDPOINT] = 1 }, 0) != 0)
			return -1;
		b->ep_oid[i] = os_new_ep(&b->os, build_bank(b, ed->bank));
		e = os_ep(&b->os, b->ep_oid[i]);
		if (ed->has_match) {
			e->flags |= EP_F_PAYLOAD_MATCH;
			e->match_payload = ed->match;
		}
	}
	for (size_t i = 0; i < np; i++) {
		const struct mki_process *pd = &d->processes[i];

		if (pd->image == NULL)
			continue;
		if (build_room(b, pd->line, "constructor", pd->name,
		    (uint64_t[OT_MAX]){ [OT_ENDPOINT] = 1 }, 0) != 0)
			return -1;
		b->ctor_ep[i] = os_new_ep(&b->os, build_bank(b, pd->bank));
	}
	/* A cap page's data block is allocated by its first cap. */
	for (size_t i = 0; i < d->ncappages; i++) {
		const struct mki_cappage *cd = &d->cappages[i];

		if (build_room(b, cd->line, "cappage", cd->name,
		    (uint64_t[OT_MAX]){ [OT_CAPPAGE] = 1 }, 0) != 0)
			return -1;
		b->cpage_oid[i] = os_new_cpage(&b->os, build_bank(b, cd->bank),
		    NULL);
	}
	return 0;
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
			struct os_page *pg = os_cpage(&b->os, b->cpage_oid[i]);

			if (pg->data == NULL)
				pg->data = mki_alloc(PAGE_SIZE);
			((struct cappage *)pg->data)->slot[
			    d->cappages[i].caps[c].slot] = cp;
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
	int rc = -1;

	memset(b, 0, sizeof(*b));
	b->d = d;
	b->root = root;
	if (build_load_programs(b) != 0 || make_objects(b) != 0 ||
	    build_segments(b) != 0)
		goto out;
	for (size_t i = 0; i < d->nprocesses; i++)
		if (build_space(b, i) != 0)
			break;
	if (b->errors)
		goto out;
	fill_caps(b);
	if (b->errors)
		goto out;
	build_manifest(b);
	rc = 0;
out:
	if (b->errors > PARSE_MAX_ERRORS)
		fprintf(stderr, "%s: %d more errors not shown\n", d->file,
		    b->errors - PARSE_MAX_ERRORS);
	return rc;
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
			for (size_t z = 0; z < b->progs[i].nbss; z++)
				free(b->progs[i].bss[z].shared);
			free(b->progs[i].pages);
			free(b->progs[i].bss);
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
