/*
 * st_ckpt_dev.c - the store writer's test device (st_ckpt.h): a sparse
 * in-memory store that keeps every block written, fails the n-th write
 * or flush on request (storing the failed write anyway when told to
 * lie, as a disk whose error report was wrong), an empty generation 1 to
 * start from (its free map one leaf, or leaves under one node for more
 * than 32256 blocks), and objects built from a seed.
 */
#include <stdbool.h>
#include <stdint.h>

#include <abi/err.h>
#include <lib/storefmt.h>
#include <lib/string.h>
#include <store/objcache.h>
#include <pmm.h>
#include <selftest/selftest.h>
#include <selftest/st_ckpt.h>
#include <x86_64/vm.h>

#define FANOUT		512u

static void *
frame(void)
{
	uint64_t pa = pmm_alloc();
	void *p;

	if (pa == 0)
		return NULL;
	p = phys_to_virt(pa);
	memset(p, 0, PAGE_SIZE);
	return p;
}

bool
wdev_init(struct wdev *w, uint64_t blocks)
{
	memset(w, 0, sizeof(*w));
	if (blocks > WDEV_MAX_BLOCKS)
		return false;
	w->blocks = blocks;
	w->top = frame();
	return w->top != NULL;
}

void
wdev_free(struct wdev *w)
{
	for (unsigned i = 0; w->top != NULL && i < FANOUT; i++) {
		if (w->top[i] == NULL)
			continue;
		for (unsigned j = 0; j < FANOUT; j++)
			if (w->top[i][j] != NULL)
				pmm_free(virt_to_phys(w->top[i][j]));
		pmm_free(virt_to_phys(w->top[i]));
	}
	if (w->top != NULL)
		pmm_free(virt_to_phys(w->top));
	memset(w, 0, sizeof(*w));
}

uint8_t *
wdev_block(struct wdev *w, uint64_t b)
{
	uint8_t **mid = w->top[b / FANOUT];

	return mid == NULL ? NULL : mid[b % FANOUT];
}

static int
dev_read(void *ctx, uint64_t b, void *buf)
{
	struct wdev *w = ctx;
	uint8_t *p;

	if (b >= w->blocks)
		return ERR_IO;
	p = wdev_block(w, b);
	if (p == NULL)
		memset(buf, 0, STORE_BLOCK_SIZE);
	else
		memcpy(buf, p, STORE_BLOCK_SIZE);
	return 0;
}

static int
dev_write(void *ctx, uint64_t b, const void *buf)
{
	struct wdev *w = ctx;
	bool fail = w->fail_write != 0 && --w->fail_write == 0;
	uint8_t ***mid = &w->top[b / FANOUT];
	void (*hook)(void) = w->on_write;

	if (hook != NULL) {		/* as a process would, meanwhile */
		w->on_write = NULL;
		hook();
	}
	if (b >= w->blocks)
		return ERR_IO;
	if (fail && !w->lie)
		return ERR_IO;
	if (*mid == NULL && (*mid = frame()) == NULL)
		return ERR_NO_SPACE;
	if ((*mid)[b % FANOUT] == NULL) {
		if (((*mid)[b % FANOUT] = frame()) == NULL)
			return ERR_NO_SPACE;
		w->frames++;
	}
	memcpy((*mid)[b % FANOUT], buf, STORE_BLOCK_SIZE);
	if (fail)
		return ERR_IO;
	w->writes++;
	return 0;
}

static int
dev_flush(void *ctx)
{
	struct wdev *w = ctx;

	if (w->fail_flush != 0 && --w->fail_flush == 0)
		return ERR_IO;
	w->flushes++;
	return 0;
}

struct store_dev
wdev_dev(struct wdev *w)
{
	return (struct store_dev){ "test writer store", w->blocks, dev_read,
	    w, dev_write, dev_flush, NULL };	/* a block a request */
}

int
wdev_mount(struct wdev *w)
{
	struct store_dev dev = wdev_dev(w);

	objcache_init();
	objcache_flush();
	return store_mount(&dev);
}

/* Write gen 1's released list of [first, end) from block at; its bptr. */
static int
write_released(struct wdev *w, const struct store_ctx *sc, uint64_t at,
    uint64_t first, uint64_t end, struct store_bptr *bp)
{
	struct store_list *l = frame();
	uint64_t n = end - first, nb = (n + STORE_LIST_ITEMS - 1) /
	    STORE_LIST_ITEMS;
	int err = 0;

	*bp = (struct store_bptr){ 0 };
	if (l == NULL)
		return ERR_NO_SPACE;
	for (uint64_t j = nb; j-- > 0 && err == 0;) {
		uint64_t i0 = j * STORE_LIST_ITEMS, cnt = n - i0;

		if (cnt > STORE_LIST_ITEMS)
			cnt = STORE_LIST_ITEMS;
		memset(l, 0, sizeof(*l));
		for (uint64_t i = 0; i < cnt; i++)
			l->item[i] = first + i0 + i;
		l->next = *bp;
		*bp = store_seal(l, sc, STORE_BK_LIST, at + j, 0,
		    (uint32_t)cnt, i0 * 8);
		err = dev_write(w, at + j, l);
	}
	pmm_free(virt_to_phys(l));
	return err;
}

int
wdev_format(struct wdev *w, uint64_t id, uint64_t rel_first,
    uint64_t rel_end)
{
	struct store_ctx sc = { id, 1 };
	uint64_t nleaves = (w->blocks + STORE_BITS_PER_LEAF - 1) /
	    STORE_BITS_PER_LEAF;
	int levels = store_free_levels(w->blocks);
	/* Leaves from block 4 on, the node (if any), the released list. */
	uint64_t node_at = STORE_FIRST_DATA + nleaves;
	uint64_t list_at = node_at + (levels > 0);
	uint64_t used = list_at + (rel_end - rel_first + STORE_LIST_ITEMS -
	    1) / STORE_LIST_ITEMS;
	struct store_freeleaf *fl = frame();
	struct store_node *node = frame();
	struct store_super *sb = frame();
	int err = ERR_NO_SPACE;

	if (fl == NULL || node == NULL || sb == NULL || levels > 1 ||
	    (rel_end > rel_first && rel_first < used) || rel_end > w->blocks)
		goto out;
	err = write_released(w, &sc, list_at, rel_first, rel_end,
	    &sb->released[0]);
	for (uint64_t i = 0; i < nleaves && err == 0; i++) {
		uint64_t key = i * STORE_BITS_PER_LEAF, n = 0;

		memset(fl, 0, sizeof(*fl));
		for (uint64_t b = key; b < key + STORE_BITS_PER_LEAF; b++)
			if (b < used || (b >= rel_first && b < rel_end)) {
				fl->bits[(b - key) / 8] |=
				    (uint8_t)(1u << (b % 8));
				n++;
			}
		node->child[i] = store_seal(fl, &sc, STORE_BK_FREELEAF,
		    STORE_FIRST_DATA + i, 0, (uint32_t)n, key);
		err = dev_write(w, STORE_FIRST_DATA + i, fl);
	}
	if (err != 0)
		goto out;
	sb->free_root = node->child[0];
	if (levels == 1) {
		sb->free_root = store_seal(node, &sc, STORE_BK_FREENODE,
		    node_at, 1, (uint32_t)nleaves, 0);
		if ((err = dev_write(w, node_at, node)) != 0)
			goto out;
	}
	sb->store_blocks = w->blocks;
	sb->used_blocks = used + (rel_end - rel_first);
	sb->ring_size = STORE_SB_RING;
	sb->flags = STORE_SB_F_MKIMAGE;
	store_seal(sb, &sc, STORE_BK_SUPER, 1, 0, 0, 0);
	err = dev_write(w, 1, sb);
out:
	if (fl != NULL)
		pmm_free(virt_to_phys(fl));
	if (node != NULL)
		pmm_free(virt_to_phys(node));
	if (sb != NULL)
		pmm_free(virt_to_phys(sb));
	return err != 0 ? err : wdev_mount(w);
}

bool
ck_fresh(struct wdev *w, uint64_t blocks, uint64_t rel_first,
    uint64_t rel_end)
{
	int err;

	if (!wdev_init(w, blocks)) {
		st_fail("no memory for a %lu-block test store", blocks);
		return false;
	}
	err = wdev_format(w, 0xc4e7c4e7c4e7ull + blocks, rel_first, rel_end);
	if (err != 0) {
		st_fail("mounting a fresh %lu-block store: error %d", blocks,
		    err);
		wdev_free(w);
		return false;
	}
	return true;
}

static uint64_t
mix(uint64_t x)
{
	x ^= x >> 31;
	x *= 0x7fb5d329728ea185ull;
	x ^= x >> 27;
	x *= 0x81dadef4bc2dd44dull;
	return x ^ (x >> 33);
}

void
ck_fill_page(void *buf, uint64_t seed, oid_t oid)
{
	uint64_t *w = buf, x = mix(seed ^ mix(oid));

	for (unsigned i = 0; i < PAGE_SIZE / 8; i++)
		w[i] = x + i * 0x9e3779b97f4a7c15ull;
}

void
ck_make_object(void *obj, uint64_t seed, oid_t oid)
{
	struct obj_hdr *h = obj;
	uint8_t *b = obj;
	uint32_t size = store_entry_size(OID_TYPE(oid));
	uint64_t x = mix(seed ^ mix(oid));

	/* The store checks only the header; the rest is bytes to compare. */
	for (uint32_t i = sizeof(*h); i < size; i++)
		b[i] = (uint8_t)(x >> (i % 8 * 8)) ^ (uint8_t)i;
	h->oid = oid;
	h->alloc_count = (uint32_t)x | 1;
	h->bank = (uint32_t)(x >> 32);
}

