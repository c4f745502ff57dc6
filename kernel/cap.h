/*
 * cap.h - capabilities in the kernel: validity against the object's
 * allocation count, the restriction rules, and weakening on fetch.
 *
 * A cap is valid when its type is known, its restriction bits are within
 * CAP_R_ALL, its OID names an object of the type's object type
 * (abi/captype.def) and its alloc_count matches: the object's allocation
 * count, or for a REPLY cap the process's reply_seq while that process
 * waits for the reply. An ENTRY cap also needs its payload to match when
 * its endpoint has EP_F_PAYLOAD_MATCH. Caps are copied freely (a cap
 * register, a slot, a message); validity is checked when one is used.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <abi/cap.h>
#include <obj.h>
#include <objcache.h>

/* The OT_* object a cap type names (OT_NONE if it names none). */
extern const uint8_t	cap_objtype[CT_MAX];

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
 * the caller and carries its current reply_seq (cap_check's REPLY rule).
 */
static inline void
cap_make_reply(struct cap *c, const struct process *caller)
{
	c->type = CT_REPLY;
	c->restr = 0;
	c->aux = 0;
	c->alloc_count = caller->d.reply_seq;
	c->oid = caller->obj.oid;
}

/* Memory caps: PAGE, CAPPAGE, GPT. */
static inline bool
cap_is_memory(uint8_t type)
{
	return type == CT_PAGE || type == CT_CAPPAGE || type == CT_GPT;
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
