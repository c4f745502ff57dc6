/*
 * st_ckpt.c - self-tests of the store writer (<store_write.h>) on the
 * in-memory device of st_ckpt.h: a first commit of every object type
 * into an empty store, generations 2..13 that change objects and grow
 * every tree by levels, puts that replace puts, the reuse of released
 * blocks (never within three generations), and a free map of two leaves
 * under a node. After every commit each kept generation must pass the
 * checker's accounting (mkimage verify's rules), and what the tests
 * stored must read back equal, before and after mounting again.
 */
#include <stdbool.h>
#include <stdint.h>

#include <abi/err.h>
#include <lib/string.h>
#include <selftest/selftest.h>
#include <selftest/st_ckpt.h>
#include <store/store.h>
#include <store/store_write.h>

static struct wdev	w;
static struct ck_model	m;

static bool
put(oid_t oid, uint64_t seed)
{
	return ck_put_ok(&m, oid, seed);
}

static void
first_commit(void)
{
	const struct store_super *sb;
	uint64_t oids[8];
	unsigned n;

	if (!ck_first_commit(&m) || !ck_check(&w, 2) || !ck_model_check(&m))
		return;
	sb = store_current();
	ST_CHECK_EQ(sb->obj_count[OT_PAGE], 200);
	ST_CHECK_EQ(sb->oid_limit[OT_PAGE], 200);
	ST_CHECK_EQ(sb->map_root[OT_PAGE].level, 1);
	ST_CHECK_EQ(sb->obj_count[OT_ENDPOINT], 90);
	ST_CHECK_EQ(sb->flags, 0);
	ST_CHECK_EQ(sb->time_ns, 2000000000ull);
	ST_CHECK_EQ(wdev_mount(&w), 0);
	ST_CHECK_EQ(store_current()->hdr.generation, 2);
	if (!ck_model_check(&m))
		return;
	ST_CHECK_EQ(store_runlist(oids, 8, &n), 0);
	ST_CHECK_EQ(n, 3);
	ST_CHECK_EQ(oids[2], OID_MAKE(OT_PROCESS, 5));
}

static void
test_ckpt_first_commit(void)
{
	ck_run(&w, 4096, 0, 0, first_commit);
}

/* In generation g: what changes, and which tree grows a level. */
static bool
change(uint64_t g)
{
	static const oid_t grow[] = {
		OID_MAKE(OT_PAGE, 28300),	/* the page map to level 2 */
		OID_MAKE(OT_PROCESS, 700),	/* processes: leaf to level 2 */
		OID_MAKE(OT_ENDPOINT, 20000),	/* endpoints to level 2 */
		OID_MAKE(OT_GPT, 3000),		/* GPTs to level 2 */
		OID_MAKE(OT_CAPPAGE, 200),	/* cap pages to level 1 */
		OID_MAKE(OT_PAGE, 5000000),	/* the page map to level 3 */
	};
	bool ok = true;

	for (uint64_t i = g % 3; i < 200 && ok; i += 3 + g % 5)
		ok = put(OID_MAKE(OT_PAGE, i), i % 7 == g % 7 ? 0 :
		    g * 100000 + i);
	ok = ok && put(OID_MAKE(OT_GPT, g % 20), g);
	ok = ok && put(OID_MAKE(OT_PROCESS, g % 6), g);
	ok = ok && put(OID_MAKE(OT_ENDPOINT, g * 7 % 90), g);
	ok = ok && put(OID_MAKE(OT_CAPPAGE, g % 2), g);
	if (g >= 4 && g - 4 < sizeof(grow) / sizeof(grow[0]))
		ok = ok && put(grow[g - 4], g);
	if (ok && g % 2 == 0) {
		oid_t run[2] = { OID_MAKE(OT_PROCESS, g % 6),
		    OID_MAKE(OT_PROCESS, 1) };

		if (store_gen_runlist(run, g % 6 == 1 ? 1 : 2) != 0) {
			st_fail("store_gen_runlist failed");
			ok = false;
		}
	}
	return ok;
}

static void
generations(void)
{
	const struct store_super *sb;

	if (!ck_first_commit(&m))
		return;
	for (uint64_t g = 3; g <= 13; g++) {
		ST_CHECK_EQ(store_gen_begin(), 0);
		if (!change(g) || !ck_commit(g) || !ck_check(&w,
		    g < 4 ? (int)g : 4) || !ck_model_check(&m))
			return;
	}
	sb = store_current();
	ST_CHECK_EQ(sb->map_root[OT_PAGE].level, 3);
	ST_CHECK_EQ(sb->oid_limit[OT_PAGE], 5000001);
	ST_CHECK_EQ(sb->map_root[OT_PROCESS].level, 2);
	ST_CHECK_EQ(sb->map_root[OT_ENDPOINT].level, 2);
	ST_CHECK_EQ(sb->map_root[OT_GPT].level, 2);
	ST_CHECK_EQ(sb->map_root[OT_CAPPAGE].level, 1);
	ST_CHECK_EQ(sb->obj_count[OT_PAGE], 202);
	ST_CHECK_EQ(sb->obj_count[OT_PROCESS], 7);
	ST_CHECK_EQ(wdev_mount(&w), 0);
	ST_CHECK_EQ(store_current()->hdr.generation, 13);
	if (!ck_model_check(&m))
		return;
	/* An empty generation: the lists move along, nothing else. */
	ST_CHECK_EQ(store_gen_begin(), 0);
	if (ck_commit(14) && ck_check(&w, 4))
		ck_model_check(&m);
}

static void
test_ckpt_generations(void)
{
	ck_run(&w, 4096, 0, 0, generations);
}

/* A page put twice, data then zero and back; the run list twice. */
static void
put_again(void)
{
	static const oid_t run[] = { OID_MAKE(OT_PROCESS, 1) };
	oid_t pg = OID_MAKE(OT_PAGE, 3);
	struct store_gen_stats st;
	uint64_t oids[4];
	unsigned n;

	if (!ck_first_commit(&m))
		return;
	ST_CHECK_EQ(store_gen_begin(), 0);
	if (!put(pg, 7) || !put(pg, 0) || !put(pg, 8) || !put(pg, 9))
		return;
	ST_CHECK_EQ(store_gen_runlist(run, 1), 0);
	ST_CHECK_EQ(store_gen_runlist(run, 0), 0);
	ST_CHECK_EQ(store_gen_runlist(run, 1), 0);
	if (!ck_commit(3) || !ck_check(&w, 3) || !ck_model_check(&m))
		return;
	store_gen_stats(&st);
	ST_CHECK_EQ(st.data_writes, 3);
	ST_CHECK_EQ(store_runlist(oids, 4, &n), 0);
	ST_CHECK_EQ(n, 1);
	ST_CHECK_EQ(oids[0], run[0]);
}

static void
test_ckpt_put_again(void)
{
	ck_run(&w, 4096, 0, 0, put_again);
}

/*
 * A store small enough that allocation wraps: a block released by
 * generation k is marked through k + 2, clear in k + 3, and reached
 * again no earlier than k + 4; and blocks are reused.
 */
static void
reuse_after_three(void)
{
	static uint16_t rel[300];	/* generation that released it */
	unsigned reused = 0;

	memset(rel, 0, sizeof(rel));
	m.n = 0;
	for (uint64_t g = 2; g <= 40; g++) {
		unsigned s = (unsigned)(g % STORE_SB_RING);

		ST_CHECK_EQ(store_gen_begin(), 0);
		for (uint64_t i = 0; i < 20; i++)
			if (!put(OID_MAKE(OT_PAGE, i * 50), g * 1000 + i))
				return;
		if (!ck_commit(g) || !ck_check(&w, g < 4 ? (int)g : 4))
			return;
		for (uint64_t b = STORE_FIRST_DATA; b < 300; b++) {
			uint64_t k = rel[b];

			if (k != 0 && ck_reached(s, b)) {
				if (g - k < 4) {
					st_fail("block %lu released by "
					    "generation %lu is used by %lu", b,
					    k, g);
					return;
				}
				reused++;
			}
			if (k != 0 && g - k < 4 &&
			    ck_marked(s, b) != (g - k < 3)) {
				st_fail("block %lu released by generation "
				    "%lu: marked %d in generation %lu", b, k,
				    ck_marked(s, b), g);
				return;
			}
			if (ck_released(s, b) && (k == 0 || g - k > 2))
				rel[b] = (uint16_t)g;
		}
	}
	ST_CHECK(reused > 100);
	ck_model_check(&m);
}

static void
test_ckpt_reuse_after_three(void)
{
	ck_run(&w, 300, 0, 0, reuse_after_three);
}

/*
 * A free map of two leaves under a node, the first leaf full of blocks
 * generation 1 released: generations 2 and 3 allocate from the second
 * leaf, generation 4 clears the first, later ones wrap into it; the
 * settling of the free map's own blocks crosses leaves both ways.
 */
#define TWO_BLOCKS	(STORE_BITS_PER_LEAF + 200)
#define TWO_REL_FIRST	80
#define TWO_REL_END	(STORE_BITS_PER_LEAF + 10)

static void
two_leaf_freemap(void)
{
	ST_CHECK_EQ(store_current()->free_root.level, 1);
	m.n = 0;
	for (uint64_t g = 2; g <= 12; g++) {
		struct store_gen_stats st;

		ST_CHECK_EQ(store_gen_begin(), 0);
		for (uint64_t i = 0; i < 12; i++)
			if (!put(OID_MAKE(OT_PAGE, i * 200), g * 1000 + i))
				return;
		if (!ck_commit(g) || !ck_check(&w, g < 4 ? (int)g : 4))
			return;
		store_gen_stats(&st);
		if (g == 4)
			ST_CHECK_EQ(st.cleared, TWO_REL_END - TWO_REL_FIRST);
		if (g == 4)
			ST_CHECK_EQ(st.free_writes, 3);	/* both leaves, node */
	}
	ST_CHECK_EQ(wdev_mount(&w), 0);
	ck_model_check(&m);
}

static void
test_ckpt_two_leaf_freemap(void)
{
	ck_run(&w, TWO_BLOCKS, TWO_REL_FIRST, TWO_REL_END, two_leaf_freemap);
}

ST_SUITE(st_ckpt,
	ST_CASE(ckpt_first_commit),
	ST_CASE(ckpt_generations),
	ST_CASE(ckpt_put_again),
	ST_CASE(ckpt_reuse_after_three),
	ST_CASE(ckpt_two_leaf_freemap),
);
