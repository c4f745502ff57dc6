/*
 * pmap.h - a process's hardware page tables: a 4-level x86-64 tree whose
 * kernel half (PML4 entries 256..511) is a copy of the kernel's, and whose
 * user half holds only 4 KiB leaf mappings installed by space.c, each
 * with the dependency records (space_dep.h) of the objects it was built
 * from.
 *
 * Every table has a node: the table frame, a shadow frame (child nodes,
 * or at the leaf level the list of records of each PTE's own 4 KiB
 * region) and the records whose region spans more than one of its
 * entries but lies within it. So dropping a range of mappings finds, in
 * the nodes it empties or visits, exactly the records that covered only
 * that range, and frees them with the tables.
 *
 * Invariants: user PTEs are P|U, with W only if space.c found the page
 * writable (and writable in hardware only if every entry above it has W
 * too: pmap_protect_all() below), NX if no-execute, never G; a node
 * other than the root has at least one present entry (an emptied node
 * is freed with its records);
 * a leaf entry's record list is empty unless the PTE is present; the
 * TLB holds no translation that the tables do not (changes to the
 * current pmap are followed by invlpg or a CR3 reload before returning,
 * and a table frame is freed only after that).
 *
 * Callers run in kernel context that no interrupt handler re-enters.
 */
#pragma once

#include <stdint.h>


struct obj;
struct pmap;
struct space_dep;
struct space_dep_req;

struct pmap_stats {
	uint64_t	pages;		/* present user PTEs */
	uint64_t	tables;		/* page tables below the PML4 */
	uint64_t	deps;		/* records hung off this pmap */
};

/*
 * A new pmap with an empty user half, or NULL if memory is exhausted.
 * Owned by the caller until pmap_destroy().
 */
struct pmap	*pmap_create(void);

/* Drop every mapping and free pm; switches to the kernel's tables first
 * if pm is the current one. */
void		pmap_destroy(struct pmap *pm);

/* Load pm's PML4 into CR3 (NULL: the kernel's own tables). */
void		pmap_activate(struct pmap *pm);

/* The pmap in CR3, or NULL if the kernel's own tables are loaded. */
struct pmap	*pmap_current(void);

/* Physical address of pm's PML4. */
uint64_t	pmap_root(const struct pmap *pm);

/*
 * Write-protect every address space for a checkpoint's snapshot: clear
 * W in each present user entry of each pmap's root, and flush the TLB.
 * Costs one step per address space and root entry in use, not per page;
 * pmap_enter() of a writable page pushes the protection down its path.
 * Cannot fail.
 */
void		pmap_protect_all(void);

/*
 * Map the user page at va (page-aligned, below USER_VA_END) to frame pa
 * with flags (PTE_W and/or PTE_NX; P and U are added), and record the n
 * dependencies in req, outermost first (the walk's order, ending with
 * the page: each region holds the next). A present PTE for the same
 * frame only has its flags replaced (its records stay: the path it was
 * built from has not changed, or it would have been dropped); one for
 * another frame is dropped first. With PTE_W, entries above it that
 * pmap_protect_all() protected get W back, their other children losing
 * it. from, if not NULL, is pm's existing
 * record for req[0] (the one a walk started at: gpt_walk_from), so it is
 * not looked for. Returns 0, or ERR_NO_SPACE if a table or record cannot
 * be allocated, in which case nothing changed.
 */
int		pmap_enter(struct pmap *pm, uint64_t va, uint64_t pa,
		    uint64_t flags, const struct space_dep_req *req,
		    unsigned n, const struct space_dep *from);

/*
 * Drop every mapping in [lo, lo + 2^l2size) (aligned; l2size >=
 * PAGE_SHIFT) and every record whose region lies inside it.
 */
void		pmap_drop(struct pmap *pm, uint64_t lo, unsigned l2size);

/* Drop every user mapping and record of pm; the PML4 stays. */
void		pmap_drop_all(struct pmap *pm);

/*
 * Memory pressure (objcache_reclaim): the tables are a cache, so drop
 * every mapping, table and record of the next address space with
 * tables, in a clock over every pmap. Returns the tables it freed, 0
 * if no pmap has any. Faults rebuild them.
 */
uint64_t	pmap_reclaim(void);

/*
 * A record of pm's for a GPT slot whose region holds user address va,
 * preferably the innermost, or NULL: the innermost record of the last
 * mapping made or one of its parents (space_dep.h) if one holds va,
 * else one from the lists of the nodes on va's path, looked at from the
 * leaf up, only their first few records each. Valid until the next
 * change of pm or of any object.
 */
const struct space_dep *pmap_resume_point(const struct pmap *pm,
		    uint64_t va);

/*
 * The leaf PTE of user address va in *pte. Returns 0, or ERR_NOT_FOUND
 * if nothing is mapped there (*pte is then 0).
 */
int		pmap_lookup(const struct pmap *pm, uint64_t va, uint64_t *pte);

/*
 * Count pm's pages, tables and records, checking the invariants above
 * (panics on a broken one: a kernel bug). For tests and reports.
 */
void		pmap_stats(const struct pmap *pm, struct pmap_stats *st);
