/*
 * gpt.h - translation of an address through a GPT tree (the walk).
 *
 * gpt_walk() follows a space cap down to a PAGE cap, applying each memory
 * cap's guard and each GPT's slot selection (abi/gpt.h, abi/cap.h), and
 * says what the hardware mapping of the page may allow and which GPT
 * slots it went through, so that space.c can record what the mapping
 * depends on. It changes nothing; it only pins what it returns.
 *
 * Classification (the FC_* the walk reports, abi/process.h):
 *   FC_BAD_SPACE   the space cap is not a GPT or PAGE cap (a null space
 *                  included); a cap on the path that is neither null, GPT
 *                  nor PAGE (a CAPPAGE, an ENTRY, ...); more than
 *                  GPT_WALK_MAX GPTs on the path (a cycle)
 *   FC_GUARD       a guard that does not match; a malformed guard
 *                  (l2g in 1..PAGE_SHIFT-1 or above 63); a GPT whose l2v
 *                  is outside PAGE_SHIFT..GPT_L2V_MAX
 *   FC_NO_MAPPING  a null or invalid (rescinded) cap; an address beyond
 *                  the span of the GPT or page it arrives at; the keeper
 *                  slot of a kept GPT or the background slot of a GPT with
 *                  a background; an address at or above USER_VA_END; an
 *                  object that cannot be loaded (the walk's err says why)
 *   FC_WRITE_RO    a write, and some cap on the path is RO or WEAK
 *   FC_EXEC_NX     an instruction fetch, and some cap on the path is NX
 * A guard is checked after the cap's validity: an invalid cap acts as a
 * null cap whatever its guard says.
 */
#pragma once

#include <stdint.h>

#include <abi/cap.h>
#include <obj.h>

#define GPT_WALK_MAX	16	/* GPTs on one path; more is FC_BAD_SPACE */

/* The access being translated. */
#define GPT_ACC_READ	0
#define GPT_ACC_WRITE	1
#define GPT_ACC_EXEC	2

/*
 * One GPT slot the path went through. Every user address in the region
 * [lo, lo + 2^l2size) translates through this same slot of this same GPT
 * (the region is the slot's span, narrowed by any smaller guard above),
 * so a change of the slot affects exactly that region.
 */
struct gpt_step {
	struct gpt	*g;
	uint64_t	lo;
	uint8_t		slot;
	uint8_t		l2size;
};

struct gpt_walk {
	uint32_t	fc;		/* FC_NONE if the page may be mapped */
	int		err;		/* obj_get's error behind FC_NO_MAPPING */
	uint8_t		restr;		/* CAP_R_RO and CAP_R_NX accumulated */
	uint8_t		nsteps;		/* entries used in step[] */
	uint8_t		npins;		/* entries used in pinned[] */
	struct page	*page;		/* the page reached, if fc == FC_NONE */
	struct gpt	*keeper;	/* innermost GPT_F_KEEPER GPT entered */
	uint64_t	kept_addr;	/* the address as keeper saw it */
	struct gpt_step	step[GPT_WALK_MAX];
	struct obj	*pinned[GPT_WALK_MAX + 1];
};

/*
 * Translate user address va for access (GPT_ACC_*) through the space cap
 * root, filling *w. Returns w->fc. Every object the walk reached is
 * pinned (the step GPTs, the page, the keeper) until gpt_walk_done(w),
 * which the caller must call whatever the result. May load objects from
 * the store (obj_get), so it may wait for I/O.
 */
uint32_t	gpt_walk(const struct cap *root, uint64_t va, unsigned access,
		    struct gpt_walk *w);

/* Unpin what gpt_walk() pinned. */
void		gpt_walk_done(struct gpt_walk *w);

/*
 * The object a memory cap names, if the cap is valid: its type is
 * expected_ct, its OID names an object of the matching type, and its
 * allocation count is the object's. Returns 0 and *out; ERR_BAD_CAP if the
 * cap is invalid (stale, or a type and OID that disagree); or obj_get's
 * error. Not pinned.
 */
int		gpt_cap_object(const struct cap *c, unsigned expected_ct,
		    struct obj **out);
