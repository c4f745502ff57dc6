/*
 * obj.h - the header every stored non-page object starts with, and the
 * capability page. Pages and capability pages are stored headerless in a
 * block of their own; their allocation count lives in the OID map entry
 * that points at them (see store.h).
 *
 * Invariant: hdr.oid is the object's own OID; an unused slot in an OID
 * map leaf is all zero.
 */
#pragma once

#include <stdint.h>
#include <abi/types.h>
#include <abi/cap.h>

struct obj_hdr {
	oid_t		oid;		/* own OID; 0 = slot unused */
	uint32_t	alloc_count;	/* bumped to rescind every cap */
	uint32_t	bank;		/* id of the bank that allocated it */
};

/*
 * An allocation count never wraps: the rescind that would bring it to
 * ALLOC_COUNT_RETIRED retires the OID instead (as EROS does). No cap is
 * valid for a retired object, none is made for it again, and it cannot be
 * rescinded further (ERR_LIMIT): a cap from 2^32 rescinds ago can never
 * become valid again.
 */
#define ALLOC_COUNT_RETIRED	UINT32_MAX
_Static_assert(sizeof(struct obj_hdr) == 16, "");
_Static_assert(__builtin_offsetof(struct obj_hdr, alloc_count) == 8, "");
_Static_assert(__builtin_offsetof(struct obj_hdr, bank) == 12, "");

#define CAPPAGE_SLOTS	256

struct cappage {
	struct cap	slot[CAPPAGE_SLOTS];
};
_Static_assert(sizeof(struct cappage) == PAGE_SIZE, "a cap page fills a page");
