/*
 * space.c - enumerating the pages of a GPT tree in address order. Trees
 * come from untrusted images: depth and the number of nodes visited are
 * bounded, guards are checked before they are applied.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "space.h"
#include "util.h"

struct walk {
	struct objset	*os;
	void		(*fn)(void *, uint64_t, const struct cap *, uint8_t);
	void		*ctx;
	uint64_t	*budget;
	int		truncated;
};

static void
walk_cap(struct walk *w, const struct cap *c, uint64_t base, unsigned span,
    uint8_t restr, int depth)
{
	unsigned l2g = CAP_GUARD_L2G(c), match = CAP_GUARD_MATCH(c);
	struct obj_gpt *g;

	if (c->type != CT_PAGE && c->type != CT_GPT)
		return;
	if (*w->budget == 0 || depth > 16) {
		w->truncated = 1;
		return;
	}
	(*w->budget)--;
	restr |= c->restr;
	if (l2g != 0) {
		if (l2g < PAGE_SHIFT || l2g > span ||
		    (span - l2g < 8 && (match >> (span - l2g)) != 0))
			return;
		base += (uint64_t)match << l2g;
		span = l2g;
	}
	if (c->type == CT_PAGE) {
		w->fn(w->ctx, base, c, restr);
		return;
	}
	g = os_gpt(w->os, c->oid);
	if (g == NULL || g->l2v < PAGE_SHIFT || (unsigned)g->l2v >= span)
		return;
	for (unsigned i = 0; i < GPT_SLOTS; i++) {
		struct cap sc;

		if (((g->flags & GPT_F_KEEPER) && i == GPT_KEEPER_SLOT) ||
		    ((g->flags & GPT_F_BACKGROUND) && i == GPT_BACKGROUND_SLOT))
			continue;
		if ((unsigned)g->l2v + 4 > span &&
		    (i >> (span - g->l2v)) != 0)
			break;	/* beyond what the slot can address */
		sc = g->slot[i];
		walk_cap(w, &sc, base + ((uint64_t)i << g->l2v), g->l2v, restr,
		    depth + 1);
		g = os_gpt(w->os, c->oid);
	}
}

int
space_walk(struct objset *os, const struct cap *root,
    void (*fn)(void *, uint64_t, const struct cap *, uint8_t), void *ctx,
    uint64_t *budget)
{
	struct walk w = { os, fn, ctx, budget, 0 };

	walk_cap(&w, root, 0, 48, 0, 0);
	return w.truncated;
}

struct segctx {
	struct objset	*os;
	const struct manifest *mf;
	const struct mf_named *proc;
	struct space_segs *out;
};

static void
name_of(const struct segctx *sc, uint64_t va, char *buf, size_t len)
{
	const struct mf_program *p = mf_program_at(sc->mf, va);
	const struct mf_named *s;

	if (p != NULL)
		snprintf(buf, len, "program %s", p->name);
	else if (sc->proc != NULL && va >= sc->proc->lo && va < sc->proc->hi)
		snprintf(buf, len, "stack");
	else if ((s = mf_segment_at(sc->mf, va)) != NULL)
		snprintf(buf, len, "segment %s", s->name);
	else
		snprintf(buf, len, "anonymous");
}

static void
add_page(void *ctx, uint64_t va, const struct cap *pg, uint8_t restr)
{
	struct segctx *sc = ctx;
	struct space_segs *o = sc->out;
	struct space_seg *last = o->n ? &o->seg[o->n - 1] : NULL;
	const struct os_page *p = os_page(sc->os, pg->oid);
	char name[64];

	name_of(sc, va, name, sizeof(name));
	if (last == NULL || last->base + last->size != va ||
	    last->restr != restr || strcmp(last->name, name) != 0) {
		mki_grow(&o->seg, &o->cap, o->n + 1, sizeof(*o->seg));
		last = &o->seg[o->n++];
		last->base = va;
		last->restr = restr;
		snprintf(last->name, sizeof(last->name), "%s", name);
	}
	last->size += PAGE_SIZE;
	last->pages++;
	last->stored += p != NULL && (p->block != 0 ||
	    (p->data != NULL && !os_is_zero(p->data)));
}

void
space_segments(struct objset *os, const struct manifest *mf,
    const struct cap *root, const struct mf_named *proc,
    struct space_segs *out, uint64_t *budget)
{
	struct segctx sc = { os, mf, proc, out };

	memset(out, 0, sizeof(*out));
	out->truncated = space_walk(os, root, add_page, &sc, budget);
}

void
space_segs_free(struct space_segs *s)
{
	free(s->seg);
	memset(s, 0, sizeof(*s));
}
