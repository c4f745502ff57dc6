/*
 * cap.h - capabilities in the kernel: validity against the object's
 * allocation count, the restriction rules, and weakening on fetch.
 *
 * Validity is one rule (cap_valid_for, over lib/capfmt.h's form and
 * count rules): the form (type known, restriction bits within
 * CAP_R_ALL, an OID of the type's object type), the count (the object's
 * allocation count, never ALLOC_COUNT_RETIRED; for a REPLY cap the
 * process's reply_seq while that process waits for the reply), and for
 * an ENTRY cap the payload when its endpoint has EP_F_PAYLOAD_MATCH.
 * Every user of a cap goes through it: cap_check (which may load),
 * cap_check_cached (objects in memory only: the fast paths and the walk).
 * Caps are copied freely (a cap register, a slot, a message); validity
 * is checked when one is used.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <abi/cap.h>
#include <abi/err.h>
#include <lib/capfmt.h>
#include <obj.h>
#include <store/objcache.h>
#include <proc.h>

/*
 * The object named oid if it is in memory, else NULL (never loads). Like
 * an obj_get() hit it makes an evictable object the youngest of the
 * object cache's LRU list, but costs a third of one when the object is
 * pinned, dirty or already the youngest. Not pinned.
 */
static inline struct obj *
cap_lookup(oid_t oid)
{
	struct obj *o = obj_lookup(oid);

	/* objcache.c: the youngest of the LRU list has no lru_next. */
	if (o != NULL && o->pins == 0 && !(o->flags & OBJ_F_DIRTY) &&
	    o->lru_next != NULL)
		(void)obj_get(oid, &o);	/* a hit: makes it youngest */
	return o;
}

/*
 * True if c, whose form is right (cap_form_ok) and whose OID names o, is
 * valid for o: its count is current and, for a REPLY cap, o waits for
 * that reply; for an ENTRY cap, the payload matches if it must. ct is
 * c->type (the _as forms: a constant the caller compared it with).
 */
static inline __attribute__((always_inline)) bool
cap_valid_for_as(const struct cap *c, unsigned ct, const struct obj *o)
{
	if (ct == CT_REPLY) {
		const struct process *p = (const struct process *)o;

		return cap_count_current_as(c, ct, p->d.reply_seq) &&
		    proc_awaits_reply(p);
	}
	if (!cap_count_current_as(c, ct, o->alloc_count))
		return false;
	if (ct == CT_ENTRY) {
		const struct endpoint *ep = (const struct endpoint *)o;

		return !(ep->d.flags & EP_F_PAYLOAD_MATCH) ||
		    c->aux == ep->d.match_payload;
	}
	return true;
}

static inline __attribute__((always_inline)) bool
cap_valid_for(const struct cap *c, const struct obj *o)
{
	return cap_valid_for_as(c, c->type, o);
}

/* cap_check_cached(): the object is not in memory (cap_check loads).
   The _as form is for a cap whose type the caller has compared with ct. */
#define CAP_ABSENT	(-1)

/*
 * cap_check() without loading: 0 with *out the object c names (NULL for
 * types that name none), ERR_BAD_CAP, or CAP_ABSENT when c's form is
 * right but its object is not in memory. Never does I/O or evicts.
 */
static inline __attribute__((always_inline)) int
cap_check_cached_as(const struct cap *c, unsigned ct, struct obj **out)
{
	struct obj *o;

	*out = NULL;
	if (!cap_form_ok_as(c, ct))
		return ERR_BAD_CAP;
	if (cap_type_objtype(ct) == OT_NONE)
		return 0;
	if ((o = cap_lookup(c->oid)) == NULL)
		return CAP_ABSENT;
	if (!cap_valid_for_as(c, ct, o))
		return ERR_BAD_CAP;
	*out = o;
	return 0;
}

static inline __attribute__((always_inline)) int
cap_check_cached(const struct cap *c, struct obj **out)
{
	return cap_check_cached_as(c, c->type, out);
}

/*
 * Check c. Returns 0 with *out the object it names (NULL for types that
 * name none; not pinned: use it before the next obj_get), ERR_BAD_CAP
 * if c is null or invalid, or ERR_IO/ERR_CORRUPT/ERR_NO_SPACE if the
 * object could not be loaded. May do disk I/O.
 */
int	cap_check(const struct cap *c, struct obj **out);

/* The null cap. */
static inline void
cap_set_null(struct cap *c)
{
	c->type = CT_NULL;
	c->restr = 0;
	c->aux = 0;
	c->alloc_count = 0;
	c->oid = 0;
}

/* A full cap of type t to object o (aux 0). */
void	cap_make(struct cap *c, uint8_t type, const struct obj *o);

/*
 * The one-shot REPLY cap a CALL from caller hands its receiver: it names
 * the caller and carries its current reply_seq (cap_valid_for's REPLY
 * rule). The caller's reply_seq must be below REPLY_SEQ_LIMIT
 * (cap_may_reply).
 */
static inline void
cap_make_reply(struct cap *c, const struct process *caller)
{
	c->type = CT_REPLY;
	c->restr = 0;
	c->aux = (uint16_t)(caller->d.reply_seq >> 32);
	c->alloc_count = (uint32_t)caller->d.reply_seq;
	c->oid = caller->obj.oid;
}

/* True if caller may still make a REPLY cap (abi/process.h). */
static inline bool
cap_may_reply(const struct process *caller)
{
	return caller->d.reply_seq < REPLY_SEQ_LIMIT;
}

/*
 * A WEAK or RO memory cap gives no write access; WEAK also weakens every
 * cap fetched through it (cap_weaken).
 */
static inline bool
cap_may_write(const struct cap *c)
{
	return (c->restr & (CAP_R_RO | CAP_R_WEAK)) == 0;
}

/*
 * What a cap fetched through a WEAK cap becomes: memory caps gain WEAK
 * and RO; null, DISCRIM and SLEEP caps (which convey no authority to
 * change anything) stay as they are; every other cap becomes null.
 */
void	cap_weaken(struct cap *c);

/* Fetch src into *dst through the cap via: weakened if via is WEAK. */
static inline void
cap_fetch(struct cap *dst, const struct cap *src, const struct cap *via)
{
	*dst = *src;
	if (via->restr & CAP_R_WEAK)
		cap_weaken(dst);
}
