/*
 * cmd_rollback.c - "mkimage rollback IMAGE --generation N": make kept
 * generation N the one the kernel boots, by zeroing the ring slots of
 * every newer generation (docs/store-format.md: booting an older
 * generation discards the newer ones).
 *
 * Slots are zeroed newest first, each written and fsync'd before the
 * next, and nothing else is written: after a crash at any point the
 * newest valid superblock is still a complete generation between N and
 * the old newest. N's free map needs no change: blocks that newer
 * generations allocated were free in N's map (the writer only takes
 * blocks free in its predecessor's map), so they are free again.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "decode.h"
#include "util.h"

static const char rollback_usage[] =
"usage: mkimage rollback IMAGE --generation N [--force]\n"
"\n"
"Make kept generation N the one the kernel boots, by zeroing (and\n"
"syncing) the superblock ring slots of every newer generation, newest\n"
"first. Nothing else in the image is written. The newer generations are\n"
"lost, so this refuses without --force when there are any.\n"
"Exits 0, 1 if N is not a valid kept generation, if newer generations\n"
"would be discarded without --force, or on a write error, 2 on usage\n"
"errors.\n"
"\n"
"  --generation N        the generation to keep as newest (required)\n"
"  --force               discard newer generations\n"
"  -h, --help            this text\n";

/* Zero and sync ring slot s of the store; 0, or -1 after saying why. */
static int
zero_slot(int fd, const struct img *im, const char *path, int s)
{
	static const uint8_t zero[STORE_BLOCK_SIZE];
	off_t off = (off_t)(im->store_lba * SECTOR_SIZE +
	    (uint64_t)s * STORE_BLOCK_SIZE);

	if (pwrite(fd, zero, sizeof(zero), off) != (ssize_t)sizeof(zero) ||
	    fsync(fd) != 0) {
		fprintf(stderr, "mkimage rollback: %s: zeroing slot %d: %s\n",
		    path, s, strerror(errno));
		return -1;
	}
	return 0;
}

int
cmd_rollback(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "generation", required_argument, NULL, 'g' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t gen = 0;
	int c, force = 0, slot, fd, rc = 1, order[STORE_SB_RING], n = 0;
	const char *path;
	struct img im;
	char err[256];

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'g':
			if (cmd_parse_gen("rollback", optarg, &gen) != 0)
				return 2;
			break;
		case 'f': force = 1; break;
		case 'h':
			fputs(rollback_usage, stdout);
			return 0;
		default:
			fputs(rollback_usage, stderr);
			return 2;
		}
	}
	if (optind != argc - 1 || gen == 0) {
		fputs(rollback_usage, stderr);
		return 2;
	}
	path = argv[optind];
	if (img_open_file(&im, path, err, sizeof(err)) != 0) {
		fprintf(stderr, "mkimage rollback: %s\n", err);
		return 1;
	}
	slot = cmd_find_gen(&im, "rollback", path, gen);
	if (slot < 0)
		goto out;
	/* Valid slots newer than gen, newest first. */
	for (int s = 0; s < STORE_SB_RING; s++) {
		int i;

		if (!im.gen[s].valid || im.gen[s].sb.hdr.generation <= gen)
			continue;
		for (i = n++; i > 0 && im.gen[order[i - 1]].sb.hdr.generation <
		    im.gen[s].sb.hdr.generation; i--)
			order[i] = order[i - 1];
		order[i] = s;
	}
	if (n == 0) {
		printf("%s: generation %llu is already the newest\n", path,
		    (unsigned long long)gen);
		rc = 0;
		goto out;
	}
	if (!force) {
		fprintf(stderr, "mkimage rollback: %s: refusing to discard "
		    "newer generation%s", path, n > 1 ? "s" : "");
		for (int i = 0; i < n; i++)
			fprintf(stderr, " %llu", (unsigned long long)
			    im.gen[order[i]].sb.hdr.generation);
		fprintf(stderr, " without --force\n");
		goto out;
	}
	fd = open(path, O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "mkimage rollback: %s: %s\n", path,
		    strerror(errno));
		goto out;
	}
	rc = 0;
	for (int i = 0; i < n && rc == 0; i++) {
		rc = zero_slot(fd, &im, path, order[i]) != 0;
		if (rc == 0)
			printf("%s: discarded generation %llu (slot %d)\n",
			    path, (unsigned long long)
			    im.gen[order[i]].sb.hdr.generation, order[i]);
	}
	if (close(fd) != 0 && rc == 0) {
		fprintf(stderr, "mkimage rollback: %s: %s\n", path,
		    strerror(errno));
		rc = 1;
	}
	if (rc == 0)
		printf("%s: generation %llu is now the newest\n", path,
		    (unsigned long long)gen);
out:
	img_close(&im);
	return rc;
}
