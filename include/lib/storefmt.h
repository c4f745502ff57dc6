/*
 * storefmt.h - the pure helpers over the store format (include/abi/store.h,
 * docs/store-format.md) that the kernel's store reader and mkimage share,
 * so both sides judge a block, a pointer or a superblock by one set of
 * rules: block CRCs, sealing a metadata block, checking a block against
 * its header, the pointer that led to it and its place, checking a
 * superblock, the shapes of the trees, and the name tables.
 *
 * Freestanding (lib/storefmt.c needs only lib/crc32c): no allocation, no
 * state, safe on untrusted bytes. A check returns NULL when everything
 * holds, else a static sentence naming the first thing that does not;
 * callers add which block it was.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <abi/store.h>

/* Identity fields every block one writer seals shares. */
struct store_ctx {
	uint64_t	store_id;
	uint64_t	generation;
};

/* CRC32C of a metadata block (4 KiB) with its header's crc taken as 0. */
uint32_t store_block_crc(const void *blk);

/* True (1) if the n bytes at p are all zero. */
int	store_all_zero(const void *p, size_t n);

/*
 * Bits set in the n bytes at p (a free map leaf's bitmap: its hdr.count).
 * p needs no alignment.
 */
uint64_t store_bits_set(const void *p, size_t n);

/*
 * Fill the header of the metadata block buf (STORE_BLOCK_SIZE bytes) and
 * compute its CRC. Returns a block pointer to it.
 */
struct store_bptr store_seal(void *buf, const struct store_ctx *sc,
	    uint32_t kind, uint64_t block, uint32_t level, uint32_t count,
	    uint64_t key);

/* Block pointer to a headerless data block. */
struct store_bptr store_data_bptr(const void *buf, uint64_t block,
	    uint64_t generation);

/*
 * The checks every metadata block's header must pass on its own: magic,
 * version, page size, CRC32C, and its own block number equal to block
 * (where it was read from). NULL if it passes.
 */
const char *store_check_hdr(const void *blk, uint64_t block);

/*
 * Every header check of a metadata block that the pointer bp led to:
 * store_check_hdr() at bp->block, then the CRC, kind, level and birth
 * generation bp names, the store id (store_id exactly, 0 included) and
 * the key of its place in its tree or list. The pointer itself is
 * store_bptr_problem()'s to check. NULL if all hold.
 */
const char *store_check_block(const void *blk, const struct store_bptr *bp,
	    uint64_t store_id, uint64_t key);

/*
 * Why bp (to a block of kind at level, in a store of `blocks` blocks
 * whose current generation is gen) cannot be followed, NULL if it can;
 * a null pointer gives "null" (or a complaint if it is not all zero).
 */
const char *store_bptr_problem(const struct store_bptr *bp, unsigned kind,
	    unsigned level, uint64_t gen, uint64_t blocks);

/*
 * Check a superblock image (4 KiB at blk) read from ring slot `slot` of
 * a store of `blocks` blocks: store_check_hdr(), kind, level 0, the slot
 * its generation belongs in, ring size, store size, used-block count,
 * flags, reserved bytes, every map root's shape against its OID limit
 * and object count, and the free map, released list, run list and
 * manifest pointers. Not the store id (the ring's newest decides it).
 * NULL if the superblock is valid.
 */
const char *store_check_super(const void *blk, unsigned slot,
	    uint64_t blocks);

/*
 * The contents of a free map leaf whose header passed
 * store_check_block(), in a store of `blocks` blocks: hdr.count equal
 * to the bits set, no bit set for a block at or beyond `blocks`. NULL
 * if they hold.
 */
const char *store_check_freeleaf(const void *blk, uint64_t blocks);

/*
 * The contents of a free map node (level >= 1) whose header passed
 * store_check_block(), in a store of `blocks` blocks: a child for every
 * span of blocks that starts inside the store (every leaf is present),
 * null (all zero) children past it, hdr.count equal to its children.
 * NULL if they hold. Where a child covers is store_freenode_child().
 */
const char *store_check_freenode(const void *blk, uint64_t blocks);

/*
 * True (1) if child i of the free map node at (level, key) covers
 * blocks that start inside a store of `blocks` blocks; its first block
 * is then key + i * store_span(STORE_BITS_PER_LEAF, level).
 */
int	store_freenode_child(unsigned level, uint64_t key, unsigned i,
	    uint64_t blocks);

/*
 * Levels of interior nodes above the leaves of a type's OID map with
 * oid_limit entries (0: the root is a leaf); -1 if the type has no map
 * or the limit is beyond what any OID can reach.
 */
int	store_map_levels(unsigned ot, uint64_t oid_limit);

/* Levels above the leaves of a free map over store_blocks blocks. */
int	store_free_levels(uint64_t store_blocks);

/*
 * Keys one child of a node at level covers: leaf_span *
 * STORE_FANOUT^(level-1) (leaf_span at level 0 or 1), UINT64_MAX if
 * that does not fit.
 */
uint64_t store_span(uint64_t leaf_span, unsigned level);

/*
 * True (1) if the map leaf entry e of type ot is in use: a store_ref
 * with STORE_REF_USED, or an object whose hdr.oid is not 0. e needs no
 * alignment.
 */
int	store_entry_used(unsigned ot, const void *e);

/*
 * For a map leaf entry e of type ot that is not in use: NULL if it is
 * unused (all zero; *kept = 0) or free with its allocation count kept
 * (*kept = that count: only the count set, non-zero, with STORE_REF_FREE
 * and nothing else in a store_ref's flags), else why it is neither. e
 * needs no alignment.
 */
const char *store_unused_problem(unsigned ot, const void *e, uint32_t *kept);

/* Name of a block kind ("mapleaf"), or "?" */
const char *store_kind_name(unsigned kind);

/* Name of an object type ("GPT"), or "?" */
const char *store_ot_name(unsigned ot);

/* Name of a capability type ("ENTRY"), or "?" */
const char *store_ct_name(unsigned ct);
