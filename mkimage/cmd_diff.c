/*
 * cmd_diff.c - "mkimage diff IMAGE A B": the objects that changed between
 * two kept generations of a store, grouped by type.
 *
 * The two generations' OID map trees are walked side by side. Maps are
 * copy-on-write, so a subtree neither generation rewrote is reached
 * through the same block pointer (block, birth, CRC) in both; such a
 * subtree is skipped without being read, and the cost follows the
 * change, not the store's size. Every block read is checked (pointer,
 * header, CRC) as decode does; damage makes the diff fail, not guess.
 * Entries are never removed from a map (a freed object keeps its entry
 * with a bumped allocation count), so "freed" is reported only if an
 * entry used in A is unused in B, which today's kernel never writes.
 * cmd_find_gen(), which rollback shares, lives here too.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lib/storefmt.h>

#include "cmd.h"
#include "decode.h"
#include "manifest.h"
#include "report.h"
#include "util.h"

static const char diff_usage[] =
"usage: mkimage diff IMAGE A B [options]\n"
"\n"
"List the objects that changed from generation A to generation B of a\n"
"disk image (both must be valid kept generations; 'mkimage inspect'\n"
"lists them): created, changed (contents or allocation count) and freed,\n"
"grouped by object type, processes with their names. Subtrees of the\n"
"OID maps that both generations share are skipped unread.\n"
"Exits 0, 1 if a generation is not kept or a block is damaged, 2 on\n"
"usage errors.\n"
"\n"
"  --json                print JSON instead of text\n"
"  -h, --help            this text\n";

enum { CH_CREATED, CH_CHANGED, CH_FREED, CH_MAX };
static const char *const ch_name[CH_MAX] = { "created", "changed", "freed" };

struct change {
	unsigned	ot;
	unsigned	kind;		/* CH_* */
	oid_t		oid;
	uint32_t	ac_a, ac_b;	/* allocation counts (0: no entry) */
	int		content;	/* contents differ (CH_CHANGED) */
};

struct diff {
	const struct img *im;
	uint64_t	gen_a, gen_b;
	struct problems	pr;
	struct change	*ch;
	size_t		nch, capch_;
	uint64_t	read, skipped;	/* map blocks read, subtrees shared */
};

static int
null_bp(const struct store_bptr *bp)
{
	return bp == NULL || bp->block == 0;
}

/* Read and check the map block bp of generation gen; NULL if damaged. */
static const uint8_t *
read_map(struct diff *d, const struct store_bptr *bp, unsigned level,
    uint64_t key, uint64_t gen)
{
	unsigned kind = level ? STORE_BK_MAPNODE : STORE_BK_MAPLEAF;
	const uint8_t *blk;
	const char *why;

	why = store_bptr_problem(bp, kind, level, gen, d->im->store_blocks);
	if (why == NULL && (blk = img_block(d->im, bp->block)) == NULL)
		why = "past the end of the image";
	if (why == NULL)
		why = store_check_block(blk, bp, d->im->store_id, key);
	if (why != NULL) {
		prob_add(&d->pr, "generation %llu: map block %llu: %s",
		    (unsigned long long)gen, (unsigned long long)bp->block,
		    why);
		return NULL;
	}
	d->read++;
	return blk;
}

static uint32_t
entry_ac(unsigned ot, const uint8_t *e)
{
	struct store_ref ref;
	struct obj_hdr oh;

	if (ot == OT_PAGE || ot == OT_CAPPAGE) {
		memcpy(&ref, e, sizeof(ref));
		return ref.alloc_count;
	}
	memcpy(&oh, e, sizeof(oh));
	return oh.alloc_count;
}

static void
add_change(struct diff *d, unsigned ot, uint64_t idx, unsigned kind,
    const uint8_t *ea, const uint8_t *eb)
{
	struct change *c;

	mki_grow(&d->ch, &d->capch_, d->nch + 1, sizeof(*d->ch));
	c = &d->ch[d->nch++];
	memset(c, 0, sizeof(*c));
	c->ot = ot;
	c->kind = kind;
	c->oid = OID_MAKE(ot, idx);
	if (ea != NULL)
		c->ac_a = entry_ac(ot, ea);
	if (eb != NULL)
		c->ac_b = entry_ac(ot, eb);
	if (ea != NULL && eb != NULL) {
		/* Contents: everything but the allocation count. */
		size_t esz = store_entry_size(ot);
		size_t off = ot == OT_PAGE || ot == OT_CAPPAGE ?
		    offsetof(struct store_ref, alloc_count) :
		    offsetof(struct obj_hdr, alloc_count);

		c->content = memcmp(ea, eb, off) != 0 ||
		    memcmp(ea + off + 4, eb + off + 4, esz - off - 4) != 0;
	}
}

static void
diff_leaf(struct diff *d, unsigned ot, const uint8_t *la, const uint8_t *lb,
    uint64_t key)
{
	uint32_t per = store_leaf_slots(ot), esz = store_entry_size(ot);
	size_t h = sizeof(struct store_blkhdr);

	for (uint32_t s = 0; s < per; s++) {
		const uint8_t *ea = la ? la + h + (size_t)s * esz : NULL;
		const uint8_t *eb = lb ? lb + h + (size_t)s * esz : NULL;
		int ua = ea != NULL && store_entry_used(ot, ea);
		int ub = eb != NULL && store_entry_used(ot, eb);

		if (!ua && ub)
			add_change(d, ot, key + s, CH_CREATED, NULL, eb);
		else if (ua && !ub)	/* a free entry shows its kept count */
			add_change(d, ot, key + s, CH_FREED, ea, eb);
		else if (ua && ub && memcmp(ea, eb, esz) != 0)
			add_change(d, ot, key + s, CH_CHANGED, ea, eb);
	}
}

/*
 * Compare the subtree a (level la, generation A) with b (level lb,
 * generation B), both covering keys from key. Either may be null. The
 * root of a grown map is higher than the old root, which its child 0
 * then corresponds to.
 */
static void
diff_tree(struct diff *d, unsigned ot, const struct store_bptr *a,
    unsigned la, const struct store_bptr *b, unsigned lb, uint64_t key)
{
	const uint8_t *ba = NULL, *bb = NULL;
	unsigned level;

	if (null_bp(a) && null_bp(b))
		return;
	if (null_bp(a))
		la = lb;
	if (null_bp(b))
		lb = la;
	if (la == lb && !null_bp(a) && !null_bp(b) && a->block == b->block &&
	    a->crc == b->crc && a->birth == b->birth) {
		d->skipped++;
		return;
	}
	level = la > lb ? la : lb;
	if (la == level && !null_bp(a) &&
	    (ba = read_map(d, a, la, key, d->gen_a)) == NULL)
		return;
	if (lb == level && !null_bp(b) &&
	    (bb = read_map(d, b, lb, key, d->gen_b)) == NULL)
		return;
	if (level == 0) {
		diff_leaf(d, ot, ba, bb, key);
		return;
	}
	uint64_t span = store_span(store_leaf_slots(ot), level);
	const struct store_node *na = (const void *)ba;
	const struct store_node *nb = (const void *)bb;

	for (unsigned i = 0; i < STORE_FANOUT; i++) {
		const struct store_bptr *ca = NULL, *cb = NULL;

		/* The lower side (if any) lies wholly under child 0. */
		if (la == level)
			ca = na ? &na->child[i] : NULL;
		else if (i == 0)
			ca = a;
		if (lb == level)
			cb = nb ? &nb->child[i] : NULL;
		else if (i == 0)
			cb = b;
		diff_tree(d, ot, ca, la == level ? level - 1 : la, cb,
		    lb == level ? level - 1 : lb, key + i * span);
	}
}

/* Decode the manifest chain of sb into *mf; 0, or -1 if unreadable. */
static int
read_manifest(struct diff *d, const struct store_super *sb,
    struct manifest *mf)
{
	struct store_bptr bp = sb->manifest;
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0;
	char err[128];
	int rc;

	memset(mf, 0, sizeof(*mf));
	while (bp.block != 0) {
		const struct store_manifest *m;
		const uint8_t *blk = NULL;
		const char *why;

		why = store_bptr_problem(&bp, STORE_BK_MANIFEST, 0,
		    sb->hdr.generation, d->im->store_blocks);
		if (why == NULL && (blk = img_block(d->im, bp.block)) == NULL)
			why = "past the end of the image";
		if (why == NULL)
			why = store_check_block(blk, &bp, d->im->store_id, len);
		m = (const void *)blk;
		if (why == NULL && m->hdr.count > STORE_MANIFEST_BYTES)
			why = "count exceeds the block";
		if (why != NULL || len > d->im->store_blocks *
		    STORE_BLOCK_SIZE) {
			free(buf);
			return -1;
		}
		mki_grow(&buf, &cap, len + m->hdr.count + 1, 1);
		memcpy(buf + len, m->bytes, m->hdr.count);
		len += m->hdr.count;
		bp = m->next;
	}
	if (len == 0)
		return -1;
	rc = mf_decode(buf, len, mf, err, sizeof(err));
	free(buf);
	return rc;
}

static int
cmp_change(const void *x, const void *y)
{
	const struct change *a = x, *b = y;

	if (a->ot != b->ot)
		return a->ot < b->ot ? -1 : 1;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	return a->oid < b->oid ? -1 : a->oid > b->oid;
}

static void
print_text(const struct diff *d, const char *path, const struct manifest *mf,
    int have_mf)
{
	printf("image %s: generation %llu -> %llu: %zu objects differ\n",
	    path, (unsigned long long)d->gen_a, (unsigned long long)d->gen_b,
	    d->nch);
	for (size_t i = 0; i < d->nch; ) {
		unsigned ot = d->ch[i].ot;
		size_t n[CH_MAX] = { 0 }, j;

		for (j = i; j < d->nch && d->ch[j].ot == ot; j++)
			n[d->ch[j].kind]++;
		printf("  %s: %zu created, %zu changed, %zu freed\n",
		    store_ot_name(ot), n[CH_CREATED], n[CH_CHANGED],
		    n[CH_FREED]);
		for (; i < j; i++) {
			const struct change *c = &d->ch[i];
			const char *name = have_mf ?
			    mf_name_of(mf, c->oid) : NULL;

			printf("    %-7s %#llx", ch_name[c->kind],
			    (unsigned long long)c->oid);
			if (name != NULL)
				printf("  %s", name);
			if (c->kind == CH_CHANGED && c->content)
				printf("  contents");
			if (c->ac_a != c->ac_b)
				printf("  alloc count %u -> %u", c->ac_a,
				    c->ac_b);
			printf("\n");
		}
	}
	printf("map blocks read %llu, shared subtrees skipped %llu\n",
	    (unsigned long long)d->read, (unsigned long long)d->skipped);
}

static void
print_json(const struct diff *d, const char *path, const struct manifest *mf,
    int have_mf)
{
	printf("{\"image\": ");
	json_string(stdout, path);
	printf(", \"from\": %llu, \"to\": %llu, \"map_blocks_read\": %llu, "
	    "\"shared_subtrees_skipped\": %llu, \"changes\": [",
	    (unsigned long long)d->gen_a, (unsigned long long)d->gen_b,
	    (unsigned long long)d->read, (unsigned long long)d->skipped);
	for (size_t i = 0; i < d->nch; i++) {
		const struct change *c = &d->ch[i];
		const char *name = have_mf ? mf_name_of(mf, c->oid) : NULL;

		printf("%s\n  {\"type\": \"%s\", \"oid\": %llu, \"change\": "
		    "\"%s\", \"name\": ", i ? "," : "", store_ot_name(c->ot),
		    (unsigned long long)c->oid, ch_name[c->kind]);
		if (name != NULL)
			json_string(stdout, name);
		else
			printf("null");
		printf(", \"contents\": %s, \"alloc_count_from\": %u, "
		    "\"alloc_count_to\": %u}", c->content ? "true" : "false",
		    c->ac_a, c->ac_b);
	}
	printf("\n]}\n");
}

int
cmd_parse_gen(const char *cmd, const char *arg, uint64_t *gen)
{
	if (mki_parse_u64(arg, gen) != 0 || *gen == 0) {
		fprintf(stderr, "mkimage %s: bad generation '%s'\n", cmd, arg);
		return -1;
	}
	return 0;
}

int
cmd_find_gen(const struct img *im, const char *cmd, const char *path,
    uint64_t gen)
{
	int slot = img_find_gen(im, gen), done[STORE_SB_RING] = { 0 };

	if (slot >= 0)
		return slot;
	fprintf(stderr, "mkimage %s: %s: generation %llu is not a valid kept "
	    "generation; kept:", cmd, path, (unsigned long long)gen);
	for (int k = 0; k < STORE_SB_RING; k++) {
		int low = -1;

		for (int s = 0; s < STORE_SB_RING; s++)
			if (im->gen[s].valid && !done[s] && (low < 0 ||
			    im->gen[s].sb.hdr.generation <
			    im->gen[low].sb.hdr.generation))
				low = s;
		if (low < 0)
			break;
		done[low] = 1;
		fprintf(stderr, " %llu",
		    (unsigned long long)im->gen[low].sb.hdr.generation);
	}
	fprintf(stderr, "\n");
	return -1;
}

int
cmd_diff(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct diff d;
	struct manifest mf;
	struct img im;
	int c, json = 0, sa, sb, have_mf, rc = 1;
	char err[256];

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case 'h':
			fputs(diff_usage, stdout);
			return 0;
		default:
			fputs(diff_usage, stderr);
			return 2;
		}
	}
	memset(&d, 0, sizeof(d));
	if (optind != argc - 3 ||
	    mki_parse_u64(argv[optind + 1], &d.gen_a) != 0 ||
	    mki_parse_u64(argv[optind + 2], &d.gen_b) != 0) {
		fputs(diff_usage, stderr);
		return 2;
	}
	if (img_open_file(&im, argv[optind], err, sizeof(err)) != 0) {
		fprintf(stderr, "mkimage diff: %s\n", err);
		return 1;
	}
	d.im = &im;
	if ((sa = cmd_find_gen(&im, "diff", argv[optind], d.gen_a)) < 0 ||
	    (sb = cmd_find_gen(&im, "diff", argv[optind], d.gen_b)) < 0) {
		img_close(&im);
		return 1;
	}
	for (unsigned ot = 1; ot < OT_MAX; ot++) {
		const struct store_bptr *ra = &im.gen[sa].sb.map_root[ot];
		const struct store_bptr *rb = &im.gen[sb].sb.map_root[ot];

		diff_tree(&d, ot, ra, ra->level, rb, rb->level, 0);
	}
	if (d.nch != 0)		/* qsort() must not see NULL */
		qsort(d.ch, d.nch, sizeof(*d.ch), cmp_change);
	have_mf = read_manifest(&d, &im.gen[sb].sb, &mf) == 0;
	if (d.pr.n != 0) {
		for (size_t i = 0; i < d.pr.n; i++)
			fprintf(stderr, "mkimage diff: %s\n", d.pr.msg[i]);
		fprintf(stderr, "mkimage diff: damaged map; 'mkimage verify' "
		    "tells more\n");
	} else {
		if (json)
			print_json(&d, argv[optind], &mf, have_mf);
		else
			print_text(&d, argv[optind], &mf, have_mf);
		rc = 0;
	}
	if (have_mf)
		mf_free(&mf);
	free(d.ch);
	prob_free(&d.pr);
	img_close(&im);
	return rc;
}
