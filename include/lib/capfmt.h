/*
 * capfmt.h - the capability rules that need no kernel state, written once
 * for the kernel (cap.h, the object loader, the walk, the IPC fast path)
 * and mkimage (verify, the catalog's "valid" column).
 *
 * A capability is valid when (1) its form is right: type known,
 * restriction bits within CAP_R_ALL, OID of the object type its type
 * names (abi/captype.def); and (2) its count is current: alloc_count
 * equals the object's allocation count and that count is not
 * ALLOC_COUNT_RETIRED, or, for a REPLY cap, its 48-bit sequence
 * (cap_reply_seq) equals the process's reply_seq. The kernel adds what
 * only it knows: a REPLY cap needs its process to await the reply, an
 * ENTRY cap its payload to match when the endpoint asks for that.
 * A stored capability must also be in canonical form (cap_form_problem):
 * a null cap all zero, fields only where its type has them.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <abi/cap.h>
#include <abi/obj.h>

/* The OT_* object a capability type names (OT_NONE if none or unknown). */
static inline __attribute__((always_inline)) unsigned
cap_type_objtype(unsigned ct)
{
	switch (ct) {
#define CAPTYPE(name, code, ot)	case code: return OT_##ot;
#include <abi/captype.def>
#undef CAPTYPE
	default:
		return OT_NONE;
	}
}

/* The capability type with full authority over an object type (CT_NULL
   for OT_NONE or an unknown type). */
static inline unsigned
cap_type_full(unsigned ot)
{
	switch (ot) {
#define OBJTYPE(name, code, full)	case code: return CT_##full;
#include <abi/objtype.def>
#undef OBJTYPE
	default:
		return CT_NULL;
	}
}

/* Memory caps: PAGE, CAPPAGE, GPT. */
static inline __attribute__((always_inline)) bool
cap_is_memory(unsigned ct)
{
	return ct == CT_PAGE || ct == CT_CAPPAGE || ct == CT_GPT;
}

/*
 * Part (1) of validity for c, whose type is ct (c->type, or a constant
 * the caller has already compared it with: the type's rules then fold
 * away). False for a null cap.
 */
static inline __attribute__((always_inline)) bool
cap_form_ok_as(const struct cap *c, unsigned ct)
{
	return ct != CT_NULL && ct < CT_MAX &&
	    (c->restr & ~CAP_R_ALL) == 0 &&
	    (cap_type_objtype(ct) == OT_NONE ||
	    OID_TYPE(c->oid) == cap_type_objtype(ct));
}

static inline __attribute__((always_inline)) bool
cap_form_ok(const struct cap *c)
{
	return cap_form_ok_as(c, c->type);
}

/* A REPLY cap's sequence: alloc_count, and aux as bits 32..47. */
static inline __attribute__((always_inline)) uint64_t
cap_reply_seq(const struct cap *c)
{
	return (uint64_t)c->alloc_count | (uint64_t)c->aux << 32;
}

/*
 * Part (2) of validity: count is the object's allocation count, or for a
 * REPLY cap its process's reply_seq.
 */
static inline __attribute__((always_inline)) bool
cap_count_current_as(const struct cap *c, unsigned ct, uint64_t count)
{
	if (ct == CT_REPLY)
		return cap_reply_seq(c) == count;
	return c->alloc_count == count && count != ALLOC_COUNT_RETIRED;
}

static inline __attribute__((always_inline)) bool
cap_count_current(const struct cap *c, uint64_t count)
{
	return cap_count_current_as(c, c->type, count);
}

/*
 * Why the stored capability c is not in canonical form, or NULL: part
 * (1), a null cap all zero, no OID, count or aux on a cap that names no
 * object, aux only on ENTRY (payload), memory (guard) and REPLY
 * (sequence) caps.
 */
static inline const char *
cap_form_problem(const struct cap *c)
{
	if (c->type >= CT_MAX)
		return "unknown capability type";
	if (c->restr & ~CAP_R_ALL)
		return "unknown restriction bits";
	if (c->type == CT_NULL)
		return c->restr == 0 && c->aux == 0 && c->alloc_count == 0 &&
		    c->oid == 0 ? NULL : "null capability is not all zero";
	if (cap_type_objtype(c->type) == OT_NONE)
		return c->oid == 0 && c->alloc_count == 0 && c->aux == 0 ?
		    NULL : "capability to no object carries fields";
	if (OID_TYPE(c->oid) != cap_type_objtype(c->type))
		return "capability names an OID of another type";
	if (c->aux != 0 && c->type != CT_ENTRY && c->type != CT_REPLY &&
	    !cap_is_memory(c->type))
		return "capability has an aux value its type lacks";
	return NULL;
}
