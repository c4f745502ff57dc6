/*
 * main.c - the space bank's request loop (abi/bank.h): decode a request
 * on a bank cap, act, answer through the REPLY cap and wait for the
 * next one in the same system call.
 *
 * Every request is decoded completely (the bank its payload names, the
 * restriction bit, the words and caps it needs, the type) before
 * anything changes; a request that fails answers its ERR_* as the
 * opcode and changes nothing (DESTROY's kernel errors excepted, which
 * leave it repeatable: bank.c). The bank never blocks on a client: it
 * calls only kernel objects, and a reply to a caller that is gone is
 * dropped.
 *
 * Start (docs/spacebank.md): cap registers 0 KERNLOG, 1 RANGE, 2 its
 * own PROCESS, 3 the bankserver ENDPOINT, 4 the bank table; it reads the
 * table and the OID limits once, at its first start (`ready` persists
 * with its memory, so a restart resumes the loop instead).
 */
#include <abi/cap.h>
#include <user/ipc.h>
#include <user/log.h>

#include "sb.h"

/* The full cap type of each object type (objtype.def's third column). */
static const uint8_t full_type[OT_MAX] = {
#define OBJTYPE(name, code, full)	[OT_##name] = CT_##full,
#include <abi/objtype.def>
#undef OBJTYPE
};

struct req {
	uint32_t	op;
	unsigned	nwords, ncaps;
	uint64_t	w[MI_WORDS_MAX];
	struct sb_bank	*bank;
	int		restricted;
};

/* What the answer carries besides its opcode. */
struct ans {
	unsigned	nwords, ncaps;
	uint64_t	w[MI_WORDS_MAX];
};

static int ready = 0;

/* The type in w0, for the requests that take one. */
static int
type_arg(const struct req *r, unsigned *t)
{
	if (r->nwords < 1)
		return ERR_BAD_REQUEST;
	if (r->w[0] == OT_NONE || r->w[0] >= OT_MAX)
		return ERR_BAD_ARG;
	*t = (unsigned)r->w[0];
	return 0;
}

static int
do_alloc(const struct req *r, struct ans *a)
{
	uint32_t rec;
	unsigned t;
	int err;

	if ((err = type_arg(r, &t)) != 0 ||
	    (err = sb_bank_room(r->bank, t)) != 0 ||
	    (err = sb_obj_new(t, sb_bank_index(r->bank), &rec)) != 0)
		return err;
	sb_bank_charge(r->bank, rec);
	a->w[0] = sb_obj_oid(rec);
	a->nwords = 1;
	a->ncaps = 1;
	return 0;
}

static int
do_free(const struct req *r)
{
	uint64_t w[MI_WORDS_MAX];
	uint32_t rec;
	struct umsg m;
	int err;

	if (r->ncaps < 1)
		return ERR_BAD_REQUEST;
	umsg_init(&m, OC_RANGE_IDENTIFY, 0, 0, 0, 0, 0);
	m.info = MI_MAKE(OC_RANGE_IDENTIFY, 0, 1);
	m.caps = CR_LIST(SB_CR_ARG0, 0, 0, 0);
	if ((err = inv_call(SB_CR_RANGE, &m)) != 0)
		return err;	/* ERR_BAD_CAP: null or rescinded */
	for (unsigned i = 0; i < MI_WORDS_MAX; i++)
		w[i] = m.w[i];
	if (OID_TYPE(w[0]) >= OT_MAX || w[1] != full_type[OID_TYPE(w[0])])
		return ERR_BAD_ARG;	/* an entry, restart, ... cap */
	if (w[2] != 0)
		return ERR_NO_ACCESS;	/* not a full cap */
	rec = sb_obj_find(w[0]);
	if (rec == SB_NIL || !sb_bank_within(r->bank, sb_obj(rec)->owner))
		return ERR_NO_ACCESS;
	/* Rescind first: if the kernel refuses, nothing has changed. */
	sb_bank_uncharge(rec);
	if ((err = sb_obj_rescind(rec)) != 0) {
		sb_bank_charge(&sb_banks[sb_obj(rec)->owner], rec);
		return err;
	}
	return 0;
}

static int
do_limit(const struct req *r, struct ans *a)
{
	unsigned t;
	int err;

	if ((err = type_arg(r, &t)) != 0)
		return err;
	switch (r->op) {
	case OC_BANK_SET_LIMIT:
		if (r->nwords < 2)
			return ERR_BAD_REQUEST;
		if (r->restricted)
			return ERR_NO_ACCESS;
		if (r->w[1] < r->bank->total[t])
			return ERR_LIMIT;
		r->bank->limit[t] = r->w[1];
		return 0;
	case OC_BANK_GET_LIMIT:
		a->w[0] = r->bank->limit[t];
		a->nwords = 1;
		return 0;
	default:		/* OC_BANK_USAGE */
		a->w[0] = r->bank->total[t];
		a->w[1] = r->bank->own[t];
		a->nwords = 2;
		return 0;
	}
}

static int
handle(const struct req *r, struct ans *a)
{
	struct sb_bank *b = r->bank;
	int err;

	switch (r->op) {
	case OC_BANK_ALLOC:
		return do_alloc(r, a);
	case OC_BANK_FREE:
		return do_free(r);
	case OC_BANK_CHILD:
		if ((err = sb_bank_child(b)) == 0)
			a->ncaps = 1;
		return err;
	case OC_BANK_SET_LIMIT:
	case OC_BANK_GET_LIMIT:
	case OC_BANK_USAGE:
		return do_limit(r, a);
	case OC_BANK_DESTROY:
		return r->restricted ? ERR_NO_ACCESS : sb_bank_destroy(b);
	case OC_BANK_RESTRICT:
		if ((err = sb_bank_restrict(b)) == 0)
			a->ncaps = 1;
		return err;
	case OC_BANK_SEGMENT:
		if (r->nwords < 1)
			return ERR_BAD_REQUEST;
		a->nwords = 1;
		return sb_segment(r->w[0], &a->w[0]);
	case OC_BANK_INFO:
		a->w[0] = sb_bank_index(b);
		a->w[1] = b->parent != SB_NO_BANK ? b->parent : a->w[0];
		a->w[2] = (uint64_t)r->restricted;
		a->nwords = 3;
		return 0;
	default:
		return ERR_BAD_REQUEST;
	}
}

/* Decode the message in m into r. 0, or ERR_BAD_CAP for a dead bank. */
static int
decode(const struct umsg *m, struct req *r)
{
	r->op = MI_OPCODE(m->info);
	r->nwords = MI_NWORDS(m->info);
	r->ncaps = MI_NCAPS(m->info);
	for (unsigned i = 0; i < MI_WORDS_MAX; i++)
		r->w[i] = m->w[i];
	r->restricted = (m->payload & BANK_PAYLOAD_RESTRICTED) != 0;
	r->bank = sb_bank_get((uint16_t)(m->payload & BANK_PAYLOAD_INDEX));
	return r->bank != NULL ? 0 : ERR_BAD_CAP;
}

static void
receive_into(struct umsg *m)
{
	m->rcv = CR_WITH_REPLY(CR_LIST(SB_CR_ARG0, CR_DISCARD, CR_DISCARD,
	    CR_DISCARD), SB_CR_REPLY);
}

void
umain(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
	struct umsg m;
	struct req r;
	struct ans a;
	int err;

	(void)a0, (void)a1, (void)a2, (void)a3;
	if (!ready) {
		/* Without its table or limits it serves no bank: every
		   request is answered, ERR_BAD_CAP, so no client hangs. */
		if ((err = sb_alloc_init()) != 0 ||
		    (err = sb_bank_init()) != 0)
			uprintf("spacebank: cannot start (error %d): serving "
			    "no bank\n", err);
		else
			uprintf("spacebank: ready, %u banks\n",
			    sb_ndeclared);	/* one write: no interleaving */
		ready = 1;
	}
	umsg_init(&m, 0, 0, 0, 0, 0, 0);
	receive_into(&m);
	err = ipc_recv(&m);
	for (;;) {
		if (err != 0) {
			umsg_init(&m, 0, 0, 0, 0, 0, 0);
			receive_into(&m);
			err = ipc_recv(&m);
			continue;
		}
		a.nwords = a.ncaps = 0;
		if ((err = decode(&m, &r)) == 0)
			err = handle(&r, &a);
		if (err != 0)
			a.nwords = a.ncaps = 0;
		umsg_init(&m, (uint32_t)err, 0, 0, 0, 0, 0);
		m.info = MI_MAKE((uint32_t)err, a.nwords, a.ncaps);
		for (unsigned i = 0; i < a.nwords; i++)
			m.w[i] = a.w[i];
		m.caps = CR_LIST(SB_CR_OUT, 0, 0, 0);
		receive_into(&m);
		err = ipc_reply_wait(SB_CR_REPLY, &m);
	}
}
