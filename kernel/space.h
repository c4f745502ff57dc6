/*
 * space.h - address spaces: a process's GPT tree translated into x86-64
 * page tables. The hardware tables are only a cache of the tree: built
 * lazily on a page fault, invalidated precisely when a GPT slot changes,
 * an object is rescinded or evicted, or a process's space root changes.
 *
 * Translation (abi/gpt.h, abi/cap.h): starting from the process's space
 * cap, each memory cap applies its guard, then a GPT selects a slot by the
 * address bits above its l2v; a PAGE cap ends the walk. Permissions
 * accumulate along the path: any CAP_R_RO makes the page read-only, any
 * CAP_R_NX makes it no-execute, and a WEAK cap acts as read-only. The
 * keeper of an address is the innermost GPT on the path with
 * GPT_F_KEEPER (its slot 15 holds the keeper's ENTRY cap).
 */
#pragma once

#include <stdint.h>

#include <obj.h>

/* What a failed translation reports, for fault delivery (fault.c). */
struct space_fault {
	uint32_t	code;		/* FC_* from abi/process.h */
	uint64_t	addr;		/* the faulting user address */
	struct gpt	*keeper_gpt;	/* innermost kept GPT, or NULL */
	uint64_t	kept_addr;	/* addr relative to keeper_gpt */
};

int	space_init(void);

/*
 * Resolve a user page fault of p at va with the x86 error code err: walk
 * p's space and install the mapping. Returns 0 when the faulting access
 * may now be retried; otherwise ERR_* and *f says why (FC_NO_MAPPING,
 * FC_WRITE_RO, FC_EXEC_NX, FC_GUARD, FC_BAD_SPACE) and who keeps va.
 * May load objects from disk.
 */
int	space_handle_fault(struct process *p, uint64_t va, uint64_t err,
	    struct space_fault *f);

/* Switch the MMU to p's page tables (building an empty root if needed). */
void	space_activate(struct process *p);

/* Slot `slot` of g changed: drop every mapping that went through it. */
void	space_slot_changed(struct gpt *g, unsigned slot);

/* o was rescinded or is about to be evicted: drop every mapping through it. */
void	space_object_gone(struct obj *o);

/* p's space cap changed, or p goes away: drop all of p's mappings. */
void	space_process_changed(struct process *p);
