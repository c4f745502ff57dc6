/*
 * cap.h - the 16-byte capability, identical in memory, in objects and on
 * disk (the kernel may replace oid by a prepared pointer in its own copy,
 * never in a stored one).
 *
 * Invariant: a capability is valid only while alloc_count equals the
 * allocation count of the object its oid names; a null capability is all
 * zero. Fields are little-endian.
 */
#pragma once

#include <stdint.h>
#include <abi/types.h>

enum captype {
#define CAPTYPE(name, code, ot)	CT_##name = code,
#include <abi/captype.def>
#undef CAPTYPE
	CT_MAX			/* one past the highest capability type */
};

/* Restrictions (Coyotos): each only removes authority. */
#define CAP_R_WEAK	0x01	/* caps fetched through it are made weak+RO */
#define CAP_R_RO	0x02	/* no writes through this memory cap */
#define CAP_R_NX	0x04	/* no instruction fetch through it */
#define CAP_R_OPAQUE	0x08	/* memory cap may be mapped, not inspected */
#define CAP_R_NOCALL	0x10	/* entry cap: send only, no reply cap made */
#define CAP_R_ALL	0x1f

/*
 * aux holds a type-specific 16-bit value:
 * - memory caps (PAGE, CAPPAGE, GPT): the guard. Low byte l2g, high byte
 *   match. An address a arriving at the capability (relative to the span
 *   of the slot holding it) must satisfy a >> l2g == match; the object
 *   then sees a & ((1 << l2g) - 1). l2g == 0 means "no guard": the
 *   object's own span is used and the upper bits must be zero.
 * - ENTRY: the protected payload handed to the receiver.
 * - REPLY: bits 32..47 of the caller's reply sequence (alloc_count holds
 *   bits 0..31; abi/process.h, REPLY_SEQ_LIMIT).
 * - all other types: zero.
 */
struct cap {
	uint8_t		type;		/* CT_* */
	uint8_t		restr;		/* CAP_R_* */
	uint16_t	aux;		/* guard or payload, see above */
	uint32_t	alloc_count;	/* must match the object's */
	oid_t		oid;		/* OID_MAKE(OT_*, index); 0 if none */
};

_Static_assert(sizeof(struct cap) == 16, "cap is 16 bytes");
_Static_assert(__builtin_offsetof(struct cap, restr) == 1, "");
_Static_assert(__builtin_offsetof(struct cap, aux) == 2, "");
_Static_assert(__builtin_offsetof(struct cap, alloc_count) == 4, "");
_Static_assert(__builtin_offsetof(struct cap, oid) == 8, "");

#define CAP_GUARD(l2g, match)	((uint16_t)(((match) & 0xff) << 8 | ((l2g) & 0xff)))
#define CAP_GUARD_L2G(c)	((unsigned)((c)->aux & 0xff))
#define CAP_GUARD_MATCH(c)	((unsigned)((c)->aux >> 8))
