/*
 * build_banktable.c - the bank table of abi/bank.h for the space bank:
 * the parent of every declared bank, in read-only pages reached through
 * a weak cap page, made the first time a `cap N banktable` asks for it
 * and shared by every cap to it, charged to the default bank. It is how
 * the bank server learns the tree of banks the description declared;
 * which OIDs mkimage used it asks the kernel (OC_RANGE_LIMIT).
 */
#include <stdlib.h>
#include <string.h>

#include <abi/bank.h>
#include <abi/obj.h>

#include "build.h"
#include "util.h"

int
build_banktable(struct build *b, int line, struct cap *out)
{
	const struct mki_desc *d = b->d;
	uint32_t bank = build_bank(b, NULL);
	struct bank_table h = { .magic = BANK_TABLE_MAGIC };
	uint64_t len, npages;
	struct cappage *cp;
	uint8_t *buf;

	if (b->banktable.type != CT_NULL) {
		*out = b->banktable;
		return 0;
	}
	if (d->nbanks > BANK_PAYLOAD_INDEX) {
		build_error(b, line, "banktable: %zu banks, a bank table holds "
		    "at most %u", d->nbanks, BANK_PAYLOAD_INDEX);
		return -1;
	}
	h.nbanks = (uint32_t)d->nbanks;
	len = BANK_TABLE_PARENT(d->nbanks + 1);
	npages = (len + PAGE_SIZE - 1) / PAGE_SIZE;
	if (build_room(b, line, "bank table for", "banktable",
	    (uint64_t[OT_MAX]){ [OT_PAGE] = npages, [OT_CAPPAGE] = 1 },
	    npages) != 0)
		return -1;
	buf = mki_alloc(npages * PAGE_SIZE);
	memcpy(buf, &h, sizeof(h));
	for (size_t i = 0; i < d->nbanks; i++) {
		const struct mki_bank *bk = &d->banks[i];
		uint16_t parent = bk->parent != NULL ?
		    (uint16_t)mki_find_bank(d, bk->parent)->id : 0;

		memcpy(buf + BANK_TABLE_PARENT(bk->id), &parent, 2);
	}
	cp = mki_alloc(PAGE_SIZE);
	for (uint64_t k = 0; k < npages; k++) {
		uint8_t *data = mki_alloc(PAGE_SIZE);

		memcpy(data, buf + k * PAGE_SIZE, PAGE_SIZE);
		b->data_copies++;
		cp->slot[k] = os_cap(&b->os, CT_PAGE, os_new_page(&b->os, bank,
		    data), CAP_R_RO | CAP_R_NX, 0);
	}
	free(buf);
	b->banktable = os_cap(&b->os, CT_CAPPAGE, os_new_cpage(&b->os, bank,
	    (uint8_t *)cp), CAP_R_WEAK | CAP_R_RO, 0);
	*out = b->banktable;
	return 0;
}
