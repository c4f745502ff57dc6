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
 *                  a background; an address at or above USER_MAP_END (the
 *                  kernel's half and the user half's reserved last page,
 *                  abi/types.h); an object that cannot be loaded (the walk's err says why)
 *   FC_WRITE_RO    a write, and some cap on the path is RO or WEAK
 *   FC_EXEC_NX     an instruction fetch, and some cap on the path is NX
 * A guard is checked after the cap's validity: an invalid cap acts as a
 * null cap whatever its guard says.
 *
 * Objects: the walk first looks only at objects already in memory
 * (obj_lookup), pinning nothing; if one on the path is not, it starts
 * over with obj_get, which may load it (and evict others), pinning each
 * object it reaches. Either way the objects it returns stay in memory
 * until gpt_walk_done(), provided the caller calls nothing that may
 * evict (obj_get) before then.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <abi/cap.h>
#include <obj.h>
#include <space_dep.h>

#define GPT_WALK_MAX	16	/* GPTs on one path; more is FC_BAD_SPACE */

/* gpt_walk_from(load = false): an object on the path is not in memory. */
#define GPT_WALK_MISS	0xffffffffu

/* The access being translated. */
#define GPT_ACC_READ	0
#define GPT_ACC_WRITE	1
#define GPT_ACC_EXEC	2

/*
 * The path: step[i] for the i-th GPT slot the walk went through (obj is
 * the GPT), then, if a page was reached, step[nsteps] for the page (slot
 * SPACE_DEP_PAGE, its 4 KiB). Every user address in a step's region
 * [lo, lo + 2^l2size) translates through that same slot of that same
 * GPT (the region is the slot's span, narrowed by any smaller guard
 * above), so a change of the slot affects exactly that region; each
 * region holds the next one's.
 */
struct gpt_walk {
	uint32_t	fc;		/* FC_NONE if the page may be mapped */
	int		err;		/* obj_get's error behind FC_NO_MAPPING
					   or FC_STORE */
	oid_t		err_oid;	/* the object whose load failed */
	uint8_t		restr;		/* CAP_R_RO and CAP_R_NX accumulated */
	uint8_t		nsteps;		/* entries used in step[] */
	uint8_t		npins;		/* entries used in pinned[] */
	uint8_t		fast;		/* in-memory pass: nothing pinned */
	struct page	*page;		/* the page reached, if fc == FC_NONE */
	struct gpt	*keeper;	/* innermost GPT_F_KEEPER GPT entered */
	uint64_t	kept_addr;	/* the address as keeper saw it */
	struct space_dep_req step[GPT_WALK_MAX + 1];
	struct obj	*pinned[GPT_WALK_MAX + 1];
};

/*
 * Translate user address va for access (GPT_ACC_*) through the space cap
 * root, filling *w. Returns w->fc. The objects the walk reached (the step
 * GPTs, the page, the keeper) stay in memory until gpt_walk_done(w),
 * which the caller must call whatever the result (see above). May load
 * objects from the store, so it may wait for I/O.
 */
uint32_t	gpt_walk(const struct cap *root, uint64_t va, unsigned access,
		    struct gpt_walk *w);

/*
 * gpt_walk(), but starting at the GPT slot of the dependency record from
 * (NULL: at root) when every object from there on is in memory: from
 * must be a record of the pmap of the process whose space root is, for
 * a GPT slot whose region holds va (pmap_resume_point). The result is
 * what gpt_walk() would give, except that w->step[0] is from's own step
 * (the outer steps are left out: their records exist). If an object is
 * not in memory, the walk starts over from root with loads (load), or
 * returns GPT_WALK_MISS having loaded and pinned nothing (!load; call
 * gpt_walk_done() anyway).
 */
uint32_t	gpt_walk_from(const struct cap *root, uint64_t va,
		    unsigned access, const struct space_dep *from, bool load,
		    struct gpt_walk *w);

/* Unpin what gpt_walk() pinned. */
void		gpt_walk_done(struct gpt_walk *w);
