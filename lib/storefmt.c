/*
 * storefmt.c - the store format's pure helpers, one copy for the kernel's
 * store reader and for mkimage (see include/lib/storefmt.h): block CRCs
 * and sealing, the checks of a metadata block, a block pointer and a
 * superblock, tree shapes, and the name tables.
 *
 * Freestanding: needs <stdint.h>, <stddef.h> and lib/crc32c only; no
 * libc, no allocation, no state. Everything here takes untrusted values:
 * no input can make it overflow, index out of bounds or loop without end.
 */
#include <stddef.h>
#include <stdint.h>

#include <abi/cap.h>
#include <lib/crc32c.h>
#include <lib/storefmt.h>

uint32_t
store_block_crc(const void *blk)
{
	static const uint8_t zero4[4];
	const uint8_t *b = blk;
	size_t off = offsetof(struct store_blkhdr, crc);
	uint32_t c;

	c = crc32c_update(0, b, off);
	c = crc32c_update(c, zero4, 4);
	return crc32c_update(c, b + off + 4, STORE_BLOCK_SIZE - off - 4);
}

int
store_all_zero(const void *p, size_t n)
{
	typedef uint64_t __attribute__((may_alias)) word;
	const uint8_t *b = p;
	size_t i = 0;

	/* Whole leaves are checked on every kernel miss: 8 bytes a step. */
	for (; i < n && ((uintptr_t)(b + i) & 7) != 0; i++)
		if (b[i] != 0)
			return 0;
	for (; i + 8 <= n; i += 8)
		if (*(const word *)(b + i) != 0)
			return 0;
	for (; i < n; i++)
		if (b[i] != 0)
			return 0;
	return 1;
}

uint64_t
store_bits_set(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint64_t total = 0;
	size_t i = 0;

	/* SWAR: the kernel's baseline x86-64 has no popcnt instruction. */
	for (; i + 8 <= n; i += 8) {
		uint64_t x;

		__builtin_memcpy(&x, b + i, 8);
		x -= (x >> 1) & 0x5555555555555555ull;
		x = (x & 0x3333333333333333ull) +
		    ((x >> 2) & 0x3333333333333333ull);
		x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
		total += (x * 0x0101010101010101ull) >> 56;
	}
	for (; i < n; i++)
		for (uint8_t x = b[i]; x != 0; x &= (uint8_t)(x - 1))
			total++;
	return total;
}

struct store_bptr
store_seal(void *buf, const struct store_ctx *sc, uint32_t kind,
    uint64_t block, uint32_t level, uint32_t count, uint64_t key)
{
	struct store_blkhdr *h = buf;
	struct store_bptr bp = { 0 };

	h->magic = STORE_MAGIC;
	h->version = STORE_VERSION;
	h->page_size = STORE_BLOCK_SIZE;
	h->kind = kind;
	h->crc = 0;
	h->block = block;
	h->generation = sc->generation;
	h->level = level;
	h->count = count;
	h->key = key;
	h->store_id = sc->store_id;
	h->crc = store_block_crc(buf);
	bp.block = block;
	bp.birth = sc->generation;
	bp.crc = h->crc;
	bp.kind = (uint8_t)kind;
	bp.level = (uint8_t)level;
	return bp;
}

struct store_bptr
store_data_bptr(const void *buf, uint64_t block, uint64_t generation)
{
	struct store_bptr bp = { 0 };

	bp.block = block;
	bp.birth = generation;
	bp.crc = crc32c(buf, STORE_BLOCK_SIZE);
	bp.kind = STORE_BK_DATA;
	return bp;
}

const char *
store_check_hdr(const void *blk, uint64_t block)
{
	const struct store_blkhdr *h = blk;

	if (h->magic != STORE_MAGIC)
		return "bad magic";
	if (h->version != STORE_VERSION)
		return "unknown version";
	if (h->page_size != STORE_BLOCK_SIZE)
		return "bad page size";
	if (store_block_crc(blk) != h->crc)
		return "checksum mismatch";
	if (h->block != block)
		return "header names another block (a misdirected write or "
		    "read)";
	return NULL;
}

const char *
store_check_block(const void *blk, const struct store_bptr *bp,
    uint64_t store_id, uint64_t key)
{
	const struct store_blkhdr *h = blk;
	const char *why = store_check_hdr(blk, bp->block);

	if (why != NULL)
		return why;
	if (h->crc != bp->crc)
		return "checksum differs from the pointer to it";
	if (h->kind != bp->kind)
		return "kind differs from the pointer to it";
	if (h->level != bp->level)
		return "level differs from the pointer to it";
	if (h->generation != bp->birth)
		return "generation differs from the pointer's birth";
	if (h->store_id != store_id)
		return "block belongs to another store";
	if (h->key != key)
		return "key differs from its place in the tree";
	return NULL;
}

const char *
store_bptr_problem(const struct store_bptr *bp, unsigned kind,
    unsigned level, uint64_t gen, uint64_t blocks)
{
	if (bp->block == 0)
		return store_all_zero(bp, sizeof(*bp)) ? "null" :
		    "null pointer is not zero";
	if (bp->block < STORE_FIRST_DATA || bp->block >= blocks)
		return "block number outside the store";
	if (bp->kind != kind)
		return "pointer names the wrong kind of block";
	if (bp->level != level)
		return "pointer names the wrong tree level";
	if (bp->birth == 0 || bp->birth > gen)
		return "birth generation is 0 or after this generation";
	if (bp->reserved != 0)
		return "reserved field of the pointer is not zero";
	return NULL;
}

/* Like store_bptr_problem, but a null pointer (all zero) is fine. */
static const char *
optional_bptr(const struct store_bptr *bp, unsigned kind, unsigned level,
    uint64_t gen, uint64_t blocks)
{
	if (bp->block == 0 && store_all_zero(bp, sizeof(*bp)))
		return NULL;
	return store_bptr_problem(bp, kind, level, gen, blocks);
}

/* The map roots of sb: shapes that agree with the OID limits. */
static const char *
check_roots(const struct store_super *sb, uint64_t blocks)
{
	uint64_t gen = sb->hdr.generation;

	for (unsigned ot = 0; ot < STORE_OT_MAX; ot++) {
		const struct store_bptr *r = &sb->map_root[ot];
		int levels;

		if (ot == OT_NONE || ot >= OT_MAX) {
			if (!store_all_zero(r, sizeof(*r)) ||
			    sb->oid_limit[ot] != 0 || sb->obj_count[ot] != 0)
				return "map root for an unknown object type";
			continue;
		}
		levels = store_map_levels(ot, sb->oid_limit[ot]);
		if (levels < 0)
			return "an OID limit beyond any OID";
		if (sb->obj_count[ot] > sb->oid_limit[ot])
			return "an object count above its OID limit";
		if (r->block == 0) {
			if (!store_all_zero(r, sizeof(*r)) ||
			    sb->obj_count[ot] != 0)
				return "objects counted but no map root";
			continue;
		}
		if (store_bptr_problem(r, levels ? STORE_BK_MAPNODE :
		    STORE_BK_MAPLEAF, (unsigned)levels, gen, blocks) != NULL)
			return "a map root that does not fit its OID limit";
	}
	return NULL;
}

const char *
store_check_super(const void *blk, unsigned slot, uint64_t blocks)
{
	const struct store_super *sb = blk;
	const struct store_blkhdr *h = &sb->hdr;
	uint64_t gen = h->generation;
	const char *why = store_check_hdr(blk, slot);

	if (why != NULL)
		return why;
	if (h->kind != STORE_BK_SUPER)
		return "not a superblock";
	if (h->level != 0)
		return "superblock level is not 0";
	if (gen == 0 || gen % STORE_SB_RING != slot)
		return "generation does not belong in this slot";
	if (sb->ring_size != STORE_SB_RING)
		return "unknown ring size";
	if (sb->store_blocks != blocks)
		return "store size differs from the partition's";
	if (sb->used_blocks > blocks || sb->used_blocks < STORE_SB_RING)
		return "used block count out of range";
	if (sb->flags & ~STORE_SB_F_ALL)
		return "unknown flags";
	if (!store_all_zero(sb->reserved, sizeof(sb->reserved)))
		return "reserved bytes are not zero";
	if ((why = check_roots(sb, blocks)) != NULL)
		return why;
	if (store_bptr_problem(&sb->free_root, sb->free_root.level ?
	    STORE_BK_FREENODE : STORE_BK_FREELEAF, sb->free_root.level, gen,
	    blocks) != NULL)
		return "bad free map root";
	for (unsigned i = 0; i < STORE_RELEASED_LISTS; i++)
		if (optional_bptr(&sb->released[i], STORE_BK_LIST, 0, gen,
		    blocks) != NULL)
			return "bad released list pointer";
	if (optional_bptr(&sb->runlist, STORE_BK_LIST, 0, gen, blocks) != NULL)
		return "bad run list pointer";
	if (optional_bptr(&sb->manifest, STORE_BK_MANIFEST, 0, gen,
	    blocks) != NULL)
		return "bad manifest pointer";
	return NULL;
}

const char *
store_check_freeleaf(const void *blk, uint64_t blocks)
{
	const struct store_freeleaf *fl = blk;
	uint64_t key = fl->hdr.key, inside;

	if (store_bits_set(fl->bits, sizeof(fl->bits)) != fl->hdr.count)
		return "count differs from the blocks it marks";
	inside = key >= blocks ? 0 : blocks - key;
	if (inside >= STORE_BITS_PER_LEAF)
		return NULL;
	if (inside % 8 != 0 && (fl->bits[inside / 8] >> (inside % 8)) != 0)
		return "marks a block beyond the store";
	inside = (inside + 7) / 8;
	if (!store_all_zero(fl->bits + inside, sizeof(fl->bits) - inside))
		return "marks a block beyond the store";
	return NULL;
}

int
store_freenode_child(unsigned level, uint64_t key, unsigned i,
    uint64_t blocks)
{
	uint64_t span = store_span(STORE_BITS_PER_LEAF, level);

	/* key + i * span < blocks, without overflow. */
	if (key >= blocks)
		return 0;
	return i == 0 || span <= (blocks - key - 1) / i;
}

const char *
store_check_freenode(const void *blk, uint64_t blocks)
{
	const struct store_node *n = blk;
	uint32_t used = 0;

	for (unsigned i = 0; i < STORE_FANOUT; i++) {
		const struct store_bptr *c = &n->child[i];
		int inside = store_freenode_child(n->hdr.level, n->hdr.key, i,
		    blocks);

		if (c->block != 0) {
			if (!inside)
				return "a child beyond the store";
			used++;
		} else if (inside) {
			return "no child for blocks inside the store";
		} else if (!store_all_zero(c, sizeof(*c))) {
			return "a null child that is not zero";
		}
	}
	return used == n->hdr.count ? NULL :
	    "child count differs from the header's";
}

uint64_t
store_span(uint64_t leaf_span, unsigned level)
{
	uint64_t s = leaf_span;

	for (unsigned i = 1; i < level; i++) {
		if (s > UINT64_MAX / STORE_FANOUT)
			return UINT64_MAX;
		s *= STORE_FANOUT;
	}
	return s;
}

/* Levels above leaves of leaf_span keys each so that n keys fit. */
static int
levels_for(uint64_t leaf_span, uint64_t n)
{
	uint64_t cover = leaf_span;
	int levels = 0;

	while (cover < n) {
		if (cover > UINT64_MAX / STORE_FANOUT || levels >= 8)
			return -1;
		cover *= STORE_FANOUT;
		levels++;
	}
	return levels;
}

int
store_map_levels(unsigned ot, uint64_t oid_limit)
{
	uint32_t per = store_leaf_slots(ot);

	if (per == 0 || oid_limit > OID_INDEX_MASK + 1)
		return -1;
	return levels_for(per, oid_limit);
}

int
store_free_levels(uint64_t store_blocks)
{
	return levels_for(STORE_BITS_PER_LEAF, store_blocks);
}

int
store_entry_used(unsigned ot, const void *e)
{
	const uint8_t *b = e;
	uint32_t flags;
	uint64_t oid;

	/* Byte copies: an entry in an untrusted buffer may be unaligned. */
	if (ot == OT_PAGE || ot == OT_CAPPAGE) {
		__builtin_memcpy(&flags, b + offsetof(struct store_ref, flags),
		    sizeof(flags));
		return (flags & STORE_REF_USED) != 0;
	}
	__builtin_memcpy(&oid, b + offsetof(struct obj_hdr, oid), sizeof(oid));
	return oid != 0;
}

const char *
store_unused_problem(unsigned ot, const void *e, uint32_t *kept)
{
	const uint8_t *b = e;
	int ref = ot == OT_PAGE || ot == OT_CAPPAGE;
	/* Where the count is; the bytes after it that must be zero. */
	size_t at = ref ? offsetof(struct store_ref, alloc_count) :
	    offsetof(struct obj_hdr, alloc_count);
	size_t rest = ref ? offsetof(struct store_ref, flags) - at - 4 :
	    store_entry_size(ot) - at - 4;
	uint32_t count, flags = STORE_REF_FREE;

	*kept = 0;
	if (store_all_zero(b, store_entry_size(ot)))
		return NULL;
	__builtin_memcpy(&count, b + at, sizeof(count));
	if (ref)
		__builtin_memcpy(&flags, b + offsetof(struct store_ref, flags),
		    sizeof(flags));
	if (count == 0 || flags != STORE_REF_FREE ||
	    !store_all_zero(b, at) || !store_all_zero(b + at + 4, rest))
		return count == 0 ? "an unused entry that is not zero" :
		    "a free entry holds more than its allocation count";
	*kept = count;
	return NULL;
}

const char *
store_kind_name(unsigned kind)
{
	static const char *const names[STORE_BK_MAX] = {
		"none", "super", "mapnode", "mapleaf", "freenode",
		"freeleaf", "list", "manifest", "data",
	};

	return kind < STORE_BK_MAX ? names[kind] : "?";
}

const char *
store_ot_name(unsigned ot)
{
	switch (ot) {
#define OBJTYPE(name, code, full)	case code: return #name;
#include <abi/objtype.def>
#undef OBJTYPE
	default:
		return "?";
	}
}

const char *
store_ct_name(unsigned ct)
{
	switch (ct) {
#define CAPTYPE(name, code, ot)	case code: return #name;
#include <abi/captype.def>
#undef CAPTYPE
	default:
		return "?";
	}
}
