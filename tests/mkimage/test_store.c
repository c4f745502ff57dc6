/*
 * test_store.c - round trips of the store format: sealed blocks, bit
 * counts and the free map's content rules, object sets through
 * store_write() and the decoder (dense, multi-level and sparse), the
 * manifest codec, GPT trees through tree_build() and tree_lookup(), and
 * the decoder's reports on damaged stores.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lib/capfmt.h>
#include <lib/storefmt.h>

#include "mkimage/lex.h"
#include "mkimage/manifest.h"
#include "mkimage/space.h"
#include "mkimage/tree.h"
#include "mkimage/util.h"
#include "mkimage/verify.h"
#include "mkimage_test.h"
#include "tests/host/check.h"

static void
test_seal_check(void)
{
	static uint8_t blk[STORE_BLOCK_SIZE];
	struct store_ctx sc = { .store_id = 77, .generation = 5 };
	struct store_bptr bp, bad;
	uint64_t s = 99;

	for (size_t i = 64; i < sizeof(blk); i++)
		blk[i] = (uint8_t)rnd(&s);
	bp = store_seal(blk, &sc, STORE_BK_MAPLEAF, 42, 0, 3, 1000);
	CHECK(store_check_block(blk, &bp, 77, 1000) == NULL);
	CHECK(store_check_hdr(blk, 42) == NULL);
	CHECK(store_check_hdr(blk, 43) != NULL);
	CHECK(store_check_block(blk, &bp, 78, 1000) != NULL);
	CHECK(store_check_block(blk, &bp, 0, 1000) != NULL);
	CHECK(store_check_block(blk, &bp, 77, 999) != NULL);
	bad = bp;
	bad.block = 43;
	CHECK(store_check_block(blk, &bad, 77, 1000) != NULL);
	bad = bp;
	bad.birth = 4;
	CHECK(store_check_block(blk, &bad, 77, 1000) != NULL);
	bad = bp;
	bad.crc ^= 1;
	CHECK(store_check_block(blk, &bad, 77, 1000) != NULL);
	bad = bp;
	bad.kind = STORE_BK_MAPNODE;
	CHECK(store_check_block(blk, &bad, 77, 1000) != NULL);
	bad = bp;
	bad.level = 1;
	CHECK(store_check_block(blk, &bad, 77, 1000) != NULL);
	for (int k = 0; k < 300; k++) {
		size_t off = (size_t)(rnd(&s) % STORE_BLOCK_SIZE);
		uint8_t bitv = (uint8_t)(1u << (rnd(&s) % 8));

		blk[off] ^= bitv;
		CHECK_MSG(store_check_block(blk, &bp, 77, 1000) != NULL,
		    "flip of byte %zu not detected", off);
		blk[off] ^= bitv;
	}
}

/* Pointers: every field store_bptr_problem() judges, one at a time. */
static void
test_bptr_problem(void)
{
	struct store_bptr ok = { 10, 3, 0x1234, STORE_BK_MAPNODE, 2, 0 }, b;

	CHECK(store_bptr_problem(&ok, STORE_BK_MAPNODE, 2, 3, 64) == NULL);
	b = (struct store_bptr){ 0 };
	CHECK(strcmp(store_bptr_problem(&b, STORE_BK_MAPNODE, 2, 3, 64),
	    "null") == 0);
	b.crc = 1;
	CHECK(strcmp(store_bptr_problem(&b, STORE_BK_MAPNODE, 2, 3, 64),
	    "null") != 0);
	b = ok;
	b.block = STORE_FIRST_DATA - 1;
	CHECK(store_bptr_problem(&b, STORE_BK_MAPNODE, 2, 3, 64) != NULL);
	b.block = 64;
	CHECK(store_bptr_problem(&b, STORE_BK_MAPNODE, 2, 3, 64) != NULL);
	CHECK(store_bptr_problem(&ok, STORE_BK_MAPLEAF, 2, 3, 64) != NULL);
	CHECK(store_bptr_problem(&ok, STORE_BK_MAPNODE, 1, 3, 64) != NULL);
	CHECK(store_bptr_problem(&ok, STORE_BK_MAPNODE, 2, 2, 64) != NULL);
	b = ok;
	b.birth = 0;
	CHECK(store_bptr_problem(&b, STORE_BK_MAPNODE, 2, 3, 64) != NULL);
	b = ok;
	b.reserved = 1;
	CHECK(store_bptr_problem(&b, STORE_BK_MAPNODE, 2, 3, 64) != NULL);
}

/* Tree shapes at their edges, and the entry-in-use test. */
static void
test_shapes(void)
{
	uint8_t e[64] = { 0 };
	struct store_ref ref = { 0 };
	oid_t oid = OID_MAKE(OT_PROCESS, 1);

	CHECK(store_map_levels(OT_PAGE, 0) == 0);
	CHECK(store_map_levels(OT_PAGE, 168) == 0);
	CHECK(store_map_levels(OT_PAGE, 169) == 1);
	CHECK(store_map_levels(OT_PROCESS, 3 * 168 + 1) == 2);
	CHECK(store_map_levels(OT_PROCESS, OID_INDEX_MASK + 1) == 8);
	CHECK(store_map_levels(OT_PROCESS, OID_INDEX_MASK + 2) == -1);
	CHECK(store_map_levels(OT_NONE, 1) == -1);
	CHECK(store_free_levels(STORE_BITS_PER_LEAF) == 0);
	CHECK(store_free_levels(STORE_BITS_PER_LEAF + 1) == 1);
	CHECK(store_free_levels(UINT64_MAX) == -1);
	CHECK(store_span(14, 0) == 14 && store_span(14, 1) == 14);
	CHECK(store_span(14, 3) == 14 * 168 * 168);
	CHECK(store_span(STORE_BITS_PER_LEAF, 200) == UINT64_MAX);
	/* Entries at odd addresses: no alignment needed. */
	CHECK(!store_entry_used(OT_PAGE, e + 1));
	ref.flags = STORE_REF_USED;
	memcpy(e + 1, &ref, sizeof(ref));
	CHECK(store_entry_used(OT_PAGE, e + 1));
	CHECK(!store_entry_used(OT_PROCESS, e + 1 + sizeof(ref)));
	memcpy(e + 1 + sizeof(ref), &oid, sizeof(oid));
	CHECK(store_entry_used(OT_PROCESS, e + 1 + sizeof(ref)));
	CHECK(strcmp(store_kind_name(STORE_BK_MAPLEAF), "mapleaf") == 0);
	CHECK(strcmp(store_kind_name(STORE_BK_MAX), "?") == 0);
	CHECK(strcmp(store_ot_name(OT_GPT), "GPT") == 0);
	CHECK(strcmp(store_ct_name(CT_ENTRY), "ENTRY") == 0);
	CHECK(cap_type_objtype(CT_ENTRY) == OT_ENDPOINT);
	CHECK(cap_type_objtype(CT_MAX) == OT_NONE);
	CHECK(cap_type_full(OT_ENDPOINT) == CT_ENDPOINT);
	CHECK(cap_type_full(OT_NONE) == CT_NULL);
}

/* store_bits_set against a bit at a time, every length and offset. */
/* The free entry: only a non-zero count kept, and FREE for a ref. */
static void
test_free_entry(void)
{
	uint8_t e[sizeof(struct obj_endpoint) + 1] = { 0 };
	struct store_ref ref = { 0 };
	struct obj_hdr h = { 0 };
	uint32_t kept = 9;

	CHECK(store_unused_problem(OT_PAGE, e + 1, &kept) == NULL && kept == 0);
	ref.alloc_count = 5;
	memcpy(e + 1, &ref, sizeof(ref));
	CHECK(strcmp(store_unused_problem(OT_PAGE, e + 1, &kept),
	    "a free entry holds more than its allocation count") == 0);
	ref.flags = STORE_REF_FREE;
	memcpy(e + 1, &ref, sizeof(ref));
	CHECK(!store_entry_used(OT_PAGE, e + 1));
	CHECK(store_unused_problem(OT_CAPPAGE, e + 1, &kept) == NULL &&
	    kept == 5);
	ref.bank = 2;
	memcpy(e + 1, &ref, sizeof(ref));
	CHECK(store_unused_problem(OT_PAGE, e + 1, &kept) != NULL);
	ref.bank = 0;
	ref.alloc_count = 0;
	memcpy(e + 1, &ref, sizeof(ref));
	CHECK(strcmp(store_unused_problem(OT_PAGE, e + 1, &kept),
	    "an unused entry that is not zero") == 0);
	memset(e, 0, sizeof(e));
	h.alloc_count = 3;
	memcpy(e + 1, &h, sizeof(h));
	CHECK(!store_entry_used(OT_ENDPOINT, e + 1));
	CHECK(store_unused_problem(OT_ENDPOINT, e + 1, &kept) == NULL &&
	    kept == 3);
	e[sizeof(e) - 1] = 1;		/* the last byte of the endpoint */
	CHECK(store_unused_problem(OT_ENDPOINT, e + 1, &kept) != NULL);
	e[sizeof(e) - 1] = 0;
	h.bank = 1;
	memcpy(e + 1, &h, sizeof(h));
	CHECK(store_unused_problem(OT_ENDPOINT, e + 1, &kept) != NULL);
}

static void
test_bits_set(void)
{
	uint8_t b[80];
	uint64_t x = 0x243f6a8885a308d3ull;

	for (size_t i = 0; i < sizeof(b); i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		b[i] = (uint8_t)(x >> 56);
	}
	b[3] = 0xff;
	b[40] = 0;
	for (size_t off = 0; off < 9; off++)
		for (size_t n = 0; off + n <= sizeof(b); n++) {
			uint64_t want = 0;

			for (size_t i = 0; i < n * 8; i++)
				want += (b[off + i / 8] >> (i % 8)) & 1;
			CHECK(store_bits_set(b + off, n) == want);
		}
	memset(b, 0xff, sizeof(b));
	CHECK(store_bits_set(b, sizeof(b)) == sizeof(b) * 8);
}

/* The free map's contents: counts, bits and children past the store. */
static void
test_freemap_checks(void)
{
	static struct store_freeleaf fl;
	static struct store_node n;
	const uint64_t B = 2 * STORE_BITS_PER_LEAF + 100;

	fl.hdr.key = 2 * STORE_BITS_PER_LEAF;	/* the last leaf: 100 blocks */
	fl.bits[0] = 0x0f;
	fl.bits[99 / 8] = 0x08;			/* block 99 of 100 */
	fl.hdr.count = 5;
	CHECK(store_check_freeleaf(&fl, B) == NULL);
	fl.hdr.count = 4;
	CHECK(store_check_freeleaf(&fl, B) != NULL);
	fl.hdr.count = 6;
	fl.bits[100 / 8] |= 0x10;		/* block 100: beyond */
	CHECK(store_check_freeleaf(&fl, B) != NULL);
	fl.bits[100 / 8] = 0x08;
	fl.bits[4000] = 0x01;
	CHECK(store_check_freeleaf(&fl, B) != NULL);
	fl.hdr.key = 0;				/* a leaf wholly inside */
	CHECK(store_check_freeleaf(&fl, B) == NULL);

	n.hdr.level = 1;
	n.hdr.count = 3;
	for (unsigned i = 0; i < 3; i++)
		n.child[i].block = 10 + i;
	CHECK(store_check_freenode(&n, B) == NULL);
	CHECK(store_freenode_child(1, 0, 2, B) && !store_freenode_child(1,
	    0, 3, B));
	CHECK(!store_freenode_child(2, 0, 1, B));
	CHECK(store_freenode_child(2, 0, 1, UINT64_MAX));
	n.child[3].block = 13;			/* beyond the store */
	n.hdr.count = 4;
	CHECK(store_check_freenode(&n, B) != NULL);
	n.child[3].block = 0;
	n.child[3].crc = 1;			/* null, not zero */
	n.hdr.count = 3;
	CHECK(store_check_freenode(&n, B) != NULL);
	n.child[3].crc = 0;
	n.child[1].block = 0;			/* a leaf missing */
	n.hdr.count = 2;
	CHECK(store_check_freenode(&n, B) != NULL);
	n.child[1].block = 11;
	CHECK(store_check_freenode(&n, B) != NULL);	/* count 2 of 3 */
}

/* A random object set: n pages (a third zero), and other objects. */
static void
random_objset(struct objset *os, uint64_t *s, size_t npages, size_t nother)
{
	memset(os, 0, sizeof(*os));
	for (size_t i = 0; i < npages; i++) {
		uint8_t *d = NULL;

		if (rnd(s) % 3 != 0) {
			d = malloc(PAGE_SIZE);
			for (size_t k = 0; k < PAGE_SIZE; k += 8) {
				uint64_t v = rnd(s);

				memcpy(d + k, &v, 8);
			}
		}
		os_new_page(os, (uint32_t)(rnd(s) % 4), d);
		os->pages[i].alloc_count = (uint32_t)rnd(s);
	}
	for (size_t i = 0; i < nother; i++) {
		oid_t g = os_new_gpt(os, 1, (uint8_t)(12 + rnd(s) % 32));
		oid_t p = os_new_proc(os, 2);
		oid_t e = os_new_ep(os, 3);
		uint8_t *cp = calloc(1, PAGE_SIZE);

		for (int k = 0; k < 16; k++) {
			os_gpt(os, g)->slot[k].type = CT_PAGE;
			os_gpt(os, g)->slot[k].oid = rnd(s);
		}
		os_proc(os, p)->regs.rip = rnd(s);
		os_proc(os, p)->regs.r15 = rnd(s);
		os_proc(os, p)->cap_reg[31].oid = rnd(s);
		os_proc(os, p)->fxsave[511] = (uint8_t)rnd(s);
		os_ep(os, e)->match_payload = (uint16_t)rnd(s);
		os_ep(os, e)->hdr.alloc_count = (uint32_t)rnd(s);
		memset(cp + (rnd(s) % 4000), 0x5a, 16);
		os_new_cpage(os, 4, i % 5 == 0 ? NULL : cp);
		if (i % 5 == 0)
			free(cp);
		if (i % 2)
			mki_grow(&os->runlist, &os->caprun_, os->nrun + 1, 8),
			    os->runlist[os->nrun++] = p;
	}
	os->manifest_len = (size_t)(rnd(s) % 10000);
	os->manifest = malloc(os->manifest_len + 1);
	for (size_t k = 0; k < os->manifest_len; k++)
		os->manifest[k] = (uint8_t)rnd(s);
}

static int
same(const void *a, const void *b, size_t n)
{
	return n == 0 || memcmp(a, b, n) == 0;
}

/* Write os, decode it back, compare. Returns a reason or NULL. */
static const char *
round_trip(struct objset *os, uint64_t blocks, struct problems *pr)
{
	static char why[300];
	struct store_params sp = { blocks, 1, 123456789, 0xabcdef, 0 };
	struct store_super sb;
	struct memdisk md;
	struct img im;
	struct decoded dc;
	char err[200];
	const char *res = NULL;

	memdisk_init(&md, blocks);
	if (store_write(os, &sp, memdisk_put, &md, &sb, err, sizeof(err))) {
		snprintf(why, sizeof(why), "store_write: %s", err);
		free(md.buf);
		return why;
	}
	if (img_open(&im, md.buf, md.len, err, sizeof(err)) != 0 ||
	    img_newest(&im) != 1) {
		free(md.buf);
		return "img_open failed or no generation 1";
	}
	img_decode(&im, 1, &dc, pr);
#define DIFF(cond, ...) do { if (!(cond) && res == NULL) { \
	snprintf(why, sizeof(why), __VA_ARGS__); res = why; } } while (0)
	DIFF(dc.os.npages == os->npages, "pages %zu != %zu", dc.os.npages,
	    os->npages);
	DIFF(dc.os.ngpts == os->ngpts && dc.os.nprocs == os->nprocs &&
	    dc.os.neps == os->neps && dc.os.ncpages == os->ncpages,
	    "object counts differ");
	for (size_t i = 0; res == NULL && i < os->npages; i++) {
		const struct os_page *a = &os->pages[i], *b = &dc.os.pages[i];
		int zero = a->data == NULL || os_is_zero(a->data);

		DIFF(a->oid == b->oid && a->alloc_count == b->alloc_count &&
		    a->bank == b->bank && a->flags == b->flags &&
		    a->block == b->block && a->crc == b->crc,
		    "page %zu fields differ", i);
		DIFF(zero ? b->block == 0 : memcmp(memdisk_block(&md,
		    b->block), a->data, PAGE_SIZE) == 0,
		    "page %zu data differs", i);
	}
	for (size_t i = 0; res == NULL && i < os->ncpages; i++)
		DIFF(os->cpages[i].data == NULL ? dc.os.cpages[i].data == NULL :
		    memcmp(os->cpages[i].data, dc.os.cpages[i].data,
		    PAGE_SIZE) == 0, "cap page %zu differs", i);
	DIFF(res != NULL || same(dc.os.gpts, os->gpts, os->ngpts *
	    sizeof(*os->gpts)), "gpts differ");
	DIFF(res != NULL || same(dc.os.procs, os->procs, os->nprocs *
	    sizeof(*os->procs)), "processes differ");
	DIFF(res != NULL || same(dc.os.eps, os->eps, os->neps *
	    sizeof(*os->eps)), "endpoints differ");
	DIFF(dc.os.nrun == os->nrun && (os->nrun == 0 ||
	    memcmp(dc.os.runlist, os->runlist, os->nrun * 8) == 0),
	    "run list differs");
	DIFF(dc.os.manifest_len == os->manifest_len && (os->manifest_len == 0 ||
	    memcmp(dc.os.manifest, os->manifest, os->manifest_len) == 0),
	    "manifest bytes differ");
	DIFF(dc.sb.used_blocks == sb.used_blocks && dc.sb.time_ns == 123456789,
	    "superblock differs");
#undef DIFF
	img_decoded_free(&dc);
	free(md.buf);
	return res;
}

static void
check_round_trip(size_t npages, size_t nother, uint64_t blocks, uint64_t seed)
{
	struct objset os;
	struct problems pr = { 0 };
	const char *why;

	random_objset(&os, &seed, npages, nother);
	why = round_trip(&os, blocks, &pr);
	os_free(&os);
	/* Random objects break object invariants, not block ones. */
	for (size_t i = 0; why == NULL && i < pr.n; i++)
		if (strstr(pr.msg[i], "block") != NULL)
			why = pr.msg[i];
	if (why != NULL)
		check_fail("%zu pages, %zu others: %s", npages, nother, why);
	prob_free(&pr);
}

/* A superblock fails store_check_super() for each thing wrong in it. */
static void
test_check_super(void)
{
	struct objset os = { 0 };
	struct store_params sp = { 64, 1, 0, 9, 0 };
	struct store_super sb, b;
	struct store_ctx sc = { 9, 1 };
	struct memdisk md;
	char err[200];

	os_new_page(&os, 0, NULL);
	os_new_proc(&os, 1);
	memdisk_init(&md, 64);
	CHECK(store_write(&os, &sp, memdisk_put, &md, &sb, err, sizeof(err))
	    == 0);
	CHECK_MSG(store_check_super(&sb, 1, 64) == NULL, "%s",
	    store_check_super(&sb, 1, 64));
	CHECK(store_check_super(&sb, 2, 64) != NULL);
	CHECK(store_check_super(&sb, 1, 65) != NULL);
#define BAD(change) do {						\
	b = sb;								\
	change;								\
	store_seal(&b, &sc, STORE_BK_SUPER, 1, b.hdr.level, 0, 0);	\
	CHECK_MSG(store_check_super(&b, 1, 64) != NULL, "%s", #change);	\
} while (0)
	b = sb;
	store_seal(&b, &sc, STORE_BK_SUPER, 1, 0, 0, 0);
	CHECK(memcmp(&b, &sb, sizeof(b)) == 0);
	BAD(b.hdr.level = 1);
	BAD(b.ring_size = 3);
	BAD(b.used_blocks = 65);
	BAD(b.used_blocks = 3);
	BAD(b.flags = 2);
	BAD(b.reserved[7] = 1);
	BAD(b.map_root[0].crc = 1);
	BAD(b.oid_limit[OT_MAX] = 1);
	BAD(b.oid_limit[OT_PAGE] = OID_INDEX_MASK + 2);
	BAD(b.obj_count[OT_PAGE] = b.oid_limit[OT_PAGE] + 1);
	BAD(b.map_root[OT_PAGE].level = 1);
	BAD(b.map_root[OT_PROCESS] = (struct store_bptr){ 0 });
	BAD(b.free_root.kind = STORE_BK_FREENODE);
	BAD(b.free_root.birth = 2);
	BAD(b.released[1].reserved = 1);
	BAD(b.runlist.kind = STORE_BK_MANIFEST);
	BAD(b.manifest.level = 1);
#undef BAD
	os_free(&os);
	free(md.buf);
}

static void
test_round_trip_empty(void)
{
	check_round_trip(0, 0, 64, 1);
}

static void
test_round_trip_small(void)
{
	check_round_trip(100, 20, 1024, 2);
}

static void
test_round_trip_multilevel(void)
{
	/* > 168 * 168 pages: two levels of map nodes; 15 GPT leaves. */
	check_round_trip(30000, 200, 24000, 3);
}

static void
test_round_trip_big_store(void)
{
	/* A free map with several leaves and a node above them. */
	check_round_trip(10, 3, STORE_BITS_PER_LEAF * 3 + 5, 4);
}

static void
test_round_trip_sparse(void)
{
	const uint64_t idx[] = { 0, 5, 167, 168, 100000, (uint64_t)1 << 40 };
	struct objset os = { 0 };
	struct problems pr = { 0 };
	const char *why;

	for (size_t i = 0; i < sizeof(idx) / sizeof(idx[0]); i++) {
		mki_grow(&os.gpts, &os.capgpts_, os.ngpts + 1, sizeof(*os.gpts));
		os.gpts[os.ngpts].hdr.oid = OID_MAKE(OT_GPT, idx[i]);
		os.gpts[os.ngpts].hdr.alloc_count = (uint32_t)i;
		os.gpts[os.ngpts++].l2v = 12;
		mki_grow(&os.pages, &os.cappages_, os.npages + 1,
		    sizeof(*os.pages));
		os.pages[os.npages].oid = OID_MAKE(OT_PAGE, idx[i]);
		os.pages[os.npages++].flags = STORE_REF_USED;
	}
	why = round_trip(&os, 256, &pr);
	CHECK_MSG(why == NULL, "%s", why);
	CHECK_MSG(pr.n == 0, "%s", pr.msg[0]);
	CHECK(os_gpt(&os, OID_MAKE(OT_GPT, (uint64_t)1 << 40)) != NULL);
	CHECK(os_gpt(&os, OID_MAKE(OT_GPT, 6)) == NULL);
	os_free(&os);
	prob_free(&pr);
}

static void
test_store_too_small(void)
{
	struct objset os;
	struct store_params sp = { 16, 1, 0, 1, 0 };
	struct store_super sb;
	struct memdisk md;
	char err[200] = "";
	uint64_t seed = 5;

	random_objset(&os, &seed, 50, 0);
	memdisk_init(&md, 16);
	CHECK(store_write(&os, &sp, memdisk_put, &md, &sb, err,
	    sizeof(err)) != 0);
	CHECK_MSG(strstr(err, "store too small") != NULL, "%s", err);
	os_free(&os);
	free(md.buf);
}

static void
test_manifest_round_trip(void)
{
	struct manifest m = { 0 }, d;
	struct mf_named n = { 7, "proc", 0, MF_NONE, 1, 2, 3 };
	struct mf_program p = { "prog", "build/p.elf", 0x1000, 0x1000, 0x5000,
	    0x1234 };
	struct mf_symbol s = { 0, 2, 0x1200, 0x40, "main" };
	struct mf_bank b = { 1, 0, "prime" };
	uint8_t *buf;
	size_t len;
	char err[200];

	m.source = "x.mki";
	m.cmdline = "selftest";
	m.programs = &p;
	m.nprograms = 1;
	m.symbols = &s;
	m.nsymbols = 1;
	m.banks = &b;
	m.nbanks = 1;
	m.processes = &n;
	m.nprocesses = 1;
	mf_encode(&m, &buf, &len);
	CHECK(mf_decode(buf, len, &d, err, sizeof(err)) == 0);
	CHECK(strcmp(d.source, "x.mki") == 0 && strcmp(d.cmdline,
	    "selftest") == 0);
	CHECK(d.nprograms == 1 && strcmp(d.programs[0].path, "build/p.elf")
	    == 0 && d.programs[0].entry == 0x1234 && d.programs[0].hi ==
	    0x5000);
	CHECK(d.nsymbols == 1 && strcmp(d.symbols[0].name, "main") == 0 &&
	    d.symbols[0].size == 0x40);
	CHECK(d.nbanks == 1 && strcmp(d.banks[0].name, "prime") == 0);
	CHECK(d.nprocesses == 1 && d.processes[0].oid == 7 &&
	    d.processes[0].image == MF_NONE && d.processes[0].hi == 2);
	CHECK(mf_symbol_at(&d, 0x1230) == &d.symbols[0]);
	CHECK(mf_symbol_at(&d, 0x1240) == NULL);
	CHECK(strcmp(mf_name_of(&d, 7), "proc") == 0);
	mf_free(&d);
	/*
	 * A prefix decodes only if it ends on a record boundary (tag u8,
	 * length u32, payload); any other is an error, never a crash.
	 */
	size_t next = 0, bad = 0;

	for (size_t k = 0; k < len; k++) {
		int rc = mf_decode(buf, k, &d, err, sizeof(err));
		uint32_t rl;

		mf_free(&d);
		if (k == next) {
			memcpy(&rl, buf + k + 1, 4);
			next = k + 5 + rl;
			bad += rc != 0;
		} else {
			bad += rc == 0;
		}
	}
	free(buf);
	CHECK_MSG(bad == 0, "%zu prefixes of %zu decoded wrongly", bad, len);
}

/* Pages at random addresses; every one found, neighbours not. */
/* The linear scans the manifest index must agree with, record for record. */
static const struct mf_symbol *
scan_symbol(const struct manifest *m, uint64_t addr)
{
	const struct mf_symbol *best = NULL;

	for (size_t i = 0; i < m->nsymbols; i++) {
		const struct mf_symbol *s = &m->symbols[i];
		uint64_t sz = s->size ? s->size : 1;

		if (s->name[0] == 0 || addr < s->value ||
		    addr - s->value >= sz)
			continue;
		if (best == NULL || s->value > best->value)
			best = s;
	}
	return best;
}

static const void *
scan_range(const void *arr, size_t n, size_t stride, size_t lo_off,
    size_t hi_off, uint64_t va)
{
	for (size_t i = 0; i < n; i++) {
		const char *e = (const char *)arr + i * stride;
		uint64_t lo, hi;

		memcpy(&lo, e + lo_off, 8);
		memcpy(&hi, e + hi_off, 8);
		if (va >= lo && va < hi)
			return e;
	}
	return NULL;
}

/*
 * Random manifests with overlapping, nested, empty and wrapping ranges
 * and duplicate OIDs: every indexed lookup answers what a scan does.
 */
static void
test_manifest_lookups(void)
{
	uint64_t seed = 0x5eed;

	for (int round = 0; round < 20; round++) {
		struct manifest m = { 0 };
		struct mf_named *lists[3];
		size_t nl[3];

		m.nsymbols = rnd(&seed) % 300;
		m.symbols = calloc(m.nsymbols + 1, sizeof(*m.symbols));
		for (size_t i = 0; i < m.nsymbols; i++) {
			struct mf_symbol *y = &m.symbols[i];

			y->name = rnd(&seed) % 10 ? "f" : "";
			y->value = rnd(&seed) % 2000;
			y->size = rnd(&seed) % 4 ? rnd(&seed) % 60 :
			    rnd(&seed) % 2000;
			if (rnd(&seed) % 50 == 0) {
				y->value = UINT64_MAX - rnd(&seed) % 100;
				y->size = rnd(&seed) % 300;
			}
		}
		m.nprograms = rnd(&seed) % 40;
		m.programs = calloc(m.nprograms + 1, sizeof(*m.programs));
		for (size_t i = 0; i < m.nprograms; i++) {
			m.programs[i].lo = rnd(&seed) % 2000;
			m.programs[i].hi = m.programs[i].lo - 50 +
			    rnd(&seed) % 300;
		}
		nl[0] = m.nprocesses = rnd(&seed) % 60;
		nl[1] = m.nendpoints = rnd(&seed) % 60;
		nl[2] = m.ncappages = rnd(&seed) % 60;
		m.nsegments = rnd(&seed) % 40;
		for (int l = 0; l < 3; l++)
			lists[l] = calloc(nl[l] + 1, sizeof(*lists[l]));
		m.processes = lists[0];
		m.endpoints = lists[1];
		m.cappages = lists[2];
		m.segments = calloc(m.nsegments + 1, sizeof(*m.segments));
		for (int l = 0; l < 3; l++)
			for (size_t i = 0; i < nl[l]; i++) {
				lists[l][i].oid = rnd(&seed) % 100;
				lists[l][i].name = l == 0 ? "p" : l == 1 ? "e" :
				    "c";
			}
		for (size_t i = 0; i < m.nsegments; i++) {
			m.segments[i].lo = rnd(&seed) % 2000;
			m.segments[i].hi = m.segments[i].lo + rnd(&seed) % 400;
		}
		mf_index(&m);
		for (uint64_t a = 0; a < 2200; a++) {
			CHECK_MSG(mf_symbol_at(&m, a) == scan_symbol(&m, a),
			    "round %d: symbol at %llu", round,
			    (unsigned long long)a);
			CHECK(mf_program_at(&m, a) == scan_range(m.programs,
			    m.nprograms, sizeof(*m.programs),
			    offsetof(struct mf_program, lo),
			    offsetof(struct mf_program, hi), a));
			CHECK(mf_segment_at(&m, a) == scan_range(m.segments,
			    m.nsegments, sizeof(*m.segments),
			    offsetof(struct mf_named, lo),
			    offsetof(struct mf_named, hi), a));
		}
		for (uint64_t a = UINT64_MAX - 500; a != 0; a++)
			CHECK(mf_symbol_at(&m, a) == scan_symbol(&m, a));
		for (uint64_t oid = 0; oid < 110; oid++) {
			const char *want = NULL;
			const struct mf_named *proc = NULL;

			for (int l = 2; l >= 0; l--)
				for (size_t i = nl[l]; i-- > 0;)
					if (lists[l][i].oid == oid) {
						want = lists[l][i].name;
						if (l == 0)
							proc = &lists[l][i];
					}
			CHECK(mf_name_of(&m, oid) == want);
			CHECK(mf_process_of(&m, oid) == proc);
		}
		mf_index_free(&m);
		free(m.symbols);
		free(m.programs);
		free(m.processes);
		free(m.endpoints);
		free(m.cappages);
		free(m.segments);
	}
}

static void
test_tree_lookup(void)
{
	for (uint64_t seed = 1; seed < 40; seed++) {
		struct objset os = { 0 };
		struct problems pr = { 0 };
		struct tree_map *m;
		struct decoded dc = { 0 };
		uint64_t s = seed;
		size_t n = 1 + rnd(&s) % 300;
		struct cap root, kp = { 0 };

		m = calloc(n, sizeof(*m));
		for (size_t i = 0; i < n; i++) {
			uint64_t region = rnd(&s) % 4;
			uint64_t va = (region << 44) | ((rnd(&s) %
			    (seed % 2 ? 64 : 1ull << 30)) << 12);

			m[i].va = va;
		}
		for (size_t i = 0; i < n; i++)	/* sort, drop duplicates */
			for (size_t j = i + 1; j < n; j++)
				if (m[j].va < m[i].va) {
					uint64_t t = m[i].va;

					m[i].va = m[j].va;
					m[j].va = t;
				}
		size_t k = 0;

		for (size_t i = 0; i < n; i++)
			if (k == 0 || m[i].va != m[k - 1].va)
				m[k++].va = m[i].va;
		n = k;
		for (size_t i = 0; i < n; i++)
			m[i].cap = os_cap(&os, CT_PAGE, os_new_page(&os, 0,
			    NULL), (uint8_t)(i % 3 ? CAP_R_RO : CAP_R_NX), 0);
		root = tree_build(&os, 0, m, n, seed % 3 == 0 ? &kp : NULL);
		for (size_t i = 0; i < n; i++) {
			uint8_t r;
			struct cap c = tree_lookup(&os, &root, m[i].va, &r);

			CHECK_MSG(c.type == CT_PAGE && c.oid == m[i].cap.oid &&
			    (r & m[i].cap.restr) == m[i].cap.restr,
			    "seed %llu: page at %#llx not found",
			    (unsigned long long)seed,
			    (unsigned long long)m[i].va);
			uint64_t nb = m[i].va + PAGE_SIZE;

			if (i + 1 < n && m[i + 1].va == nb)
				continue;
			c = tree_lookup(&os, &root, nb, &r);
			CHECK_MSG(c.type == CT_NULL, "seed %llu: %#llx mapped",
			    (unsigned long long)seed, (unsigned long long)nb);
		}
		dc.os = os;
		os_new_proc(&dc.os, 0);
		dc.os.procs[0].space = root;
		verify_objects(&dc, &pr);
		CHECK_MSG(pr.n == 0, "seed %llu: %s", (unsigned long long)seed,
		    pr.msg[0]);
		prob_free(&pr);
		os_free(&dc.os);
		free(m);
	}
}

/* Two map entries naming one data block: reported, naming the block. */
static void
test_block_used_twice(void)
{
	struct objset os = { 0 };
	struct store_params sp = { 64, 1, 0, 9, 0 };
	struct store_super sb;
	struct memdisk md;
	struct problems pr = { 0 };
	struct decoded dc;
	struct img im;
	char err[200];
	uint8_t *d1 = malloc(PAGE_SIZE), *d2 = malloc(PAGE_SIZE);
	int found = 0;

	memset(d1, 1, PAGE_SIZE);
	memset(d2, 1, PAGE_SIZE);
	os_new_page(&os, 0, d1);
	os_new_page(&os, 0, d2);
	memdisk_init(&md, 64);
	CHECK(store_write(&os, &sp, memdisk_put, &md, &sb, err, sizeof(err))
	    == 0);
	/* Point page 1 at page 0's block and reseal the leaf and sb. */
	struct store_ref ref;
	uint8_t *leaf = memdisk_block(&md, sb.map_root[OT_PAGE].block);
	struct store_ctx sc = { 9, 1 };

	memcpy(&ref, leaf + 64, sizeof(ref));
	memcpy(leaf + 64 + sizeof(ref), &ref, sizeof(ref));
	sb.map_root[OT_PAGE] = store_seal(leaf, &sc, STORE_BK_MAPLEAF,
	    sb.map_root[OT_PAGE].block, 0, 2, 0);
	store_seal(&sb, &sc, STORE_BK_SUPER, 1, 0, 0, 0);
	memcpy(memdisk_block(&md, 1), &sb, sizeof(sb));
	CHECK(img_open(&im, md.buf, md.len, err, sizeof(err)) == 0);
	CHECK(img_newest(&im) == 1);
	img_decode(&im, 1, &dc, &pr);
	for (size_t i = 0; i < pr.n; i++) {
		char want[64];

		snprintf(want, sizeof(want), "block %llu used twice",
		    (unsigned long long)ref.block);
		found |= strstr(pr.msg[i], want) != NULL;
	}
	CHECK_MSG(found, "not reported: %s", pr.n ? pr.msg[0] : "nothing");
	img_decoded_free(&dc);
	prob_free(&pr);
	os_free(&os);
	free(md.buf);
}

static void
test_lex(void)
{
	static struct lex_line l;

	CHECK(lex_split("  cap 3 entry \"a b\\\"c\" # x", 27, &l) == NULL);
	CHECK(l.indented && l.nwords == 4);
	CHECK(strcmp(l.word[3], "a b\"c") == 0 && l.quoted[3]);
	CHECK(lex_split("x \"open", 7, &l) != NULL);
	CHECK(lex_split("x \"a\"b", 6, &l) != NULL);
	CHECK(lex_split("a\001b", 3, &l) != NULL);
	CHECK(lex_split("", 0, &l) == NULL && l.nwords == 0);
}

static const struct check_case cases[] = {
	CHECK_CASE(test_seal_check),
	CHECK_CASE(test_bptr_problem),
	CHECK_CASE(test_shapes),
	CHECK_CASE(test_free_entry),
	CHECK_CASE(test_bits_set),
	CHECK_CASE(test_freemap_checks),
	CHECK_CASE(test_check_super),
	CHECK_CASE(test_round_trip_empty),
	CHECK_CASE(test_round_trip_small),
	CHECK_CASE(test_round_trip_multilevel),
	CHECK_CASE(test_round_trip_big_store),
	CHECK_CASE(test_round_trip_sparse),
	CHECK_CASE(test_store_too_small),
	CHECK_CASE(test_manifest_round_trip),
	CHECK_CASE(test_manifest_lookups),
	CHECK_CASE(test_tree_lookup),
	CHECK_CASE(test_block_used_twice),
	CHECK_CASE(test_lex),
};

int
main(void)
{
	return check_run("store", cases, CHECK_COUNT(cases));
}
