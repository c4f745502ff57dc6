/*
 * pmap.c - per-process x86-64 page tables with dependency records hung
 * off their nodes (pmap.h says how and what stays true).
 *
 * Where a record of region size 2^m hangs:
 *   m == 12            the leaf entry's list (sub[i] of the leaf node)
 *   12 < m <= 21       the leaf node's recs  (the node spans 2 MiB)
 *   21 < m <= 30       the level-1 node's recs (1 GiB)
 *   30 < m <= 39       the level-2 node's recs (512 GiB)
 *   m > 39             the root's recs
 * i.e. on the lowest node that holds the whole region, or on the leaf
 * entry for a single page. Dropping a region therefore clears whole
 * entries of the node that holds it, and its records are those of the
 * cleared subtrees plus the ones of that node's list that lie inside it.
 *
 * Write protection for checkpoints (docs/persistence.md): a table entry
 * above the leaves is made with W and loses it only in
 * pmap_protect_all(), which clears W in every present user entry of
 * every root, so that a checkpoint's snapshot write-protects each
 * address space in a few steps, whatever it maps. pmap_enter() of a
 * writable page pushes the protection down the path to it: an entry
 * without W gets W back once every present entry of its child has lost
 * W. So a page is writable in hardware only if pmap_enter() made it so
 * after the last snapshot, i.e. after the fault path called obj_modify().
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <abi/err.h>
#include <abi/types.h>
#include <kmem.h>
#include <lib/string.h>
#include <panic.h>
#include <pmm.h>
#include <space_dep.h>
#include <x86_64/cpu.h>
#include <x86_64/pagezero.h>
#include <x86_64/pmap.h>
#include <x86_64/vm.h>

#define PMAP_ENTRIES	512
#define PMAP_ROOT_LEVEL	3
#define PMAP_USER_ROOT	256		/* PML4 entries below USER_VA_END */
#define ENTRY_SHIFT(l)	(PAGE_SHIFT + 9 * (l))	/* one entry's span */
#define IDX(va, l)	((unsigned)((va) >> ENTRY_SHIFT(l)) & 511)

#define FLUSH_INVLPG_MAX 16	/* more than this: reload CR3 instead */
#define RESUME_SCAN	4	/* records looked at per list for a resume */
#define FLUSH_FRAMES_MAX 32

struct pmap_node {
	uint64_t		*tab;		/* the hardware table */
	void			**sub;		/* shadow: children or lists */
	struct space_dep	*recs;		/* regions > one entry */
	struct pmap_node	*parent;	/* NULL for the root */
	uint64_t		pa;		/* tab's physical address */
	uint64_t		base;		/* first user VA it maps */
	uint16_t		idx;		/* index in parent */
	uint16_t		nused;		/* present entries */
	uint8_t			level;		/* 0 leaf .. 3 root */
};

struct pmap {
	struct pmap_node	root;
	struct pmap		*all_next;	/* pmap_all: every pmap */
	struct pmap		*all_prev;
	uint64_t		pages;
	uint64_t		tables;
	/* The innermost record above page level of the last mapping made:
	   it and its parents are where the next fault nearby starts.
	   Cleared by whatever may free records (pmap_drop, pmap_drop_all,
	   a stale frame replaced in pmap_enter). */
	const struct space_dep	*hint;
};

/*
 * The TLB work of one change of pm: invlpg for a few pages, a CR3 reload
 * for many or when tables are freed; table frames freed only after it.
 */
struct flush {
	struct pmap	*pm;
	bool		current;
	bool		reload;
	unsigned	ninv;
	unsigned	nframes;
	uint64_t	frames[FLUSH_FRAMES_MAX];
};

static struct pmap	*pmap_cur;
static struct pmap	*pmap_all;
static struct pmap	*reclaim_hand;	/* pmap_reclaim()'s clock hand */

static void
flush_begin(struct flush *fl, struct pmap *pm)
{
	fl->pm = pm;
	fl->current = pm == pmap_cur;
	fl->reload = false;
	fl->ninv = 0;
	fl->nframes = 0;
}

static void
flush_end(struct flush *fl)
{
	if (fl->current && fl->reload)
		cpu_write_cr3(fl->pm->root.pa);
	while (fl->nframes > 0)
		pmm_free(fl->frames[--fl->nframes]);
	fl->reload = false;
	fl->ninv = 0;
}

static void
flush_page(struct flush *fl, uint64_t va)
{
	if (!fl->current || fl->reload)
		return;
	if (fl->ninv++ < FLUSH_INVLPG_MAX)
		cpu_invlpg(va);
	else
		fl->reload = true;
}

static void
flush_frame(struct flush *fl, uint64_t pa)
{
	if (!fl->current) {
		pmm_free(pa);
		return;
	}
	fl->reload = true;
	if (fl->nframes == FLUSH_FRAMES_MAX)
		flush_end(fl);
	fl->frames[fl->nframes++] = pa;
}

static struct pmap_node *
node_alloc(void)
{
	struct pmap_node *nd = kmem_alloc(sizeof(*nd));
	uint64_t tpa, spa;

	if (nd == NULL)
		return NULL;
	tpa = pmm_alloc();
	spa = tpa != 0 ? pmm_alloc() : 0;
	if (spa == 0) {
		if (tpa != 0)
			pmm_free(tpa);
		kmem_free(nd);
		return NULL;
	}
	nd->pa = tpa;
	nd->tab = phys_to_virt(tpa);
	nd->sub = phys_to_virt(spa);
	page_zero(nd->tab);
	page_zero(nd->sub);
	return nd;
}

/* Free a node that is unlinked or about to be, with its frames. */
static void
node_free(struct flush *fl, struct pmap_node *nd)
{
	space_dep_free_list(&nd->recs);
	flush_frame(fl, nd->pa);
	pmm_free(virt_to_phys(nd->sub));	/* never seen by the MMU */
	kmem_free(nd);
}

/* Free nd's whole subtree: mappings, records, tables. */
static void
subtree_free(struct flush *fl, struct pmap_node *nd)
{
	unsigned i;

	for (i = 0; i < PMAP_ENTRIES; i++) {
		if (!(nd->tab[i] & PTE_P))
			continue;
		if (nd->level == 0) {
			space_dep_free_list((struct space_dep **)&nd->sub[i]);
			flush_page(fl, nd->base + ((uint64_t)i << PAGE_SHIFT));
			fl->pm->pages--;
		} else
			subtree_free(fl, nd->sub[i]);
	}
	fl->pm->tables--;
	node_free(fl, nd);
}

/* Clear entry i of nd and everything below it. */
static void
entry_clear(struct flush *fl, struct pmap_node *nd, unsigned i)
{
	if (!(nd->tab[i] & PTE_P))
		return;
	if (nd->level == 0) {
		space_dep_free_list((struct space_dep **)&nd->sub[i]);
		flush_page(fl, nd->base + ((uint64_t)i << PAGE_SHIFT));
		fl->pm->pages--;
	} else {
		subtree_free(fl, nd->sub[i]);
		nd->sub[i] = NULL;
	}
	nd->tab[i] = 0;
	nd->nused--;
}

/* Free nd and its emptied ancestors (never the root). */
static void
prune(struct flush *fl, struct pmap_node *nd)
{
	while (nd->parent != NULL && nd->nused == 0) {
		struct pmap_node *up = nd->parent;

		up->tab[nd->idx] = 0;
		up->sub[nd->idx] = NULL;
		up->nused--;
		fl->pm->tables--;
		node_free(fl, nd);
		nd = up;
	}
}

/* The level whose node holds a region of 2^m bytes (m > PAGE_SHIFT). */
static unsigned
hold_level(unsigned m)
{
	unsigned l = (m - PAGE_SHIFT - 1) / 9;

	return l > PMAP_ROOT_LEVEL ? PMAP_ROOT_LEVEL : l;
}

/* The existing node at level l on va's path, or NULL. */
static struct pmap_node *
node_find(const struct pmap *pm, uint64_t va, unsigned l)
{
	struct pmap_node *nd = (struct pmap_node *)&pm->root;
	unsigned lv;

	for (lv = PMAP_ROOT_LEVEL; lv > l && nd != NULL; lv--)
		nd = nd->sub[IDX(va, lv)];
	return nd;
}

/*
 * The nodes on va's path into path[3] (the root) .. path[l], l being the
 * level returned: 0 if va's leaf table exists, else the level of the
 * lowest node there (the levels below it are missing). Unrolled: every
 * fault takes this path.
 */
static inline unsigned
node_path(struct pmap *pm, uint64_t va, struct pmap_node **path)
{
	_Static_assert(PMAP_ROOT_LEVEL == 3, "node_path unrolled for 4");
	path[3] = &pm->root;
	if ((path[2] = path[3]->sub[IDX(va, 3)]) == NULL)
		return 3;
	if ((path[1] = path[2]->sub[IDX(va, 2)]) == NULL)
		return 2;
	if ((path[0] = path[1]->sub[IDX(va, 1)]) == NULL)
		return 1;
	return 0;
}

struct pmap *
pmap_create(void)
{
	struct pmap *pm = kmem_alloc(sizeof(*pm));
	struct pmap_node *nd;
	const uint64_t *kroot;

	if (pm == NULL)
		return NULL;
	if ((nd = node_alloc()) == NULL) {
		kmem_free(pm);
		return NULL;
	}
	pm->root = *nd;
	kmem_free(nd);
	pm->root.level = PMAP_ROOT_LEVEL;
	kroot = phys_to_virt(vm_kernel_root());
	memcpy(&pm->root.tab[PMAP_USER_ROOT], &kroot[PMAP_USER_ROOT],
	    (PMAP_ENTRIES - PMAP_USER_ROOT) * sizeof(uint64_t));
	pm->all_prev = NULL;
	pm->all_next = pmap_all;
	if (pmap_all != NULL)
		pmap_all->all_prev = pm;
	pmap_all = pm;
	return pm;
}

void
pmap_destroy(struct pmap *pm)
{
	if (pm == pmap_cur)
		pmap_activate(NULL);
	pmap_drop_all(pm);
	assert(pm->pages == 0 && pm->tables == 0 && pm->root.recs == NULL);
	if (pm->all_prev != NULL)
		pm->all_prev->all_next = pm->all_next;
	else
		pmap_all = pm->all_next;
	if (pm->all_next != NULL)
		pm->all_next->all_prev = pm->all_prev;
	if (reclaim_hand == pm)
		reclaim_hand = pm->all_next;
	pmm_free(pm->root.pa);
	pmm_free(virt_to_phys(pm->root.sub));
	kmem_free(pm);
}

void
pmap_activate(struct pmap *pm)
{
	if (pm == pmap_cur)
		return;
	cpu_write_cr3(pm != NULL ? pm->root.pa : vm_kernel_root());
	pmap_cur = pm;
}

struct pmap *
pmap_current(void)
{
	return pmap_cur;
}

uint64_t
pmap_root(const struct pmap *pm)
{
	return pm->root.pa;
}

/* The list of the node on path[] that holds req's record. */
static struct space_dep **
dep_list(struct pmap_node **path, uint64_t va,
    const struct space_dep_req *req)
{
	if (req->l2size == PAGE_SHIFT)
		return (struct space_dep **)&path[0]->sub[IDX(va, 0)];
	return &path[hold_level(req->l2size)]->recs;
}

/* The record req wants if it is there (moved to its list's front). */
static struct space_dep *
dep_find(struct pmap_node **path, uint64_t va,
    const struct space_dep_req *req)
{
	struct space_dep **list = dep_list(path, va, req), *d;

	for (d = *list; d != NULL; d = d->node_next)
		if (d->obj == req->obj && d->slot == req->slot &&
		    d->lo == req->lo && d->l2size == req->l2size) {
			space_dep_to_front(d, list);	/* faults cluster */
			return d;
		}
	return NULL;
}

/* Hang the record req wants at the front of its list, below parent. */
static struct space_dep *
dep_add(struct pmap *pm, struct pmap_node **path, uint64_t va,
    const struct space_dep_req *req, struct space_dep *parent)
{
	struct space_dep *d = space_dep_take();

	d->pmap = pm;
	d->lo = req->lo;
	d->l2size = req->l2size;
	d->slot = req->slot;
	d->rs = req->rs;
	d->parent = parent;
	space_dep_link(d, req->obj, dep_list(path, va, req));
	return d;
}

void
pmap_protect_all(void)
{
	struct pmap *pm;
	unsigned i, seen;

	for (pm = pmap_all; pm != NULL; pm = pm->all_next)
		for (i = seen = 0; i < PMAP_USER_ROOT &&
		    seen < pm->root.nused; i++)
			if (pm->root.tab[i] & PTE_P) {
				pm->root.tab[i] &= ~PTE_W;
				seen++;
			}
	if (pmap_cur != NULL)
		cpu_write_cr3(pmap_cur->root.pa);	/* the whole TLB */
}

/*
 * Undo pmap_protect_all() on va's path (path[3] .. path[0] all exist):
 * an entry without W hands the protection to its child's present
 * entries and gets W back. Returns true if an entry changed.
 */
static bool
unprotect_path(struct pmap_node **path, uint64_t va)
{
	bool changed = false;
	unsigned l, j;

	for (l = PMAP_ROOT_LEVEL; l > 0; l--) {
		uint64_t *e = &path[l]->tab[IDX(va, l)];
		uint64_t *child;

		if (*e & PTE_W)
			continue;
		child = path[l - 1]->tab;
		for (j = 0; j < PMAP_ENTRIES; j++)
			if (child[j] & PTE_P)
				child[j] &= ~PTE_W;
		*e |= PTE_W;
		changed = true;
	}
	return changed;
}

int
pmap_enter(struct pmap *pm, uint64_t va, uint64_t pa, uint64_t flags,
    const struct space_dep_req *req, unsigned n,
    const struct space_dep *from)
{
	struct pmap_node *path[PMAP_ROOT_LEVEL + 1], *fresh[PMAP_ROOT_LEVEL];
	unsigned l, nfresh = 0, k, i;
	struct space_dep *d = NULL;
	uint64_t old, pte;
	struct flush fl;

	assert(va < USER_VA_END && (va & (PAGE_SIZE - 1)) == 0);
	assert((pa & ~PTE_ADDR) == 0 && (flags & ~(PTE_W | PTE_NX)) == 0);
	l = node_path(pm, va, path);
	/* Allocate everything first: after this nothing can fail. */
	if (space_dep_reserve(n) != 0)
		return ERR_NO_SPACE;
	for (nfresh = 0; nfresh < l; nfresh++) {
		if ((fresh[nfresh] = node_alloc()) == NULL) {
			while (nfresh > 0) {
				nfresh--;
				pmm_free(fresh[nfresh]->pa);
				pmm_free(virt_to_phys(fresh[nfresh]->sub));
				kmem_free(fresh[nfresh]);
			}
			return ERR_NO_SPACE;
		}
	}
	for (k = 0; k < nfresh; l--, k++) {
		struct pmap_node *up = path[l], *nd = fresh[k];

		i = IDX(va, l);
		nd->parent = up;
		nd->idx = (uint16_t)i;
		nd->level = (uint8_t)(l - 1);
		nd->base = up->base + ((uint64_t)i << ENTRY_SHIFT(l));
		up->sub[i] = nd;
		up->tab[i] = nd->pa | PTE_P | PTE_W | PTE_U;
		up->nused++;
		pm->tables++;
		path[l - 1] = nd;
	}
	if ((flags & PTE_W) && unprotect_path(path, va) && pm == pmap_cur)
		cpu_invlpg(va);		/* cached upper entries without W */

	i = IDX(va, 0);
	pte = pa | flags | PTE_P | PTE_U;
	old = path[0]->tab[i];
	if (old & PTE_P) {
		flush_begin(&fl, pm);
		if ((old & PTE_ADDR) == pa) {	/* e.g. W for a write */
			path[0]->tab[i] = pte;
			flush_page(&fl, va);
			flush_end(&fl);
			return 0;
		}
		entry_clear(&fl, path[0], i);	/* a stale frame */
		flush_end(&fl);
		pm->hint = NULL;
		from = NULL;		/* it may have been on that entry */
	}
	/*
	 * Innermost first, and stop at the first record that exists: every
	 * record of an outer step then exists too (a record is only freed
	 * with every record inside its region, and made with all the outer
	 * ones of its path), so the usual fault near earlier ones searches
	 * one short list. The missing ones are added outermost first, so
	 * that each list starts with its innermost records, the best places
	 * for a later walk to start from (pmap_resume_point). No path holds
	 * the same record twice (that would be a cycle, which maps nothing).
	 * The PTE is not present here, so its entry has no 4 KiB records to
	 * look for; and the caller may know req[0]'s record (from).
	 */
	for (k = n; k > 0; k--) {
		if (req[k - 1].l2size == PAGE_SHIFT)
			continue;
		if (k == 1 && from != NULL) {
			d = (struct space_dep *)from;
			break;
		}
		if ((d = dep_find(path, va, &req[k - 1])) != NULL)
			break;
	}
	if (k > 0 && d->l2size > PAGE_SHIFT)
		pm->hint = d;
	for (; k < n; k++) {
		d = dep_add(pm, path, va, &req[k], d);
		if (d->l2size > PAGE_SHIFT)
			pm->hint = d;
	}
	path[0]->tab[i] = pte;
	path[0]->nused++;
	pm->pages++;
	return 0;
}

void
pmap_drop(struct pmap *pm, uint64_t lo, unsigned l2size)
{
	struct pmap_node *nd;
	struct space_dep *d, *next;
	unsigned l, first, end, i;
	struct flush fl;

	assert(l2size >= PAGE_SHIFT && l2size <= 64);
	pm->hint = NULL;
	if (l2size >= VA_BITS - 1) {
		pmap_drop_all(pm);
		return;
	}
	assert((lo & ((UINT64_C(1) << l2size) - 1)) == 0);
	if (lo >= USER_VA_END)
		return;
	l = l2size == PAGE_SHIFT ? 0 : hold_level(l2size);
	if ((nd = node_find(pm, lo, l)) == NULL)
		return;		/* nothing mapped, no records */
	flush_begin(&fl, pm);
	first = IDX(lo, l);
	end = l2size <= ENTRY_SHIFT(l) ? first + 1 :
	    first + (1u << (l2size - ENTRY_SHIFT(l)));
	for (i = first; i < end; i++)
		entry_clear(&fl, nd, i);
	for (d = nd->recs; d != NULL; d = next) {
		next = d->node_next;
		if (space_dep_within(d, lo, l2size))
			space_dep_free(d);
	}
	prune(&fl, nd);
	flush_end(&fl);
}

void
pmap_drop_all(struct pmap *pm)
{
	struct flush fl;
	unsigned i;

	pm->hint = NULL;
	flush_begin(&fl, pm);
	for (i = 0; i < PMAP_USER_ROOT; i++)
		entry_clear(&fl, &pm->root, i);
	space_dep_free_list(&pm->root.recs);
	fl.reload = true;
	flush_end(&fl);
}

uint64_t
pmap_reclaim(void)
{
	struct pmap *pm = reclaim_hand != NULL ? reclaim_hand : pmap_all;
	struct pmap *start = pm;
	uint64_t tables;

	if (pm == NULL)
		return 0;
	while (pm->tables == 0) {
		pm = pm->all_next != NULL ? pm->all_next : pmap_all;
		if (pm == start)
			return 0;
	}
	tables = pm->tables;
	pmap_drop_all(pm);
	reclaim_hand = pm->all_next;
	return tables;
}

/*
 * The deepest of the first RESUME_SCAN records of list d that are for a
 * GPT slot whose region holds va, or NULL.
 */
static const struct space_dep *
list_cover(const struct space_dep *d, uint64_t va)
{
	const struct space_dep *best = NULL;
	unsigned k;

	for (k = 0; d != NULL && k < RESUME_SCAN; d = d->node_next, k++)
		if (d->slot != SPACE_DEP_PAGE && space_dep_covers(d, va) &&
		    (best == NULL || d->rs.depth > best->rs.depth))
			best = d;
	return best;
}

const struct space_dep *
pmap_resume_point(const struct pmap *pm, uint64_t va)
{
	const struct pmap_node *path[PMAP_ROOT_LEVEL + 1], *nd;
	const struct space_dep *d;
	unsigned l = PMAP_ROOT_LEVEL;

	if (va >= USER_VA_END)
		return NULL;
	/* The last mapping's path, from the inside out. */
	for (d = pm->hint; d != NULL; d = d->parent)
		if (space_dep_covers(d, va))
			return d;
	path[l] = nd = &pm->root;
	while (l > 0 && (nd = nd->sub[IDX(va, l)]) != NULL)
		path[--l] = nd;
	if (l == 0 && (path[0]->tab[IDX(va, 0)] & PTE_P) &&
	    (d = list_cover(path[0]->sub[IDX(va, 0)], va)) != NULL)
		return d;
	for (; l <= PMAP_ROOT_LEVEL; l++)
		if ((d = list_cover(path[l]->recs, va)) != NULL)
			return d;
	return NULL;
}

int
pmap_lookup(const struct pmap *pm, uint64_t va, uint64_t *pte)
{
	struct pmap_node *nd;

	*pte = 0;
	if (va >= USER_VA_END || (nd = node_find(pm, va, 0)) == NULL ||
	    !(nd->tab[IDX(va, 0)] & PTE_P))
		return ERR_NOT_FOUND;
	*pte = nd->tab[IDX(va, 0)];
	return 0;
}

/* Check one record list of nd: owner, alignment, placement. */
static uint64_t
check_list(const struct pmap *pm, const struct pmap_node *nd,
    const struct space_dep *d, bool leaf_entry)
{
	uint64_t n = 0;

	for (; d != NULL; d = d->node_next, n++) {
		unsigned m = d->l2size;

		if (d->pmap != pm || d->obj == NULL ||
		    (m < 64 && (d->lo & ((UINT64_C(1) << m) - 1)) != 0) ||
		    (leaf_entry ? m != PAGE_SHIFT : m == PAGE_SHIFT ||
		    hold_level(m) != nd->level))
			panic("pmap %p: bad record %p (lo %#lx l2size %u) on "
			    "level %u node %#lx", pm, d, d->lo, m, nd->level,
			    nd->base);
	}
	return n;
}

static void
check_node(const struct pmap *pm, const struct pmap_node *nd,
    struct pmap_stats *st)
{
	unsigned i, used = 0, top;

	top = nd->parent == NULL ? PMAP_USER_ROOT : PMAP_ENTRIES;
	st->deps += check_list(pm, nd, nd->recs, false);
	for (i = 0; i < top; i++) {
		bool present = (nd->tab[i] & PTE_P) != 0;

		if (nd->level == 0) {
			if (!present && nd->sub[i] != NULL)
				panic("pmap %p: records on empty PTE %#lx", pm,
				    nd->base + ((uint64_t)i << PAGE_SHIFT));
			st->deps += check_list(pm, nd, nd->sub[i], true);
			st->pages += present;
		} else if (present) {
			const struct pmap_node *c = nd->sub[i];

			if (c == NULL || c->parent != nd || c->idx != i ||
			    (nd->tab[i] & PTE_ADDR) != c->pa)
				panic("pmap %p: bad child %u of level %u", pm, i,
				    nd->level);
			st->tables++;
			check_node(pm, c, st);
		}
		used += present;
	}
	if (used != nd->nused || (nd->parent != NULL && used == 0))
		panic("pmap %p: level %u node %#lx counts %u, has %u", pm,
		    nd->level, nd->base, nd->nused, used);
}

void
pmap_stats(const struct pmap *pm, struct pmap_stats *st)
{
	st->pages = st->tables = st->deps = 0;
	check_node(pm, &pm->root, st);
	if (st->pages != pm->pages || st->tables != pm->tables)
		panic("pmap %p: counts %lu pages %lu tables, found %lu, %lu",
		    pm, pm->pages, pm->tables, st->pages, st->tables);
}
