/*
 * cmd_verify.c - "mkimage verify IMAGE": checks the boot path, every
 * checksum and invariant of every kept generation, and that no block is
 * used twice or leaked. Exits 1 listing the first problems, each naming
 * its block or object.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "decode.h"
#include "verify.h"
#include "util.h"

static const char verify_usage[] =
"usage: mkimage verify IMAGE [options]\n"
"\n"
"Check every checksum and invariant of a disk image: the boot partition\n"
"and header, superblocks, OID map and free map trees, data blocks,\n"
"capabilities (they must name existing objects with matching allocation\n"
"counts), GPT trees, processes and the run list (by the kernel's rules),\n"
"and block accounting (no block used twice, none leaked). Checks every\n"
"kept generation.\n"
"Exits 0 if the image is sound, 1 listing the first problems, 2 on usage\n"
"errors.\n"
"\n"
"  --generation N        check only generation N\n"
"  --max N               list at most N problems (default 20)\n"
"  -q, --quiet           print nothing when the image is sound\n"
"  -h, --help            this text\n";

/* Blocks marked used in the newest generation that nothing keeps. */
static void
check_leaks(const struct img *im, struct decoded *dcs, int ndc, int newest,
    struct problems *pr)
{
	const struct decoded *cur = NULL;
	uint64_t leaked = 0, first = 0;

	for (int i = 0; i < ndc; i++)
		if (dcs[i].slot == newest)
			cur = &dcs[i];
	if (cur == NULL)
		return;
	for (uint64_t b = STORE_FIRST_DATA; b < im->store_blocks; b++) {
		int kept = 0;

		if (!((cur->freemap[b / 8] >> (b % 8)) & 1))
			continue;
		for (int i = 0; i < ndc && !kept; i++)
			kept = (dcs[i].reach[b / 8] >> (b % 8)) & 1;
		for (size_t r = 0; r < cur->nreleased && !kept; r++)
			kept = cur->released[r] == b;
		if (!kept && leaked++ == 0)
			first = b;
	}
	if (leaked != 0)
		prob_add(pr, "%llu blocks marked used are kept by no generation "
		    "(leaked), the first is block %llu",
		    (unsigned long long)leaked, (unsigned long long)first);
}

int
verify_commit_slot(const struct img *im)
{
	int newest = img_newest(im);

	return newest < 0 ? -1 : (newest + 1) % STORE_SB_RING;
}

/*
 * Verify im; problems go to pr. gen 0: every valid generation. Returns
 * the number of generations checked.
 */
int
verify_image(const struct img *im, uint64_t gen, struct problems *pr)
{
	struct decoded dcs[STORE_SB_RING];
	int ndc = 0, newest = img_newest(im);

	verify_boot(im, pr);
	for (int s = 0; s < STORE_SB_RING; s++)
		if (!im->gen[s].valid && im->gen[s].why[0] != 0 &&
		    s != verify_commit_slot(im))
			prob_add(pr, "block %d (superblock slot %d): %s", s, s,
			    im->gen[s].why);
	if (newest < 0) {
		prob_add(pr, "no valid generation in the superblock ring");
		return 0;
	}
	for (int s = 0; s < STORE_SB_RING; s++) {
		struct problems gp = { 0 };

		if (!im->gen[s].valid || (gen != 0 &&
		    im->gen[s].sb.hdr.generation != gen))
			continue;
		img_decode(im, s, &dcs[ndc], &gp);
		verify_objects(&dcs[ndc], &gp);
		for (size_t i = 0; i < gp.n; i++)
			prob_add(pr, "generation %llu: %s", (unsigned long long)
			    im->gen[s].sb.hdr.generation, gp.msg[i]);
		pr->dropped += gp.dropped;
		prob_free(&gp);
		ndc++;
	}
	if (gen == 0)
		check_leaks(im, dcs, ndc, newest, pr);
	for (int i = 0; i < ndc; i++)
		img_decoded_free(&dcs[i]);
	return ndc;
}

int
cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "generation", required_argument, NULL, 'g' },
		{ "max", required_argument, NULL, 'm' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t gen = 0, max = 20;
	struct problems pr = { 0 };
	struct img im;
	char err[256];
	int c, quiet = 0, ngen = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
		switch (c) {
		case 'g':
			if (cmd_parse_gen("verify", optarg, &gen) != 0)
				return 2;
			break;
		case 'm':
			if (mki_parse_u64(optarg, &max) != 0) {
				fprintf(stderr, "mkimage verify: bad --max "
				    "'%s'\n", optarg);
				return 2;
			}
			break;
		case 'q':
			quiet = 1;
			break;
		case 'h':
			fputs(verify_usage, stdout);
			return 0;
		default:
			fputs(verify_usage, stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		fputs(verify_usage, stderr);
		return 2;
	}
	if (img_open_file(&im, argv[optind], err, sizeof(err)) != 0) {
		fprintf(stderr, "mkimage verify: %s\n", err);
		return 1;
	}
	if (gen != 0 && img_find_gen(&im, gen) < 0)
		prob_add(&pr, "generation %llu is not a valid generation of "
		    "this image", (unsigned long long)gen);
	else
		ngen = verify_image(&im, gen, &pr);
	if (pr.n == 0) {
		int s = verify_commit_slot(&im);

		if (!quiet)
			printf("mkimage verify: %s: ok (%d generation%s, "
			    "newest %llu)\n", argv[optind], ngen,
			    ngen == 1 ? "" : "s", (unsigned long long)
			    im.gen[img_newest(&im)].sb.hdr.generation);
		if (!quiet && pr.stale_caps > 0)
			printf("  note: %zu stale capabilities (to objects "
			    "rescinded or freed since; they act as null)\n",
			    pr.stale_caps);
		if (!quiet && s >= 0 && im.gen[s].why[0] != 0)
			printf("  note: block %d (superblock slot %d): %s: the "
			    "slot the next commit writes, as a commit cut "
			    "short leaves it (the kernel skips it too)\n", s,
			    s, im.gen[s].why);
		img_close(&im);
		return 0;
	}
	fprintf(stderr, "mkimage verify: %s: %zu problem%s\n", argv[optind],
	    pr.n + pr.dropped, pr.n + pr.dropped == 1 ? "" : "s");
	for (size_t i = 0; i < pr.n && i < max; i++)
		fprintf(stderr, "  %s\n", pr.msg[i]);
	if (pr.n > max)
		fprintf(stderr, "  ... %zu more\n", pr.n + pr.dropped - max);
	prob_free(&pr);
	img_close(&im);
	return 1;
}
