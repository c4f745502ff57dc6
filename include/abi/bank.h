/*
 * bank.h - the space bank's protocol (spacebank/, DESIGN.md section 5).
 *
 * The space bank is the only holder of the RANGE cap. Every other
 * program gets objects by calling a bank cap: an ENTRY cap to an
 * endpoint received by the bank server, whose 16-bit protected payload
 * names the bank (BANK_PAYLOAD). Banks form a tree; each allocation is
 * charged to the bank called and counted against its limits and the
 * limits of every ancestor.
 *
 * Requests are calls (abi/invoke.h): opcode, words w0..w3, caps c0..c3.
 * The answer's opcode is 0 on success or an ERR_* code (abi/err.h), and
 * its words and caps are the results listed below. An opcode the bank
 * does not know is ERR_BAD_REQUEST. A failed request changes nothing.
 *
 * Objects a bank hands out are as fresh: pages and cap pages zero, GPTs
 * as after OC_GPT_RESET, processes as after OC_PROC_RESET, endpoints with
 * no recipient and no match; each carries the bank's id (OC_RANGE_SET_BANK),
 * so `mkimage inspect` reports usage per bank in any checkpointed image.
 *
 * Freeing or destroying rescinds (OC_RANGE_RESCIND): every cap to a freed
 * object is dead (ERR_BAD_CAP) and never becomes valid again, even when
 * the OID is handed out anew.
 */
#pragma once

#include <stdint.h>
#include <abi/types.h>

/* Payload of a bank cap: the bank's index and whether it is restricted. */
#define BANK_PAYLOAD_RESTRICTED	0x8000u	/* no DESTROY, no SET_LIMIT */
#define BANK_PAYLOAD_INDEX	0x7fffu
#define BANK_PAYLOAD(index, restricted) \
	((uint16_t)(((index) & BANK_PAYLOAD_INDEX) | \
	    ((restricted) ? BANK_PAYLOAD_RESTRICTED : 0)))

/* A limit that never stops an allocation. */
#define BANK_NO_LIMIT		UINT64_MAX

/*
 * Operations. OT_* are the object types of abi/objtype.def; a type out of
 * range is ERR_BAD_ARG.
 */
#define OC_BANK_ALLOC		0x1000	/* w0 = OT_* -> c0 = full cap to a
					   fresh object, w0 = its OID;
					   ERR_LIMIT over this bank's or an
					   ancestor's limit, ERR_NO_SPACE when
					   the store has no OID left */
#define OC_BANK_FREE		0x1001	/* c0 = full cap to an object this
					   bank or a descendant allocated:
					   rescind it, uncharge it; another
					   bank's object or a restricted
					   cap is ERR_NO_ACCESS, a cap that
					   is no object's full cap type
					   (ENTRY, RESTART, ...) ERR_BAD_ARG,
					   a null or dead one ERR_BAD_CAP */
#define OC_BANK_CHILD		0x1002	/* -> c0 = cap to a new child bank
					   (no limits of its own) */
#define OC_BANK_SET_LIMIT	0x1003	/* w0 = OT_*, w1 = most objects of
					   that type this bank and its
					   descendants may hold at once
					   (BANK_NO_LIMIT: none); below the
					   present usage is ERR_LIMIT */
#define OC_BANK_GET_LIMIT	0x1004	/* w0 = OT_* -> w0 = the limit */
#define OC_BANK_USAGE		0x1005	/* w0 = OT_* -> w0 = objects held by
					   this bank and its descendants,
					   w1 = by this bank alone */
#define OC_BANK_DESTROY		0x1006	/* rescind and free every object this
					   bank and its descendants hold
					   (running processes stop: their
					   caps are dead); then the banks
					   themselves die: every cap to them
					   answers ERR_BAD_CAP (a run-time
					   bank's endpoint is rescinded, so
					   the kernel answers the call) */
#define OC_BANK_RESTRICT	0x1007	/* -> c0 = a restricted cap to this
					   bank (BANK_PAYLOAD_RESTRICTED) */
#define OC_BANK_SEGMENT		0x1008	/* w0 = size in bytes (rounded up to
					   a power of two, at least 4 KiB)
					   -> w0 = the base of a fresh
					   address range in the run-time
					   segment region, aligned to that
					   size; ranges are never handed out
					   twice, so a pointer into one means
					   the same thing in every process
					   and across restarts */
#define OC_BANK_INFO		0x1009	/* -> w0 = this bank's index, w1 =
					   the parent's index (itself for
					   the root), w2 = 1 if the cap is
					   restricted */

/*
 * The bank table: how the bank server learns the banks a .mki declared
 * (mkimage's `cap N banktable`, docs/mkimage.md). A weak, read-only cap
 * page whose slot k holds a read-only cap to page k of the table; the
 * table's bytes are a struct bank_table followed by parent[0..nbanks]:
 * parent[i] is the id of bank i's parent, 0 for a top-level bank
 * (parent[0] is 0: id 0 names no bank). Bank ids are 1..nbanks in
 * declaration order, a parent's below its child's; nbanks is at most
 * BANK_PAYLOAD_INDEX.
 */
#define BANK_TABLE_MAGIC	0x4b4e4142u	/* "BANK" */
struct bank_table {
	uint32_t	magic;
	uint32_t	nbanks;
	/* uint16_t parent[nbanks + 1] follows */
};
_Static_assert(sizeof(struct bank_table) == 8, "");
#define BANK_TABLE_PARENT(i)	(sizeof(struct bank_table) + 2 * (i))

/* The run-time segment region of the global address map (README). */
#define BANK_SEGMENT_BASE	0x400000000000ull
#define BANK_SEGMENT_END	USER_MAP_END
