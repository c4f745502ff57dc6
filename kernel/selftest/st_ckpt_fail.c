/*
 * st_ckpt_fail.c - self-tests of the store writer when things go wrong:
 * a write error at every write position of a commit (reported honestly,
 * and by a device that stored the block all the same), a flush error at
 * every flush, a failed clearing of a slot a failed commit left behind,
 * a store too full to commit, free maps that disagree with themselves
 * or the superblock, a bad released list, and a superblock's object
 * count that disagrees with its map. Each failure must leave the current
 * generation current, mountable and intact (the checker's accounting,
 * what the tests stored reads back equal), and the next commit must
 * succeed.
 */
#include <stdbool.h>
#include <stdint.h>

#include <abi/err.h>
#include <lib/storefmt.h>
#include <lib/string.h>
#include <selftest/selftest.h>
#include <selftest/st_ckpt.h>
#include <store/store.h>
#include <store/store_write.h>

static struct wdev	w;
static struct ck_model	m, saved;

/* One attempt at generation g: pages, objects, a run list, commit. */
static int
attempt(uint64_t g)
{
	static const oid_t run[] = { OID_MAKE(OT_PROCESS, 1) };
	uint64_t gen;
	int err = store_gen_begin();

	for (uint64_t i = 0; i < 40 && err == 0; i += 3)
		err = ck_put(&m, OID_MAKE(OT_PAGE, i * 7), g * 1000 + i);
	if (err == 0)
		err = ck_put(&m, OID_MAKE(OT_PROCESS, g % 6), g);
	if (err == 0)
		err = ck_put(&m, OID_MAKE(OT_ENDPOINT, 300 + g), g);
	if (err == 0)
		err = store_gen_runlist(run, 1);
	if (err == 0)
		err = store_gen_commit(g, &gen);
	return err;
}

/*
 * After a failed attempt at generation g: g - 1 is current; once a
 * begin has cleared any superblock the attempt left, it is the newest
 * on the device too, intact; mounted again (when remount) it reads the
 * same.
 */
static bool
still_previous(uint64_t g, int err, bool remount)
{
	if (err != ERR_IO || store_gen_active() ||
	    store_current()->hdr.generation != g - 1) {
		st_fail("failed attempt at %lu: error %d, active %d, current "
		    "%lu", g, err, store_gen_active(),
		    store_current()->hdr.generation);
		return false;
	}
	m = saved;
	if (store_gen_begin() != 0) {
		st_fail("store_gen_begin after a failed commit");
		return false;
	}
	store_gen_abort();
	if (!ck_check(&w, 0) || !ck_model_check(&m))
		return false;
	if (remount && (wdev_mount(&w) != 0 ||
	    store_current()->hdr.generation != g - 1)) {
		st_fail("mounted again after a failed attempt at %lu: "
		    "generation %lu", g, store_current()->hdr.generation);
		return false;
	}
	return ck_model_check(&m);
}

/*
 * Fail the k-th write (or flush) of an attempt for k = 1, 2, ... until
 * an attempt succeeds; returns the positions that failed, 0 on a test
 * failure.
 */
static unsigned
every_position(uint64_t *g, bool flushes, bool lie)
{
	unsigned k;

	for (k = 1;; k++) {
		int err;

		saved = m;
		if (flushes)
			w.fail_flush = k;
		else
			w.fail_write = k;
		w.lie = lie;
		err = attempt(*g);
		w.fail_write = w.fail_flush = 0;
		w.lie = false;
		if (err == 0)
			break;
		if (!still_previous(*g, err, k % 2 == 1))
			return 0;
	}
	if (!ck_check(&w, 0) || !ck_model_check(&m))
		return 0;
	(*g)++;
	return k - 1;
}

static void
write_errors(void)
{
	uint64_t g = 3;
	unsigned honest, lying;

	if (!ck_first_commit(&m))
		return;
	honest = every_position(&g, false, false);
	lying = every_position(&g, false, true);
	ST_CHECK(honest >= 20);
	ST_CHECK_EQ(lying, honest);
	/* Generations 5..7 free what 2..4 released: positions change. */
	for (int i = 0; i < 3; i++)
		if (every_position(&g, false, i == 1) == 0)
			return;
	ST_CHECK_EQ(store_current()->hdr.generation, 7);
	ST_CHECK(ck_check(&w, 4));
}

static void
test_ckpt_write_errors(void)
{
	ck_run(&w, 4096, 0, 0, write_errors);
}

static void
flush_errors(void)
{
	uint64_t g = 3;

	if (!ck_first_commit(&m))
		return;
	ST_CHECK_EQ(every_position(&g, true, false), 2);
	/*
	 * The last flush fails with the superblock of 4 in its slot; the
	 * begin that must clear it fails too (its write, then its flush),
	 * and nothing else is written meanwhile.
	 */
	saved = m;
	w.fail_flush = 2;
	ST_CHECK_EQ(attempt(4), ERR_IO);
	m = saved;
	w.fail_write = 1;
	ST_CHECK_EQ(store_gen_begin(), ERR_IO);
	w.fail_flush = 1;
	ST_CHECK_EQ(store_gen_begin(), ERR_IO);
	ST_CHECK(!store_gen_active());
	ST_CHECK_EQ(store_gen_begin(), 0);
	store_gen_abort();
	ST_CHECK_EQ(wdev_mount(&w), 0);
	ST_CHECK_EQ(store_current()->hdr.generation, 3);
	if (!ck_check(&w, 3) || !ck_model_check(&m))
		return;
	ST_CHECK_EQ(attempt(4), 0);
	ST_CHECK(ck_check(&w, 4) && ck_model_check(&m));
}

static void
test_ckpt_flush_errors(void)
{
	ck_run(&w, 4096, 0, 0, flush_errors);
}

/*
 * 64 blocks: generation 2 takes 40 pages; replacing them all cannot
 * fit while 2 is kept. The failure changes nothing; a smaller change
 * then commits.
 */
static void
store_full(void)
{
	uint64_t gen;

	m.n = 0;
	ST_CHECK_EQ(store_gen_begin(), 0);
	for (uint64_t i = 0; i < 40; i++)
		ST_CHECK_EQ(ck_put(&m, OID_MAKE(OT_PAGE, i), 100 + i), 0);
	if (!ck_commit(2))
		return;
	saved = m;
	ST_CHECK_EQ(store_gen_begin(), 0);
	int err = 0;

	for (uint64_t i = 0; i < 40 && err == 0; i++)
		err = ck_put(&m, OID_MAKE(OT_PAGE, i), 200 + i);
	if (err == 0)
		err = store_gen_commit(3, &gen);
	ST_CHECK_EQ(err, ERR_NO_SPACE);
	ST_CHECK(!store_gen_active());
	ST_CHECK_EQ(store_current()->hdr.generation, 2);
	m = saved;
	if (!ck_check(&w, 2) || !ck_model_check(&m))
		return;
	ST_CHECK_EQ(store_gen_begin(), 0);
	for (uint64_t i = 0; i < 5; i++)
		ST_CHECK_EQ(ck_put(&m, OID_MAKE(OT_PAGE, i), 300 + i), 0);
	if (ck_commit(3) && ck_check(&w, 3))
		ck_model_check(&m);
}

static void
test_ckpt_store_full(void)
{
	ck_run(&w, 64, 0, 0, store_full);
}

/* Ways to damage generation 1's free map (one leaf, at block 4). */
enum { BAD_USED, BAD_BEYOND, BAD_COUNT, BAD_SLOT, BAD_OWN, BAD_MAX };

/* Damage as bad says, resealing every checksum on the way. */
static void
damage(unsigned bad)
{
	struct store_super *sb = (void *)wdev_block(&w, 1);
	struct store_freeleaf *fl = (void *)wdev_block(&w, STORE_FIRST_DATA);

	switch (bad) {
	case BAD_USED:
		sb->used_blocks++;
		break;
	case BAD_BEYOND:		/* the store has 4096 blocks */
		fl->bits[5000 / 8] |= 1u << (5000 % 8);
		fl->hdr.count++;
		sb->used_blocks++;
		break;
	case BAD_COUNT:
		fl->hdr.count++;
		break;
	case BAD_SLOT:
		fl->bits[0] &= (uint8_t)~(1u << 2);
		fl->hdr.count--;
		sb->used_blocks--;
		break;
	case BAD_OWN:
		fl->bits[0] &= (uint8_t)~(1u << STORE_FIRST_DATA);
		fl->hdr.count--;
		sb->used_blocks--;
		break;
	}
	fl->hdr.crc = store_block_crc(fl);
	sb->free_root.crc = fl->hdr.crc;
	sb->hdr.crc = store_block_crc(sb);
}

static unsigned	bad_case;

static void
bad_freemap(void)
{
	damage(bad_case);
	ST_CHECK_EQ(wdev_mount(&w), 0);
	ST_CHECK_EQ(store_gen_begin(), ERR_CORRUPT);
	ST_CHECK(!store_gen_active());
	ST_CHECK_EQ(store_current()->hdr.generation, 1);
}

static void
test_ckpt_bad_freemap(void)
{
	for (bad_case = 0; bad_case < BAD_MAX; bad_case++)
		ck_run(&w, 4096, 0, 0, bad_freemap);
}

/*
 * Generation 1 lists blocks 100..199 as released; one item, resealed,
 * names a block beyond the store: generations 2 and 3 commit, and 4,
 * which clears that list, refuses with ERR_CORRUPT and keeps 3.
 */
static void
bad_released(void)
{
	struct store_super *sb = (void *)wdev_block(&w, 1);
	struct store_list *l = (void *)wdev_block(&w, sb->released[0].block);
	uint64_t gen;

	l->item[7] = 99999;
	l->hdr.crc = store_block_crc(l);
	sb->released[0].crc = l->hdr.crc;
	sb->hdr.crc = store_block_crc(sb);
	ST_CHECK_EQ(wdev_mount(&w), 0);
	m.n = 0;
	for (uint64_t g = 2; g <= 3; g++) {
		ST_CHECK_EQ(store_gen_begin(), 0);
		ST_CHECK_EQ(ck_put(&m, OID_MAKE(OT_PAGE, g), g), 0);
		if (!ck_commit(g))
			return;
	}
	ST_CHECK_EQ(store_gen_begin(), 0);
	ST_CHECK_EQ(store_gen_commit(4, &gen), ERR_CORRUPT);
	ST_CHECK_EQ(store_current()->hdr.generation, 3);
	ck_model_check(&m);
}

static void
test_ckpt_bad_released(void)
{
	ck_run(&w, 4096, 100, 200, bad_released);
}

/*
 * Generation 2 holds pages 0 and 5 (OID limit 6); its superblock,
 * resealed, counts 6. Mounting does not compare counts with the map, so
 * putting page 3 would make a superblock counting 7 objects below a
 * limit of 6: the commit refuses with ERR_CORRUPT and keeps 2.
 */
static void
bad_count(void)
{
	struct store_super *sb;
	uint64_t gen;

	m.n = 0;
	ST_CHECK_EQ(store_gen_begin(), 0);
	ST_CHECK_EQ(ck_put(&m, OID_MAKE(OT_PAGE, 0), 1), 0);
	ST_CHECK_EQ(ck_put(&m, OID_MAKE(OT_PAGE, 5), 2), 0);
	if (!ck_commit(2))
		return;
	sb = (void *)wdev_block(&w, 2);
	sb->obj_count[OT_PAGE] = 6;
	sb->hdr.crc = store_block_crc(sb);
	ST_CHECK_EQ(wdev_mount(&w), 0);
	ST_CHECK_EQ(store_gen_begin(), 0);
	ST_CHECK_EQ(ck_put(&m, OID_MAKE(OT_PAGE, 3), 3), 0);
	ST_CHECK_EQ(store_gen_commit(3, &gen), ERR_CORRUPT);
	ST_CHECK(!store_gen_active());
	ST_CHECK_EQ(store_current()->hdr.generation, 2);
}

static void
test_ckpt_bad_count(void)
{
	ck_run(&w, 4096, 0, 0, bad_count);
}

ST_SUITE(st_ckpt_fail,
	ST_CASE(ckpt_write_errors),
	ST_CASE(ckpt_flush_errors),
	ST_CASE(ckpt_store_full),
	ST_CASE(ckpt_bad_freemap),
	ST_CASE(ckpt_bad_released),
	ST_CASE(ckpt_bad_count),
);
