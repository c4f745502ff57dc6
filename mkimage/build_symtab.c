/*
 * build_symtab.c - a program's symbol table for the running system
 * (include/abi/symtab.h): read-only pages mapped from address 0 of a
 * space of their own, made the first time a `cap N symbols PROGRAM`
 * asks for it and shared by every cap to it, charged to the default
 * bank. It lists the symbols the manifest lists (build_symbol_wanted),
 * at their final addresses, sorted by address.
 */
#include <stdlib.h>
#include <string.h>

#include <abi/symtab.h>

#include "build.h"
#include "elf.h"
#include "tree.h"
#include "util.h"

int
build_symbol_wanted(const struct elf_symbol *s)
{
	return s->shndx != ELF_SHN_UNDEF && s->name[0] != 0 &&
	    (s->type == ELF_STT_FUNC || s->type == ELF_STT_OBJECT ||
	    s->type == ELF_STT_NOTYPE);
}

static int
cmp_sym(const void *a, const void *b)
{
	const struct elf_symbol *x = *(const struct elf_symbol *const *)a;
	const struct elf_symbol *y = *(const struct elf_symbol *const *)b;

	if (x->value != y->value)
		return x->value < y->value ? -1 : 1;
	return strcmp(x->name, y->name);
}

/*
 * Lay out p's table in a zeroed buffer of whole pages; *len is its size
 * in bytes. NULL (nothing allocated) if it would not fit the 32-bit
 * offsets of the format.
 */
static uint8_t *
layout(const struct bprog *p, uint64_t *len)
{
	const struct elf_image *e = p->elf;
	const struct elf_symbol **v = mki_alloc((e->nsyms + 1) * sizeof(*v));
	struct symtab_hdr h = { .magic = SYMTAB_MAGIC, .base = e->base,
	    .lo = p->lo, .hi = p->hi };
	uint64_t names = 0, at = 0;
	struct symtab_ent ent;
	uint8_t *buf;
	size_t n = 0;

	for (size_t i = 0; i < e->nsyms; i++)
		if (build_symbol_wanted(&e->syms[i])) {
			v[n++] = &e->syms[i];
			names += strlen(e->syms[i].name) + 1;
		}
	qsort(v, n, sizeof(*v), cmp_sym);
	h.names = (uint32_t)(sizeof(h) + n * sizeof(ent));
	h.size = h.names + names;
	if (h.size > UINT32_MAX) {
		free(v);
		return NULL;
	}
	h.nsyms = (uint32_t)n;
	h.names_size = (uint32_t)names;
	*len = h.size;
	buf = mki_alloc((size_t)((h.size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1)));
	memcpy(buf, &h, sizeof(h));
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(v[i]->name) + 1;

		memset(&ent, 0, sizeof(ent));
		ent.addr = v[i]->value;
		ent.size = v[i]->size > UINT32_MAX ? UINT32_MAX :
		    (uint32_t)v[i]->size;
		ent.name = (uint32_t)at;
		ent.type = v[i]->type;
		memcpy(buf + sizeof(h) + i * sizeof(ent), &ent, sizeof(ent));
		memcpy(buf + h.names + at, v[i]->name, l);
		at += l;
	}
	free(v);
	return buf;
}

int
build_symbols(struct build *b, struct bprog *p, int line, struct cap *out)
{
	uint32_t bank = build_bank(b, NULL);
	struct tree_map *maps;
	uint64_t len = 0, npages;
	uint8_t *buf, *data;

	if (p->symtab.type != CT_NULL) {
		*out = p->symtab;
		return 0;
	}
	if ((buf = layout(p, &len)) == NULL) {
		build_error(b, line, "program '%s': its symbol table is over "
		    "4 GiB", p->decl->name);
		return -1;
	}
	npages = (len + PAGE_SIZE - 1) / PAGE_SIZE;
	if (build_room(b, line, "symbol table of", p->decl->name,
	    (uint64_t[OT_MAX]){ [OT_PAGE] = npages,
	    [OT_GPT] = tree_gpts_at_least(npages, 0) }, npages) != 0) {
		free(buf);
		return -1;
	}
	maps = mki_alloc(npages * sizeof(*maps));
	for (uint64_t i = 0; i < npages; i++) {
		data = mki_alloc(PAGE_SIZE);
		memcpy(data, buf + i * PAGE_SIZE, PAGE_SIZE);
		b->data_copies++;
		maps[i].va = i * PAGE_SIZE;
		maps[i].cap = os_cap(&b->os, CT_PAGE, os_new_page(&b->os, bank,
		    data), CAP_R_RO | CAP_R_NX, 0);
	}
	p->symtab = tree_build(&b->os, bank, maps, npages, NULL);
	p->symtab.restr |= CAP_R_WEAK | CAP_R_RO | CAP_R_NX;
	free(maps);
	free(buf);
	*out = p->symtab;
	return 0;
}
