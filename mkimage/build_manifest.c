/*
 * build_manifest.c - records what a build knows by name (programs and
 * their symbols, banks, processes, endpoints, segments, cap pages) in
 * the manifest that the store carries (docs/store-format.md).
 */
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "elf.h"
#include "util.h"

/* Record names, programs and symbols in the manifest. */
void
build_manifest(struct build *b)
{
	const struct mki_desc *d = b->d;
	struct manifest *m = &b->mf;

	m->source = mki_strdup(d->file);
	m->cmdline = mki_strdup(d->cmdline ? d->cmdline : "");
	for (size_t i = 0; i < d->nprograms; i++) {
		const struct bprog *p = &b->progs[i];
		struct mf_program *mp;

		mki_grow(&m->programs, &m->capprograms, m->nprograms + 1,
		    sizeof(*mp));
		mp = &m->programs[m->nprograms++];
		mp->name = mki_strdup(p->decl->name);
		mp->path = mki_strdup(p->decl->path);
		mp->base = p->elf->base;
		mp->lo = p->lo;
		mp->hi = p->hi;
		mp->entry = p->elf->entry;
		for (size_t s = 0; s < p->elf->nsyms; s++) {
			const struct elf_symbol *es = &p->elf->syms[s];
			struct mf_symbol *ms;

			if (!build_symbol_wanted(es))
				continue;
			mki_grow(&m->symbols, &m->capsymbols, m->nsymbols + 1,
			    sizeof(*ms));
			ms = &m->symbols[m->nsymbols++];
			ms->program = (uint32_t)i;
			ms->type = es->type;
			ms->value = es->value;
			ms->size = es->size;
			ms->name = mki_strdup(es->name);
		}
	}
	for (size_t i = 0; i < d->nbanks; i++) {
		const struct mki_bank *bk = &d->banks[i];
		struct mf_bank *mb;

		mki_grow(&m->banks, &m->capbanks, m->nbanks + 1, sizeof(*mb));
		mb = &m->banks[m->nbanks++];
		mb->id = bk->id;
		mb->parent = bk->parent ? build_bank(b, bk->parent) : 0;
		mb->name = mki_strdup(bk->name);
	}
	for (size_t i = 0; i < d->nprocesses; i++) {
		const struct mki_process *pd = &d->processes[i];
		struct mf_named *n;

		mki_grow(&m->processes, &m->capprocesses, m->nprocesses + 1,
		    sizeof(*n));
		n = &m->processes[m->nprocesses++];
		n->oid = b->proc_oid[i];
		n->name = mki_strdup(pd->name);
		n->program = (uint32_t)(mki_find_program(d, pd->program) -
		    d->programs);
		n->image = pd->image ? (uint32_t)(mki_find_program(d,
		    pd->image) - d->programs) : MF_NONE;
		n->lo = build_stack_top(i) - pd->stack_size;
		n->hi = build_stack_top(i);
		if (b->ctor_ep[i] != 0) {
			mki_grow(&m->endpoints, &m->capendpoints,
			    m->nendpoints + 1, sizeof(*n));
			n = &m->endpoints[m->nendpoints++];
			n->oid = b->ctor_ep[i];
			n->name = mki_printf("%s.entry", pd->name);
			n->program = n->image = MF_NONE;
		}
	}
	for (size_t i = 0; i < d->nendpoints; i++) {
		struct mf_named *n;

		mki_grow(&m->endpoints, &m->capendpoints, m->nendpoints + 1,
		    sizeof(*n));
		n = &m->endpoints[m->nendpoints++];
		n->oid = b->ep_oid[i];
		n->name = mki_strdup(d->endpoints[i].name);
		n->program = n->image = MF_NONE;
	}
	for (size_t i = 0; i < d->nsegments; i++) {
		struct mf_named *n;

		mki_grow(&m->segments, &m->capsegments, m->nsegments + 1,
		    sizeof(*n));
		n = &m->segments[m->nsegments++];
		n->name = mki_strdup(d->segments[i].name);
		n->lo = d->segments[i].addr;
		n->hi = d->segments[i].addr + d->segments[i].size;
		n->flags = d->segments[i].flags;
		n->program = n->image = MF_NONE;
	}
	for (size_t i = 0; i < d->ncappages; i++) {
		struct mf_named *n;

		mki_grow(&m->cappages, &m->capcappages, m->ncappages + 1,
		    sizeof(*n));
		n = &m->cappages[m->ncappages++];
		n->oid = b->cpage_oid[i];
		n->name = mki_strdup(d->cappages[i].name);
		n->program = n->image = MF_NONE;
	}
	mf_index(m);
	mf_encode(m, &b->os.manifest, &b->os.manifest_len);
}

