/*
 * vc_tree.c - placing pages and read-only covers into a kept space (see
 * vc_tree.h).
 *
 * Shape of what we build in an empty slot of span 2^c: for c >= 24 a GPT
 * of span 2^max(c-8, 20) with an 8-bit guard (sparse spaces skip levels);
 * for c == 20 or 16 an unguarded GPT of l2v c-4; for c == 12 the page.
 * The last 1 MiB around any address is thus a full radix tree, which
 * dense regions (stacks, the benchmark's 16 MiB) fill without splits.
 * When an address misses a guarded cap, the slot is split: a new GPT of
 * the slot's own span takes the old cap one level down, re-guarded.
 *
 * A read fault into a slot we have not written puts the largest
 * read-only cover there that the background (spacewalk.c) or the zero
 * tree offers for the slot, so reading buys nothing; a write replaces
 * the cover on its path by GPTs and, at the leaf, by a page of ours. A
 * read that faults under a cover found a hole in the background's
 * subtree: the cover is replaced by GPTs of ours down to the hole
 * (finer covers beside it), the one case where reading buys (GPTs).
 *
 * Node caps live in a small register cache; a miss fetches the cap from
 * the parent's slot (recursively), so the keeper needs no OIDs and works
 * the same with a bank or a RANGE window.
 */
#include <stddef.h>

#include <abi/cap.h>
#include <abi/gpt.h>
#include <abi/types.h>
#include <user/bank.h>
#include <user/invoke.h>

#include "spacewalk.h"
#include "vc_tree.h"

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

/* OC_GPT_STORE of the cap in register src into slot j of GPT cap cr. */
static inline int
gpt_store(unsigned cr, unsigned j, unsigned src)
{
	return kinv1(cr, OC_GPT_STORE, j, 1, CR_LIST(src, 0, 0, 0),
	    UMSG_RCV_NONE);
}

/*
 * A fresh object of type ot (OT_PAGE or OT_GPT) into register dst: from
 * the bank or the RANGE window.
 * Returns 0, ERR_LIMIT/ERR_NO_SPACE when the bank or the window refuses,
 * or the ERR_* of the call.
 */
static inline int
alloc_obj(struct vc_space *s, unsigned ot, unsigned dst)
{
	struct vc_pool *p = ot == OT_PAGE ? &s->pages : &s->gpts;
	uint64_t oid;
	int err;

	if (s->bank)
		err = bank_alloc(s->src_cr, ot, dst, &oid);
	else {
		if (p->next >= p->end)
			return ERR_NO_SPACE;
		err = kinv1(s->src_cr, OC_RANGE_GET, OID_MAKE(ot, p->next), 0,
		    0, CR_WITH_REPLY(CR_LIST(dst, CR_DISCARD, CR_DISCARD,
		    CR_DISCARD), CR_DISCARD));
		if (err == 0)
			p->next++;
	}
	if (err == 0) {
		if (ot == OT_PAGE)
			s->pages_used++;
		else
			s->gpts_used++;
	}
	return err;
}

static int	node_fetch(struct vc_space *s, uint32_t n, unsigned *cr);

/*
 * Register holding node n's GPT cap, fetching it from its parent's slot
 * (and the parent's, as needed) on a cache miss. Inline for the hit.
 */
static inline int
node_cr(struct vc_space *s, uint32_t n, unsigned *cr)
{
	unsigned k;

	if (n == 0) {
		*cr = s->root_cr;
		return 0;
	}
	k = n % s->cache_n;
	*cr = s->cache_cr0 + k;
	if (s->cache_tag[k] == n + 1)
		return 0;
	return node_fetch(s, n, cr);
}

/* node_cr's miss: *cr is register k's; fetch node n into it. */
static int
node_fetch(struct vc_space *s, uint32_t n, unsigned *cr)
{
	unsigned k = *cr - s->cache_cr0, pcr;
	int err;

	s->cache_tag[k] = 0;
	err = node_cr(s, s->node[n].parent, &pcr);
	if (err != 0)
		return err;
	s->cache_tag[k] = 0;	/* the parent may have used register k */
	err = kinv1(pcr, OC_GPT_FETCH, s->node[n].pslot, 0, 0,
	    CR_WITH_REPLY(CR_LIST(*cr, CR_DISCARD, CR_DISCARD, CR_DISCARD),
	    CR_DISCARD));
	if (err == 0)
		s->cache_tag[k] = n + 1;
	return err;
}

/* Store the cap in register src into slot j of node n. */
static int
store_slot(struct vc_space *s, uint32_t n, unsigned j, unsigned src)
{
	unsigned cr;
	int err;

	err = node_cr(s, n, &cr);
	if (err != 0)
		return err;
	return gpt_store(cr, j, src);
}

/* The cap in slot j of node n into register dst. */
static int
fetch_slot(struct vc_space *s, uint32_t n, unsigned j, unsigned dst)
{
	unsigned cr;
	int err;

	err = node_cr(s, n, &cr);
	if (err != 0)
		return err;
	return kcall_cap(cr, OC_GPT_FETCH, 1, j, 0, dst);
}

/*
 * A new GPT of the given l2v, to go into slot pslot of node parent: its
 * node index in *out, its cap in dst.
 */
static int
new_gpt(struct vc_space *s, unsigned l2v, uint32_t parent, unsigned pslot,
    uint32_t *out, unsigned dst)
{
	struct vc_node *g;
	int err;

	if (s->nnodes >= VC_MAX_NODES)
		return ERR_NO_SPACE;
	err = alloc_obj(s, OT_GPT, dst);
	if (err == 0)
		err = kcall(dst, OC_GPT_SET_L2V, 2, l2v, 0, 0, 0, 0);
	if (err != 0)
		return err;
	g = &s->node[s->nnodes];
	g->parent = parent;
	g->pslot = (uint8_t)pslot;
	g->l2v = (uint8_t)l2v;
	for (unsigned j = 0; j < GPT_SLOTS; j++) {
		g->slot[j].kind = VC_EMPTY;
		g->slot[j].l2g = 0;
		g->slot[j].match = 0;
	}
	*out = s->nnodes++;
	return 0;
}

static unsigned
zero_cr(const struct vc_space *s, unsigned c)
{
	return s->zero_cr0 + (c - PAGE_SHIFT) / 4;
}

int
vc_zero_init(struct vc_space *s)
{
	unsigned t = s->scratch_cr[0];
	int err;

	err = alloc_obj(s, OT_PAGE, t);
	if (err == 0)
		err = kcall_cap(t, OC_MEM_REDUCE, 1, CAP_R_RO, 0,
		    zero_cr(s, PAGE_SHIFT));
	for (unsigned c = PAGE_SHIFT + 4; err == 0 && c <= VC_SPAN_MAX;
	    c += 4) {
		err = alloc_obj(s, OT_GPT, t);
		if (err == 0)
			err = kcall(t, OC_GPT_SET_L2V, 2, c - 4, 0, 0, 0, 0);
		for (unsigned j = 0; err == 0 && j < GPT_SLOTS; j++)
			err = gpt_store(t, j, zero_cr(s, c - 4));
		if (err == 0)
			err = kcall_cap(t, OC_MEM_REDUCE, 1, CAP_R_RO, 0,
			    zero_cr(s, c));
	}
	return err;
}

int
vc_init(struct vc_space *s)
{
	uint64_t w[MI_WORDS_MAX];
	struct vc_node *root = &s->node[0];
	int err;

	err = kcall(s->root_cr, OC_GPT_GET_L2V, 0, 0, 0, 0, 0, w);
	if (err != 0)
		return err;
	/* What we build assumes spans that are multiples of 4 bits. */
	if (w[0] < PAGE_SHIFT || w[0] > VC_SPAN_MAX || w[0] % 4 != 0)
		return ERR_BAD_ARG;
	if (!s->has_bg && (w[1] & GPT_F_BACKGROUND)) {
		err = kcall_cap(s->root_cr, OC_GPT_FETCH, 1,
		    GPT_BACKGROUND_SLOT, 0, s->bg_cr);
		if (err != 0)
			return err;
		s->has_bg = 1;
	}
	/* Never write through the background, nor let a process do so. */
	if (s->has_bg && (err = kcall_cap(s->bg_cr, OC_MEM_REDUCE, 1,
	    CAP_R_WEAK | CAP_R_RO, 0, s->bg_cr)) != 0)
		return err;
	root->parent = 0;
	root->pslot = 0;
	root->l2v = (uint8_t)w[0];
	for (unsigned j = 0; j < GPT_SLOTS; j++)
		root->slot[j].kind = VC_UNKNOWN;
	if (w[1] & GPT_F_KEEPER)
		root->slot[GPT_KEEPER_SLOT].kind = VC_FOREIGN;
	if (w[1] & GPT_F_BACKGROUND)
		root->slot[GPT_BACKGROUND_SLOT].kind = VC_FOREIGN;
	for (unsigned k = 0; k < s->cache_n; k++)
		s->cache_tag[k] = 0;
	s->nnodes = 1;
	return 0;
}

/* First look at a slot of the kept GPT: ours only if it is null. */
static int
probe_root_slot(struct vc_space *s, unsigned j)
{
	struct vc_slot *sl = &s->node[0].slot[j];
	uint64_t type;
	int err;

	err = kcall_cap(s->root_cr, OC_GPT_FETCH, 1, j, 0, s->scratch_cr[0]);
	if (err != 0)
		return err;
	err = cap_type(s->scratch_cr[0], &type, NULL);
	sl->kind = (err != 0 || type == CT_NULL) ? VC_EMPTY : VC_FOREIGN;
	sl->l2g = 0;
	sl->match = 0;
	return 0;
}

/*
 * Slot j of node n (span 2^c) holds a guarded cap that a misses: move
 * that cap into a new GPT of span 2^c, one level down, re-guarded.
 */
static int
split(struct vc_space *s, uint32_t n, unsigned j)
{
	struct vc_slot old = s->node[n].slot[j];
	unsigned c = s->node[n].l2v, sub = c - 4, k, l2g = 0, match = 0;
	uint64_t off = (uint64_t)old.match << old.l2g;
	unsigned t = old.l2g;	/* span of the object the cap names */
	uint32_t x;
	int err;

	err = new_gpt(s, sub, n, j, &x, s->scratch_cr[0]);
	if (err != 0)
		return err;
	k = (unsigned)(off >> sub) & 15;
	if (t < sub) {
		l2g = t;
		match = (unsigned)((off & (bit(sub) - 1)) >> t);
	}
	err = fetch_slot(s, n, j, s->scratch_cr[1]);
	if (err == 0)
		err = kcall_cap(s->scratch_cr[1], OC_MEM_GUARD, 2, l2g, match,
		    s->scratch_cr[1]);
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
	if (old.kind == VC_GPT) {
		s->node[old.child].parent = x;
		s->node[old.child].pslot = (uint8_t)k;
	}
	s->node[n].slot[j].kind = VC_GPT;
	s->node[n].slot[j].l2g = 0;
	s->node[n].slot[j].match = 0;
	s->node[n].slot[j].child = x;
	s->splits++;
	return 0;
}

/* Record what slot j of node n now holds. */
static void
set_slot(struct vc_space *s, uint32_t n, unsigned j, unsigned kind,
    unsigned l2g, unsigned match)
{
	struct vc_slot *sl = &s->node[n].slot[j];

	sl->kind = (uint8_t)kind;
	sl->l2g = (uint8_t)l2g;
	sl->match = (uint8_t)match;
}

/*
 * A page of ours into leaf slot j of node n, a copy of the page in
 * register from (from != 0), else fresh and zero.
 */
static inline int
own_page(struct vc_space *s, uint32_t n, unsigned j, int copy, unsigned from)
{
	unsigned cr;
	int err;

	if ((err = node_cr(s, n, &cr)) != 0 ||
	    (err = alloc_obj(s, OT_PAGE, s->scratch_cr[0])) != 0)
		return err;
	if (copy) {
		err = kinv1(s->scratch_cr[0], OC_PAGE_COPY_FROM, 0, 1,
		    CR_LIST(from, 0, 0, 0), UMSG_RCV_NONE);
		if (err != 0)
			return err;
		s->copies++;
	}
	if ((err = gpt_store(cr, j, s->scratch_cr[0])) != 0)
		return err;
	set_slot(s, n, j, VC_PAGE, 0, 0);
	return 0;
}

int
vc_fill_page(struct vc_space *s, uint32_t n, unsigned j)
{
	int err;

	if (s->node[n].slot[j].kind != VC_BG)
		return own_page(s, n, j, 0, 0);
	err = fetch_slot(s, n, j, s->scratch_cr[1]);
	if (err != 0)
		return err;
	return own_page(s, n, j, 1, s->scratch_cr[1]);
}

/*
 * A read-only cover for empty slot j of node n (span 2^c) at address a:
 * the background's, or the zero tree. Returns 0, SW_DEEPER (the caller
 * builds a GPT instead), or ERR_*.
 */
static int
cover(struct vc_space *s, uint32_t n, unsigned j, uint64_t a)
{
	unsigned c = s->node[n].l2v, span = s->node[0].l2v + GPT_SLOT_BITS;
	uint64_t w[MI_WORDS_MAX];
	int err = SW_EMPTY;

	if (s->has_bg)
		err = sw_cover(s->bg_cr, span, a, c, s->scratch_cr[1]);
	if (err == SW_EMPTY) {
		err = store_slot(s, n, j, zero_cr(s, c));
		if (err == 0) {
			set_slot(s, n, j, VC_ZERO, 0, 0);
			s->zero_maps++;
		}
		return err;
	}
	if (err != SW_FOUND)
		return err;
	if ((err = kcall(s->scratch_cr[1], OC_MEM_GET_GUARD, 0, 0, 0, 0, 0,
	    w)) != 0)
		return err;
	/* A split moves guarded caps down by 4-bit levels only. */
	if (w[0] % 4 != 0)
		return SW_DEEPER;
	if ((err = store_slot(s, n, j, s->scratch_cr[1])) != 0)
		return err;
	set_slot(s, n, j, VC_BG, (unsigned)w[0], (unsigned)w[1]);
	s->bg_maps++;
	return 0;
}

/* Resolve a fault at leaf slot j of node n (address a). */
static int
leaf(struct vc_space *s, uint32_t n, unsigned j, uint64_t a, int write)
{
	unsigned kind = s->node[n].slot[j].kind;
	int err;

	if (kind == VC_PAGE || ((kind == VC_BG || kind == VC_ZERO) && !write))
		return VC_PRESENT;
	if (kind != VC_EMPTY)
		return vc_fill_page(s, n, j);	/* a write over a cover */
	if (!write)
		return cover(s, n, j, a);
	if (!s->has_bg)
		return own_page(s, n, j, 0, 0);
	err = sw_cover(s->bg_cr, s->node[0].l2v + GPT_SLOT_BITS, a, PAGE_SHIFT,
	    s->scratch_cr[1]);
	if (err == SW_EMPTY)
		return own_page(s, n, j, 0, 0);
	if (err != SW_FOUND)
		return err == SW_DEEPER ? ERR_BAD_ARG : err;
	return own_page(s, n, j, 1, s->scratch_cr[1]);
}

/*
 * Put a GPT of ours into slot j of node n (span 2^c) toward rel, the
 * address relative to the slot; the slot is empty or holds a cover that
 * a write replaces.
 */
static int
fill(struct vc_space *s, uint32_t n, unsigned j, uint64_t rel)
{
	unsigned c = s->node[n].l2v, t, l2g = 0, match = 0;
	uint32_t x;
	int err;

	t = c < SPAN_MIN + 4 ? c : (c - 8 > SPAN_MIN ? c - 8 : SPAN_MIN);
	if (t < c) {
		l2g = t;
		match = (unsigned)(rel >> t);
	}
	err = new_gpt(s, t - 4, n, j, &x, s->scratch_cr[0]);
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
	set_slot(s, n, j, VC_GPT, l2g, match);
	s->node[n].slot[j].child = x;
	return 0;
}

int
vc_map_walk(struct vc_space *s, uint64_t a, int write)
{
	uint32_t n;
	uint64_t base;
	int err;

	if (s->nnodes == 0)
		return ERR_BAD_ARG;
	if (a >> (s->node[0].l2v + 4) != 0)
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
		struct vc_slot *sl = &s->node[n].slot[j];
		int hit;

		if (sl->kind == VC_UNKNOWN) {
			err = probe_root_slot(s, j);
			if (err != 0)
				return err;
		}
		if (c == PAGE_SHIFT && sl->kind != VC_FOREIGN) {
			s->last_leaf = n;
			s->last_base = base;
			return leaf(s, n, j, a, write);
		}
		hit = sl->l2g == 0 || rel >> sl->l2g == sl->match;
		switch (sl->kind) {
		case VC_FOREIGN:
			return ERR_NO_ACCESS;
		case VC_EMPTY:
			if (!write) {
				err = cover(s, n, j, a);
				if (err != SW_DEEPER)
					return err;
			}
			if ((err = fill(s, n, j, rel)) != 0)
				return err;
			continue;	/* the slot is filled: walk on */
		case VC_BG:
		case VC_ZERO:
			/*
			 * A write under a cover, or a read that the cover does
			 * not map (a hole in the background's subtree): a GPT
			 * of ours replaces it, and finer covers go below.
			 */
			if (!hit)
				break;
			if ((err = fill(s, n, j, rel)) != 0)
				return err;
			continue;
		case VC_PAGE:
			if (hit)
				return VC_PRESENT;
			break;
		case VC_GPT:
			if (hit) {
				n = sl->child;
				base = sbase + ((uint64_t)sl->match << sl->l2g);
				if (s->path_len < VC_PATH_MAX) {
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
