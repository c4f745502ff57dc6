/*
 * st_space_tree.c - the three-level test tree of st_space_tree.h.
 */
#include <stddef.h>
#include <stdint.h>

#include <abi/err.h>
#include <lib/string.h>
#include <obj.h>
#include <selftest/selftest.h>
#include <selftest/st_space.h>
#include <selftest/st_space_tree.h>

#define M(va)	((unsigned)(((va) - ST_TREE_BASE) >> 20) & 15)
#define L(va)	((unsigned)((va) >> 16) & 15)
#define S(va)	((unsigned)((va) >> 12) & 15)

bool
st_tree_init(struct st_tree *t)
{
	memset(t, 0, sizeof(*t));
	t->root = st_gpt(20, 0);
	return t->root != NULL;
}

struct cap
st_tree_cap(const struct st_tree *t)
{
	return st_cap(&t->root->obj, 0, ST_TREE_L2G, ST_TREE_MATCH);
}

struct page *
st_tree_map(struct st_tree *t, uint64_t va, unsigned page_restr,
    unsigned leaf_restr)
{
	unsigned m = M(va), l = L(va);
	struct page *pg;

	if (va < ST_TREE_BASE || va - ST_TREE_BASE >= (UINT64_C(1) << 24)) {
		st_fail("st_tree_map: %#lx is outside the tree", va);
		return NULL;
	}
	if (t->mid[m] == NULL) {
		if ((t->mid[m] = st_gpt(16, 0)) == NULL)
			return NULL;
		t->root->d.slot[m] = st_cap(&t->mid[m]->obj, 0, 0, 0);
	}
	if (t->leaf[m][l] == NULL) {
		if ((t->leaf[m][l] = st_gpt(12, 0)) == NULL)
			return NULL;
		t->mid[m]->d.slot[l] = st_cap(&t->leaf[m][l]->obj, leaf_restr,
		    0, 0);
	}
	if ((pg = st_page()) == NULL)
		return NULL;
	t->leaf[m][l]->d.slot[S(va)] = st_cap(&pg->obj, page_restr, 0, 0);
	return pg;
}

struct page *
st_tree_page(const struct st_tree *t, uint64_t va)
{
	const struct gpt *leaf = t->leaf[M(va)][L(va)];
	struct obj *o;

	if (leaf == NULL || leaf->d.slot[S(va)].type != CT_PAGE ||
	    obj_get(leaf->d.slot[S(va)].oid, &o) != 0)
		return NULL;
	return obj_page(o);
}
