/*
 * store_cow.c - the blocks of the next generation's trees (the OID map
 * of each type and the free map), copied on write: a block that changes
 * is copied from the current generation into memory at its place (tree,
 * level, key), changed there, and at commit sealed and written to a free
 * block, bottom-up, each new pointer going into a changed copy of its
 * parent, up to a new root. Blocks that do not change are shared with
 * the current generation through the pointers copied with their parents.
 *
 * Invariants:
 * - a place has at most one changed block (found through a hash);
 * - the current block a copy was made from is released (store_free.c)
 *   when the copy is made: the next generation never references it;
 * - copies are made from blocks verified by store_meta() (every check
 *   of the reader), and every block they point to is checked to be
 *   marked in the current free map, so that no block the copy keeps
 *   can be handed out by the allocator.
 */
#include <stdbool.h>
#include <stdint.h>

#include <abi/err.h>
#include <kmem.h>
#include <lib/string.h>
#include <panic.h>
#include <pmm.h>
#include <printf.h>
#include <store/store_write_priv.h>
#include <x86_64/vm.h>

#define COW_HASH	512

static struct cow_blk	*hash[COW_HASH];
static struct cow_blk	*lists[COW_TREES][COW_LEVELS];

static const char *const tree_name[COW_TREES] = {
	[COW_FREE] = "free map",
	[OT_PAGE] = "page map",
	[OT_CAPPAGE] = "cappage map",
	[OT_GPT] = "gpt map",
	[OT_PROCESS] = "process map",
	[OT_ENDPOINT] = "endpoint map",
};

static unsigned
kind_of(unsigned tree, unsigned level)
{
	if (tree == COW_FREE)
		return level ? STORE_BK_FREENODE : STORE_BK_FREELEAF;
	return level ? STORE_BK_MAPNODE : STORE_BK_MAPLEAF;
}

uint64_t
cow_cover(unsigned tree, unsigned level)
{
	uint64_t leaf = tree == COW_FREE ? STORE_BITS_PER_LEAF :
	    store_leaf_slots(tree);

	return store_span(leaf, level + 1);
}

static unsigned
hash_of(unsigned tree, unsigned level, uint64_t key)
{
	uint64_t h = (key ^ ((uint64_t)tree << 56) ^ ((uint64_t)level << 48)) *
	    0x9e3779b97f4a7c15ull;

	return (unsigned)(h >> 55) % COW_HASH;
}

int
cow_locate(unsigned tree, unsigned level, uint64_t key,
    struct store_bptr *bp)
{
	const struct store_super *sb = &store_mnt.sb;
	uint64_t k = 0;

	*bp = tree == COW_FREE ? sb->free_root : sb->map_root[tree];
	if (bp->block == 0 || level > bp->level ||
	    key >= cow_cover(tree, bp->level)) {
		*bp = (struct store_bptr){ 0 };
		return 0;
	}
	for (unsigned l = bp->level; l > level; l--) {
		const struct store_node *n;
		uint64_t c;
		int err;

		err = store_meta(bp, kind_of(tree, l), l, k, tree,
		    tree_name[tree], (const void **)&n);
		if (err != 0)
			return err;
		c = (key - k) / cow_cover(tree, l - 1);
		*bp = n->child[c];
		k += c * cow_cover(tree, l - 1);
		if (bp->block == 0)
			return 0;
	}
	assert(k == key);
	return 0;
}

struct cow_blk *
cow_find(unsigned tree, unsigned level, uint64_t key)
{
	struct cow_blk *d = hash[hash_of(tree, level, key)];

	while (d != NULL && (d->tree != tree || d->level != level ||
	    d->key != key))
		d = d->hnext;
	return d;
}

struct cow_blk *
cow_first(unsigned tree, unsigned level)
{
	return lists[tree][level];
}

/* Every block the copy buf of a current block points to is marked. */
static int
check_marked(const struct cow_blk *d)
{
	const struct store_node *n = (const void *)d->buf;
	const struct store_ref *r = (const void *)(d->buf +
	    sizeof(struct store_blkhdr));

	if (d->level > 0) {
		for (unsigned i = 0; i < STORE_FANOUT; i++)
			if (n->child[i].block != 0 &&
			    !sf_marked(n->child[i].block))
				goto unmarked;
	} else if (d->tree == OT_PAGE || d->tree == OT_CAPPAGE) {
		for (unsigned i = 0; i < STORE_REFS_PER_LEAF; i++)
			if (r[i].block != 0 && !sf_marked(r[i].block))
				goto unmarked;
	}
	return 0;
unmarked:
	kprintf("store: block %lu (%s, level %u): points to a block the "
	    "free map marks free\n", d->old.block, tree_name[d->tree],
	    d->level);
	return ERR_CORRUPT;
}

/* A new record at (tree, level, key) over buf, old its current block. */
static int
add(unsigned tree, unsigned level, uint64_t key, uint8_t *buf,
    const struct store_bptr *old, struct cow_blk **out)
{
	struct cow_blk *d;
	unsigned h = hash_of(tree, level, key);
	int err;

	if (old->block != 0 && (err = sf_release(old->block,
	    tree_name[tree])) != 0)
		return err;
	d = kmem_alloc(sizeof(*d));
	if (d == NULL)
		return ERR_NO_SPACE;
	d->buf = buf;
	d->old = *old;
	d->key = key;
	d->tree = (uint8_t)tree;
	d->level = (uint8_t)level;
	d->hnext = hash[h];
	hash[h] = d;
	d->lnext = lists[tree][level];
	lists[tree][level] = d;
	*out = d;
	return 0;
}

int
cow_get(unsigned tree, unsigned level, uint64_t key, struct cow_blk **out)
{
	struct store_bptr old;
	const void *cur;
	uint64_t pa;
	uint8_t *buf;
	int err;

	if ((*out = cow_find(tree, level, key)) != NULL)
		return 0;
	if ((err = cow_locate(tree, level, key, &old)) != 0)
		return err;
	if ((pa = pmm_alloc()) == 0)
		return ERR_NO_SPACE;
	buf = phys_to_virt(pa);
	if (old.block == 0) {
		memset(buf, 0, STORE_BLOCK_SIZE);
	} else {
		err = store_meta(&old, kind_of(tree, level), level, key, tree,
		    tree_name[tree], &cur);
		if (err != 0) {
			pmm_free(pa);
			return err;
		}
		memcpy(buf, cur, STORE_BLOCK_SIZE);
	}
	err = add(tree, level, key, buf, &old, out);
	if (err == 0 && old.block != 0)
		err = check_marked(*out);
	if (err != 0 && *out == NULL)
		pmm_free(pa);
	return err;
}

int
cow_adopt(uint64_t key, uint8_t *buf, struct cow_blk **out)
{
	struct store_bptr old;
	int err;

	assert(cow_find(COW_FREE, 0, key) == NULL);
	*out = NULL;
	if ((err = cow_locate(COW_FREE, 0, key, &old)) != 0)
		return err;
	if (old.block == 0) {
		/* sf_load() found every leaf: a leaf missing now is a bug. */
		panic("store: free map leaf for blocks from %lu vanished", key);
	}
	err = add(COW_FREE, 0, key, buf, &old, out);
	if (err == 0)
		(*out)->borrowed = true;
	return err;
}

/* The key of the parent of a block of tree at (level, key). */
static uint64_t
parent_key(unsigned tree, unsigned level, uint64_t key)
{
	return key - key % cow_cover(tree, level + 1);
}

int
cow_parents(unsigned tree, unsigned top)
{
	for (unsigned l = 0; l < top; l++)
		for (struct cow_blk *d = lists[tree][l]; d; d = d->lnext) {
			struct cow_blk *p;
			int err = cow_get(tree, l + 1,
			    parent_key(tree, l, d->key), &p);

			if (err != 0)
				return err;
		}
	return 0;
}

int
cow_grow(unsigned tree, unsigned top)
{
	struct store_bptr root = store_mnt.sb.map_root[tree];
	struct cow_blk *d;
	int err;

	if (root.block == 0 || root.level >= top)
		return 0;
	for (unsigned l = root.level + 1u; l <= top; l++)
		if ((err = cow_get(tree, l, 0, &d)) != 0)
			return err;
	d = cow_find(tree, root.level + 1u, 0);
	((struct store_node *)d->buf)->child[0] = root;
	return 0;
}

/* hdr.count of a changed block: used entries, set bits or children. */
static uint32_t
count_of(const struct cow_blk *d)
{
	const uint8_t *pay = d->buf + sizeof(struct store_blkhdr);
	uint32_t n = 0;

	if (d->level > 0) {
		const struct store_node *node = (const void *)d->buf;

		for (unsigned i = 0; i < STORE_FANOUT; i++)
			n += node->child[i].block != 0;
	} else if (d->tree == COW_FREE) {
		n = (uint32_t)store_bits_set(pay, STORE_PAYLOAD);
	} else {
		uint32_t esz = store_entry_size(d->tree);

		for (uint32_t i = 0; i < store_leaf_slots(d->tree); i++)
			n += store_entry_used(d->tree, pay + i * esz);
	}
	return n;
}

int
cow_write_tree(unsigned tree, unsigned top, struct store_bptr *root)
{
	uint64_t *count = tree == COW_FREE ? &store_gen_st.free_writes :
	    &store_gen_st.map_writes;
	int err;

	for (unsigned l = 0; l <= top; l++)
		for (struct cow_blk *d = lists[tree][l]; d; d = d->lnext) {
			struct store_bptr bp;
			struct cow_blk *p = NULL;

			if (l < top && (err = cow_get(tree, l + 1,
			    parent_key(tree, l, d->key), &p)) != 0)
				return err;
			/* The free map's blocks were settled before its bits. */
			assert(tree != COW_FREE || d->block != 0);
			if (d->block == 0 && (err = sf_alloc(&d->block)) != 0)
				return err;
			bp = store_seal(d->buf, &store_gen_ctx,
			    kind_of(tree, l), d->block, l, count_of(d), d->key);
			if ((err = store_gen_write(d->block, d->buf, count)) != 0)
				return err;
			if (p == NULL) {
				assert(d->key == 0 && d->lnext == NULL);
				*root = bp;
				continue;
			}
			((struct store_node *)p->buf)->child[(d->key - p->key) /
			    cow_cover(tree, l)] = bp;
		}
	return 0;
}

void
cow_drop(void)
{
	for (unsigned h = 0; h < COW_HASH; h++)
		while (hash[h] != NULL) {
			struct cow_blk *d = hash[h];

			hash[h] = d->hnext;
			if (!d->borrowed)
				pmm_free(virt_to_phys(d->buf));
			kmem_free(d);
		}
	memset(lists, 0, sizeof(lists));
}
