/*
 * fuzz_entry.c - mki_fuzz_image(): the whole image-reading path of
 * mkimage (open, decode every valid generation, verify, catalog) on one
 * untrusted buffer, for fuzz harnesses (tests/fuzz/).
 */
#include "catalog.h"
#include "cmd.h"
#include "decode.h"

int
mki_fuzz_image(const uint8_t *buf, size_t len)
{
	struct problems pr = { 0 };
	struct img im;
	char err[256];
	int n;

	if (img_open(&im, buf, len, err, sizeof(err)) != 0)
		return -1;
	verify_image(&im, 0, &pr);
	for (int s = 0; s < STORE_SB_RING; s++) {
		sqlite3 *db;

		if (!im.gen[s].valid)
			continue;
		db = catalog_open(NULL);
		if (db == NULL)
			continue;
		inspect_catalog(&im, s, db, &pr);
		sqlite3_close(db);
	}
	n = (int)(pr.n + pr.dropped);
	prob_free(&pr);
	return n;
}
