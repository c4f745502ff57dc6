/*
 * ckpt_snap.c - the contents of a checkpoint's snapshot while it is
 * written out: the objects of the object cache's snapshot list, read
 * by the writer one at a time (ckpt_snap_take), and the copies the
 * write hook makes of those the processes change first (ckpt_cow).
 * docs/persistence.md explains the whole.
 *
 * Invariants:
 * - an object of the snapshot is either on the snapshot list with its
 *   bytes as the snapshot left them (every change first goes through
 *   obj_modify(), which comes here while the object is on that list), or
 *   its bytes are in exactly one shadow here or were taken by the
 *   writer: it is written exactly once, as it was at the snapshot;
 * - shadows are taken first (they never wait behind the list), and the
 *   list is empty, with no shadow left, before the writer commits;
 * - a copy that finds no memory makes no shadow and sets cow_err: that
 *   generation must not commit (ckpt_snap_error), since one object of
 *   its snapshot is lost.
 */
#include <stdbool.h>
#include <stdint.h>

#include <abi/err.h>
#include <abi/store.h>
#include <kmem.h>
#include <lib/string.h>
#include <obj.h>
#include <panic.h>
#include <pmm.h>
#include <store/ckpt.h>
#include <store/objcache.h>
#include <store/pageout.h>
#include <x86_64/vm.h>

_Static_assert(sizeof(struct obj_process) <= PAGE_SIZE &&
    sizeof(struct obj_gpt) <= PAGE_SIZE &&
    sizeof(struct obj_endpoint) <= PAGE_SIZE, "an object fits a frame");

struct shadow {
	struct shadow		*next;
	struct ckpt_item	it;
	void			*data;		/* a frame, or NULL: it.held */
};

static struct shadow	*shadows;
static int		cow_err;
static uint64_t		ncopies;

/*
 * Copy a 4 KiB frame 8 bytes a step: memcpy's rep movsb counts 4,096
 * instructions under QEMU's -icount, this 512, and the writer copies
 * every page it writes.
 */
static inline void
frame_copy(void *dst, const void *src)
{
	uint64_t n = PAGE_SIZE / 8;

	__asm__ volatile("rep movsq" : "+D"(dst), "+S"(src), "+c"(n) : :
	    "memory");
}

/*
 * o's persistent bytes into buf (a frame) and its identity into *it:
 * the frame of a page or cap page, or the inline object `d` with its
 * header filled in from struct obj (obj.h: those copies are
 * authoritative in memory).
 */
/* o's identity into *it. */
static void
item_of(struct obj *o, struct ckpt_item *it)
{
	it->oid = o->oid;
	it->alloc_count = o->alloc_count;
	it->bank = o->bank;
	it->type = o->type;
	it->held = false;
}

/* o is a page or cap page (obj.h: their frame fields sit alike). */
static bool
is_page(const struct obj *o)
{
	return o->type == OT_PAGE || o->type == OT_CAPPAGE;
}

/* Page o's bytes are in its held block (0: all zero): say so in *it. */
static void
held_item(struct obj *o, struct ckpt_item *it)
{
	const struct page *pg = (const struct page *)o;

	item_of(o, it);
	it->held = true;
	it->block = pg->out_block;
	it->crc = pg->out_crc;
}

/*
 * o's persistent bytes into buf (a frame) and its identity into *it:
 * the frame of a page or cap page, or the inline object `d` with its
 * header filled in from struct obj (obj.h: those copies are
 * authoritative in memory). A page out of memory, or whose bytes are in
 * a held block, copies nothing (held_item).
 */
static void
copy_out(struct obj *o, void *buf, struct ckpt_item *it)
{
	struct obj_hdr *h = buf;
	struct page *pg = (struct page *)o;

	if (is_page(o) && ((o->flags & OBJ_F_OUT) || pg->out_block != 0)) {
		held_item(o, it);
		return;
	}
	item_of(o, it);
	switch (o->type) {
	case OT_PAGE:
	case OT_CAPPAGE:
		frame_copy(buf, phys_to_virt(pg->pa));
		return;
	case OT_GPT:
		memcpy(buf, &obj_gpt(o)->d, sizeof(struct obj_gpt));
		break;
	case OT_PROCESS:
		memcpy(buf, &obj_process(o)->d, sizeof(struct obj_process));
		break;
	case OT_ENDPOINT:
		memcpy(buf, &obj_endpoint(o)->d, sizeof(struct obj_endpoint));
		break;
	default:
		panic("ckpt: object %#lx of type %u in a snapshot", o->oid,
		    o->type);
	}
	h->oid = o->oid;
	h->alloc_count = o->alloc_count;
	h->bank = o->bank;
}

void
ckpt_cow(struct obj *o)
{
	struct page *pg = (struct page *)o;
	struct shadow *s;
	uint64_t pa = 0;

	if (cow_err != 0)
		return;			/* this generation is lost anyway */
	/* No eviction here: the hook's caller may hold unpinned objects. */
	if ((s = kmem_alloc(sizeof(*s))) == NULL)
		goto lost;
	s->data = NULL;
	if (!is_page(o) || pg->out_block == 0) {
		pa = pmm_alloc();
		/* No frame: a page's bytes can go to a held block. */
		if (pa == 0 && (!is_page(o) || pageout_write(pg) != 0)) {
			kmem_free(s);
			goto lost;
		}
	}
	if (pa != 0) {
		s->data = phys_to_virt(pa);
		copy_out(o, s->data, &s->it);
	} else {
		held_item(o, &s->it);
		pg->out_block = 0;	/* the block is the shadow's now */
	}
	s->next = shadows;
	shadows = s;
	ncopies++;
	return;
lost:
	cow_err = ERR_NO_SPACE;
}

bool
ckpt_snap_take(void *buf, struct ckpt_item *it)
{
	struct shadow *s = shadows;
	struct obj *o;

	if (s != NULL) {
		shadows = s->next;
		*it = s->it;
		if (s->data != NULL) {
			frame_copy(buf, s->data);
			pmm_free(virt_to_phys(s->data));
		}
		kmem_free(s);
		return true;
	}
	if ((o = objcache_snap_first()) == NULL)
		return false;
	copy_out(o, buf, it);
	objcache_taken(o);
	return true;
}

int
ckpt_snap_error(void)
{
	return cow_err;
}

uint64_t
ckpt_snap_end(void)
{
	struct shadow *s;
	uint64_t n = ncopies;

	while ((s = shadows) != NULL) {
		shadows = s->next;
		if (s->data != NULL)
			pmm_free(virt_to_phys(s->data));
		else
			pageout_unhold(s->it.block);
		kmem_free(s);
	}
	cow_err = 0;
	ncopies = 0;
	return n;
}
