/*
 * st_space_util.c - helpers of the space self-tests (st_space.h): fresh
 * objects from OIDs no store holds, pinned for the test's duration and
 * then evicted, so every test starts from objects nobody else has seen.
 */
#include <stddef.h>
#include <stdint.h>

#include <abi/err.h>
#include <obj.h>
#include <store/objcache.h>
#include <selftest/selftest.h>
#include <selftest/st_space.h>
#include <space.h>
#include <space_dep.h>

/* Test OIDs: far above any store's objects and the objcache tests'. */
#define ST_SPACE_INDEX_BASE	(UINT64_C(3) << 40)

static uint64_t		next_index = ST_SPACE_INDEX_BASE;
static struct obj	*made[ST_SPACE_OBJS_MAX];
static unsigned		nmade;
static uint64_t		deps_before;

void
st_space_begin(void)
{
	/* The tests need the cache, not a store: no disk is fine. */
	(void)objcache_init();
	if (space_init() != 0)
		st_fail("space_init failed");
	nmade = 0;
	deps_before = space_dep_live();
}

void
st_space_end(void)
{
	unsigned i;

	space_activate(NULL);
	for (i = 0; i < nmade; i++)
		space_object_gone(made[i]);
	for (i = 0; i < nmade; i++) {
		if (made[i]->flags & OBJ_F_DIRTY)
			obj_mark_clean(made[i]);
		obj_unpin(made[i]);
	}
	nmade = 0;
	objcache_flush();
	if (space_dep_live() != deps_before)
		st_fail("%lu dependency records left over (%lu before)",
		    space_dep_live(), deps_before);
}

oid_t
st_fresh_oid(unsigned type)
{
	return OID_MAKE(type, next_index++);
}

static struct obj *
fresh(unsigned type)
{
	struct obj *o;
	int err;

	if (nmade == ST_SPACE_OBJS_MAX) {
		st_fail("test made more than %u objects", ST_SPACE_OBJS_MAX);
		return NULL;
	}
	if ((err = obj_get(OID_MAKE(type, next_index++), &o)) != 0) {
		st_fail("obj_get: error %d", err);
		return NULL;
	}
	obj_pin(o);
	made[nmade++] = o;
	return o;
}

struct gpt *
st_gpt(unsigned l2v, unsigned flags)
{
	struct obj *o = fresh(OT_GPT);
	struct gpt *g;

	if (o == NULL)
		return NULL;
	g = obj_gpt(o);
	g->d.l2v = (uint8_t)l2v;
	g->d.flags = (uint8_t)flags;
	return g;
}

struct page *
st_page(void)
{
	struct obj *o = fresh(OT_PAGE);

	return o != NULL ? obj_page(o) : NULL;
}

struct process *
st_process(void)
{
	struct obj *o = fresh(OT_PROCESS);

	return o != NULL ? obj_process(o) : NULL;
}

struct cap
st_cap(struct obj *o, unsigned restr, unsigned l2g, unsigned match)
{
	struct cap c = { 0 };

	switch (o->type) {
	case OT_GPT:
		c.type = CT_GPT;
		break;
	case OT_PAGE:
		c.type = CT_PAGE;
		break;
	case OT_CAPPAGE:
		c.type = CT_CAPPAGE;
		break;
	case OT_PROCESS:
		c.type = CT_PROCESS;
		break;
	default:
		c.type = CT_ENDPOINT;
		break;
	}
	c.restr = (uint8_t)restr;
	c.aux = CAP_GUARD(l2g, match);
	c.alloc_count = o->alloc_count;
	c.oid = o->oid;
	return c;
}
