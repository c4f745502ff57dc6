/*
 * fuzz_space.c - the exec victim's address space (fuzz.h): maps the
 * pages of one program at any user addresses in a GPT tree made of a
 * fixed pool of GPT and page objects (OIDs from XBASE), and takes it
 * apart again before the next program.
 *
 * The fuzzer keeps a shadow of the tree, since guards cannot be read
 * back. Invariants: node 0 is the root (l2v 44, spanning the 48-bit
 * map); every node's l2v is a multiple of 4; a cap in a slot spanning
 * 2^L has a guard of at most 8 bits (L - l2g <= 8), or none when it
 * spans the slot exactly. So a page needs at most two new GPTs below the
 * root (44 -> 32 -> 20 -> page), and two pages whose paths collide in a
 * slot are parted by one new GPT at the nibble where they first differ.
 * Every slot the shadow holds is nulled again by xspace_clear().
 */
#include <abi/gpt.h>
#include <user/invoke.h>

#include "fuzz.h"

#define ROOT_L2V	44

#define XS_EMPTY	0
#define XS_GPT		1
#define XS_PAGE		2
#define XS_OTHER	3	/* a keeper entry or a stray cap */

struct xslot {
	uint8_t		kind;		/* XS_* */
	uint8_t		idx;		/* node or page pool index */
	uint8_t		l2g;		/* l2g == the slot's l2v: no guard */
	uint8_t		restr;
	uint64_t	match;
};

struct xnode {
	uint8_t		l2v;
	uint8_t		flags;		/* GPT_F_* set on the object */
	struct xslot	slot[GPT_SLOTS];
};

static struct xnode	nodes[XGPT_N];
static unsigned		nnodes;

static uint64_t
mask(unsigned bits)
{
	return (UINT64_C(1) << bits) - 1;
}

static uint64_t
gpt_oid(unsigned i)
{
	return OID_MAKE(OT_GPT, XBASE + i);
}

static uint64_t
page_oid(unsigned i)
{
	return OID_MAKE(OT_PAGE, XBASE + i);
}

/* A cap to node i in register cr. */
static int
node_cap(unsigned i, unsigned cr)
{
	return xcap(CR_RANGE, OC_RANGE_GET, 1, gpt_oid(i), 0, cr);
}

int
xspace_root(unsigned cr)
{
	return node_cap(0, cr);
}

/* A new node of l2v (its slots are null: xspace_clear saw to that). */
static int
node_new(unsigned l2v, unsigned *out)
{
	int err;

	if (nnodes == XGPT_N)
		return ERR_LIMIT;
	if ((err = node_cap(nnodes, CR_XA)) != 0 ||
	    (err = xcall(CR_XA, OC_GPT_SET_L2V, 2, l2v, 0, 0, 0, 0)) != 0)
		return err;
	nodes[nnodes] = (struct xnode){ .l2v = (uint8_t)l2v };
	*out = nnodes++;
	return 0;
}

/* Store the cap x describes into slot s of node n, and shadow it. */
static int
slot_store(unsigned n, unsigned s, const struct xslot *x)
{
	uint64_t oid = x->kind == XS_GPT ? gpt_oid(x->idx) : page_oid(x->idx);
	int err;

	err = xcap(CR_RANGE, OC_RANGE_GET, 1, oid, 0, CR_XB);
	if (err == 0 && x->restr != 0)
		err = xcap(CR_XB, OC_MEM_REDUCE, 1, x->restr, 0, CR_XB);
	if (err == 0 && x->l2g != nodes[n].l2v)
		err = xcap(CR_XB, OC_MEM_GUARD, 2, x->l2g, x->match, CR_XB);
	if (err == 0)
		err = node_cap(n, CR_XA);
	if (err == 0)
		err = xgive(CR_XA, OC_GPT_STORE, 1, s, 0, CR_XB);
	if (err == 0)
		nodes[n].slot[s] = *x;
	return err;
}

/*
 * Part the cap in slot s of node n (region base b, guard l2g) from
 * address r (relative to the slot) by a new node at the nibble of the
 * highest bit where they differ; *next is that node.
 */
static int
split(unsigned n, unsigned s, uint64_t r, unsigned *next)
{
	struct xslot old = nodes[n].slot[s], up;
	uint64_t b = old.match << old.l2g;
	unsigned d = 63 - (unsigned)__builtin_clzll(r ^ b), nl = d & ~3u, c;
	int err;

	if ((err = node_new(nl, &c)) != 0)
		return err;
	old.match = (b & mask(nl)) >> old.l2g;
	if ((err = slot_store(c, (unsigned)(b >> nl) & 15, &old)) != 0)
		return err;
	up = (struct xslot){ .kind = XS_GPT, .idx = (uint8_t)c,
	    .l2g = (uint8_t)(nl + 4), .match = r >> (nl + 4) };
	if ((err = slot_store(n, s, &up)) != 0)
		return err;
	*next = c;
	return 0;
}

/*
 * Map pool page pi at pg->va. Returns 0, ERR_LIMIT when the GPT pool
 * ran out, ERR_BAD_ARG when another page is there already.
 */
int
xspace_map(const struct xpage *pg, unsigned pi)
{
	uint64_t a = pg->va;
	unsigned n = 0;
	int err;

	for (;;) {
		unsigned L = nodes[n].l2v, s = (unsigned)(a >> L) & 15, c;
		uint64_t r = a & mask(L);
		struct xslot *x = &nodes[n].slot[s], y;

		if (x->kind == XS_EMPTY && L <= 20) {
			y = (struct xslot){ .kind = XS_PAGE, .idx = (uint8_t)pi,
			    .l2g = PAGE_SHIFT, .restr = pg->restr,
			    .match = r >> PAGE_SHIFT };
			return slot_store(n, s, &y);
		}
		if (x->kind == XS_EMPTY) {
			unsigned cl = L - 12 > 12 ? L - 12 : 12;

			if ((err = node_new(cl, &c)) != 0)
				return err;
			y = (struct xslot){ .kind = XS_GPT, .idx = (uint8_t)c,
			    .l2g = (uint8_t)(cl + 4), .match = r >> (cl + 4) };
			if ((err = slot_store(n, s, &y)) != 0)
				return err;
			n = c;
			a = r & mask(cl + 4);
			continue;
		}
		if (x->kind == XS_OTHER)
			return ERR_BAD_ARG;
		if ((r >> x->l2g) == x->match) {
			if (x->kind == XS_PAGE)
				return x->idx == pi ? 0 : ERR_BAD_ARG;
			a = r & mask(x->l2g);
			n = x->idx;
			continue;
		}
		if ((err = split(n, s, r, &c)) != 0)
			return err;
		n = c;
		a = r & mask(nodes[c].l2v + 4);
	}
}

/*
 * After mapping: make some GPTs kept (GPT_F_KEEPER, the keeper entry in
 * slot 15, if that slot is free) and put stray caps (an entry: not a
 * memory cap) into some empty slots, as p says.
 */
int
xspace_decorate(struct xprog *p)
{
	struct xslot other = { .kind = XS_OTHER };
	int err;

	for (unsigned i = 0; i < nnodes; i++) {
		struct xnode *g = &nodes[i];

		if (p->keepers != 0 && xprog_rand(p) % p->keepers == 0 &&
		    g->slot[GPT_KEEPER_SLOT].kind == XS_EMPTY) {
			if ((err = node_cap(i, CR_XA)) != 0 ||
			    (err = xcall(CR_XA, OC_GPT_SET_L2V, 2, g->l2v,
			    GPT_F_KEEPER, 0, 0, 0)) != 0 ||
			    (err = xgive(CR_XA, OC_GPT_STORE, 1,
			    GPT_KEEPER_SLOT, 0, CR_XKEEPER)) != 0)
				return err;
			g->flags = GPT_F_KEEPER;
			g->slot[GPT_KEEPER_SLOT] = other;
		}
		if (p->junk != 0 && xprog_rand(p) % p->junk == 0) {
			unsigned s = (unsigned)(xprog_rand(p) % GPT_SLOTS);

			if (g->slot[s].kind != XS_EMPTY)
				continue;
			if ((err = node_cap(i, CR_XA)) != 0 ||
			    (err = xgive(CR_XA, OC_GPT_STORE, 1, s, 0,
			    CR_XMSG)) != 0)
				return err;
			g->slot[s] = other;
		}
	}
	return 0;
}

/* Null every slot the shadow holds and every flag; keep the root. */
int
xspace_clear(void)
{
	int err;

	for (unsigned i = 0; i < nnodes; i++) {
		struct xnode *g = &nodes[i];

		if ((err = node_cap(i, CR_XA)) != 0)
			return err;
		for (unsigned s = 0; s < GPT_SLOTS; s++) {
			if (g->slot[s].kind == XS_EMPTY)
				continue;
			if ((err = xgive(CR_XA, OC_GPT_STORE, 1, s, 0,
			    CR_XNULL)) != 0)
				return err;
			g->slot[s].kind = XS_EMPTY;
		}
		if (g->flags != 0 && (err = xcall(CR_XA, OC_GPT_SET_L2V, 2,
		    g->l2v, 0, 0, 0, 0)) != 0)
			return err;
		g->flags = 0;
	}
	nnodes = 1;
	return 0;
}

/* The root, fresh; every other pool GPT is made fresh when first used. */
int
xspace_init(void)
{
	int err;

	if ((err = node_cap(0, CR_XA)) != 0 ||
	    (err = xcall(CR_XA, OC_GPT_SET_L2V, 2, ROOT_L2V, 0, 0, 0, 0)) != 0)
		return err;
	nodes[0] = (struct xnode){ .l2v = ROOT_L2V };
	nnodes = 1;
	return 0;
}
