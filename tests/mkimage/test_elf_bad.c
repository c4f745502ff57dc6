/*
 * test_elf_bad.c - host tests of mkimage's ELF reader on bad input: every
 * malformed file of the corpus (tests/elf/mkbad.py, listed with its
 * expected error in bad/expected.txt) must be rejected with that error,
 * every strict prefix of a valid program must be rejected, and no
 * single-byte change to a valid program may crash the reader (the build
 * uses ASan and UBSan). Suite "elf_bad", one test per corpus file.
 */
#include <stdint.h>
#include <string.h>

#include "mkimage/elf.h"
#include "tests/host/check.h"
#include "tests/mkimage/test_elf_io.h"

#define MAX_CASES	256
#define MIN_CASES	60	/* fewer means the corpus went missing */

struct bad_case {
	char	file[64];
	char	want[128];
};

static struct bad_case bad[MAX_CASES];
static size_t nbad;
static const char *cur_file, *cur_want;
static char err[256];

/* Read bad/expected.txt; returns -1 if it cannot be read or parsed. */
static int
read_manifest(void)
{
	char path[1024], line[256];
	FILE *f;
	int rc = 0;

	snprintf(path, sizeof(path), "%s/bad/expected.txt", ELF_CORPUS_DIR);
	f = fopen(path, "r");
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		char *tab = strchr(line, '\t');

		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (tab == NULL || nbad == MAX_CASES ||
		    (size_t)(tab - line) >= sizeof(bad[0].file) ||
		    strlen(tab + 1) >= sizeof(bad[0].want)) {
			rc = -1;
			break;
		}
		memcpy(bad[nbad].file, line, (size_t)(tab - line));
		strcpy(bad[nbad].want, tab + 1);
		nbad++;
	}
	fclose(f);
	return rc;
}

/* Load buf; if it loads, relocate it (PIE) and touch every segment. */
static int
try_load(const uint8_t *buf, size_t len)
{
	struct elf_image *img = NULL;
	int rc;

	err[0] = 'x';
	rc = elf_load(buf, len, &img, err, sizeof(err));
	if (rc != 0) {
		if (img != NULL || err[0] == '\0' || strchr(err, '\n'))
			check_fail("bad failure: image %p, error '%s'",
			    (void *)img, err);
		return rc;
	}
	if (img->type == ELF_TYPE_DYN &&
	    elf_relocate(img, 0x10000000000ull, err, sizeof(err)) != 0 &&
	    elf_relocate(img, 0, err, sizeof(err)) != 0)
		check_fail("loaded but cannot be relocated: %s", err);
	for (size_t i = 0; i < img->nsegs; i++) {
		const struct elf_segment *s = &img->segs[i];
		uint8_t b;

		if (elf_read(img, s->vaddr + s->memsz - 1, &b, 1) != 0)
			check_fail("segment %zu unreadable", i);
	}
	elf_free(img);
	return 0;
}

static void
test_one_bad(void)
{
	char name[128];
	uint8_t *buf;
	size_t len;

	snprintf(name, sizeof(name), "bad/%s", cur_file);
	buf = corpus_read(name, &len);
	CHECK_MSG(buf != NULL, "cannot read %s", name);
	if (try_load(buf, len) == 0)
		check_fail("%s loaded; want error '%s'", name, cur_want);
	else if (strstr(err, cur_want) == NULL)
		check_fail("%s: error '%s', want '%s'", name, err, cur_want);
	free(buf);
}

static void
test_manifest(void)
{
	CHECK_MSG(nbad >= MIN_CASES, "%zu malformed files listed in "
	    "%s/bad/expected.txt, want >= %d", nbad, ELF_CORPUS_DIR,
	    MIN_CASES);
}

/* Every strict prefix of a valid program is rejected. */
static void
prefixes(const char *file)
{
	size_t len;
	uint8_t *buf = corpus_read(file, &len);

	CHECK_MSG(buf != NULL, "cannot read %s", file);
	for (size_t n = 0; n < len && !check_failed; n++) {
		uint8_t *cut = malloc(n ? n : 1);	/* exact: for ASan */

		CHECK(cut != NULL);
		memcpy(cut, buf, n);
		if (try_load(cut, n) == 0)
			check_fail("%s cut to %zu bytes loaded", file, n);
		free(cut);
	}
	CHECK(try_load(buf, len) == 0);
	free(buf);
}

static void
test_prefixes(void)
{
	prefixes("compact.elf");
	prefixes("pie.elf");
}

/*
 * Change every byte of the first limit bytes of file to several values,
 * and load each result: only sanitizers and try_load's checks can fail.
 */
static void
byteflips(const char *file, size_t limit, size_t *nok)
{
	static const int delta[] = { 0x01, 0x80, 0xff, -1 };	/* -1: zero */
	size_t len;
	uint8_t *buf = corpus_read(file, &len);

	CHECK_MSG(buf != NULL, "cannot read %s", file);
	if (limit > len)
		limit = len;
	for (size_t i = 0; i < limit && !check_failed; i++) {
		uint8_t old = buf[i];

		for (size_t d = 0; d < sizeof(delta) / sizeof(delta[0]); d++) {
			buf[i] = delta[d] < 0 ? 0 : (uint8_t)(old ^ delta[d]);
			if (buf[i] != old && try_load(buf, len) == 0)
				(*nok)++;
		}
		buf[i] = old;
	}
	free(buf);
}

static void
test_byteflips(void)
{
	size_t nok = 0;

	byteflips("compact.elf", SIZE_MAX, &nok);
	byteflips("pie.elf", SIZE_MAX, &nok);
	byteflips("sym.elf", SIZE_MAX, &nok);
	byteflips("pie_relr.elf", SIZE_MAX, &nok);
	/* Some changes are harmless (padding, notes): loads must happen. */
	CHECK_MSG(nok > 0, "no changed file loaded");
	printf("byteflips: %zu changed files loaded\n", nok);
}

int
main(void)
{
	static const struct check_case fixed[] = {
		CHECK_CASE(test_manifest),
		CHECK_CASE(test_prefixes),
		CHECK_CASE(test_byteflips),
	};
	const char *suite = "elf_bad";
	int bad_run = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (read_manifest() != 0)
		nbad = 0;		/* test_manifest reports it */
	CHECK_PLAN(suite, CHECK_COUNT(fixed) + nbad);
	for (size_t i = 0; i < CHECK_COUNT(fixed) + nbad; i++) {
		char name[96];

		check_failed = 0;
		check_reason[0] = '\0';
		if (i < CHECK_COUNT(fixed)) {
			snprintf(name, sizeof(name), "%s", fixed[i].name + 5);
			fixed[i].fn();
		} else {
			struct bad_case *b = &bad[i - CHECK_COUNT(fixed)];

			snprintf(name, sizeof(name), "bad_%.*s",
			    (int)strcspn(b->file, "."), b->file);
			cur_file = b->file;
			cur_want = b->want;
			test_one_bad();
		}
		if (check_failed) {
			CHECK_FAIL(suite, name, check_reason);
			bad_run = 1;
		} else
			CHECK_PASS(suite, name);
	}
	CHECK_DONE(suite);
	return bad_run;
}
