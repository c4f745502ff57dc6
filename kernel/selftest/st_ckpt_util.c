/*
 * st_ckpt_util.c - what the store writer's self-tests do alike
 * (st_ckpt.h): put objects whose contents derive from a seed and keep
 * the model of what was stored, read the model back through the mounted
 * store, run the accounting checker, commit, and build the generation 2
 * most tests start from.
 */
#include <stdbool.h>
#include <stdint.h>

#include <abi/err.h>
#include <dev/blk.h>
#include <lib/storefmt.h>
#include <lib/string.h>
#include <store/objcache.h>
#include <selftest/selftest.h>
#include <selftest/st_ckpt.h>
#include <store/store.h>
#include <store/store_write.h>

/* The allocation count and bank of a page stored from seed. */
static uint32_t
page_count(uint64_t seed)
{
	return (uint32_t)(seed * 7 + 1);
}

static uint8_t	buf[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static uint8_t	want[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

int
ck_put(struct ck_model *m, oid_t oid, uint64_t seed)
{
	unsigned t = OID_TYPE(oid), i;
	int err;

	if (t == OT_PAGE || t == OT_CAPPAGE) {
		ck_fill_page(buf, seed, oid);
		err = store_gen_page(oid, seed ? buf : NULL, page_count(seed),
		    (uint32_t)(seed >> 8) + 1);
	} else {
		ck_make_object(buf, seed, oid);
		err = store_gen_object(buf);
	}
	if (err != 0)
		return err;
	for (i = 0; i < m->n && m->o[i].oid != oid; i++)
		continue;
	if (i == m->n) {
		if (m->n == CK_MODEL_MAX)
			return ERR_TOO_BIG;
		m->n++;
	}
	m->o[i].oid = oid;
	m->o[i].seed = seed;
	return 0;
}

bool
ck_model_check(const struct ck_model *m)
{
	for (unsigned i = 0; i < m->n; i++) {
		oid_t oid = m->o[i].oid;
		uint64_t seed = m->o[i].seed;
		unsigned t = OID_TYPE(oid);
		struct store_ref ref;
		int err = store_get_entry(oid, buf);

		if (err != 0) {
			st_fail("%s %#lx: store_get_entry error %d",
			    store_ot_name(t), oid, err);
			return false;
		}
		if (t != OT_PAGE && t != OT_CAPPAGE) {
			ck_make_object(want, seed, oid);
			if (memcmp(buf, want, store_entry_size(t)) == 0)
				continue;
			st_fail("%s %#lx: differs from seed %lu",
			    store_ot_name(t), oid, seed);
			return false;
		}
		memcpy(&ref, buf, sizeof(ref));
		if (ref.alloc_count != page_count(seed) ||
		    ref.bank != (uint32_t)(seed >> 8) + 1 ||
		    (ref.block == 0) != (seed == 0)) {
			st_fail("%s %#lx: entry (block %lu, count %u, bank %u) "
			    "not of seed %lu", store_ot_name(t), oid,
			    ref.block, ref.alloc_count, ref.bank, seed);
			return false;
		}
		if ((err = store_read_data(oid, &ref, buf)) != 0) {
			st_fail("%s %#lx: store_read_data error %d",
			    store_ot_name(t), oid, err);
			return false;
		}
		if (seed == 0)
			memset(want, 0, PAGE_SIZE);
		else
			ck_fill_page(want, seed, oid);
		if (memcmp(buf, want, PAGE_SIZE) != 0) {
			st_fail("%s %#lx: data differs from seed %lu",
			    store_ot_name(t), oid, seed);
			return false;
		}
	}
	return true;
}

bool
ck_check(struct wdev *w, int gens)
{
	static char why[160];
	int n = ck_store(w, why, sizeof(why));

	if (n < 0) {
		st_fail("store check: %s", why);
		return false;
	}
	if (gens != 0 && n != gens) {
		st_fail("%d valid generations, want %d", n, gens);
		return false;
	}
	return true;
}

bool
ck_commit(uint64_t want)
{
	uint64_t gen = 0;
	int err = store_gen_commit(want * 1000000000ull, &gen);

	if (err != 0 || gen != want || store_current()->hdr.generation != want) {
		st_fail("commit of generation %lu: error %d, got %lu", want,
		    err, gen);
		return false;
	}
	return true;
}

bool
ck_put_ok(struct ck_model *m, oid_t oid, uint64_t seed)
{
	int err = ck_put(m, oid, seed);

	if (err != 0)
		st_fail("put %#lx: error %d", oid, err);
	return err == 0;
}

bool
ck_first_commit(struct ck_model *m)
{
	static const oid_t run[] = { OID_MAKE(OT_PROCESS, 0),
	    OID_MAKE(OT_PROCESS, 2), OID_MAKE(OT_PROCESS, 5) };
	bool ok = true;
	int err;

	m->n = 0;
	if ((err = store_gen_begin()) != 0) {
		st_fail("store_gen_begin: error %d", err);
		return false;
	}
	for (uint64_t i = 0; i < 200 && ok; i++)
		ok = ck_put_ok(m, OID_MAKE(OT_PAGE, i), i % 10 ? 1000 + i : 0);
	for (uint64_t i = 0; i < 2 && ok; i++)
		ok = ck_put_ok(m, OID_MAKE(OT_CAPPAGE, i), 50 + i);
	for (uint64_t i = 0; i < 20 && ok; i++)
		ok = ck_put_ok(m, OID_MAKE(OT_GPT, i), 60 + i);
	for (uint64_t i = 0; i < 6 && ok; i++)
		ok = ck_put_ok(m, OID_MAKE(OT_PROCESS, i), 90 + i);
	for (uint64_t i = 0; i < 90 && ok; i++)
		ok = ck_put_ok(m, OID_MAKE(OT_ENDPOINT, i), 100 + i);
	if (!ok)
		return false;
	if ((err = store_gen_runlist(run, 3)) != 0) {
		st_fail("store_gen_runlist: error %d", err);
		return false;
	}
	return ck_commit(2);
}

void
ck_run(struct wdev *w, uint64_t blocks, uint64_t rel_first,
    uint64_t rel_end, void (*body)(void))
{
	if (ck_fresh(w, blocks, rel_first, rel_end)) {
		body();
		store_gen_abort();
		wdev_free(w);
	}
	objcache_flush();
	if (blk_init() != 0 || store_mount_disk() != 0)
		store_unmount();
}
