/*
 * st_wrap.c - counters that would wrap (abi/obj.h, abi/process.h): an
 * allocation count that reaches ALLOC_COUNT_RETIRED retires its OID, and
 * a process whose reply_seq reaches REPLY_SEQ_LIMIT makes no more calls,
 * so no old capability ever becomes valid again. Each test starts its
 * counter just below the edge instead of counting 2^32 or 2^48 times.
 */
#include <stddef.h>
#include <stdint.h>

#include <abi/err.h>
#include <cap.h>
#include <proc.h>
#include <selftest/selftest.h>
#include <selftest/st_inv.h>
#include <selftest/st_space.h>

#define CR_RANGE	0
#define CR_ENTRY	1
#define CR_OLD		2
#define CR_REPLYCAP	6

/* RANGE_GET of oid as p; the answer lands in cap register CR_OLD. */
static uint64_t
range_get(struct process *p, oid_t oid)
{
	struct st_msg m = { IC_MAKE(CR_RANGE, IC_CALL),
	    MI_MAKE(OC_RANGE_GET, 1, 0), 0,
	    CR_LIST(CR_OLD, 0xff, 0xff, 0xff), { oid, 0, 0, 0 } };

	return st_invoke(p, &m);
}

/* A page rescinded into retirement: every cap dead, no new one made. */
static void
alloc_count_retires_body(void)
{
	struct process *p = st_process();
	struct page *pg = st_page();
	struct cap old, last;
	struct obj *o;

	if (p == NULL || pg == NULL)
		return;
	cap_set_null(&p->d.cap_reg[CR_RANGE]);
	p->d.cap_reg[CR_RANGE].type = CT_RANGE;
	pg->obj.alloc_count = ALLOC_COUNT_RETIRED - 2;
	old = st_cap(&pg->obj, 0, 0, 0);
	ST_CHECK_EQ(st_kcall(p, CR_RANGE, OC_RANGE_RESCIND, 1, pg->obj.oid,
	    0), 0);
	ST_CHECK_EQ(cap_check(&old, &o), ERR_BAD_CAP);
	ST_CHECK_EQ(range_get(p, pg->obj.oid), 0);
	last = p->d.cap_reg[CR_OLD];
	ST_CHECK_EQ(last.alloc_count, ALLOC_COUNT_RETIRED - 1);
	ST_CHECK_EQ(cap_check(&last, &o), 0);

	/* The rescind that would wrap retires instead. */
	ST_CHECK_EQ(st_kcall(p, CR_RANGE, OC_RANGE_RESCIND, 1, pg->obj.oid,
	    0), 0);
	ST_CHECK_EQ(pg->obj.alloc_count, ALLOC_COUNT_RETIRED);
	ST_CHECK_EQ(cap_check(&last, &o), ERR_BAD_CAP);
	ST_CHECK_EQ(range_get(p, pg->obj.oid), ERR_LIMIT);
	ST_CHECK_EQ(st_kcall(p, CR_RANGE, OC_RANGE_RESCIND, 1, pg->obj.oid,
	    0), ERR_LIMIT);
	/* A cap carrying the retired count itself is no better. */
	last.alloc_count = ALLOC_COUNT_RETIRED;
	ST_CHECK_EQ(cap_check(&last, &o), ERR_BAD_CAP);
	proc_stop(p);
}
ST_SPACE_CASE(alloc_count_retires)

/* c calls s: 0 and s's REPLY cap, or the call's error. */
static int
call(struct process *c, struct process *s, struct cap *reply)
{
	struct st_msg wait = { IC_RECV, 0, 0,
	    CR_WITH_REPLY(CR_LIST(0xff, 0xff, 0xff, 0xff), CR_REPLYCAP),
	    { 0, 0, 0, 0 } };
	struct st_msg m = { IC_MAKE(CR_ENTRY, IC_CALL), MI_MAKE(0x42, 0, 0),
	    0, 0, { 0, 0, 0, 0 } };
	uint64_t rc;

	st_invoke(s, &wait);
	rc = st_invoke(c, &m);
	if (c->d.run_state != PS_RECEIVING || c->k.wait != W_REPLY)
		return rc != 0 ? (int)rc : -1;
	*reply = s->d.cap_reg[CR_REPLYCAP];
	return 0;
}

/*
 * The last reply sequence a REPLY cap can carry, then none: a cap from
 * REPLY_SEQ_LIMIT calls ago (whose 48 bits would match again) stays dead.
 */
static void
reply_seq_limit_body(void)
{
	struct st_msg reply = { IC_MAKE(CR_REPLYCAP, IC_SEND),
	    MI_MAKE(0x43, 0, 0), 0, 0, { 0, 0, 0, 0 } };
	struct endpoint *ep = st_endpoint();
	struct process *c = st_process(), *s = st_process(), *ps[2];
	struct cap rcap, wrapped;
	struct obj *o;

	if (ep == NULL || c == NULL || s == NULL)
		return;
	ps[0] = c;
	ps[1] = s;
	cap_make(&ep->d.recipient, CT_PROCESS, &s->obj);
	cap_make(&c->d.cap_reg[CR_ENTRY], CT_ENTRY, &ep->obj);
	c->d.reply_seq = REPLY_SEQ_LIMIT - 1;
	ST_CHECK_EQ(call(c, s, &rcap), 0);
	ST_CHECK_EQ(rcap.alloc_count, UINT32_MAX);
	ST_CHECK_EQ(rcap.aux, 0xffff);
	ST_CHECK_EQ(cap_check(&rcap, &o), 0);
	/* What a 48-bit sequence that wrapped would carry: never valid. */
	wrapped = rcap;
	wrapped.alloc_count = 0;
	wrapped.aux = 0;
	ST_CHECK_EQ(cap_check(&wrapped, &o), ERR_BAD_CAP);
	ST_CHECK_EQ(st_invoke(s, &reply), 0);
	ST_CHECK_EQ(c->d.reply_seq, REPLY_SEQ_LIMIT);
	ST_CHECK_EQ(cap_check(&rcap, &o), ERR_BAD_CAP);

	/* No more calls, through either path; a send still works. */
	ST_CHECK_EQ(call(c, s, &rcap), ERR_LIMIT);
	ST_CHECK_EQ(c->d.run_state, PS_RUNNING);
	{
		struct st_msg send = { IC_MAKE(CR_ENTRY, IC_SEND),
		    MI_MAKE(0x44, 0, 0), 0, 0, { 0, 0, 0, 0 } };

		ST_CHECK_EQ(st_invoke(c, &send), 0);
	}
	ST_CHECK_EQ(s->d.regs.rdi, MI_MAKE(0x44, 0, 0));
	st_inv_end(ps, 2);
}
ST_SPACE_CASE(reply_seq_limit)

ST_SUITE(st_wrap,
    ST_CASE(alloc_count_retires),
    ST_CASE(reply_seq_limit),
);
