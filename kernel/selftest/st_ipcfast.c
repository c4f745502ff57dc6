/*
 * st_ipcfast.c - the IPC fast path (ipc_fast.c). Taken: every word count
 * each way, opcodes, payload match, a discarded REPLY cap, the answer to
 * a fault message; each step is run in two identical worlds, one through
 * ipc_fast() and one through the general path (inv_syscall), and both
 * worlds must end up equal in every persistent byte of every process
 * (OIDs compared by role) and in their scheduler state (waits, queues,
 * dirty marks). Declined: each condition the fast path leaves to the
 * general path must change nothing, be counted under its reason, and the
 * general path then gives the documented answer.
 */
#include <stddef.h>
#include <stdint.h>

#include <abi/err.h>
#include <cap.h>
#include <fault.h>
#include <ipc.h>
#include <lib/string.h>
#include <proc.h>
#include <sched.h>
#include <selftest/selftest.h>
#include <selftest/st_inv.h>
#include <selftest/st_space.h>

#define CR_ENTRY	0
#define CR_GIFT		3
#define CR_GOT		5
#define CR_REPLYCAP	6

#define RECV_SERVER	CR_WITH_REPLY(CR_LIST(CR_GOT, 0xff, 0xff, 0xff), \
			    CR_REPLYCAP)

/* A client c calling a server s through ep; x is a third process. */
struct world {
	struct process	*c, *s, *x;
	struct endpoint	*ep;
};

/* What a step may change in a process, OIDs replaced by roles. */
struct snap {
	struct obj_process d;
	uint8_t		run_state, wait, on_queue, dirty;
};

static struct snap	snap_a[3], snap_b[3];

static int
setup(struct world *w)
{
	w->ep = st_endpoint();
	w->c = st_process();
	w->s = st_process();
	w->x = st_process();
	if (w->ep == NULL || w->c == NULL || w->s == NULL || w->x == NULL)
		return -1;
	cap_make(&w->ep->d.recipient, CT_PROCESS, &w->s->obj);
	cap_make(&w->c->d.cap_reg[CR_ENTRY], CT_ENTRY, &w->ep->obj);
	w->c->d.cap_reg[CR_ENTRY].aux = 9;
	w->x->d.cap_reg[CR_ENTRY] = w->c->d.cap_reg[CR_ENTRY];
	w->c->d.cap_reg[CR_GIFT].type = CT_SLEEP;
	w->s->d.cap_reg[CR_GIFT].type = CT_SLEEP;
	return 0;
}

static void
teardown(struct world *w)
{
	struct process *ps[3] = { w->c, w->s, w->x };

	st_inv_end(ps, 3);
}

static oid_t
role(const struct world *w, oid_t oid)
{
	if (oid == 0)
		return 0;
	if (oid == w->c->obj.oid)
		return 1;
	if (oid == w->s->obj.oid)
		return 2;
	if (oid == w->x->obj.oid)
		return 3;
	if (oid == w->ep->obj.oid)
		return 4;
	return oid;
}

static void
take(const struct world *w, struct snap *out)
{
	struct process *ps[3] = { w->c, w->s, w->x };
	unsigned i, j;

	for (i = 0; i < 3; i++) {
		struct snap *sn = &out[i];

		memcpy(&sn->d, &ps[i]->d, sizeof(sn->d));
		sn->d.wait_oid = role(w, sn->d.wait_oid);
		sn->d.space.oid = role(w, sn->d.space.oid);
		sn->d.handler.oid = role(w, sn->d.handler.oid);
		for (j = 0; j < PROC_CAP_REGS; j++)
			sn->d.cap_reg[j].oid = role(w, sn->d.cap_reg[j].oid);
		sn->wait = ps[i]->k.wait;
		sn->on_queue = ps[i]->k.on_queue;
		sn->dirty = ps[i]->obj.flags & OBJ_F_DIRTY;
	}
}

/*
 * p's system call m through the fast path alone. Returns the receiver
 * sched_handoff() would run next, or NULL if the fast path declined.
 * (The general path leaves the same choice in sched_switch_to(); the
 * tests clear it with sched_dequeue() so that worlds do not meet.)
 */
static struct process *
fast_invoke(struct process *p, const struct st_msg *m)
{
	struct process *saved = sched_current, *to;

	st_inv_load(p, m);
	sched_current = p;
	to = ipc_fast(p);
	sched_current = saved;
	return to;
}

static void
server_wait(struct process *s)
{
	struct st_msg m = { IC_RECV, 0, 0, RECV_SERVER, { 0, 0, 0, 0 } };

	st_invoke(s, &m);
}

/* The message of a CALL through the entry cap / reply-and-wait. */
static struct st_msg
call_msg(uint32_t op, unsigned nwords)
{
	struct st_msg m = { IC_MAKE(CR_ENTRY, IC_CALL), MI_MAKE(op, nwords, 0),
	    0, ~0ul, { 0x1111, 0x2222, 0x3333, 0x4444 } };

	return m;
}

static struct st_msg
reply_msg(uint32_t op, unsigned nwords)
{
	struct st_msg m = { IC_MAKE(CR_REPLYCAP, IC_CALL),
	    MI_MAKE(op, nwords, 0), 0, RECV_SERVER,
	    { 0x5555, 0x6666, 0x7777, 0x8888 } };

	return m;
}

/* Both worlds equal, role by role. */
static int
same(const struct world *a, const struct world *b)
{
	unsigned i;

	take(a, snap_a);
	take(b, snap_b);
	for (i = 0; i < 3; i++) {
		const uint8_t *x = (const uint8_t *)&snap_a[i];
		const uint8_t *y = (const uint8_t *)&snap_b[i];
		size_t at;

		for (at = 0; at < sizeof(snap_a[i]) && x[at] == y[at]; at++)
			;
		if (at < sizeof(snap_a[i])) {
			st_fail("process %u differs between the fast and the "
			    "general path at byte %zu of struct snap", i, at);
			return 0;
		}
	}
	return 1;
}

/*
 * One round trip in world a through the fast path and in world b through
 * the general one, equal after each half.
 */
static void
round_trip(struct world *a, struct world *b, uint32_t op,
    unsigned nwords, unsigned rwords, uint64_t recv)
{
	struct st_msg m = call_msg(op, nwords), r = reply_msg(op + 1, rwords);
	uint64_t hits = ipc_fast_stats[IPF_HIT];

	a->s->d.regs.rdx = b->s->d.regs.rdx = recv;
	if (fast_invoke(a->c, &m) != a->s) {
		st_fail("CALL (%u words) not taken by the fast path", nwords);
		return;
	}
	ST_CHECK_EQ(st_invoke(b->c, &m), m.ctl);	/* c waits */
	sched_dequeue(b->s);			/* the switch target */
	if (!same(a, b))
		return;
	ST_CHECK_EQ(a->s->d.regs.rdi, MI_MAKE(op, nwords, 0));
	ST_CHECK_EQ(a->s->d.regs.rsi, 9);
	if ((recv >> CR_REPLY_SHIFT & 0xff) != CR_REPLYCAP)
		return;			/* no REPLY cap: no reply */
	if (fast_invoke(a->s, &r) != a->c) {
		st_fail("reply (%u words) not taken by the fast path",
		    rwords);
		return;
	}
	ST_CHECK_EQ(st_invoke(b->s, &r), r.ctl);	/* s waits */
	sched_dequeue(b->c);
	if (!same(a, b))
		return;
	ST_CHECK_EQ(ipc_fast_stats[IPF_HIT] - hits, 2);
	ST_CHECK_EQ(a->c->d.regs.r8, rwords > 0 ? 0x5555 : 0);
	ST_CHECK_EQ(a->c->d.run_state, PS_RUNNING);
	ST_CHECK_EQ(a->s->k.wait, W_OPEN);
}

static void
fast_same_body(void)
{
	struct world a, b;
	unsigned n;

	if (setup(&a) != 0 || setup(&b) != 0)
		return;
	server_wait(a.s);
	server_wait(b.s);
	for (n = 0; n <= MI_WORDS_MAX; n++) {
		round_trip(&a, &b, 0x40 + n, n, MI_WORDS_MAX - n, RECV_SERVER);
		round_trip(&a, &b, 0xfffffff0u + n, n, n, RECV_SERVER);
	}
	/* Payload match: the right payload takes the fast path. */
	a.ep->d.flags = b.ep->d.flags = EP_F_PAYLOAD_MATCH;
	a.ep->d.match_payload = b.ep->d.match_payload = 9;
	round_trip(&a, &b, 7, 2, 2, RECV_SERVER);
	/* A server that discards its REPLY cap still gets the call. */
	round_trip(&a, &b, 8, 1, 0, CR_WITH_REPLY(~0ul, CR_DISCARD));
	ST_CHECK_EQ(a.s->d.cap_reg[CR_REPLYCAP].alloc_count,
	    a.c->d.reply_seq - 1);	/* the last one, used */
	teardown(&a);
	teardown(&b);
}
ST_SPACE_CASE(fast_same)

/*
 * p's call m must be declined for reason why, changing nothing; then the
 * general path must answer rc. Returns 0 if the test failed.
 */
static int
declined(struct world *w, struct process *p, const struct st_msg *m,
    unsigned why, uint64_t rc)
{
	uint64_t before[IPF_MAX];
	unsigned i;

	memcpy(before, ipc_fast_stats, sizeof(before));
	st_inv_load(p, m);
	take(w, snap_a);
	if (fast_invoke(p, m) != NULL) {
		st_fail("fast path taken (reason %u expected)", why);
		return 0;
	}
	take(w, snap_b);
	if (memcmp(snap_a, snap_b, sizeof(snap_a)) != 0) {
		st_fail("declining (reason %u) changed a process", why);
		return 0;
	}
	for (i = 0; i < IPF_MAX; i++)
		if (ipc_fast_stats[i] - before[i] != (i == why ? 1u : 0u)) {
			st_fail("reason %u counted %lu times, want reason %u",
			    i, ipc_fast_stats[i] - before[i], why);
			return 0;
		}
	if (st_invoke(p, m) != rc) {
		st_fail("general path answered %#lx, want %#lx (reason %u)",
		    p->d.regs.rax, rc, why);
		return 0;
	}
	return 1;
}

/* Fresh world with the server in an open wait. */
static int
fresh(struct world *w)
{
	if (setup(w) != 0)
		return -1;
	server_wait(w->s);
	return 0;
}

/* Calls the fast path declines, each alone in a fresh world. */
static void
fast_call_declined_body(void)
{
	struct world w;
	struct st_msg m;

	/* Caps sent, too many words, reserved bits in the message info. */
	if (fresh(&w) != 0)
		return;
	m = call_msg(1, 2);
	m.mi = MI_MAKE(1, 2, 1);
	m.send = CR_LIST(CR_GIFT, 0, 0, 0);
	if (!declined(&w, w.c, &m, IPF_INFO, m.ctl))
		return;
	ST_CHECK_EQ(w.s->d.cap_reg[CR_GOT].type, CT_SLEEP);
	teardown(&w);

	if (fresh(&w) != 0)
		return;
	m = call_msg(1, 2);
	m.mi = MI_MAKE(1, 5, 0);
	if (!declined(&w, w.c, &m, IPF_INFO, ERR_BAD_REQUEST))
		return;
	m.mi = MI_MAKE(1, 2, 0) | UINT64_C(1) << 40;
	if (!declined(&w, w.c, &m, IPF_INFO, ERR_BAD_REQUEST))
		return;

	/* Control: unknown bit, NONBLOCK, SEND alone (still delivers). */
	m = call_msg(1, 2);
	m.ctl |= 0x800;
	if (!declined(&w, w.c, &m, IPF_CTL, ERR_BAD_REQUEST))
		return;
	m = call_msg(1, 2);
	m.ctl |= IC_NONBLOCK;
	if (!declined(&w, w.c, &m, IPF_CTL, m.ctl))
		return;
	ST_CHECK_EQ(w.c->k.wait, W_REPLY);	/* a CALL all the same */
	teardown(&w);

	if (fresh(&w) != 0)
		return;
	m = call_msg(1, 2);
	m.ctl = IC_MAKE(CR_ENTRY, IC_SEND);
	if (!declined(&w, w.c, &m, IPF_CTL, 0))
		return;
	ST_CHECK_EQ(w.s->d.run_state, PS_RUNNING);
	ST_CHECK_EQ(w.s->d.regs.r9, 0x2222);

	/* The invoked cap: NOCALL, stale, bad payload, unknown bits. */
	server_wait(w.s);
	m = call_msg(1, 0);
	w.c->d.cap_reg[CR_ENTRY].restr = CAP_R_NOCALL;
	if (!declined(&w, w.c, &m, IPF_CAP, ERR_NO_ACCESS))
		return;
	w.c->d.cap_reg[CR_ENTRY].restr = 0x80;
	if (!declined(&w, w.c, &m, IPF_CAP, ERR_BAD_CAP))
		return;
	w.c->d.cap_reg[CR_ENTRY].restr = 0;
	w.c->d.cap_reg[CR_ENTRY].alloc_count++;
	if (!declined(&w, w.c, &m, IPF_CAP, ERR_BAD_CAP))
		return;
	w.c->d.cap_reg[CR_ENTRY].alloc_count--;
	w.ep->d.flags = EP_F_PAYLOAD_MATCH;
	w.ep->d.match_payload = 10;
	if (!declined(&w, w.c, &m, IPF_CAP, ERR_BAD_CAP))
		return;
	w.ep->d.flags = 0;

	/* No recipient, a stale one, one not in memory. */
	cap_set_null(&w.ep->d.recipient);
	if (!declined(&w, w.c, &m, IPF_RECIPIENT, ERR_NOT_FOUND))
		return;
	cap_make(&w.ep->d.recipient, CT_PROCESS, &w.s->obj);
	w.ep->d.recipient.alloc_count++;
	if (!declined(&w, w.c, &m, IPF_RECIPIENT, ERR_NOT_FOUND))
		return;
	w.ep->d.recipient.type = CT_ENTRY;
	if (!declined(&w, w.c, &m, IPF_RECIPIENT, ERR_NOT_FOUND))
		return;
	cap_make(&w.ep->d.recipient, CT_PROCESS, &w.s->obj);
	/* An endpoint not in memory (fresh: no recipient). */
	w.c->d.cap_reg[CR_GIFT].type = CT_ENTRY;
	w.c->d.cap_reg[CR_GIFT].oid = st_fresh_oid(OT_ENDPOINT);
	m.ctl = IC_MAKE(CR_GIFT, IC_CALL);
	if (!declined(&w, w.c, &m, IPF_ABSENT, ERR_NOT_FOUND))
		return;
	teardown(&w);
}
ST_SPACE_CASE(fast_call_declined)

/* A CALL to a recipient that does not wait: the caller stalls. */
static void
fast_call_stalls_body(void)
{
	struct world w;
	struct st_msg m = call_msg(3, 1);

	/* Running (never waited), stopped, faulted. */
	if (setup(&w) != 0)
		return;
	w.s->d.run_state = PS_RUNNING;
	if (!declined(&w, w.c, &m, IPF_RECIPIENT, m.ctl))
		return;
	ST_CHECK_EQ(w.c->d.run_state, PS_SENDING);
	ST_CHECK(w.c->k.stall_on == w.s);
	teardown(&w);

	if (setup(&w) != 0)
		return;
	server_wait(w.s);
	proc_stop(w.s);
	if (!declined(&w, w.c, &m, IPF_RECIPIENT, m.ctl))
		return;
	ST_CHECK_EQ(w.c->d.run_state, PS_SENDING);
	teardown(&w);

	if (setup(&w) != 0)
		return;
	server_wait(w.s);
	fault_raise(w.s, FC_UD, 0, 0);	/* no handler: parked */
	ST_CHECK_EQ(w.s->d.run_state, PS_FAULTED);
	if (!declined(&w, w.c, &m, IPF_RECIPIENT, m.ctl))
		return;
	ST_CHECK_EQ(w.c->d.run_state, PS_SENDING);
	teardown(&w);

	/* A recipient not in memory: loaded by the general path. */
	if (setup(&w) != 0)
		return;
	w.ep->d.recipient.oid = st_fresh_oid(OT_PROCESS);
	if (!declined(&w, w.c, &m, IPF_ABSENT, m.ctl))
		return;
	ST_CHECK_EQ(w.c->d.run_state, PS_SENDING);
	teardown(&w);
}
ST_SPACE_CASE(fast_call_stalls)

/* After a fast CALL, the server holds the REPLY cap; c awaits it. */
static int
called(struct world *w)
{
	struct st_msg m = call_msg(2, 1);

	if (fresh(w) != 0)
		return -1;
	if (fast_invoke(w->c, &m) != w->s) {
		st_fail("CALL not taken by the fast path");
		return -1;
	}
	return 0;
}

/* Replies the fast path declines. */
static void
fast_reply_declined_body(void)
{
	struct world w;
	struct st_msg r;

	/* A cap in the reply; a reply without the wait. */
	if (called(&w) != 0)
		return;
	r = reply_msg(4, 1);
	r.mi = MI_MAKE(4, 1, 1);
	r.send = CR_LIST(CR_GIFT, 0, 0, 0);
	w.c->d.regs.rdx = CR_LIST(CR_GOT, 0xff, 0xff, 0xff);
	if (!declined(&w, w.s, &r, IPF_INFO, r.ctl))
		return;
	ST_CHECK_EQ(w.c->d.cap_reg[CR_GOT].type, CT_SLEEP);
	ST_CHECK_EQ(w.s->k.wait, W_OPEN);
	teardown(&w);

	if (called(&w) != 0)
		return;
	r = reply_msg(4, 1);
	r.ctl = IC_MAKE(CR_REPLYCAP, IC_SEND);
	if (!declined(&w, w.s, &r, IPF_CTL, 0))
		return;
	ST_CHECK_EQ(w.c->d.run_state, PS_RUNNING);
	ST_CHECK_EQ(w.s->d.run_state, PS_RUNNING);

	/* The same REPLY cap again: used up. Bad restriction bits. */
	r = reply_msg(4, 1);
	if (!declined(&w, w.s, &r, IPF_CAP, ERR_BAD_CAP))
		return;
	teardown(&w);

	if (called(&w) != 0)
		return;
	r = reply_msg(4, 1);
	w.s->d.cap_reg[CR_REPLYCAP].restr = 0x40;
	if (!declined(&w, w.s, &r, IPF_CAP, ERR_BAD_CAP))
		return;
	w.s->d.cap_reg[CR_REPLYCAP].restr = 0;
	/* The caller stopped: its REPLY caps died. */
	proc_stop(w.c);
	if (!declined(&w, w.s, &r, IPF_CAP, ERR_BAD_CAP))
		return;
	/* A REPLY cap to a process not in memory. */
	w.s->d.cap_reg[CR_REPLYCAP].oid = st_fresh_oid(OT_PROCESS);
	if (!declined(&w, w.s, &r, IPF_ABSENT, ERR_BAD_CAP))
		return;
	teardown(&w);

	/* Senders stalled on the replier: woken by the general path. */
	if (called(&w) != 0)
		return;
	{
		struct st_msg m = call_msg(5, 0);

		m.ctl = IC_MAKE(CR_ENTRY, IC_SEND);
		st_invoke(w.x, &m);		/* s is running: x stalls */
		ST_CHECK(w.x->d.run_state == PS_SENDING &&
		    w.s->k.stalled == w.x);
	}
	r = reply_msg(4, 1);
	if (!declined(&w, w.s, &r, IPF_STALLED, r.ctl))
		return;
	ST_CHECK_EQ(w.c->d.regs.r8, 0x5555);
	ST_CHECK(w.x->d.run_state == PS_RUNNING && w.s->k.stalled == NULL);
	ST_CHECK_EQ(w.s->k.wait, W_OPEN);
	teardown(&w);
}
ST_SPACE_CASE(fast_reply_declined)

/* c faults; its handler is s's endpoint, so s receives the message. */
static int
faulted(struct world *w)
{
	if (fresh(w) != 0)
		return -1;
	w->c->d.handler = w->c->d.cap_reg[CR_ENTRY];
	w->c->d.regs.rip = 0x1000;
	fault_raise(w->c, FC_UD, 0x1000, 0);
	sched_dequeue(w->s);		/* the switch target */
	if (w->c->d.run_state != PS_FAULTED || w->c->k.wait != W_FAULT ||
	    MI_OPCODE(w->s->d.regs.rdi) != OC_FAULT ||
	    w->s->d.cap_reg[CR_REPLYCAP].type != CT_REPLY) {
		st_fail("fault message not delivered");
		return -1;
	}
	return 0;
}

/*
 * The answer to a fault message resumes the faulted process. The general
 * path queues it at the run queue's tail: the fast path answers only
 * when that queue is empty, so it runs next either way.
 */
static void
fast_fault_reply_body(void)
{
	struct world a, b;
	struct st_msg r = reply_msg(0, 0);

	if (faulted(&a) != 0 || faulted(&b) != 0)
		return;
	ST_CHECK_EQ(sched_runnable(), 0);
	if (fast_invoke(a.s, &r) != a.c) {
		st_fail("fault reply not taken by the fast path");
		return;
	}
	ST_CHECK_EQ(st_invoke(b.s, &r), r.ctl);
	ST_CHECK(b.c->k.on_queue == Q_RUN && sched_runnable() == 1);
	sched_dequeue(b.c);		/* what sched_return picks next */
	if (!same(&a, &b))
		return;
	ST_CHECK_EQ(a.c->d.run_state, PS_RUNNING);
	ST_CHECK_EQ(a.c->d.fault_code, FC_NONE);
	ST_CHECK_EQ(a.c->d.regs.rax, b.c->d.regs.rax);
	teardown(&a);
	teardown(&b);

	/* With another process waiting to run: the general path. */
	if (faulted(&a) != 0)
		return;
	proc_ready(a.x);
	if (!declined(&a, a.s, &r, IPF_BUSY, r.ctl))
		return;
	ST_CHECK(a.c->d.run_state == PS_RUNNING && a.c->k.on_queue == Q_RUN);
	ST_CHECK_EQ(sched_runnable(), 2);	/* x, then c */
	teardown(&a);
}
ST_SPACE_CASE(fast_fault_reply)

ST_SUITE(st_ipcfast,
    ST_CASE(fast_same),
    ST_CASE(fast_call_declined),
    ST_CASE(fast_call_stalls),
    ST_CASE(fast_reply_declined),
    ST_CASE(fast_fault_reply));
