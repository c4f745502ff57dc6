/*
 * test_image.c - whole images: build one (with stand-in boot files),
 * check its layout, verify it, then flip bytes in every block the store
 * uses and require verify to fail naming that block. Also generation
 * selection in the superblock ring, the catalog inspect fills, and
 * truncated or garbage images.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lib/storefmt.h>

#include "mkimage/build.h"
#include "mkimage/catalog.h"
#include "mkimage/cmd.h"
#include "mkimage/decode.h"
#include "mkimage/util.h"
#include "mkimage_test.h"
#include "tests/host/check.h"

static char dir[64];
static uint8_t *image;
static size_t image_len;

static const char desc[] =
    "cmdline \"test image\"\n"
    "store 4M\n"
    "bank prime\n"
    "program pie \"pie.elf\"\n"
    "program stat \"static.elf\"\n"
    "segment buf at 0x300000000000 size 16K file \"pie.elf\" nx\n"
    "endpoint ep recipient p1\n"
    "process p1 program pie\n"
    "  cap 0 kernlog\n"
    "  cap 1 entry ep payload 3\n"
    "  map buf\n"
    "process p2 program stat keeper ep\n"
    "cappage cp\n"
    "  cap 0 process p1\n";

static void
write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");

	fwrite(p, 1, n, f);
	fclose(f);
}

/* Stand-in boot files and the image, once for all tests. */
static int
make_image(void)
{
	uint8_t s1[512] = { 0xeb, 0xfe }, s2[1500], k[7000];
	struct mki_desc *d;
	struct build b;
	struct disk_params dp = { 0 };
	struct disk_layout lay;
	char err[256], path[128];
	char *out;
	int rc;

	snprintf(dir, sizeof(dir), "/tmp/mkimage-test-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/boot", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/kernel", dir);
	mkdir(path, 0755);
	memset(s2, 0x22, sizeof(s2));
	memset(k, 0x33, sizeof(k));
	s1[510] = 0x55;
	s1[511] = 0xaa;
	snprintf(path, sizeof(path), "%s/boot/stage1.bin", dir);
	write_file(path, s1, sizeof(s1));
	snprintf(path, sizeof(path), "%s/boot/stage2.bin", dir);
	write_file(path, s2, sizeof(s2));
	snprintf(path, sizeof(path), "%s/kernel/kernel-boot.elf", dir);
	write_file(path, k, sizeof(k));
	d = mki_parse("t.mki", desc, strlen(desc));
	if (d == NULL || build_image(&b, d, ELF_DIR) != 0)
		return -1;
	out = mki_printf("%s/t.img", dir);
	dp.out = out;
	dp.boot_dir = dir;
	dp.cmdline = d->cmdline;
	dp.store_bytes = d->store_size;
	dp.time_ns = 1700000000000000000ull;
	dp.store_id = 0x1234;
	rc = disk_write(&dp, &b.os, &lay, err, sizeof(err));
	if (rc == 0)
		rc = build_outputs(&b, &dp, &lay, out);
	if (rc == 0)
		rc = mki_read_file(out, UINT64_MAX, &image, &image_len, err,
		    sizeof(err));
	if (rc != 0)
		fprintf(stderr, "make_image: %s\n", err);
	build_free(&b);
	mki_desc_free(d);
	free(out);
	return rc;
}

static void
test_layout(void)
{
	struct bootpart_header h;
	uint32_t lba, n;

	CHECK(image != NULL);
	CHECK(image[0] == 0xeb && image[510] == 0x55 && image[511] == 0xaa);
	/* Partition 1: active, boot type, LBA 2048. */
	memcpy(&lba, image + 446 + 8, 4);
	CHECK(image[446] == 0x80 && image[446 + 4] == BOOTPART_TYPE &&
	    lba == 2048);
	/* Partition 2: store type, 1 MiB aligned, 4 MiB. */
	memcpy(&lba, image + 462 + 8, 4);
	memcpy(&n, image + 462 + 12, 4);
	CHECK(image[462 + 4] == STORE_PART_TYPE && lba % 2048 == 0 &&
	    n == 8192);
	CHECK(image_len == ((size_t)lba + n) * 512);
	memcpy(&h, image + 2048 * 512, sizeof(h));
	CHECK(memcmp(h.magic, BOOTPART_MAGIC, 8) == 0 && h.version == 1);
	CHECK(h.stage2_offset == 1 && h.stage2_sectors == 3);
	CHECK(h.kernel_offset == 4 && h.kernel_sectors == 14 &&
	    h.kernel_bytes == 7000);
	CHECK(strcmp(h.cmdline, "test image") == 0);
	CHECK(image[(2048 + 1) * 512] == 0x22 &&
	    image[(2048 + 4) * 512 + 6999] == 0x33);
}

static void
test_verify_good(void)
{
	struct problems pr = { 0 };
	struct img im;
	char err[200];

	CHECK(image != NULL);

	CHECK(img_open(&im, image, image_len, err, sizeof(err)) == 0);
	CHECK(img_newest(&im) == 1 && im.have_boot);
	CHECK(verify_image(&im, 0, &pr) == 1);
	CHECK_MSG(pr.n == 0, "%s", pr.msg[0]);
}

/*
 * Flip bytes all over every used block (and the empty superblock slots):
 * verify must fail, and one problem must name the block.
 */
static void
test_flip_every_used_block(void)
{
	struct img im;
	char err[200], want[40];
	uint64_t used, store_off, s = 7;
	uint8_t *copy = malloc(image_len);

	CHECK(image != NULL);

	CHECK(img_open(&im, image, image_len, err, sizeof(err)) == 0);
	used = im.gen[1].sb.used_blocks;
	store_off = im.store_lba * 512;
	CHECK(used > 20);
	memcpy(copy, image, image_len);
	for (uint64_t b = 0; b < used; b++) {
		for (int k = 0; k < 12; k++) {
			size_t off = k == 0 ? 0 : k == 1 ? 4095 :
			    (size_t)(rnd(&s) % 4096);
			size_t pos = store_off + b * 4096 + off;
			struct problems pr = { 0 };
			struct img bad;
			int named = 0;

			copy[pos] ^= (uint8_t)(1u << (rnd(&s) % 8));
			if (img_open(&bad, copy, image_len, err,
			    sizeof(err)) == 0)
				verify_image(&bad, 0, &pr);
			snprintf(want, sizeof(want), "block %llu ",
			    (unsigned long long)b);
			for (size_t i = 0; i < pr.n; i++)
				named |= strstr(pr.msg[i], want) != NULL;
			memcpy(copy + pos, image + pos, 1);
			if (!named) {
				check_fail("flip at block %llu byte %zu: %s",
				    (unsigned long long)b, off, pr.n ?
				    pr.msg[0] : "not detected");
				prob_free(&pr);
				free(copy);
				return;
			}
			prob_free(&pr);
		}
	}
	free(copy);
}

/* Generation 2 in slot 2 wins; damaged, generation 1 takes over. */
static void
test_generations(void)
{
	uint8_t *copy = malloc(image_len);
	struct problems pr = { 0 };
	struct store_super sb;
	struct store_ctx sc;
	struct img im;
	char err[200];

	CHECK(image != NULL);

	memcpy(copy, image, image_len);
	CHECK(img_open(&im, copy, image_len, err, sizeof(err)) == 0);
	sb = im.gen[1].sb;
	sc.store_id = sb.hdr.store_id;
	sc.generation = 2;
	sb.time_ns += 1000;
	store_seal(&sb, &sc, STORE_BK_SUPER, 2, 0, 0, 0);
	memcpy(copy + im.store_lba * 512 + 2 * 4096, &sb, sizeof(sb));
	CHECK(img_open(&im, copy, image_len, err, sizeof(err)) == 0);
	CHECK(img_newest(&im) == 2 && img_find_gen(&im, 1) == 1);
	CHECK(verify_image(&im, 0, &pr) == 2);
	CHECK_MSG(pr.n == 0, "%s", pr.msg[0]);
	copy[im.store_lba * 512 + 2 * 4096 + 100] ^= 1;
	CHECK(img_open(&im, copy, image_len, err, sizeof(err)) == 0);
	CHECK(img_newest(&im) == 1 && !im.gen[2].valid);
	CHECK(strcmp(im.gen[2].why, "checksum mismatch") == 0);
	free(copy);
}

static long long
query(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	long long v = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -2;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void
test_catalog(void)
{
	struct problems pr = { 0 };
	struct img im;
	sqlite3 *db = catalog_open(NULL), *built;
	char err[200], path[128];

	CHECK(image != NULL);

	CHECK(db != NULL);
	CHECK(img_open(&im, image, image_len, err, sizeof(err)) == 0);
	CHECK(inspect_catalog(&im, 1, db, &pr) == 0 && pr.n == 0);
	CHECK(query(db, "SELECT count(*) FROM processes") == 2);
	CHECK(query(db, "SELECT count(*) FROM processes WHERE symbol LIKE "
	    "'_start+%' AND runnable = 1") == 2);
	CHECK(query(db, "SELECT count(*) FROM segments WHERE name = "
	    "'segment buf' AND pages = 4 AND stored_pages = 4") == 1);
	CHECK(query(db, "SELECT count(*) FROM segments WHERE name = 'stack'"
	    " AND process = 'p1'") == 1);
	CHECK(query(db, "SELECT count(*) FROM caps WHERE valid = 0") == 0);
	CHECK(query(db, "SELECT aux FROM caps WHERE type = 'ENTRY' AND "
	    "place = 'capreg'") == 3);
	CHECK(query(db, "SELECT count(*) FROM symbols") > 0);
	CHECK(query(db, "SELECT generation FROM generations WHERE current")
	    == 1);
	/* The catalog build wrote has the same objects. */
	snprintf(path, sizeof(path), "%s/t.db", dir);
	CHECK(sqlite3_open(path, &built) == SQLITE_OK);
	CHECK(query(built, "SELECT count(*) FROM objects") ==
	    query(db, "SELECT count(*) FROM objects"));
	CHECK(query(built, "SELECT sum(block) FROM objects") ==
	    query(db, "SELECT sum(block) FROM objects"));
	sqlite3_close(built);
	sqlite3_close(db);
}

/* Truncated and mangled images are errors, never crashes. */
static void
test_truncated_and_garbage(void)
{
	uint64_t s = 3;
	uint8_t *junk = malloc(image_len);

	CHECK(image != NULL);

	for (size_t n = 0; n < image_len; n += 1 + n / 3) {
		CHECK(mki_fuzz_image(image, n) != 0 || n >= image_len);
	}
	for (int k = 0; k < 20; k++) {
		memcpy(junk, image, image_len);
		for (int j = 0; j < 64; j++) {
			size_t pos = (size_t)(rnd(&s) % image_len);

			junk[pos] = (uint8_t)rnd(&s);
		}
		mki_fuzz_image(junk, image_len);
	}
	CHECK(mki_fuzz_image(image, image_len) == 0);
	free(junk);
}

static const struct check_case cases[] = {
	CHECK_CASE(test_layout),
	CHECK_CASE(test_verify_good),
	CHECK_CASE(test_flip_every_used_block),
	CHECK_CASE(test_generations),
	CHECK_CASE(test_catalog),
	CHECK_CASE(test_truncated_and_garbage),
};

int
main(void)
{
	char cmd[128];
	int rc;

	if (make_image() != 0)
		fprintf(stderr, "test_image: could not build the image\n");
	rc = check_run("image", cases, CHECK_COUNT(cases));
	free(image);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (dir[0] != 0 && system(cmd) != 0)
		fprintf(stderr, "test_image: could not remove %s\n", dir);
	return rc;
}
