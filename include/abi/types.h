/*
 * types.h - scalar types and constants every ABI header shares: the page
 * size, OIDs and object types.
 *
 * An OID is 64 bits: the top byte is the object type (OT_*), the low 56
 * bits the object's index within that type. OIDs are thus unique across
 * types, and the store keeps one OID map tree per type.
 */
#pragma once

#include <stdint.h>

#define PAGE_SHIFT	12
#define PAGE_SIZE	4096u

typedef uint64_t	oid_t;

enum objtype {
	OT_NONE = 0,
#define OBJTYPE(name, code, full)	OT_##name = code,
#include <abi/objtype.def>
#undef OBJTYPE
	OT_MAX			/* one past the highest object type */
};

#define OID_TYPE_SHIFT	56
#define OID_INDEX_MASK	((UINT64_C(1) << OID_TYPE_SHIFT) - 1)
#define OID_MAKE(type, index)	\
	(((uint64_t)(type) << OID_TYPE_SHIFT) | ((uint64_t)(index) & OID_INDEX_MASK))
#define OID_TYPE(oid)	((unsigned)((uint64_t)(oid) >> OID_TYPE_SHIFT))
#define OID_INDEX(oid)	((uint64_t)(oid) & OID_INDEX_MASK)

/*
 * Virtual addresses are 48 bits; user space is the lower half. Its last
 * page is never mapped (USER_MAP_END), as Linux reserves it: no
 * instruction can then end at the top of the user half, whose successor
 * (a `syscall`'s return address) would not be canonical, and no CPU
 * speculates off the end of canonical space from code there (an AMD
 * erratum).
 */
#define VA_BITS		48
#define USER_VA_END	(UINT64_C(1) << 47)
#define USER_MAP_END	(USER_VA_END - PAGE_SIZE)
