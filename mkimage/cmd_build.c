/*
 * cmd_build.c - "mkimage build FILE.mki -o OUT.img": parse, build the
 * objects, write the image, the SQLite catalog (OUT.db) and the gdb
 * script (OUT.gdb).
 */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <lib/crc32c.h>

#include "build.h"
#include "cmd.h"
#include "disk.h"
#include "util.h"

static const char build_usage[] =
"usage: mkimage build FILE.mki -o OUT.img [options]\n"
"\n"
"Build a bootable disk image from an image description (docs/mkimage.md).\n"
"Writes OUT.img, the catalog OUT.db (SQLite) and the gdb script OUT.gdb\n"
"(OUT with its .img suffix replaced).\n"
"\n"
"  -o, --output FILE     the disk image to write (required)\n"
"  --boot-dir DIR        where boot/stage1.bin, boot/stage2.bin and\n"
"                        kernel/kernel-boot.elf are (default: OUT's directory)\n"
"  --kernel FILE         the kernel ELF to boot instead of DIR's\n"
"                        kernel/kernel-boot.elf (the test kernel, for one)\n"
"  --store-size SIZE     store partition size, e.g. 256M (overrides .mki)\n"
"  --root DIR            directory relative program and file paths start\n"
"                        from (default: the current directory)\n"
"  -h, --help            this text\n"
"\n"
"SOURCE_DATE_EPOCH, if set, fixes the generation time (reproducible images).\n";

/* "dir/name.img" -> "dir/name" + ext */
char *
mki_sibling(const char *out, const char *ext)
{
	size_t n = strlen(out);

	if (n > 4 && strcmp(out + n - 4, ".img") == 0)
		n -= 4;
	return mki_printf("%.*s%s", (int)n, out, ext);
}

/* Commit time and store id: from SOURCE_DATE_EPOCH when reproducible. */
static void
identity(uint64_t *time_ns, uint64_t *store_id, const char *out)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	uint64_t t, id = 0;
	struct timespec ts;

	if (sde != NULL && mki_parse_u64(sde, &t) == 0 &&
	    t < UINT64_MAX / 1000000000ull) {
		*time_ns = t * 1000000000ull;
		id = ((uint64_t)crc32c(out, strlen(out)) << 32) |
		    crc32c(time_ns, sizeof(*time_ns));
	} else {
		int fd = open("/dev/urandom", O_RDONLY);

		clock_gettime(CLOCK_REALTIME, &ts);
		*time_ns = (uint64_t)ts.tv_sec * 1000000000ull +
		    (uint64_t)ts.tv_nsec;
		if (fd < 0 || read(fd, &id, sizeof(id)) != sizeof(id))
			id = *time_ns ^ ((uint64_t)getpid() << 32);
		if (fd >= 0)
			close(fd);
	}
	*store_id = id != 0 ? id : 1;
}

int
cmd_build(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "boot-dir", required_argument, NULL, 'b' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "store-size", required_argument, NULL, 's' },
		{ "root", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out = NULL, *boot_dir = NULL, *kernel = NULL, *root = ".";
	const char *mki;
	uint64_t store_size = 0;
	struct mki_desc *d;
	struct build b;
	struct disk_params dp = { 0 };
	struct disk_layout lay;
	char err[512], *dir = NULL;
	const char *why;
	uint8_t *text;
	size_t len;
	int c, rc = 1;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 'b': boot_dir = optarg; break;
		case 'k': kernel = optarg; break;
		case 'r': root = optarg; break;
		case 's':
			if (mki_parse_size(optarg, &store_size) != 0) {
				fprintf(stderr, "mkimage build: bad store size "
				    "'%s'\n", optarg);
				return 2;
			}
			if ((why = mki_store_size_error(store_size)) != NULL) {
				fprintf(stderr, "mkimage build: --store-size "
				    "%s %s\n", optarg, why);
				return 2;
			}
			break;
		case 'h':
			fputs(build_usage, stdout);
			return 0;
		default:
			fputs(build_usage, stderr);
			return 2;
		}
	}
	if (optind != argc - 1 || out == NULL) {
		fputs(build_usage, stderr);
		return 2;
	}
	mki = argv[optind];
	if (mki_read_file(mki, MKI_MAX_FILE, &text, &len, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "mkimage build: %s\n", err);
		return 1;
	}
	d = mki_parse(mki, (const char *)text, len);
	free(text);
	if (d == NULL)
		return 1;
	if (store_size != 0)
		d->store_size = store_size;	/* overrides "store" */
	if (build_image(&b, d, root) != 0)
		goto out;
	if (boot_dir == NULL)
		boot_dir = dir = mki_dirname(out);
	dp.out = out;
	dp.boot_dir = boot_dir;
	dp.kernel = kernel;
	dp.cmdline = d->cmdline;
	dp.store_bytes = d->store_size;
	identity(&dp.time_ns, &dp.store_id, out);
	if (disk_write(&dp, &b.os, &lay, err, sizeof(err)) != 0) {
		fprintf(stderr, "mkimage build: %s\n", err);
		goto out;
	}
	if (build_outputs(&b, &dp, &lay, out) != 0)
		goto out;
	printf("mkimage: %s: %llu MiB disk, store %llu of %llu blocks used, "
	    "%zu pages, %zu gpts, %zu processes\n", out,
	    (unsigned long long)(lay.image_bytes >> 20),
	    (unsigned long long)lay.used_blocks,
	    (unsigned long long)(dp.store_bytes / STORE_BLOCK_SIZE),
	    b.os.npages, b.os.ngpts, b.os.nprocs);
	rc = 0;
out:
	build_free(&b);
	mki_desc_free(d);
	free(dir);
	return rc;
}
