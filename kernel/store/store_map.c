/*
 * store_map.c - verified reads of store metadata through a small cache,
 * the OID map walk (one block per level, only on the OID's path), and
 * page data reads.
 *
 * The cache holds STORE_CACHE_BLOCKS verified blocks, each under the
 * exact pointer that led to it (block, birth, CRC, kind, level) and the
 * place it was checked for (key, object type): a hit needs all of them
 * to match, so a block is never used where it was not checked, and a
 * block number reused by a later generation (new birth and CRC) is
 * never mistaken for the old one. Least recently used goes first.
 * Its frames are taken at the first mount and kept.
 */
#include <stdbool.h>
#include <stdint.h>

#include <abi/err.h>
#include <lib/crc32c.h>
#include <lib/storefmt.h>
#include <lib/string.h>
#include <pmm.h>
#include <printf.h>
#include <store/store.h>
#include <store/store_priv.h>
#include <x86_64/vm.h>

#define STORE_CACHE_BLOCKS	16

struct cblk {
	uint8_t		*data;		/* a frame, once allocated */
	bool		valid;
	uint8_t		kind;
	uint8_t		level;
	uint8_t		ot;
	uint32_t	crc;
	uint64_t	block;
	uint64_t	birth;
	uint64_t	key;
	uint64_t	stamp;		/* last use */
};

static struct cblk	cache[STORE_CACHE_BLOCKS];
static uint64_t		clock;

static int
corrupt(uint64_t block)
{
	store_st.corrupt++;
	store_st.bad_block = block;
	return ERR_CORRUPT;
}

int
store_cache_reset(void)
{
	for (unsigned i = 0; i < STORE_CACHE_BLOCKS; i++) {
		cache[i].valid = false;
		if (cache[i].data == NULL) {
			uint64_t pa = pmm_alloc();

			if (pa == 0)
				return ERR_NO_SPACE;
			cache[i].data = phys_to_virt(pa);
		}
	}
	return 0;
}

/* Why used entry e (index idx of type ot) is malformed, or NULL. */
static const char *
entry_problem(unsigned ot, uint64_t idx, const uint8_t *e)
{
	if (idx >= store_mnt.sb.oid_limit[ot])
		return "an entry in use beyond the OID limit";
	if (ot == OT_PAGE || ot == OT_CAPPAGE) {
		const struct store_ref *r = (const void *)e;

		if (r->flags & ~STORE_REF_ALL)
			return "an entry with unknown flags";
		if (r->block == 0 && r->crc != 0)
			return "a checksum without a data block";
		if (r->block != 0 && (r->block < STORE_FIRST_DATA ||
		    r->block >= store_mnt.dev.blocks))
			return "a data block outside the store";
		return NULL;
	}
	if (((const struct obj_hdr *)e)->oid != OID_MAKE(ot, idx))
		return "an entry holding another OID";
	return NULL;
}

/* The contents of a map node or leaf of type ot, keyed from key. */
static const char *
check_map_body(const uint8_t *blk, unsigned kind, unsigned ot, uint64_t key)
{
	const struct store_blkhdr *h = (const void *)blk;
	uint32_t used = 0;

	if (kind == STORE_BK_MAPNODE) {
		const struct store_node *n = (const void *)blk;

		for (unsigned i = 0; i < STORE_FANOUT; i++) {
			if (n->child[i].block != 0)
				used++;
			else if (!store_all_zero(&n->child[i],
			    sizeof(n->child[i])))
				return "a null child that is not zero";
		}
		return used == h->count ? NULL :
		    "child count differs from the header's";
	}
	uint32_t per = store_leaf_slots(ot), esz = store_entry_size(ot);
	const uint8_t *pay = blk + sizeof(*h);

	for (uint32_t i = 0; i < per; i++) {
		const uint8_t *e = pay + (uint64_t)i * esz;
		const char *why;

		if (!store_entry_used(ot, e)) {
			uint32_t kept;

			if ((why = store_unused_problem(ot, e, &kept)) != NULL)
				return why;
			continue;
		}
		used++;
		if ((why = entry_problem(ot, key + i, e)) != NULL)
			return why;
	}
	if (!store_all_zero(pay + (uint64_t)per * esz,
	    STORE_PAYLOAD - (uint64_t)per * esz))
		return "bytes after the last entry are not zero";
	return used == h->count ? NULL :
	    "entry count differs from the header's";
}

/* Every check of a metadata block read for bp; NULL if it passes. */
static const char *
check_meta(const uint8_t *blk, const struct store_bptr *bp, unsigned kind,
    uint64_t key, unsigned ot)
{
	const struct store_blkhdr *h = (const void *)blk;
	const char *why;

	/* store_meta() saw bp name this kind and level. */
	why = store_check_block(blk, bp, store_mnt.sb.hdr.store_id, key);
	if (why != NULL)
		return why;
	if (kind == STORE_BK_LIST) {
		const struct store_list *l = (const void *)blk;

		if (h->count > STORE_LIST_ITEMS)
			return "item count exceeds the block";
		if (!store_all_zero(&l->item[h->count],
		    (STORE_LIST_ITEMS - h->count) * 8))
			return "bytes after the last item are not zero";
		if (l->next.block == 0 &&
		    !store_all_zero(&l->next, sizeof(l->next)))
			return "null next pointer is not zero";
	}
	if (kind == STORE_BK_MAPNODE || kind == STORE_BK_MAPLEAF)
		return check_map_body(blk, kind, ot, key);
	return NULL;
}

int
store_meta(const struct store_bptr *bp, unsigned kind, unsigned level,
    uint64_t key, unsigned ot, const char *what, const void **out)
{
	const char *why;
	struct cblk *c = NULL;
	unsigned i;
	int err;

	why = store_bptr_problem(bp, kind, level, store_mnt.sb.hdr.generation,
	    store_mnt.dev.blocks);
	if (why != NULL) {
		kprintf("store: %s: pointer to block %lu: %s\n", what,
		    bp->block, why);
		return corrupt(bp->block);
	}
	for (i = 0; i < STORE_CACHE_BLOCKS; i++) {
		struct cblk *x = &cache[i];

		if (x->valid && x->block == bp->block &&
		    x->birth == bp->birth && x->crc == bp->crc &&
		    x->kind == kind && x->level == level && x->key == key &&
		    x->ot == ot) {
			x->stamp = ++clock;
			store_st.meta_hits++;
			*out = x->data;
			return 0;
		}
		if (c == NULL || !x->valid ||
		    (c->valid && x->stamp < c->stamp))
			c = x;
	}
	c->valid = false;
	store_st.meta_reads++;
	err = store_mnt.dev.read(store_mnt.dev.ctx, bp->block, c->data);
	if (err != 0) {
		kprintf("store: block %lu (%s %s): read failed, error %d\n",
		    bp->block, store_kind_name(kind), what, err);
		store_st.io_errors++;
		store_st.bad_block = bp->block;
		return ERR_IO;
	}
	why = check_meta(c->data, bp, kind, key, ot);
	if (why != NULL) {
		kprintf("store: block %lu (%s %s, level %u): %s\n", bp->block,
		    store_kind_name(kind), what, level, why);
		return corrupt(bp->block);
	}
	c->valid = true;
	c->block = bp->block;
	c->birth = bp->birth;
	c->crc = bp->crc;
	c->kind = (uint8_t)kind;
	c->level = (uint8_t)level;
	c->key = key;
	c->ot = (uint8_t)ot;
	c->stamp = ++clock;
	*out = c->data;
	return 0;
}

static const char *const map_name[OT_MAX] = {
	[OT_PAGE] = "page map",
	[OT_CAPPAGE] = "cappage map",
	[OT_GPT] = "gpt map",
	[OT_PROCESS] = "process map",
	[OT_ENDPOINT] = "endpoint map",
};

int
store_get_entry(oid_t oid, void *entry)
{
	unsigned t = OID_TYPE(oid), level;
	uint64_t i = OID_INDEX(oid), key = 0;
	uint32_t per = store_leaf_slots(t);
	struct store_bptr bp;
	const uint8_t *blk;
	int err;

	if (t == OT_NONE || t >= OT_MAX || per == 0)
		return ERR_BAD_ARG;
	if (!store_mnt.mounted || i >= store_mnt.sb.oid_limit[t] ||
	    store_mnt.sb.map_root[t].block == 0)
		return ERR_NOT_FOUND;
	bp = store_mnt.sb.map_root[t];
	for (level = bp.level;; level--) {
		err = store_meta(&bp, level ? STORE_BK_MAPNODE :
		    STORE_BK_MAPLEAF, level, key, t, map_name[t],
		    (const void **)&blk);
		if (err != 0)
			return err;
		if (level == 0)
			break;
		/* The root covers the OID limit, each child its span. */
		uint64_t span = store_span(per, level), c = (i - key) / span;

		bp = ((const struct store_node *)blk)->child[c];
		if (bp.block == 0)
			return ERR_NOT_FOUND;
		key += c * span;
	}
	const uint8_t *e = blk + sizeof(struct store_blkhdr) +
	    (i - key) * store_entry_size(t);

	/* Unused or free (the leaf check saw which): all zero but a free
	   entry's kept allocation count, which the caller needs too. */
	memcpy(entry, e, store_entry_size(t));
	return store_entry_used(t, e) ? 0 : ERR_NOT_FOUND;
}

int
store_read_data(oid_t oid, const struct store_ref *ref, void *buf)
{
	int err;

	if (ref->block == 0) {
		void *d = buf;
		uint64_t n = STORE_BLOCK_SIZE / 8;

		/* rep stosq: an eighth of the steps of memset's stosb. */
		__asm__ volatile("rep stosq" : "+D"(d), "+c"(n) : "a"(0ul) :
		    "memory");
		return 0;
	}
	if (!store_mnt.mounted || ref->block < STORE_FIRST_DATA ||
	    ref->block >= store_mnt.dev.blocks) {
		kprintf("store: %s %#lx: data block %lu outside the store\n",
		    store_ot_name(OID_TYPE(oid)), oid, ref->block);
		return corrupt(ref->block);
	}
	store_st.data_reads++;
	err = store_mnt.dev.read(store_mnt.dev.ctx, ref->block, buf);
	if (err != 0) {
		kprintf("store: block %lu (data of %s %#lx): read failed, "
		    "error %d\n", ref->block, store_ot_name(OID_TYPE(oid)),
		    oid, err);
		store_st.io_errors++;
		store_st.bad_block = ref->block;
		return ERR_IO;
	}
	if (crc32c(buf, STORE_BLOCK_SIZE) != ref->crc) {
		kprintf("store: block %lu (data of %s %#lx): checksum "
		    "mismatch\n", ref->block, store_ot_name(OID_TYPE(oid)),
		    oid);
		return corrupt(ref->block);
	}
	return 0;
}
