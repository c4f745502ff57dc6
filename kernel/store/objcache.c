/*
 * objcache.c - the object cache: every object in memory, found by OID
 * through a hash table, made on first touch by obj_get() (loaded from
 * the store, or a fresh zero object), kept on an LRU list while clean
 * and unpinned so it can be evicted when memory runs short.
 *
 * Memory: the struct (struct process, endpoint, ...) comes from kmem,
 * a struct page or gpt from a slab cache of its type (slab.h); a page or
 * cap page also holds one pmm frame. The hash table is an array of whole frames
 * of bucket heads, sized at setup from the RAM.
 *
 * Invariants (objcache.h describes the lists):
 * - an object is on the hash chain of its OID from creation to eviction;
 * - on the LRU list iff pins == 0 and not OBJ_F_DIRTY; with OBJ_F_DIRTY
 *   on exactly one of: the written list iff OBJ_F_WRITTEN; else the
 *   dirty list iff epoch_now(o); the snapshot list otherwise (only
 *   while a checkpoint is written out: in its snapshot, bytes not taken);
 * - obj_epoch is never 0, so a clean object (epoch 0) is never taken for
 *   one modified in the current epoch, and is below OBJ_EPOCH_COPY;
 * - OBJ_EPOCH_COPY only in the epoch of a page in memory whose held
 *   block (out_block) holds its bytes; no mapping of it is writable (it
 *   came back from being out, which dropped them all, and obj_modified()
 *   is false for it, so a fault maps it read-only);
 * - only objects on the LRU list are evicted, and only after
 *   space_object_gone() has dropped every mapping through them.
 * Single CPU, thread context only: nothing here runs in interrupts.
 */
#include <stdbool.h>
#include <stdint.h>

#include <abi/err.h>
#include <kmem.h>
#include <lib/string.h>
#include <obj.h>
#include <store/objcache.h>
#include <store/objcache_priv.h>
#include <store/ckpt.h>
#include <panic.h>
#include <pmm.h>
#include <printf.h>
#include <slab.h>
#include <space.h>
#include <store/pageout.h>
#include <store/store.h>
#include <x86_64/pagezero.h>
#include <x86_64/pmap.h>
#include <x86_64/vm.h>

#define HASH_PER_FRAME	OBJCACHE_PER_FRAME
#define HASH_FRAMES_MAX	256		/* 131072 buckets at most */
#define HASH_MULT	OBJCACHE_HASH_MULT
#define PAGEOUT_BATCH	64		/* pages a reclaim step writes */
#define READAHEAD	8		/* pages a page-in reads at most */
_Static_assert(HASH_PER_FRAME == PAGE_SIZE / sizeof(struct obj *),
    "a frame of bucket heads");

struct olist {
	struct obj	*head;		/* oldest */
	struct obj	*tail;		/* newest */
	uint64_t	n;
};

struct obj		**objcache_hash_frame[HASH_FRAMES_MAX];
static struct slab_cache page_structs = SLAB_CACHE(sizeof(struct page), 0);
static struct slab_cache gpt_structs = SLAB_CACHE(sizeof(struct gpt), 0);
unsigned		objcache_hash_bits;	/* log2 of the buckets */
static bool		ready;
static struct olist	lru, dirty, snap, written;
uint32_t		obj_epoch = 1;
static struct objcache_stats st;
uint64_t		objcache_poll_mark;	/* low_mark, 0 while stuck */
static uint64_t		low_mark;	/* objcache_poll() reclaims below */
static uint64_t		high_mark;	/*   up to this */
static bool		stuck;		/* reclaim could not reach low_mark */
bool			objcache_starved;

static struct obj **
bucket(oid_t oid)
{
	uint64_t h = (oid * HASH_MULT) >> (64 - objcache_hash_bits);

	return &objcache_hash_frame[h / HASH_PER_FRAME][h % HASH_PER_FRAME];
}

/* The object on chain b named oid, out of memory or not, or NULL. */
static struct obj *
find(struct obj **b, oid_t oid)
{
	struct obj *o;

	for (o = *b; o != NULL && o->oid != oid; o = o->hash_next)
		;
	return o;
}

static void
list_push(struct olist *l, struct obj *o)
{
	o->lru_next = NULL;
	o->lru_prev = l->tail;
	if (l->tail != NULL)
		l->tail->lru_next = o;
	else
		l->head = o;
	l->tail = o;
	l->n++;
}

static void
list_remove(struct olist *l, struct obj *o)
{
	if (o->lru_prev != NULL)
		o->lru_prev->lru_next = o->lru_next;
	else
		l->head = o->lru_next;
	if (o->lru_next != NULL)
		o->lru_next->lru_prev = o->lru_prev;
	else
		l->tail = o->lru_prev;
	o->lru_prev = o->lru_next = NULL;
	l->n--;
}

static bool
on_lru(const struct obj *o)
{
	return o->pins == 0 && !(o->flags & OBJ_F_DIRTY);
}

/* Size of the in-memory struct for type t, 0 if t is not an object type. */
static size_t
struct_size(unsigned t)
{
	switch (t) {
	case OT_PAGE:
		return sizeof(struct page);
	case OT_CAPPAGE:
		return sizeof(struct cappage_obj);
	case OT_GPT:
		return sizeof(struct gpt);
	case OT_PROCESS:
		return sizeof(struct process);
	case OT_ENDPOINT:
		return sizeof(struct endpoint);
	default:
		return 0;
	}
}

static bool
has_frame(const struct obj *o)
{
	return o->type == OT_PAGE || o->type == OT_CAPPAGE;
}

/* A page or cap page as a struct page (obj.h: the fields sit alike). */
static struct page *
fpage(struct obj *o)
{
	return (struct page *)o;
}

/* The frame of a page or cap page. */
static uint64_t *
frame_of(struct obj *o)
{
	return &fpage(o)->pa;
}

/* Hash table: a power of two of buckets, about one per two frames. */
static void
setup(void)
{
	uint64_t want = pmm_total_frames() / 2, nb = HASH_PER_FRAME;
	unsigned i, nframes, bits = 9;

	while (nb < want && nb < HASH_PER_FRAME * HASH_FRAMES_MAX) {
		nb *= 2;
		bits++;
	}
	nframes = (unsigned)(nb / HASH_PER_FRAME);
	for (i = 0; i < nframes; i++) {
		uint64_t pa = pmm_alloc();

		if (pa == 0)
			panic("objcache: no frame for hash table frame %u "
			    "of %u", i, nframes);
		objcache_hash_frame[i] = phys_to_virt(pa);
		memset(objcache_hash_frame[i], 0, PAGE_SIZE);
	}
	st.buckets = nb;
	/* Watermarks: the reserve one kernel entry may use (a fault's
	   tables and objects, the writer's map blocks) without reclaiming. */
	low_mark = pmm_total_frames() / 32;
	if (low_mark < 64)
		low_mark = 64;
	high_mark = 2 * low_mark;
	objcache_poll_mark = low_mark;
	objcache_hash_bits = bits;	/* obj_lookup may use the table */
	ready = true;
}

int
objcache_init(void)
{
	if (!ready)
		setup();
	if (store_current() != NULL)
		return 0;
	return store_mount_disk();
}

/* Zero n bytes at p, 8 at a time (n a multiple of 8). */
static inline void
zero_words(void *p, size_t n)
{
	uint64_t cnt = n / 8;

	__asm__ volatile("rep stosq" : "+D"(p), "+c"(cnt) : "a"(0ul) :
	    "memory");
}

/* The slab cache of structs of type t, or NULL for kmem's. */
static struct slab_cache *
struct_cache(unsigned t)
{
	return t == OT_PAGE ? &page_structs : t == OT_GPT ? &gpt_structs :
	    NULL;
}

/*
 * May a fresh object take memory (make())? Not while dirty pages cannot
 * leave memory (stuck: the store is full) and fewer than half the low
 * watermark's frames are free; objcache_starved is then set.
 */
static bool
growth_ok(void)
{
	if (!stuck || pmm_free_frames() >= low_mark / 2)
		return true;
	objcache_starved = true;
	return false;
}

/*
 * The zeroed struct of a new object of type t, evicting clean objects
 * until there is memory or none is left. Pages and GPTs, the objects
 * made most often (a demand-zero fault makes a page, and a GPT every
 * 16 pages), come from slab caches of their own: no size-class search,
 * no byte-wise memset.
 */
static struct obj *
alloc_struct(unsigned t)
{
	struct slab_cache *c = struct_cache(t);
	void *p;

	if (c != NULL) {
		while ((p = slab_alloc(c)) == NULL)
			if (!objcache_evict_one())
				return NULL;
		zero_words(p, struct_size(t));
		return p;
	}
	while ((p = kmem_alloc(struct_size(t))) == NULL)
		if (!objcache_evict_one())
			return NULL;
	return p;
}

/* Give back what alloc_struct() returned for o. */
static void
free_struct(struct obj *o)
{
	struct slab_cache *c = struct_cache(o->type);

	if (c != NULL)
		slab_free(c, o);
	else
		kmem_free(o);
}

/* Panic unless nothing outside the cache still refers to o. */
static void
check_idle(struct obj *o)
{
	if (o->deps != NULL || !on_lru(o))
		panic("objcache: evicting %#lx with deps %p, pins %u, flags "
		    "%#x", o->oid, (void *)o->deps, o->pins, o->flags);
	if (o->type == OT_PROCESS) {
		struct process *p = (struct process *)o;

		if (p->k.on_queue || p->k.pmap != NULL || p->k.stalled ||
		    p->k.stall_on)
			panic("objcache: evicting busy process %#lx (queue %u, "
			    "pmap %p)", o->oid, p->k.on_queue,
			    (void *)p->k.pmap);
	}
	if (o->type == OT_ENDPOINT && ((struct endpoint *)o)->senders)
		panic("objcache: evicting endpoint %#lx with senders", o->oid);
}

/* Drop o (on the LRU list) from memory. */
static void
evict(struct obj *o)
{
	struct obj **b = bucket(o->oid);

	space_object_gone(o);
	check_idle(o);
	list_remove(&lru, o);
	while (*b != o)
		b = &(*b)->hash_next;
	*b = o->hash_next;
	if (has_frame(o) && *frame_of(o) != 0) {
		pmm_free(*frame_of(o));
		st.frames--;
	}
	free_struct(o);
	st.objects--;
	st.evicted++;
}

bool
objcache_evict_one(void)
{
	if (lru.head == NULL)
		return false;
	evict(lru.head);
	return true;
}

/* pmm_alloc, evicting clean objects until it succeeds or none is left. */
static uint64_t
alloc_frame(void)
{
	uint64_t pa;

	while ((pa = pmm_alloc()) == 0)
		if (!objcache_evict_one()) {
			objcache_starved = true;
			return 0;
		}
	return pa;
}

/*
 * Make the in-memory object for oid (of type t): memory first, then its
 * contents from the store, or zeros if the store does not hold it.
 * Returns 0 and the object (on no list, not hashed yet), or
 * ERR_NO_SPACE, ERR_IO, ERR_CORRUPT.
 *
 * When dirty pages cannot leave memory (the store is full), a stored
 * object may still be loaded into the last free frames (a process needs
 * its pages back to go on), but a fresh one is refused with ERR_NO_SPACE
 * and objcache_starved set once fewer than half the low watermark's
 * frames are free (growth_ok): otherwise each new page would evict a
 * clean page a process runs from, which it loads again, and the
 * processes would thrash instead of seeing the error.
 */
static int
make(oid_t oid, unsigned t, struct obj **out)
{
	const struct store_super *sb = store_current();
	struct obj *o = alloc_struct(t);
	int err;

	if (o == NULL)
		return ERR_NO_SPACE;
	o->oid = oid;
	o->type = (uint8_t)t;
	if (has_frame(o)) {
		uint64_t pa = alloc_frame();

		if (pa == 0) {
			free_struct(o);
			return ERR_NO_SPACE;
		}
		*frame_of(o) = pa;	/* filled by objcache_load or below */
		st.frames++;
	}
	/* At or above the type's OID limit the store holds nothing. */
	if (sb == NULL || OID_INDEX(oid) >= sb->oid_limit[t])
		err = ERR_NOT_FOUND;
	else
		err = objcache_load(o);
	if (err == ERR_NOT_FOUND && !growth_ok())
		err = ERR_NO_SPACE;	/* growth: see the comment above */
	if (err == ERR_NOT_FOUND) {
		if (has_frame(o))
			page_zero(phys_to_virt(*frame_of(o)));
		o->flags = OBJ_F_NEW;
		st.fresh++;
	} else if (err != 0) {
		if (has_frame(o)) {
			pmm_free(*frame_of(o));
			st.frames--;
		}
		free_struct(o);
		return err;
	} else {
		st.loaded++;
	}
	*out = o;
	return 0;
}

/*
 * Page o (OBJ_F_OUT), whose bytes frame pa now holds, is back in memory.
 * Its block stays held: while o belongs to the snapshot being written
 * out, the writer adopts it; on the dirty list, o is OBJ_EPOCH_COPY until
 * its first write, so a page only read leaves memory again without
 * being written again.
 */
static void
page_back(struct obj *o, uint64_t pa)
{
	struct page *pg = fpage(o);

	pg->pa = pa;
	o->flags &= (uint8_t)~OBJ_F_OUT;
	if (o->epoch == obj_epoch && pg->out_block != 0)
		o->epoch |= OBJ_EPOCH_COPY;	/* on the dirty list */
	st.frames++;
	st.out--;
	st.pageins++;
}

/*
 * The pages after o (out of memory, of the next OIDs, in the blocks
 * after o's: pages a keeper bought in order and the reclaim wrote out
 * together) that a page-in of o reads with it, each with a free frame:
 * up to READAHEAD pages in pg[] and frame[] after o's (pg[0], frame[0],
 * set by the caller). Read-ahead never
 * evicts: it stops at the low watermark. Returns how many.
 */
static unsigned
readahead(struct obj *o, struct page **pg, uint64_t *frame)
{
	unsigned n = 1;
	struct obj *x;

	for (; n < READAHEAD && pmm_free_frames() > low_mark; n++) {
		x = find(bucket(o->oid + n), o->oid + n);
		if (x == NULL || !(x->flags & OBJ_F_OUT) ||
		    fpage(x)->out_block != pg[0]->out_block + n ||
		    (frame[n] = pmm_alloc()) == 0)
			break;
		pg[n] = fpage(x);
	}
	return n;
}

/*
 * Bring dirty page o (OBJ_F_OUT) back into memory from its held block
 * (zeros if it has none), and the pages readahead() finds with it, in
 * one request. Returns 0, ERR_NO_SPACE, ERR_IO, ERR_CORRUPT (o stays
 * out).
 */
static int
page_in(struct obj *o)
{
	struct page *pg[READAHEAD];
	uint64_t frame[READAHEAD];
	unsigned n = 1, good, i;
	int err;

	if ((frame[0] = alloc_frame()) == 0)
		return ERR_NO_SPACE;
	pg[0] = fpage(o);
	if (pg[0]->out_block == 0) {		/* all zero: nothing to read */
		err = pageout_read(pg[0], phys_to_virt(frame[0]));
		good = err == 0;
	} else {
		n = readahead(o, pg, frame);
		err = pageout_read_run(pg, frame, n, &good);
	}
	for (i = 0; i < n; i++) {
		if (i < good)
			page_back(&pg[i]->obj, frame[i]);
		else
			pmm_free(frame[i]);
	}
	st.readahead += good > 1 ? good - 1 : 0;
	return err;
}

/*
 * Dirty page o, whose bytes are in its held block now (or all zero),
 * leaves memory: its frame is freed. It stays on its list.
 */
static void
page_gone(struct obj *o)
{
	struct page *pg = fpage(o);

	pmm_free(pg->pa);
	pg->pa = 0;
	o->flags |= OBJ_F_OUT;
	o->epoch &= ~OBJ_EPOCH_COPY;
	st.frames--;
	st.out++;
	st.pageouts++;
}

/*
 * A clock over list l (dirty or snapshot): page out up to n (at most
 * PAGEOUT_BATCH) of its pages that are in memory, unpinned and not yet
 * taken by a writer, moving each object looked at to the tail: their
 * mappings go, their bytes go to held blocks together (pageout.c),
 * their frames are freed. Returns how many left memory; fewer, with
 * *err set, when the store is full or a write failed (the others stay,
 * unmapped).
 */
static uint64_t
page_out_from(struct olist *l, uint64_t n, int *err)
{
	struct page *pg[PAGEOUT_BATCH];
	uint64_t left = l->n;
	unsigned k = 0, done;
	struct obj *o;

	*err = 0;
	while (k < n && k < PAGEOUT_BATCH && left-- > 0 &&
	    (o = l->head) != NULL) {
		list_remove(l, o);
		list_push(l, o);
		if (!has_frame(o) || o->pins > 0 || (o->flags & OBJ_F_OUT))
			continue;
		space_object_gone(o);
		pg[k++] = fpage(o);
	}
	if (k == 0)
		return 0;
	done = pageout_write_batch(pg, k, err);
	for (unsigned i = 0; i < done; i++)
		page_gone(&pg[i]->obj);
	return done;
}

/*
 * After a reclaim: if dirty pages could not leave memory (err: the store
 * is full, a write failed) or free frames are still below the low
 * watermark, say why once, and stop objcache_poll() from trying again
 * at every return to user mode (each try would drop page tables that
 * faults then rebuild) until a commit makes objects clean
 * (objcache_commit). A fault short of memory still reclaims itself.
 */
static void
note_shortage(int err)
{
	bool short_now = err != 0 || pmm_free_frames() < low_mark;

	if (short_now && !stuck)
		kprintf("memory: %lu frames free, dirty pages cannot leave "
		    "memory: %s\n", pmm_free_frames(), err == ERR_NO_SPACE ?
		    "the store is full" : err == ERR_NO_ACCESS ?
		    "the disk is read-only" : err != 0 ?
		    "a store write failed" : "every one is in use");
	stuck = short_now;
	objcache_poll_mark = stuck ? 0 : low_mark;
}

uint64_t
objcache_reclaim(uint64_t want)
{
	uint64_t before = pmm_free_frames(), n;
	int err = 0;

	if (want == 0)
		want = high_mark;
	while (pmm_free_frames() < want) {
		if (lru.head != NULL) {
			evict(lru.head);
			continue;
		}
		/* The snapshot's pages first: the writer then adopts their
		   blocks instead of writing them again. */
		n = 0;
		if (err == 0)
			n = page_out_from(&snap, PAGEOUT_BATCH, &err);
		if (err == 0)
			n += page_out_from(&dirty, PAGEOUT_BATCH - n, &err);
		if (n > 0)
			continue;
		if (pmap_reclaim() > 0)
			continue;
		break;
	}
	note_shortage(err);
	return pmm_free_frames() > before ? pmm_free_frames() - before : 0;
}

bool
objcache_short(void)
{
	return pmm_free_frames() < low_mark;
}

int
obj_get(oid_t oid, struct obj **out)
{
	unsigned t = OID_TYPE(oid);
	struct obj *o, **b;
	int err;

	if (!ready)
		panic("obj_get(%#lx) before objcache_init()", oid);
	if (struct_size(t) == 0)
		return ERR_BAD_ARG;
	b = bucket(oid);
	if ((o = find(b, oid)) != NULL) {
		if ((o->flags & OBJ_F_OUT) && (err = page_in(o)) != 0)
			return err;
		st.hits++;
		if (on_lru(o) && o != lru.tail) {
			list_remove(&lru, o);
			list_push(&lru, o);
		}
		*out = o;
		return 0;
	}
	st.misses++;
	err = make(oid, t, &o);
	if (err != 0) {
		st.failed++;
		return err;
	}
	o->hash_next = *b;
	*b = o;
	list_push(&lru, o);
	st.objects++;
	*out = o;
	return 0;
}

void
obj_pin(struct obj *o)
{
	if (o->pins == UINT16_MAX)
		panic("obj_pin: %#lx pinned %u times", o->oid, o->pins);
	if (on_lru(o))
		list_remove(&lru, o);
	o->pins++;
}

void
obj_unpin(struct obj *o)
{
	if (o->pins == 0)
		panic("obj_unpin: %#lx is not pinned", o->oid);
	o->pins--;
	if (on_lru(o))
		list_push(&lru, o);
}

/* o (dirty) was modified in the current epoch, or is its copy. */
static bool
epoch_now(const struct obj *o)
{
	return (o->epoch & ~OBJ_EPOCH_COPY) == obj_epoch;
}

/* The list o (OBJ_F_DIRTY) is on. */
static struct olist *
dirty_list(const struct obj *o)
{
	if (o->flags & OBJ_F_WRITTEN)
		return &written;
	return epoch_now(o) ? &dirty : &snap;
}

void
obj_modify_slow(struct obj *o)
{
	assert(!(o->flags & OBJ_F_OUT));
	if (o->flags & OBJ_F_DIRTY) {
		struct olist *l = dirty_list(o);

		if (l == &snap)
			ckpt_cow(o);	/* the writer still needs its bytes */
		else if (l == &written && has_frame(o))
			fpage(o)->out_block = 0;	/* adopted: the
							   generation's */
		else if (o->epoch & OBJ_EPOCH_COPY)
			pageout_drop(fpage(o));	/* stale from now on */
		list_remove(l, o);
	} else if (on_lru(o))
		list_remove(&lru, o);
	o->flags = (uint8_t)((o->flags | OBJ_F_DIRTY) & ~OBJ_F_WRITTEN);
	o->epoch = obj_epoch;
	list_push(&dirty, o);
}

void
obj_mark_clean(struct obj *o)
{
	if (!(o->flags & OBJ_F_DIRTY))
		panic("obj_mark_clean: %#lx is not dirty", o->oid);
	list_remove(dirty_list(o), o);
	o->flags &= (uint8_t)~(OBJ_F_DIRTY | OBJ_F_NEW | OBJ_F_WRITTEN);
	o->epoch = 0;
	if (has_frame(o))
		fpage(o)->out_block = 0;	/* the commit's now */
	if (on_lru(o))
		list_push(&lru, o);
	if (o->flags & OBJ_F_OUT) {	/* stored: nothing left in memory */
		o->flags &= (uint8_t)~OBJ_F_OUT;
		st.out--;
		evict(o);
	}
}

struct obj *
objcache_dirty_first(void)
{
	return dirty.head;
}

/* Append list b to list a; b becomes empty. */
static void
list_splice(struct olist *a, struct olist *b)
{
	if (b->head == NULL)
		return;
	if (a->tail != NULL) {
		a->tail->lru_next = b->head;
		b->head->lru_prev = a->tail;
	} else
		a->head = b->head;
	a->tail = b->tail;
	a->n += b->n;
	b->head = b->tail = NULL;
	b->n = 0;
}

uint64_t
objcache_snapshot(void)
{
	uint64_t n = dirty.n;

	assert(snap.n == 0 && written.n == 0);
	list_splice(&snap, &dirty);
	if (++obj_epoch == OBJ_EPOCH_COPY)
		obj_epoch = 1;
	return n;
}

struct obj *
objcache_snap_first(void)
{
	return snap.head;
}

void
objcache_taken(struct obj *o)
{
	assert((o->flags & (OBJ_F_DIRTY | OBJ_F_WRITTEN)) == OBJ_F_DIRTY &&
	    o->epoch != obj_epoch);
	list_remove(&snap, o);
	o->flags |= OBJ_F_WRITTEN;
	list_push(&written, o);
}

uint64_t
objcache_commit(void)
{
	uint64_t n = 0;
	struct obj *o;

	assert(snap.n == 0);
	while ((o = written.head) != NULL) {
		obj_mark_clean(o);
		n++;
	}
	stuck = false;		/* clean objects can go now */
	objcache_poll_mark = low_mark;
	return n;
}

/*
 * Page o of an abandoned snapshot goes back to the dirty list: a held
 * block the generation adopted (written list) was let go by sf_abort();
 * one it did not is still held. A page out of memory keeps its block;
 * one in memory is its frame from here on.
 */
static void
abort_held(struct obj *o)
{
	struct page *pg = fpage(o);

	if (o->flags & OBJ_F_OUT) {
		if (o->flags & OBJ_F_WRITTEN)
			pageout_rehold(pg);
	} else if (o->flags & OBJ_F_WRITTEN)
		pg->out_block = 0;
	else
		pageout_drop(pg);
}

void
objcache_abort(void)
{
	struct obj *o;

	list_splice(&snap, &written);
	for (o = snap.head; o != NULL; o = o->lru_next) {
		if (has_frame(o))
			abort_held(o);
		o->flags &= (uint8_t)~OBJ_F_WRITTEN;
		o->epoch = obj_epoch;
	}
	list_splice(&dirty, &snap);
}

void
obj_rescind(struct obj *o)
{
	obj_modify(o);
	o->alloc_count++;
	space_object_gone(o);
}

uint64_t
objcache_flush(void)
{
	uint64_t n = 0;

	while (lru.head != NULL) {
		evict(lru.head);
		n++;
	}
	return n;
}

void
objcache_stats(struct objcache_stats *out)
{
	*out = st;
	out->lru = lru.n;
	out->dirty = dirty.n + snap.n + written.n;
}

static void
check_type(const struct obj *o, unsigned t, const char *what)
{
	if (o->type != t)
		panic("%s: object %#lx has type %u, not %u", what, o->oid,
		    o->type, t);
}

struct page *
obj_page(struct obj *o)
{
	check_type(o, OT_PAGE, "obj_page");
	return (struct page *)o;
}

struct cappage_obj *
obj_cappage(struct obj *o)
{
	check_type(o, OT_CAPPAGE, "obj_cappage");
	return (struct cappage_obj *)o;
}

struct gpt *
obj_gpt(struct obj *o)
{
	check_type(o, OT_GPT, "obj_gpt");
	return (struct gpt *)o;
}

struct endpoint *
obj_endpoint(struct obj *o)
{
	check_type(o, OT_ENDPOINT, "obj_endpoint");
	return (struct endpoint *)o;
}

struct process *
obj_process(struct obj *o)
{
	check_type(o, OT_PROCESS, "obj_process");
	return (struct process *)o;
}

void *
page_data(struct page *pg)
{
	return phys_to_virt(pg->pa);
}

struct cappage *
cappage_data(struct cappage_obj *cp)
{
	return phys_to_virt(cp->pa);
}
