/*
 * test_image.c - whole images: build one (with stand-in boot files),
 * check its layout, verify it, then flip bytes in every block the store
 * uses and require verify to fail naming that block; damage with every
 * checksum kept right that the kernel refuses (processes, run list, boot
 * sectors) and verify must name. Also generation selection in the
 * superblock ring, the catalog inspect fills, and truncated or garbage
 * images.
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
 * verify must fail, and one problem must name the block. The slot the
 * next commit writes is the exception: garbage there is what a commit
 * cut short leaves, so verify passes it (and notes it, cmd_verify.c).
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
		if (b == (uint64_t)verify_commit_slot(&im)) {
			struct problems pr = { 0 };
			struct img bad;

			copy[store_off + b * 4096] ^= 1;
			CHECK(img_open(&bad, copy, image_len, err,
			    sizeof(err)) == 0);
			verify_image(&bad, 0, &pr);
			CHECK_MSG(pr.n == 0, "commit slot %llu: %s",
			    (unsigned long long)b, pr.n ? pr.msg[0] : "");
			CHECK(bad.gen[b].why[0] != 0);
			copy[store_off + b * 4096] ^= 1;
			prob_free(&pr);
			continue;
		}
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

/*
 * Damage that keeps every checksum right (a hostile or buggy writer), in
 * a copy of the image: one edit of the first process's map entry, of the
 * run list or of the boot sectors. verify must report it with want; the
 * kernel side of each rule is tests/harness/storefail.py.
 */
struct damage {
	const char	*want;
	void		(*proc)(struct obj_process *p);
	void		(*run)(struct store_list *l);
	void		(*raw)(uint8_t *img);
};

static void p_rip(struct obj_process *p) { p->regs.rip = USER_VA_END; }
static void p_fs(struct obj_process *p) { p->regs.fs_base = 0xdeadull << 48; }
static void p_rflags(struct obj_process *p) { p->regs.rflags |= RFLAGS_IOPL; }
static void p_mxcsr(struct obj_process *p) { p->fxsave[26] = 1; } /* bit 16 */
static void p_wait(struct obj_process *p) { p->wait_oid = p->hdr.oid; }
static void p_send(struct obj_process *p)
{
	p->run_state = PS_SENDING;
	p->wait = PW_SEND;
	p->wait_oid = 0;
}
static void
p_sleep_run(struct obj_process *p)
{
	p->wait = PW_SLEEP;
}
static void
p_wake(struct obj_process *p)
{
	p->wake_ns = 5;
}
static void
r_dup(struct store_list *l)
{
	l->item[l->hdr.count++] = l->item[0];
}
static void r_missing(struct store_list *l)
{
	l->item[l->hdr.count++] = OID_MAKE(OT_PROCESS, 40);
}
static void r_late_dup(struct store_list *l)
{
	l->item[l->hdr.count++] = OID_MAKE(OT_PROCESS, 41);
	l->item[l->hdr.count++] = OID_MAKE(OT_PROCESS, 41);
}

static void
b_count(uint8_t *img)
{
	uint32_t n = 0x7fffffff;

	memcpy(img + 446 + 12, &n, 4);
}

static void
b_lba(uint8_t *img)
{
	uint32_t lba = 0x7fffff00;

	memcpy(img + 446 + 8, &lba, 4);
}

static void
b_kernel(uint8_t *img)
{
	uint32_t off = 0x7ffffff0;

	memcpy(img + 2048 * 512 + 20, &off, 4);
}

static void b_stage2(uint8_t *img) { memset(img + 2048 * 512 + 16, 0, 4); }
static void b_active(uint8_t *img) { img[446] = 0; }

static const struct damage damages[] = {
	{ "rip 0x800000000000 is not a canonical user-half address",
	    .proc = p_rip },
	{ "waits, but is not blocked", .proc = p_sleep_run },
	{ "a wake time, but not asleep", .proc = p_wake },
	{ "fs_base 0xdead000000000000 is not a canonical user-half address",
	    .proc = p_fs },
	{ "rflags 0x3202 sets IOPL or a flag ring 3 may not hold",
	    .proc = p_rflags },
	{ "MXCSR sets reserved bits", .proc = p_mxcsr },
	{ "waits on an object, but is not blocked", .proc = p_wait },
	{ "sending, but waits on no endpoint", .proc = p_send },
	{ "run list entry 2 (0x400000000000000): listed twice",
	    .run = r_dup },
	{ "run list entry 2 (0x400000000000028): not stored",
	    .run = r_missing },
	{ "run list entry 3 (0x400000000000029): listed twice",
	    .run = r_late_dup },
	{ "boot partition (sectors 2048..2147485695) extends past the end",
	    .raw = b_count },
	{ "boot partition (sectors 2147483392..", .raw = b_lba },
	{ "the kernel (sectors 2147483632+14) lies outside the boot "
	    "partition", .raw = b_kernel },
	{ "stage 2 of 0 sectors, must be 1..200", .raw = b_stage2 },
	{ "MBR: no active partition", .raw = b_active },
};

/* Recompute the CRC of the metadata block at blk; returns it. */
static uint32_t
reseal(uint8_t *blk)
{
	uint32_t crc = store_block_crc(blk);

	memcpy(blk + offsetof(struct store_blkhdr, crc), &crc, 4);
	return crc;
}

/* Apply d to copy (a copy of image), keeping every checksum right. */
static void
apply(const struct damage *d, uint8_t *copy, const struct img *im)
{
	int slot = img_newest(im);
	uint8_t *store = copy + im->store_lba * 512, *blk;
	struct store_super sb = im->gen[slot].sb;
	struct obj_process p;
	struct store_list l;

	if (d->raw != NULL) {
		d->raw(copy);
		return;
	}
	if (d->proc != NULL) {
		blk = store + sb.map_root[OT_PROCESS].block * 4096;
		memcpy(&p, blk + sizeof(struct store_blkhdr), sizeof(p));
		d->proc(&p);
		memcpy(blk + sizeof(struct store_blkhdr), &p, sizeof(p));
		sb.map_root[OT_PROCESS].crc = reseal(blk);
	} else {
		blk = store + sb.runlist.block * 4096;
		memcpy(&l, blk, sizeof(l));
		d->run(&l);
		memcpy(blk, &l, sizeof(l));
		sb.runlist.crc = reseal(blk);
	}
	memcpy(store + slot * 4096, &sb, sizeof(sb));
	reseal(store + slot * 4096);
}

static void
test_verify_kernel_rules(void)
{
	uint8_t *copy = malloc(image_len);
	struct img im, bad;
	char err[200];

	CHECK(image != NULL);
	CHECK(img_open(&im, image, image_len, err, sizeof(err)) == 0);
	CHECK(im.gen[img_newest(&im)].sb.map_root[OT_PROCESS].level == 0);
	for (size_t i = 0; i < CHECK_COUNT(damages); i++) {
		const struct damage *d = &damages[i];
		struct problems pr = { 0 };
		int named = 0;

		memcpy(copy, image, image_len);
		apply(d, copy, &im);
		CHECK(img_open(&bad, copy, image_len, err, sizeof(err)) == 0);
		verify_image(&bad, 0, &pr);
		for (size_t k = 0; k < pr.n; k++)
			named |= strstr(pr.msg[k], d->want) != NULL;
		if (!named)
			check_fail("want '%s', got %zu problems: %s", d->want,
			    pr.n, pr.n ? pr.msg[0] : "none");
		prob_free(&pr);
		if (!named)
			break;
	}
	free(copy);
}

static const struct check_case cases[] = {
	CHECK_CASE(test_layout),
	CHECK_CASE(test_verify_good),
	CHECK_CASE(test_flip_every_used_block),
	CHECK_CASE(test_generations),
	CHECK_CASE(test_verify_kernel_rules),
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
