/*
 * storefmt.c - sealing and checking store blocks, and tree shapes.
 * Everything here takes untrusted values: no input can make it overflow
 * or index out of bounds.
 */
#include <string.h>

#include <abi/cap.h>
#include <lib/crc32c.h>

#include "storefmt.h"

uint32_t
store_block_crc(const void *buf)
{
	static const uint8_t zero[4];
	const uint8_t *b = buf;
	uint32_t c;
	size_t off = __builtin_offsetof(struct store_blkhdr, crc);

	c = crc32c_update(0, b, off);
	c = crc32c_update(c, zero, 4);
	return crc32c_update(c, b + off + 4, STORE_BLOCK_SIZE - off - 4);
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
store_check_block(const void *buf, const struct store_bptr *bp,
    uint64_t block, uint64_t store_id)
{
	const struct store_blkhdr *h = buf;

	if (h->magic != STORE_MAGIC)
		return "bad magic";
	if (h->version != STORE_VERSION)
		return "unknown version";
	if (h->page_size != STORE_BLOCK_SIZE)
		return "bad page size";
	if (store_block_crc(buf) != h->crc)
		return "checksum mismatch";
	if (h->block != block)
		return "block number in header does not match its location";
	if (store_id != 0 && h->store_id != store_id)
		return "block belongs to another store";
	if (bp == NULL)
		return NULL;
	if (bp->crc != h->crc)
		return "checksum differs from the pointer to it";
	if (bp->kind != h->kind)
		return "kind differs from the pointer to it";
	if (bp->level != h->level)
		return "level differs from the pointer to it";
	if (bp->birth != h->generation)
		return "generation differs from the pointer to it";
	return NULL;
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
	struct store_ref ref;
	struct obj_hdr h;

	if (ot == OT_PAGE || ot == OT_CAPPAGE) {
		memcpy(&ref, e, sizeof(ref));
		return (ref.flags & STORE_REF_USED) != 0;
	}
	memcpy(&h, e, sizeof(h));
	return h.oid != 0;
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
#define OBJTYPE(name, code)	case code: return #name;
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

unsigned
store_ct_objtype(unsigned ct)
{
	switch (ct) {
#define CAPTYPE(name, code, ot)	case code: return OT_##ot;
#include <abi/captype.def>
#undef CAPTYPE
	default:
		return OT_NONE;
	}
}
