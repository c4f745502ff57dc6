/*
 * cmd_inspect.c - "mkimage inspect IMAGE": decode one generation into an
 * in-memory catalog and print a summary, JSON, the capability graph in
 * DOT, or the result of an SQL query over the catalog.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "cmd.h"
#include "decode.h"
#include "report.h"
#include "util.h"
#include "verify.h"

static const char inspect_usage[] =
"usage: mkimage inspect IMAGE [options]\n"
"\n"
"Decode a disk image as the system left it and explain it: generations,\n"
"processes (state, rip with its symbol, program), banks and usage, each\n"
"address space's segments and page counts, and the capability graph.\n"
"The catalog it builds has the schema of the .db that build writes\n"
"(docs/mkimage.md).\n"
"\n"
"  --generation N        decode generation N (default: the newest valid)\n"
"  --sql QUERY           print the rows of an SQL query on the catalog\n"
"  --json                print JSON instead of text (also for --sql)\n"
"  --dot                 print the capability graph in Graphviz DOT\n"
"  -h, --help            this text\n";

/* Fill db from im's generation in slot; problems go to pr. */
int
inspect_catalog(const struct img *im, int slot, sqlite3 *db,
    struct problems *pr)
{
	struct decoded dc;
	int rc;

	catalog_set(db, "cmdline", im->have_boot ? im->boot.cmdline : NULL, 0);
	catalog_set(db, "store_lba", NULL, (long long)im->store_lba);
	catalog_set(db, "store_blocks", NULL, (long long)im->store_blocks);
	catalog_set(db, "store_id", NULL, (long long)im->store_id);
	for (int s = 0; s < STORE_SB_RING; s++) {
		const struct img_gen *g = &im->gen[s];
		struct catalog_gen cg = { 0 };

		if (!g->valid && g->why[0] == 0)
			continue;	/* never written */
		cg.slot = s;
		cg.valid = g->valid;
		cg.current = s == slot;
		cg.why = g->why;
		if (g->valid) {
			cg.generation = g->sb.hdr.generation;
			cg.time_ns = g->sb.time_ns;
			cg.clock_ns = g->sb.clock_ns;
			cg.used_blocks = g->sb.used_blocks;
			for (int t = 0; t < STORE_OT_MAX; t++)
				cg.counts[t] = g->sb.obj_count[t];
		}
		catalog_add_gen(db, &cg);
	}
	img_decode(im, slot, &dc, pr);
	verify_objects(&dc, pr);
	catalog_set(db, "generation", NULL,
	    (long long)dc.sb.hdr.generation);
	rc = catalog_fill(db, &dc.os, &dc.mf);
	img_decoded_free(&dc);
	return rc;
}

int
cmd_inspect(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "generation", required_argument, NULL, 'g' },
		{ "sql", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "dot", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *sql = NULL;
	uint64_t gen = 0;
	int c, json = 0, dot = 0, slot, rc = 1;
	struct problems pr = { 0 };
	struct img im;
	sqlite3 *db;
	char err[256];

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'g':
			if (cmd_parse_gen("inspect", optarg, &gen) != 0)
				return 2;
			break;
		case 's': sql = optarg; break;
		case 'j': json = 1; break;
		case 'd': dot = 1; break;
		case 'h':
			fputs(inspect_usage, stdout);
			return 0;
		default:
			fputs(inspect_usage, stderr);
			return 2;
		}
	}
	if (optind != argc - 1 || (dot && (json || sql != NULL))) {
		fputs(inspect_usage, stderr);
		return 2;
	}
	if (img_open_file(&im, argv[optind], err, sizeof(err)) != 0) {
		fprintf(stderr, "mkimage inspect: %s\n", err);
		return 1;
	}
	slot = gen ? img_find_gen(&im, gen) : img_newest(&im);
	if (slot < 0) {
		if (gen)
			fprintf(stderr, "mkimage inspect: %s: generation %llu "
			    "is not valid in this image\n", argv[optind],
			    (unsigned long long)gen);
		else
			fprintf(stderr, "mkimage inspect: %s: no valid "
			    "generation (mkimage verify tells why)\n",
			    argv[optind]);
		img_close(&im);
		return 1;
	}
	db = catalog_open(NULL);
	if (db == NULL || inspect_catalog(&im, slot, db, &pr) != 0)
		goto out;
	if (sql != NULL)
		rc = report_query(db, sql, json, stdout);
	else if (dot)
		rc = report_dot(db, stdout);
	else if (json)
		rc = report_json(db, &pr, stdout);
	else {
		printf("image %s: cmdline \"%s\", store of %llu blocks at "
		    "sector %llu\n", argv[optind], im.have_boot ?
		    im.boot.cmdline : "?", (unsigned long long)im.store_blocks,
		    (unsigned long long)im.store_lba);
		rc = report_text(db, stdout);
	}
	rc = rc != 0;
	if (pr.n != 0 && !json)
		fprintf(stderr, "mkimage inspect: warning: %zu problems in "
		    "this generation; 'mkimage verify' lists them\n",
		    pr.n + pr.dropped);
out:
	if (db != NULL)
		sqlite3_close(db);
	prob_free(&pr);
	img_close(&im);
	return rc;
}
