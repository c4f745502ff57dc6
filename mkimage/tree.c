/*
 * tree.c - GPT tree construction and lookup.
 *
 * GPT spans are kept to multiples of 4 bits (l2v 12, 16, ..., 44), so a
 * cap placed in a slot of span 2^c names either a page (span 2^12) or a
 * GPT of span 2^s with s <= c and c - s <= 8: the 8-bit guard match then
 * selects which 2^s window of the slot the object covers. Sparse spaces
 * thus skip up to two levels per cap.
 */
#include <string.h>

#include <abi/gpt.h>

#include "tree.h"

static unsigned
bitlen(uint64_t v)
{
	return v == 0 ? 0 : 64 - (unsigned)__builtin_clzll(v);
}

/* Cap for maps[0..n) (n >= 1) inside a slot [base, base + 2^c). */
static struct cap
subtree(struct objset *os, uint32_t bank, const struct tree_map *maps,
    size_t n, uint64_t base, unsigned c)
{
	uint64_t first = maps[0].va - base, last = maps[n - 1].va - base;
	unsigned s, l2v;
	uint64_t match, win;
	struct cap gcap;
	oid_t oid;
	size_t i = 0;

	if (n == 1 && c - 12 <= 8) {
		struct cap pc = maps[0].cap;

		pc.aux = c == 12 ? 0 : CAP_GUARD(12, first >> 12);
		return pc;
	}
	s = (bitlen(first ^ last) + 3) / 4 * 4;
	if (s < 16)
		s = 16;
	if (s < c - 8)
		s = c - 8;
	l2v = s - 4;
	match = first >> s;
	win = base + (match << s);
	oid = os_new_gpt(os, bank, (uint8_t)l2v);
	for (unsigned j = 0; j < GPT_SLOTS && i < n; j++) {
		uint64_t lo = win + ((uint64_t)j << l2v);
		uint64_t hi = lo + ((uint64_t)1 << l2v);
		size_t k = i;

		while (k < n && maps[k].va < hi)
			k++;
		if (k > i) {
			struct cap sc = subtree(os, bank, maps + i, k - i, lo,
			    l2v);

			os_gpt(os, oid)->slot[j] = sc;
		}
		i = k;
	}
	gcap = os_cap(os, CT_GPT, oid, 0, s == c ? 0 : CAP_GUARD(s, match));
	return gcap;
}

struct cap
tree_build(struct objset *os, uint32_t bank, const struct tree_map *maps,
    size_t n, const struct cap *keeper)
{
	struct cap null = { 0 };
	const unsigned top = TREE_SPACE_BITS - GPT_SLOT_BITS;
	oid_t oid;
	size_t i = 0;

	if (keeper == NULL)
		return n == 0 ? null : subtree(os, bank, maps, n, 0,
		    TREE_SPACE_BITS);
	oid = os_new_gpt(os, bank, (uint8_t)top);
	for (unsigned j = 0; j < GPT_SLOTS && i < n; j++) {
		uint64_t hi = (uint64_t)(j + 1) << top;
		size_t k = i;

		while (k < n && maps[k].va < hi)
			k++;
		if (k > i) {
			struct cap sc = subtree(os, bank, maps + i, k - i,
			    (uint64_t)j << top, top);

			os_gpt(os, oid)->slot[j] = sc;
		}
		i = k;
	}
	os_gpt(os, oid)->slot[GPT_KEEPER_SLOT] = *keeper;
	os_gpt(os, oid)->flags = GPT_F_KEEPER;
	return os_cap(os, CT_GPT, oid, 0, 0);
}

uint64_t
tree_gpts_at_least(uint64_t n, int keeper)
{
	return n / GPT_SLOTS + (n % GPT_SLOTS != 0) + (keeper != 0);
}

struct cap
tree_lookup(struct objset *os, const struct cap *root, uint64_t va,
    uint8_t *restr)
{
	struct cap null = { 0 }, c = *root;
	unsigned span = TREE_SPACE_BITS;
	uint64_t a = va;

	*restr = 0;
	if (va >> TREE_SPACE_BITS)
		return null;
	for (int depth = 0; depth < 16; depth++) {
		unsigned l2g = CAP_GUARD_L2G(&c), objspan;
		struct obj_gpt *g;

		if (c.type != CT_PAGE && c.type != CT_GPT)
			return null;
		*restr |= c.restr;
		if (l2g != 0) {
			if (l2g > span || (span - l2g < 64 &&
			    (a >> l2g) != CAP_GUARD_MATCH(&c)))
				return null;
			a &= ((uint64_t)1 << l2g) - 1;
			span = l2g;
		}
		if (c.type == CT_PAGE)
			return a < PAGE_SIZE ? c : null;
		g = os_gpt(os, c.oid);
		if (g == NULL || g->hdr.oid != c.oid || g->l2v < PAGE_SHIFT ||
		    g->l2v > GPT_L2V_MAX)
			return null;
		objspan = g->l2v + GPT_SLOT_BITS;
		if (objspan < span && (a >> objspan) != 0)
			return null;
		unsigned slot = (unsigned)(a >> g->l2v) & (GPT_SLOTS - 1);

		if (((g->flags & GPT_F_KEEPER) && slot == GPT_KEEPER_SLOT) ||
		    ((g->flags & GPT_F_BACKGROUND) &&
		    slot == GPT_BACKGROUND_SLOT))
			return null;
		a &= ((uint64_t)1 << g->l2v) - 1;
		span = g->l2v;
		c = g->slot[slot];
	}
	return null;
}
