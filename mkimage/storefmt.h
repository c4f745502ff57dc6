/*
 * storefmt.h - helpers over include/abi/store.h that the store writer,
 * the decoder, verify and the tests share: sealing a metadata block with
 * its header and CRC, checking one, and the shape of the OID map trees.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <abi/store.h>

/* Identity fields every block of one store shares. */
struct store_ctx {
	uint64_t	store_id;
	uint64_t	generation;
};

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

/* CRC32C of a block with its header crc field taken as zero. */
uint32_t store_block_crc(const void *buf);

/*
 * Check a metadata block against the pointer that led to it (bp may be
 * NULL for superblocks) and the expected block number and store id
 * (store_id 0: any). Returns NULL if good, else a static description of
 * the first problem.
 */
const char *store_check_block(const void *buf, const struct store_bptr *bp,
	    uint64_t block, uint64_t store_id);

/*
 * Levels of interior nodes needed above the leaves for a type's OID map
 * holding oid_limit entries (0: the root is a leaf). Returns -1 if
 * oid_limit is absurd (the tree could not address it).
 */
int	store_map_levels(unsigned ot, uint64_t oid_limit);

/* Keys one child at level covers: leaf_span * FANOUT^(level-1). */
uint64_t store_span(uint64_t leaf_span, unsigned level);

/* Levels above the leaves of a free map over store_blocks blocks. */
int	store_free_levels(uint64_t store_blocks);

/*
 * True if the map leaf entry e of type ot is in use: a store_ref with
 * STORE_REF_USED, or an object whose hdr.oid is not 0.
 */
int	store_entry_used(unsigned ot, const void *e);

/* Name of a block kind ("mapleaf"), or "?" */
const char *store_kind_name(unsigned kind);

/* Name of an object type ("gpt"), or "?" */
const char *store_ot_name(unsigned ot);

/* Name of a capability type ("entry"), or "?" */
const char *store_ct_name(unsigned ct);

/* The OT_* a capability type names, OT_NONE if none or unknown. */
unsigned store_ct_objtype(unsigned ct);
