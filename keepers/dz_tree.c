/*
 * dz_tree.c - placing fresh pages into a kept space (see dz_tree.h).
 *
 * Shape of what we build in an empty slot of span 2^c: for c >= 24 a GPT
 * of span 2^max(c-8, 20) with an 8-bit guard (sparse spaces skip levels);
 * for c == 20 or 16 an unguarded GPT of l2v c-4; for c == 12 the page.
 * The last 1 MiB around any address is thus a full radix tree, which
 * dense regions (stacks, the benchmark's 16 MiB) fill without splits.
 * When an address misses a guarded cap, the slot is split: a new GPT of
 * the slot's own span takes the old cap one level down, re-guarded.
 */
#include <abi/gpt.h>
#include <abi/types.h>
#include <user/invoke.h>

#include "dz_tree.h"

#define SPAN_MIN	20	/* below this, unguarded radix levels */

static uint64_t
bit(unsigned n)
{
	return (uint64_t)1 << n;
}

/*
 * A kernel object call of the fault path with one word, the caps of cap
 * list caps sent (n of them) and received ones landing as rcv says, the
 * answer's words dropped: kcall_cap/kcall_give without a struct umsg, so
 * the keeper's share of a fault is the system calls and little else.
 */
static inline int
kinv1(unsigned cr, uint32_t op, uint64_t w0, unsigned n, uint64_t caps,
    uint64_t rcv)
{
	uint64_t rax = IC_MAKE(cr, IC_CALL), rdi = MI_MAKE(op, 1, n);
	uint64_t rsi = caps, rdx = rcv;
	register uint64_t r8 __asm__("r8") = w0;
	register uint64_t r9 __asm__("r9");
	register uint64_t r10 __asm__("r10");
	register uint64_t r12 __asm__("r12");

	__asm__ volatile("syscall"
	    : "+a"(rax), "+D"(rdi), "+S"(rsi), "+d"(rdx), "+r"(r8), "=r"(r9),
	      "=r"(r10), "=r"(r12)
	    :
	    : "rcx", "r11", "memory");
	return (int)rax;
}

/* OC_RANGE_GET of oid into cap register dst. */
static inline int
range_get(const struct dz_space *s, uint64_t oid, unsigned dst)
{
	return kinv1(s->range_cr, OC_RANGE_GET, oid, 0, 0,
	    CR_WITH_REPLY(CR_LIST(dst, CR_DISCARD, CR_DISCARD, CR_DISCARD),
	    CR_DISCARD));
}

/* OC_GPT_STORE of the cap in register src into slot j of GPT cap cr. */
static inline int
gpt_store(unsigned cr, unsigned j, unsigned src)
{
	return kinv1(cr, OC_GPT_STORE, j, 1, CR_LIST(src, 0, 0, 0),
	    UMSG_RCV_NONE);
}

/* Register holding node n's GPT cap, fetching it by OID if needed. */
static inline int
node_cr(struct dz_space *s, uint32_t n, unsigned *cr)
{
	unsigned k;
	int err;

	if (n == 0) {
		*cr = s->root_cr;
		return 0;
	}
	k = n % s->cache_n;
	*cr = s->cache_cr0 + k;
	if (s->cache_tag[k] == n + 1)
		return 0;
	s->cache_tag[k] = 0;
	err = range_get(s, s->node[n].oid, *cr);
	if (err == 0)
		s->cache_tag[k] = n + 1;
	return err;
}

/* A full cap to object oid, with guard (l2g, match) if l2g, into dst. */
static int
make_cap(struct dz_space *s, uint64_t oid, unsigned l2g, unsigned match,
    unsigned dst)
{
	int err;

	if (l2g == 0)
		return range_get(s, oid, dst);
	err = range_get(s, oid, s->scratch_cr[2]);
	if (err != 0)
		return err;
	return kcall_cap(s->scratch_cr[2], OC_MEM_GUARD, 2, l2g, match, dst);
}

/* Store the cap in register src into slot j of node n. */
static int
store_slot(struct dz_space *s, uint32_t n, unsigned j, unsigned src)
{
	unsigned cr;
	int err;

	err = node_cr(s, n, &cr);
	if (err != 0)
		return err;
	return gpt_store(cr, j, src);
}

/* A new GPT of the given l2v: node index in *out, its cap in dst. */
static int
new_gpt(struct dz_space *s, unsigned l2v, uint32_t *out, unsigned dst)
{
	uint64_t oid;
	struct dz_node *g;
	int err;

	if (s->nnodes >= DZ_MAX_NODES || s->gpts.next >= s->gpts.end)
		return ERR_NO_SPACE;
	oid = OID_MAKE(OT_GPT, s->gpts.next);
	err = kcall_cap(s->range_cr, OC_RANGE_GET, 1, oid, 0, dst);
	if (err == 0)
		err = kcall(dst, OC_GPT_SET_L2V, 2, l2v, 0, 0, 0, 0);
	if (err != 0)
		return err;
	s->gpts.next++;
	s->gpts_used++;
	g = &s->node[s->nnodes];
	g->oid = oid;
	g->l2v = (uint8_t)l2v;
	for (unsigned j = 0; j < GPT_SLOTS; j++)
		g->slot[j].kind = DZ_EMPTY;
	*out = s->nnodes++;
	return 0;
}

int
dz_init(struct dz_space *s)
{
	uint64_t w[MI_WORDS_MAX];
	struct dz_node *root = &s->node[0];
	int err;

	err = kcall(s->root_cr, OC_GPT_GET_L2V, 0, 0, 0, 0, 0, w);
	if (err != 0)
		return err;
	/* What we build assumes spans that are multiples of 4 bits. */
	if (w[0] < PAGE_SHIFT || w[0] > 44 || w[0] % 4 != 0)
		return ERR_BAD_ARG;
	root->oid = 0;
	root->l2v = (uint8_t)w[0];
	for (unsigned j = 0; j < GPT_SLOTS; j++)
		root->slot[j].kind = DZ_UNKNOWN;
	if (w[1] & GPT_F_KEEPER)
		root->slot[GPT_KEEPER_SLOT].kind = DZ_FOREIGN;
	if (w[1] & GPT_F_BACKGROUND)
		root->slot[GPT_BACKGROUND_SLOT].kind = DZ_FOREIGN;
	for (unsigned k = 0; k < s->cache_n; k++)
		s->cache_tag[k] = 0;
	s->nnodes = 1;
	return 0;
}

/* First look at a slot of the kept GPT: ours only if it is null. */
static int
probe_root_slot(struct dz_space *s, unsigned j)
{
	struct dz_slot *sl = &s->node[0].slot[j];
	uint64_t w[MI_WORDS_MAX];
	int err;

	err = kcall_cap(s->root_cr, OC_GPT_FETCH, 1, j, 0, s->scratch_cr[0]);
	if (err != 0)
		return err;
	err = kcall(s->scratch_cr[0], OC_TYPE, 0, 0, 0, 0, 0, w);
	sl->kind = (err != 0 || w[0] == CT_NULL) ? DZ_EMPTY : DZ_FOREIGN;
	return 0;
}

/*
 * Slot j of node n (span 2^c) holds a guarded cap that a misses: move
 * that cap into a new GPT of span 2^c, one level down, re-guarded.
 */
static int
split(struct dz_space *s, uint32_t n, unsigned j)
{
	struct dz_slot old = s->node[n].slot[j];
	unsigned c = s->node[n].l2v, sub = c - 4, k, l2g = 0, match = 0;
	uint64_t off = (uint64_t)old.match << old.l2g, oid;
	unsigned t = old.l2g;	/* span of the object the cap names */
	uint32_t x;
	int err;

	err = new_gpt(s, sub, &x, s->scratch_cr[0]);
	if (err != 0)
		return err;
	k = (unsigned)(off >> sub) & 15;
	if (t < sub) {
		l2g = t;
		match = (unsigned)((off & (bit(sub) - 1)) >> t);
	}
	oid = old.kind == DZ_PAGE ? old.oid : s->node[old.child].oid;
	err = make_cap(s, oid, l2g, match, s->scratch_cr[1]);
	if (err == 0)
		err = kcall_give(s->scratch_cr[0], OC_GPT_STORE, 1, k, 0,
		    s->scratch_cr[1]);
	if (err == 0)
		err = store_slot(s, n, j, s->scratch_cr[0]);
	if (err != 0)
		return err;
	s->node[x].slot[k] = old;
	s->node[x].slot[k].l2g = (uint8_t)l2g;
	s->node[x].slot[k].match = (uint8_t)match;
	s->node[n].slot[j].kind = DZ_GPT;
	s->node[n].slot[j].l2g = 0;
	s->node[n].slot[j].match = 0;
	s->node[n].slot[j].child = x;
	s->splits++;
	return 0;
}

int
dz_fill_page(struct dz_space *s, uint32_t n, unsigned j)
{
	struct dz_slot *sl = &s->node[n].slot[j];
	uint64_t oid;
	unsigned cr;
	int err;

	if (s->pages.next >= s->pages.end)
		return ERR_NO_SPACE;
	oid = OID_MAKE(OT_PAGE, s->pages.next);
	if ((err = node_cr(s, n, &cr)) != 0 ||
	    (err = range_get(s, oid, s->scratch_cr[0])) != 0 ||
	    (err = gpt_store(cr, j, s->scratch_cr[0])) != 0)
		return err;
	s->pages.next++;
	s->pages_used++;
	sl->kind = DZ_PAGE;
	sl->l2g = 0;
	sl->match = 0;
	sl->oid = oid;
	return 0;
}

/* Fill empty slot j of node n (slot base sbase, span 2^c) toward a. */
static int
fill(struct dz_space *s, uint32_t n, unsigned j, uint64_t rel)
{
	struct dz_slot *sl = &s->node[n].slot[j];
	unsigned c = s->node[n].l2v, t, l2g = 0, match = 0;
	uint32_t x;
	int err;

	if (c == PAGE_SHIFT)
		return dz_fill_page(s, n, j);
	t = c < SPAN_MIN + 4 ? c : (c - 8 > SPAN_MIN ? c - 8 : SPAN_MIN);
	if (t < c) {
		l2g = t;
		match = (unsigned)(rel >> t);
	}
	err = new_gpt(s, t - 4, &x, s->scratch_cr[0]);
	if (err != 0)
		return err;
	if (l2g != 0)
		err = kcall_cap(s->scratch_cr[0], OC_MEM_GUARD, 2, l2g, match,
		    s->scratch_cr[1]);
	if (err == 0)
		err = store_slot(s, n, j, l2g != 0 ? s->scratch_cr[1] :
		    s->scratch_cr[0]);
	if (err != 0)
		return err;
	sl = &s->node[n].slot[j];
	sl->kind = DZ_GPT;
	sl->l2g = (uint8_t)l2g;
	sl->match = (uint8_t)match;
	sl->child = x;
	return 0;
}

int
dz_map_walk(struct dz_space *s, uint64_t a)
{
	uint32_t n = 0;
	uint64_t base = 0;
	int err;

	if (s->nnodes == 0)
		return ERR_BAD_ARG;
	if (s->node[0].l2v + 4 < 64 && a >> (s->node[0].l2v + 4) != 0)
		return ERR_BAD_ARG;
	/* Start at the deepest node of the last walk that spans a. */
	while (s->path_len > 1) {
		unsigned i = s->path_len - 1, c = s->node[s->path_node[i]].l2v;

		if ((a - s->path_base[i]) >> (c + 4) == 0)
			break;
		s->path_len--;
	}
	if (s->path_len == 0) {
		s->path_node[0] = 0;
		s->path_base[0] = 0;
		s->path_len = 1;
	}
	n = s->path_node[s->path_len - 1];
	base = s->path_base[s->path_len - 1];
	for (unsigned steps = 0; steps < 64; steps++) {
		unsigned c = s->node[n].l2v;
		unsigned j = (unsigned)((a - base) >> c) & 15;
		uint64_t sbase = base + ((uint64_t)j << c), rel = a - sbase;
		struct dz_slot *sl = &s->node[n].slot[j];

		if (sl->kind == DZ_UNKNOWN) {
			err = probe_root_slot(s, j);
			if (err != 0)
				return err;
		}
		switch (sl->kind) {
		case DZ_FOREIGN:
			return ERR_NO_ACCESS;
		case DZ_EMPTY:
			err = fill(s, n, j, rel);
			if (err != 0)
				return err;
			if (c == PAGE_SHIFT) {
				s->last_leaf = n;
				s->last_base = base;
			}
			continue;	/* the slot is filled: walk on */
		case DZ_PAGE:
			if (sl->l2g == 0 || rel >> sl->l2g == sl->match)
				return DZ_PRESENT;
			break;
		case DZ_GPT:
			if (sl->l2g == 0 || rel >> sl->l2g == sl->match) {
				n = sl->child;
				base = sbase + ((uint64_t)sl->match << sl->l2g);
				if (s->path_len < DZ_PATH_MAX) {
					s->path_node[s->path_len] = n;
					s->path_base[s->path_len++] = base;
				}
				continue;
			}
			break;
		default:
			return ERR_BAD_ARG;
		}
		err = split(s, n, j);	/* a guarded cap that a misses */
		if (err != 0)
			return err;
	}
	return ERR_BAD_ARG;	/* cannot happen: each step descends */
}
