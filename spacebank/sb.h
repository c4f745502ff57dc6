/*
 * sb.h - the space bank's state and the interfaces between its files
 * (docs/spacebank.md). Everything here lives in the bank process's own
 * ordinary memory (BSS and data), so it is checkpointed and restored
 * with the process: the bank needs no code of its own to persist.
 *
 * Invariants (checked by the bank suite and the bank fuzzer from
 * outside, through OC_BANK_USAGE):
 * - every OID the bank handed out and has not freed has exactly one
 *   record, on exactly one bank's object list, and its type's records
 *   hold no OID below the first index mkimage left free;
 * - for every live bank b and type t: own[t] = the length of b's list
 *   restricted to t, total[t] = own[t] + the totals of b's children,
 *   and total[t] <= limit[t] for b and every ancestor;
 * - a freed record is on its type's free list (owner SB_OWNER_FREE) or
 *   retired (SB_OWNER_RETIRED, its OID never handed out again);
 * - bank indices 1..ndeclared are the .mki's banks: their state is
 *   LIVE or DEAD, never FREE, so their index is never reused; run-time
 *   banks use indices above, each with an endpoint of its own.
 */
#pragma once

#include <stdint.h>

#include <abi/bank.h>
#include <abi/types.h>

/* Cap registers (the .mki gives 0..4: docs/spacebank.md). */
#define SB_CR_LOG	0	/* KERNLOG */
#define SB_CR_RANGE	1	/* RANGE: the only one in the system */
#define SB_CR_SELF	2	/* PROCESS: this process (endpoint recipient) */
#define SB_CR_BANKEP	3	/* ENDPOINT: the bankserver endpoint */
#define SB_CR_TABLE	4	/* CAPPAGE: the bank table (abi/bank.h) */
#define SB_CR_ARG0	8	/* a request's c0 */
#define SB_CR_REPLY	10	/* a request's REPLY cap */
#define SB_CR_OUT	11	/* an answer's c0 */
#define SB_CR_TMP	12	/* scratch */
#define SB_CR_NULL	31	/* never written: the null cap */

/* Capacity of the bank's tables, fixed at build time. */
#define SB_MAX_BANKS	4096
#define SB_NIL		UINT32_MAX	/* no record */
#define SB_NO_BANK	0		/* bank index 0 names no bank */

/* Record owners that are not banks. */
#define SB_OWNER_FREE		0
#define SB_OWNER_SELF		0xfffe	/* the bank's own (bank endpoints) */
#define SB_OWNER_RETIRED	0xffff	/* allocation count exhausted */

/* One OID the bank handed out at least once (alloc.c). */
struct sb_obj {
	uint32_t	next, prev;	/* bank list, or free list (next) */
	uint16_t	owner;		/* bank index or SB_OWNER_* */
	uint8_t		type;		/* OT_* */
	uint8_t		pad;
};

enum sb_bank_state { SB_FREE = 0, SB_LIVE, SB_DEAD };

struct sb_bank {
	uint8_t		state;		/* enum sb_bank_state */
	uint8_t		declared;	/* 1 for the .mki's banks */
	uint16_t	parent;		/* SB_NO_BANK for a root */
	uint16_t	child;		/* first child, or next free index */
	uint16_t	sibling;	/* next child of the parent */
	uint32_t	objs;		/* first record of its object list */
	uint32_t	ep;		/* record of its endpoint (run-time) */
	uint64_t	limit[OT_MAX];
	uint64_t	total[OT_MAX];	/* this bank and its descendants */
	uint64_t	own[OT_MAX];	/* this bank alone */
};

extern struct sb_bank sb_banks[SB_MAX_BANKS];
extern uint32_t sb_ndeclared;	/* the .mki's banks: 1..sb_ndeclared */

/* --- alloc.c: OIDs, object records, the kernel calls on objects --- */

/* Learn the first free index per type (OC_RANGE_LIMIT). 0 or ERR_*. */
int	sb_alloc_init(void);

/*
 * A fresh object of type t for owner, its full cap in cap register
 * SB_CR_OUT: a reused OID is reset first, and its bank id set. Returns 0
 * with *rec its record (not yet on any bank list), ERR_NO_SPACE when the
 * type's table is full, or the kernel's error (nothing changed).
 */
int	sb_obj_new(unsigned t, uint16_t owner, uint32_t *rec);

/* Rescind the object of rec and free its record (off every list). 0 or
   the kernel's error (the object is then unchanged and still held). */
int	sb_obj_rescind(uint32_t rec);

/* The record of oid if the bank handed it out and holds it; SB_NIL if
   not. */
uint32_t sb_obj_find(oid_t oid);

/* The OID of a record. */
oid_t	sb_obj_oid(uint32_t rec);

struct sb_obj *sb_obj(uint32_t rec);

/* --- bank.c: the tree, limits and usage --- */

/* Read the bank table (SB_CR_TABLE) into sb_banks. 0 or ERR_*. */
int	sb_bank_init(void);

/* The live bank a payload's index names, or NULL. */
struct sb_bank *sb_bank_get(uint16_t index);

uint16_t sb_bank_index(const struct sb_bank *b);

/* ERR_LIMIT if one more object of type t in b would pass b's or an
   ancestor's limit, else 0. */
int	sb_bank_room(const struct sb_bank *b, unsigned t);

/* Put rec on b's list and count it in b and every ancestor. */
void	sb_bank_charge(struct sb_bank *b, uint32_t rec);

/* Take rec off its bank's list and uncount it. */
void	sb_bank_uncharge(uint32_t rec);

/* Whether bank `inner` is b or one of b's descendants. */
int	sb_bank_within(const struct sb_bank *b, uint16_t inner);

/*
 * A new child of parent with its own endpoint; an unrestricted entry
 * cap to it in SB_CR_OUT. 0, ERR_NO_SPACE or the kernel's error.
 */
int	sb_bank_child(struct sb_bank *parent);

/* Rescind every object of b and its descendants, then the banks
   themselves. 0, or the first kernel error (what was done stays done;
   the request can be repeated). */
int	sb_bank_destroy(struct sb_bank *b);

/* A restricted entry cap to b in SB_CR_OUT. 0 or the kernel's error. */
int	sb_bank_restrict(struct sb_bank *b);

/* --- segment.c: the run-time segment region --- */

/* The base of a fresh aligned range of size (rounded up to a power of
   two, at least a page): 0, ERR_BAD_ARG (0 or too big to ever fit) or
   ERR_NO_SPACE. */
int	sb_segment(uint64_t size, uint64_t *base);
