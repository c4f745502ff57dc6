/*
 * st_space.h - what the GPT walk and address-space self-tests share:
 * fresh objects to build trees from (pinned until st_space_end), caps to
 * them, and a check that a test left no mapping or record behind.
 */
#pragma once

#include <stdint.h>

#include <abi/cap.h>
#include <obj.h>

#define ST_SPACE_OBJS_MAX	2048	/* objects one test may make */

/* Start a test: remember the live record count. */
void		st_space_begin(void);

/*
 * End a test: drop every mapping through the test's objects, free the
 * test processes' page tables, unpin and evict the objects, and fail the
 * test if any dependency record is left over.
 */
void		st_space_end(void);

/* An OID of type `type` that no object in memory or in a store has. */
oid_t		st_fresh_oid(unsigned type);

/* A fresh, pinned GPT with l2v and flags; NULL (test failed) if none. */
struct gpt	*st_gpt(unsigned l2v, unsigned flags);

/* A fresh, pinned zero page. */
struct page	*st_page(void);

/* A fresh, pinned process with a null space. */
struct process	*st_process(void);

/*
 * A cap to o of the type that names it (GPT, PAGE, CAPPAGE, PROCESS,
 * ENDPOINT), with restrictions restr and guard (l2g, match).
 */
struct cap	st_cap(struct obj *o, unsigned restr, unsigned l2g,
		    unsigned match);

/* Run body between st_space_begin() and st_space_end(). */
#define ST_SPACE_CASE(name)						\
static void								\
test_##name(void)							\
{									\
	st_space_begin();						\
	name##_body();							\
	st_space_end();							\
}
