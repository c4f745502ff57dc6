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

#include <stdbool.h>
#include <stdint.h>

#include <obj.h>

/* What a failed translation reports, for fault delivery (fault.c). */
struct space_fault {
	uint32_t	code;		/* FC_* from abi/process.h */
	uint64_t	addr;		/* the faulting user address */
	struct gpt	*keeper_gpt;	/* innermost kept GPT, or NULL */
	uint64_t	kept_addr;	/* addr relative to keeper_gpt */
	oid_t		bad_oid;	/* FC_STORE: the object not loaded */
};

/*
 * Set up the dependency-record cache. Returns 0, or ERR_NO_SPACE.
 * Idempotent.
 */
int	space_init(void);

/*
 * Resolve a user page fault of p at va with the x86 error code err: walk
 * p's space and install the mapping. Returns 0 when the faulting access
 * may now be retried; otherwise ERR_* and *f says why (FC_NO_MAPPING,
 * FC_WRITE_RO, FC_EXEC_NX, FC_GUARD, FC_BAD_SPACE) and who keeps va.
 * May load objects from disk.
 *
 * The ERR_*: ERR_NO_ACCESS for a fault of the space itself (kernel/gpt.h
 * lists which FC_* each case gives); ERR_IO / ERR_CORRUPT / ERR_NO_SPACE
 * when an object on the path could not be loaded or memory for the page
 * tables ran out (f->code is then FC_NO_MAPPING, so the fault can still
 * be delivered; ERR_NO_SPACE may also be retried later). f->addr is va;
 * va at or above USER_MAP_END is FC_NO_MAPPING without touching the space.
 */
int	space_handle_fault(struct process *p, uint64_t va, uint64_t err,
	    struct space_fault *f);

/*
 * Map va for the access err describes, as space_handle_fault() would,
 * but only if every object on the path is in memory and p has page
 * tables: no loads, no eviction, no table drops. Returns whether it
 * mapped. For a process about to retry an access that faulted.
 */
bool	space_premap(struct process *p, uint64_t va, uint64_t err);

/*
 * Switch the MMU to p's page tables (building an empty root if needed);
 * p == NULL loads the kernel's own tables. Returns 0, or ERR_NO_SPACE if
 * no root could be built: the kernel's tables are loaded then, so p's
 * first user access faults and space_handle_fault() tries again.
 */
int	space_activate(struct process *p);

/*
 * Slot `slot` of g changed: drop every mapping that went through it.
 * A slot that held a null cap has none (a walk through a null cap maps
 * nothing, and every change of a slot drops what went through it), so
 * storing into a null slot need not call this.
 */
void	space_slot_changed(struct gpt *g, unsigned slot);

/*
 * o was rescinded or is about to be evicted: drop every mapping through
 * it. The object cache must call it before evicting an object whose deps
 * is not NULL. For a process, also frees its page tables (switching to
 * the kernel's if they are loaded).
 */
void	space_object_gone(struct obj *o);

/* g's l2v or flags changed: drop every mapping through any of its slots. */
void	space_gpt_changed(struct gpt *g);

/* p's space cap changed, or p goes away: drop all of p's mappings. */
void	space_process_changed(struct process *p);
