/*
 * bank.c - the tree of banks: the .mki's banks from the bank table,
 * run-time children, per-type limits and usage charged to every
 * ancestor, and destroy.
 *
 * Invariants: a live bank is on its parent's child list (a root is on
 * none); the free run-time indices are linked through `child` from
 * free_head; a declared bank's index is never on that list, so a
 * destroyed one stays DEAD and every cap to it (a payload on the shared
 * bankserver endpoint, which cannot be rescinded for one bank) keeps
 * answering ERR_BAD_CAP. A run-time bank's caps are entry caps to its
 * own endpoint; destroy rescinds that endpoint, so its index can serve
 * a new bank whose caps the old ones can never reach.
 */
#include <stddef.h>

#include <abi/obj.h>
#include <user/invoke.h>
#include <user/log.h>

#include "sb.h"

struct sb_bank sb_banks[SB_MAX_BANKS];
uint32_t sb_ndeclared = 0;
static uint16_t free_head = SB_NO_BANK;

/* Destroy's work lists (a subtree in preorder); init's parents. */
static uint16_t order[SB_MAX_BANKS];
static uint16_t stack[SB_MAX_BANKS];

uint16_t
sb_bank_index(const struct sb_bank *b)
{
	return (uint16_t)(b - sb_banks);
}

struct sb_bank *
sb_bank_get(uint16_t index)
{
	if (index == SB_NO_BANK || index >= SB_MAX_BANKS ||
	    sb_banks[index].state != SB_LIVE)
		return NULL;
	return &sb_banks[index];
}

/* A live bank with no limits and nothing held, under parent. */
static void
bank_start(uint16_t i, uint16_t parent, uint8_t declared)
{
	struct sb_bank *b = &sb_banks[i];

	b->state = SB_LIVE;
	b->declared = declared;
	b->parent = parent;
	b->child = SB_NO_BANK;
	b->objs = SB_NIL;
	b->ep = SB_NIL;
	for (unsigned t = 0; t < OT_MAX; t++) {
		b->limit[t] = BANK_NO_LIMIT;
		b->total[t] = 0;
		b->own[t] = 0;
	}
	b->sibling = SB_NO_BANK;
	if (parent != SB_NO_BANK) {
		b->sibling = sb_banks[parent].child;
		sb_banks[parent].child = i;
	}
}

/* 8 bytes of the bank table at byte offset off. */
static int
table_word(uint64_t off, uint64_t *v)
{
	uint64_t w[MI_WORDS_MAX];
	int err;

	if ((err = kcall_cap(SB_CR_TABLE, OC_CAPPAGE_FETCH, 1, off / PAGE_SIZE,
	    0, SB_CR_TMP)) != 0 ||
	    (err = kcall(SB_CR_TMP, OC_PAGE_READ, 1, off % PAGE_SIZE, 0, 0, 0,
	    w)) != 0)
		return err;
	*v = w[0];
	return 0;
}

int
sb_bank_init(void)
{
	uint64_t v = 0, n;
	int err;

	if ((err = table_word(0, &v)) != 0)
		return err;
	n = v >> 32;
	if ((uint32_t)v != BANK_TABLE_MAGIC || n > BANK_PAYLOAD_INDEX)
		return ERR_BAD_FORMAT;
	if (n >= SB_MAX_BANKS) {
		uprintf("spacebank: %lu banks declared, serving the first %u\n",
		    (unsigned long)n, SB_MAX_BANKS - 1);
		n = SB_MAX_BANKS - 1;
	}
	/* Read every parent first: a bad table starts no bank. */
	for (uint64_t i = 1; i <= n; i++) {
		uint64_t off = BANK_TABLE_PARENT(i);

		if (i == 1 || off % 8 == 0)
			if ((err = table_word(off & ~UINT64_C(7), &v)) != 0)
				return err;
		order[i] = (uint16_t)(v >> (8 * (off % 8)));
		if (order[i] >= i)	/* mkimage: a parent comes first */
			return ERR_BAD_FORMAT;
	}
	for (uint64_t i = 1; i <= n; i++)
		bank_start((uint16_t)i, order[i], 1);
	sb_ndeclared = (uint32_t)n;
	for (uint32_t i = SB_MAX_BANKS - 1; i > n; i--) {
		sb_banks[i].child = free_head;
		free_head = (uint16_t)i;
	}
	return 0;
}

int
sb_bank_room(const struct sb_bank *b, unsigned t)
{
	for (;;) {
		if (b->total[t] >= b->limit[t])
			return ERR_LIMIT;
		if (b->parent == SB_NO_BANK)
			return 0;
		b = &sb_banks[b->parent];
	}
}

void
sb_bank_charge(struct sb_bank *b, uint32_t rec)
{
	struct sb_obj *o = sb_obj(rec);

	o->owner = sb_bank_index(b);
	o->prev = SB_NIL;
	o->next = b->objs;
	if (b->objs != SB_NIL)
		sb_obj(b->objs)->prev = rec;
	b->objs = rec;
	b->own[o->type]++;
	for (;;) {
		b->total[o->type]++;
		if (b->parent == SB_NO_BANK)
			break;
		b = &sb_banks[b->parent];
	}
}

void
sb_bank_uncharge(uint32_t rec)
{
	struct sb_obj *o = sb_obj(rec);
	struct sb_bank *b = &sb_banks[o->owner];

	if (o->prev != SB_NIL)
		sb_obj(o->prev)->next = o->next;
	else
		b->objs = o->next;
	if (o->next != SB_NIL)
		sb_obj(o->next)->prev = o->prev;
	b->own[o->type]--;
	for (;;) {
		b->total[o->type]--;
		if (b->parent == SB_NO_BANK)
			break;
		b = &sb_banks[b->parent];
	}
}

int
sb_bank_within(const struct sb_bank *b, uint16_t inner)
{
	uint16_t want = sb_bank_index(b);

	if (sb_bank_get(inner) == NULL)
		return 0;
	for (; inner != SB_NO_BANK; inner = sb_banks[inner].parent)
		if (inner == want)
			return 1;
	return 0;
}

int
sb_bank_child(struct sb_bank *parent)
{
	uint16_t i = free_head;
	uint32_t ep;
	int err;

	if (i == SB_NO_BANK)
		return ERR_NO_SPACE;
	if ((err = sb_obj_new(OT_ENDPOINT, SB_OWNER_SELF, &ep)) != 0)
		return err;
	if ((err = kcall_give(SB_CR_OUT, OC_EP_SET_RECIPIENT, 0, 0, 0,
	    SB_CR_SELF)) != 0 ||
	    (err = kcall_cap(SB_CR_OUT, OC_EP_MAKE_ENTRY, 1,
	    BANK_PAYLOAD(i, 0), 0, SB_CR_OUT)) != 0) {
		(void)sb_obj_rescind(ep);	/* back to the free list */
		return err;
	}
	free_head = sb_banks[i].child;
	bank_start(i, sb_bank_index(parent), 0);
	sb_banks[i].ep = ep;
	return 0;
}

int
sb_bank_restrict(struct sb_bank *b)
{
	uint16_t payload = BANK_PAYLOAD(sb_bank_index(b), 1);
	int err;

	if (b->declared)
		return kcall_cap(SB_CR_BANKEP, OC_EP_MAKE_ENTRY, 1, payload, 0,
		    SB_CR_OUT);
	if ((err = kcall_cap(SB_CR_RANGE, OC_RANGE_GET, 1, sb_obj_oid(b->ep),
	    0, SB_CR_TMP)) != 0)
		return err;
	return kcall_cap(SB_CR_TMP, OC_EP_MAKE_ENTRY, 1, payload, 0,
	    SB_CR_OUT);
}

/* b and its descendants, parents before children; returns how many. */
static unsigned
subtree(struct sb_bank *b)
{
	unsigned n = 0, sp = 0;

	stack[sp++] = sb_bank_index(b);
	while (sp > 0) {
		uint16_t i = stack[--sp];

		order[n++] = i;
		for (uint16_t c = sb_banks[i].child; c != SB_NO_BANK;
		    c = sb_banks[c].sibling)
			stack[sp++] = c;
	}
	return n;
}

/* Take bank i off its parent's child list. */
static void
unlink_child(uint16_t i)
{
	uint16_t p = sb_banks[i].parent, *at;

	if (p == SB_NO_BANK)
		return;
	for (at = &sb_banks[p].child; *at != i; at = &sb_banks[*at].sibling)
		;
	*at = sb_banks[i].sibling;
}

int
sb_bank_destroy(struct sb_bank *b)
{
	unsigned n = subtree(b);
	int err;

	for (unsigned k = n; k-- > 0;) {
		struct sb_bank *x = &sb_banks[order[k]];

		while (x->objs != SB_NIL) {
			uint32_t rec = x->objs;

			sb_bank_uncharge(rec);
			if ((err = sb_obj_rescind(rec)) != 0) {
				sb_bank_charge(x, rec);
				return err;
			}
		}
	}
	for (unsigned k = n; k-- > 0;) {
		uint16_t i = order[k];
		struct sb_bank *x = &sb_banks[i];

		if (!x->declared && (err = sb_obj_rescind(x->ep)) != 0)
			return err;
		unlink_child(i);
		if (x->declared) {
			x->state = SB_DEAD;
			continue;
		}
		x->state = SB_FREE;
		x->child = free_head;
		free_head = i;
	}
	return 0;
}
