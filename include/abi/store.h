/*
 * store.h - the on-disk layout of the persistent store partition, shared
 * byte for byte by the kernel (reads, checkpoints) and mkimage (writes
 * generation 1, decodes any generation). docs/store-format.md explains it
 * with a diagram and the commit order.
 *
 * The store is an array of 4 KiB blocks. Blocks 0..STORE_SB_RING-1 hold a
 * ring of superblocks: generation g is written to slot g % STORE_SB_RING,
 * the valid one with the highest generation is current, and the others
 * are older generations that can still be booted or inspected. Every
 * other block is reached from a superblock through a block pointer
 * (struct store_bptr) carrying the block's CRC32C and the generation that
 * wrote it; blocks are never rewritten in place while a kept generation
 * references them (copy-on-write).
 *
 * Invariants:
 * - every metadata block starts with struct store_blkhdr: magic, version,
 *   page size, kind, its own block number, birth generation, store id,
 *   and a CRC32C of the whole block computed with the crc field zero;
 * - data blocks (pages, cap pages) have no header: their CRC32C is in the
 *   OID map entry that points at them;
 * - all fields are little-endian and fixed width; reserved fields are 0.
 */
#pragma once

#include <stdint.h>
#include <abi/types.h>
#include <abi/obj.h>
#include <abi/gpt.h>
#include <abi/process.h>
#include <abi/endpoint.h>

#define STORE_BLOCK_SIZE	PAGE_SIZE
#define STORE_MAGIC		0x31524f5453504143ULL	/* "CAPSTOR1" */
#define STORE_VERSION		3	/* 3: a fault's kept GPT is a cap */
#define STORE_SB_RING		4	/* superblock slots = kept generations */
#define STORE_FIRST_DATA	STORE_SB_RING	/* first allocatable block */
#define STORE_OT_MAX		8	/* per-type arrays; > every OT_* code */
_Static_assert(OT_MAX <= STORE_OT_MAX, "objtype.def outgrew STORE_OT_MAX");

/* Block kinds (store_blkhdr.kind and store_bptr.kind). */
#define STORE_BK_NONE		0	/* null pointer */
#define STORE_BK_SUPER		1	/* superblock */
#define STORE_BK_MAPNODE	2	/* OID map interior node */
#define STORE_BK_MAPLEAF	3	/* OID map leaf */
#define STORE_BK_FREENODE	4	/* free-space tree interior node */
#define STORE_BK_FREELEAF	5	/* free-space bitmap */
#define STORE_BK_LIST		6	/* list of u64 (run list, released) */
#define STORE_BK_MANIFEST	7	/* mkimage manifest bytes */
#define STORE_BK_DATA		8	/* headerless page or cap page */
#define STORE_BK_MAX		9

struct store_blkhdr {
	uint64_t	magic;		/* STORE_MAGIC */
	uint32_t	version;	/* STORE_VERSION */
	uint32_t	page_size;	/* STORE_BLOCK_SIZE */
	uint32_t	kind;		/* STORE_BK_* */
	uint32_t	crc;		/* CRC32C of the block, this field 0 */
	uint64_t	block;		/* this block's own number */
	uint64_t	generation;	/* generation that wrote it (birth) */
	uint32_t	level;		/* tree level, 0 = leaf */
	uint32_t	count;		/* used entries or bytes, per kind */
	uint64_t	key;		/* first key covered, per kind */
	uint64_t	store_id;	/* the store's identity, from mkimage */
};
_Static_assert(sizeof(struct store_blkhdr) == 64, "");
_Static_assert(__builtin_offsetof(struct store_blkhdr, kind) == 16, "");
_Static_assert(__builtin_offsetof(struct store_blkhdr, crc) == 20, "");
_Static_assert(__builtin_offsetof(struct store_blkhdr, block) == 24, "");
_Static_assert(__builtin_offsetof(struct store_blkhdr, generation) == 32, "");
_Static_assert(__builtin_offsetof(struct store_blkhdr, level) == 40, "");
_Static_assert(__builtin_offsetof(struct store_blkhdr, count) == 44, "");
_Static_assert(__builtin_offsetof(struct store_blkhdr, key) == 48, "");
_Static_assert(__builtin_offsetof(struct store_blkhdr, store_id) == 56, "");

#define STORE_PAYLOAD		(STORE_BLOCK_SIZE - sizeof(struct store_blkhdr))

/* A block pointer. block == 0 is the null pointer (block 0 is a superblock). */
struct store_bptr {
	uint64_t	block;		/* block number in the store */
	uint64_t	birth;		/* generation that wrote that block */
	uint32_t	crc;		/* CRC32C of that block */
	uint8_t		kind;		/* STORE_BK_* expected there */
	uint8_t		level;		/* its tree level, 0 = leaf */
	uint16_t	reserved;	/* zero */
};
_Static_assert(sizeof(struct store_bptr) == 24, "");
_Static_assert(__builtin_offsetof(struct store_bptr, birth) == 8, "");
_Static_assert(__builtin_offsetof(struct store_bptr, crc) == 16, "");
_Static_assert(__builtin_offsetof(struct store_bptr, kind) == 20, "");
_Static_assert(__builtin_offsetof(struct store_bptr, level) == 21, "");

/*
 * Tree interior node (OID map and free-space map alike): child i covers
 * keys [key + i * span, key + (i + 1) * span) where span is what one
 * child at level - 1 covers. Null children cover nothing stored.
 */
#define STORE_FANOUT		(STORE_PAYLOAD / sizeof(struct store_bptr))

struct store_node {
	struct store_blkhdr hdr;	/* kind MAPNODE/FREENODE, level >= 1 */
	struct store_bptr child[STORE_FANOUT];
};
_Static_assert(STORE_FANOUT == 168, "");
_Static_assert(sizeof(struct store_node) == STORE_BLOCK_SIZE, "");

/*
 * OID map. Each object type has its own tree, keyed by OID index. Leaves
 * of PAGE and CAPPAGE trees hold struct store_ref entries pointing at
 * headerless data blocks; leaves of the other types hold the objects
 * themselves (struct obj_gpt, obj_process, obj_endpoint). hdr.key of a
 * leaf is the OID index of its first entry, hdr.count its used entries.
 *
 * An entry is in one of three states (lib/storefmt.c decides):
 *   unused  all zero: never allocated; reads as a fresh object, count 0
 *   free    only the allocation count is set (non-zero), and for a
 *           store_ref the flag STORE_REF_FREE: a freed object whose
 *           count is kept, so a cap from before the free never matches
 *           again; reads as a fresh object with that count
 *   used    a store_ref with STORE_REF_USED, or an object whose hdr.oid
 *           is its own OID
 */
#define STORE_REF_USED		0x01	/* object allocated */
#define STORE_REF_FREE		0x02	/* free, its allocation count kept */
#define STORE_REF_ALL		0x01	/* the flags an entry in use may hold */

struct store_ref {
	uint64_t	block;		/* data block, 0 = reads as all zero */
	uint32_t	crc;		/* CRC32C of the data block, 0 if none */
	uint32_t	alloc_count;	/* the object's allocation count */
	uint32_t	bank;		/* id of the bank that allocated it */
	uint32_t	flags;		/* STORE_REF_* */
};
_Static_assert(sizeof(struct store_ref) == 24, "");
_Static_assert(__builtin_offsetof(struct store_ref, crc) == 8, "");
_Static_assert(__builtin_offsetof(struct store_ref, alloc_count) == 12, "");
_Static_assert(__builtin_offsetof(struct store_ref, bank) == 16, "");

#define STORE_REFS_PER_LEAF	(STORE_PAYLOAD / sizeof(struct store_ref))
#define STORE_GPTS_PER_LEAF	(STORE_PAYLOAD / sizeof(struct obj_gpt))
#define STORE_PROCS_PER_LEAF	(STORE_PAYLOAD / sizeof(struct obj_process))
#define STORE_EPS_PER_LEAF	(STORE_PAYLOAD / sizeof(struct obj_endpoint))
_Static_assert(STORE_REFS_PER_LEAF == 168, "");
_Static_assert(STORE_GPTS_PER_LEAF == 14, "");
_Static_assert(STORE_PROCS_PER_LEAF == 3, "");
_Static_assert(STORE_EPS_PER_LEAF == 84, "");

/* Size of one entry of a type's map leaves, 0 for an unknown type. */
static inline uint32_t
store_entry_size(unsigned ot)
{
	switch (ot) {
	case OT_PAGE:
	case OT_CAPPAGE:
		return sizeof(struct store_ref);
	case OT_GPT:
		return sizeof(struct obj_gpt);
	case OT_PROCESS:
		return sizeof(struct obj_process);
	case OT_ENDPOINT:
		return sizeof(struct obj_endpoint);
	default:
		return 0;
	}
}

/* Entries per map leaf of a type, 0 for an unknown type. */
static inline uint32_t
store_leaf_slots(unsigned ot)
{
	uint32_t sz = store_entry_size(ot);

	return sz == 0 ? 0 : (uint32_t)(STORE_PAYLOAD / sz);
}

/*
 * Free-space map: one bit per store block, set when the block is in use by
 * this generation, by an older generation still in the superblock ring,
 * or listed in a pending released list. Leaf hdr.key is the first block
 * number its bitmap covers.
 */
#define STORE_BITS_PER_LEAF	(STORE_PAYLOAD * 8)

struct store_freeleaf {
	struct store_blkhdr hdr;	/* kind FREELEAF, level 0 */
	uint8_t		bits[STORE_PAYLOAD];	/* bit b%8 of byte b/8 */
};
_Static_assert(sizeof(struct store_freeleaf) == STORE_BLOCK_SIZE, "");

/*
 * A list block: hdr.count u64 items, then the next block of the list.
 * Used for the run list (OIDs of processes to resume) and for released
 * lists (block numbers a generation stopped referencing).
 */
#define STORE_LIST_ITEMS	((STORE_PAYLOAD - sizeof(struct store_bptr)) / 8)

struct store_list {
	struct store_blkhdr hdr;	/* kind LIST */
	struct store_bptr next;		/* kind LIST, or null */
	uint64_t	item[STORE_LIST_ITEMS];
};
_Static_assert(STORE_LIST_ITEMS == 501, "");
_Static_assert(sizeof(struct store_list) == STORE_BLOCK_SIZE, "");

/*
 * The manifest: names and symbols written by mkimage so that any later
 * generation can still be explained (program names, bases, symbols, bank
 * names). The kernel never reads it; it copies the pointer forward. Its
 * byte stream is a chain of these blocks (hdr.count payload bytes each);
 * its record format is in docs/store-format.md.
 */
#define STORE_MANIFEST_BYTES	(STORE_PAYLOAD - sizeof(struct store_bptr))

struct store_manifest {
	struct store_blkhdr hdr;	/* kind MANIFEST, key = byte offset */
	struct store_bptr next;		/* kind MANIFEST, or null */
	uint8_t		bytes[STORE_MANIFEST_BYTES];
};
_Static_assert(sizeof(struct store_manifest) == STORE_BLOCK_SIZE, "");

/* Superblock flags. */
#define STORE_SB_F_MKIMAGE	0x01	/* written by mkimage, never booted */
#define STORE_SB_F_ALL		0x01

#define STORE_RELEASED_LISTS	(STORE_SB_RING - 1)

/*
 * The superblock of one generation, in ring slot generation % STORE_SB_RING
 * (hdr.block equals that slot). released[i] lists the blocks generation
 * (generation - i) stopped referencing; they stay marked in the free map
 * until that generation's predecessor leaves the ring.
 */
struct store_super {
	struct store_blkhdr hdr;	/* kind SUPER; generation >= 1 */
	uint64_t	store_blocks;	/* partition size in blocks */
	uint64_t	time_ns;	/* commit time, ns since 1970, 0 unknown */
	uint64_t	used_blocks;	/* bits set in the free map */
	uint32_t	ring_size;	/* STORE_SB_RING */
	uint32_t	flags;		/* STORE_SB_F_* */
	struct store_bptr map_root[STORE_OT_MAX];	/* per OT_*, [0] null */
	uint64_t	oid_limit[STORE_OT_MAX];	/* 1 + highest index */
	uint64_t	obj_count[STORE_OT_MAX];	/* used entries */
	struct store_bptr free_root;	/* free-space map */
	struct store_bptr released[STORE_RELEASED_LISTS];
	struct store_bptr runlist;	/* processes to resume */
	struct store_bptr manifest;	/* mkimage names and symbols */
	uint64_t	clock_ns;	/* the persistent clock at the commit:
					   ns the system ran or was off since
					   its first boot (0 from mkimage) */
	uint8_t		reserved[STORE_BLOCK_SIZE - 568];	/* zero */
};
_Static_assert(__builtin_offsetof(struct store_super, store_blocks) == 64, "");
_Static_assert(__builtin_offsetof(struct store_super, time_ns) == 72, "");
_Static_assert(__builtin_offsetof(struct store_super, used_blocks) == 80, "");
_Static_assert(__builtin_offsetof(struct store_super, ring_size) == 88, "");
_Static_assert(__builtin_offsetof(struct store_super, map_root) == 96, "");
_Static_assert(__builtin_offsetof(struct store_super, oid_limit) == 288, "");
_Static_assert(__builtin_offsetof(struct store_super, obj_count) == 352, "");
_Static_assert(__builtin_offsetof(struct store_super, free_root) == 416, "");
_Static_assert(__builtin_offsetof(struct store_super, released) == 440, "");
_Static_assert(__builtin_offsetof(struct store_super, runlist) == 512, "");
_Static_assert(__builtin_offsetof(struct store_super, manifest) == 536, "");
_Static_assert(__builtin_offsetof(struct store_super, clock_ns) == 560, "");
_Static_assert(__builtin_offsetof(struct store_super, reserved) == 568, "");
_Static_assert(sizeof(struct store_super) == STORE_BLOCK_SIZE, "");
