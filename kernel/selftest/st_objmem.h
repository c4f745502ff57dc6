/*
 * st_objmem.h - a small store built in memory for the object cache's
 * self-tests (st_objmem.c builds it and tests the good store,
 * st_objbad.c damages it). Known contents:
 *
 *   processes 0, 1, 2 (leaf MB_PLEAF0) and 5 (leaf MB_PLEAF1, slot 2)
 *     under node MB_PNODE: a two-level process map, OID limit 6;
 *     registers from mb_reg(idx, r), alloc count 10 + idx, bank 3;
 *   GPT 1 (leaf MB_GLEAF), OID limit 2; endpoint 0 (MB_ELEAF);
 *   page 0 -> data MB_PGDATA (byte i is i * 7), page 1 a zero page
 *     (leaf MB_PGLEAF), OID limit 2; cap page 0 -> MB_CPDATA;
 *   run list MB_RUN: process 0 then process 5; free map MB_FREE.
 * Every block is born in generation MB_BIRTH; the superblock of
 * generation MB_GEN sits in ring slot MB_GEN % 4.
 *
 * Built by st_objmem_build.c. Use: mb_fill(); change fields (they stay
 * consistent after mb_seal()); mb_seal(); damage bytes (checksums then
 * fail); mb_mount().
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <abi/store.h>

enum {
	MB_PLEAF0 = STORE_FIRST_DATA, MB_PLEAF1, MB_PNODE, MB_GLEAF, MB_ELEAF,
	MB_PGLEAF, MB_CPLEAF, MB_PGDATA, MB_CPDATA, MB_RUN, MB_FREE, MB_USED,
	MB_BLOCKS = 32,
};

#define MB_GEN		7
#define MB_BIRTH	5
#define MB_STORE_ID	0x5e1f7e575703e1dull

struct mstore {
	uint8_t		*b[MB_BLOCKS];	/* frames, one per block */
	uint64_t	fail_block;	/* reads of it fail (0: none) */
	uint64_t	swap_a, swap_b;	/* reads of a return b (0: none) */
};

extern struct mstore	mb;

/* Take the frames (once) and write every block unsealed. */
bool	mb_fill(void);

/* Compute every CRC bottom-up, data to superblock. */
void	mb_seal(void);

/* Recompute one metadata block's own CRC (not its parent's). */
void	mb_seal_one(unsigned block);

/* Mount the in-memory store (objcache flushed first). */
int	mb_mount(void);

/* Flush the cache and mount the disk's store again (if there is one). */
void	mb_restore_disk(void);

/* A known register value of process idx (r indexes struct proc_regs). */
uint64_t mb_reg(uint64_t idx, unsigned r);

/* Typed views of blocks. */
struct store_super	*mb_super(void);
struct store_node	*mb_node(unsigned block);
struct store_blkhdr	*mb_hdr(unsigned block);
void			*mb_entry(unsigned block, unsigned slot, unsigned ot);
