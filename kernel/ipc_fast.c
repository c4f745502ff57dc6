/*
 * ipc_fast.c - the IPC fast path: the two halves of a round trip that
 * move nothing but registers (see ipc.h, ipc_fast()).
 *
 *   CALL through an ENTRY cap whose endpoint's recipient is in an open
 *   wait; reply-and-wait through a REPLY cap whose caller waits for that
 *   reply (or whose faulted process waits for the answer to its fault
 *   message, and resumes). At most MI_WORDS_MAX words, no caps.
 *
 * Each half checks, on objects already in memory (cap_lookup, obj_lookup:
 * no I/O, no eviction), that the general path (inv_syscall -> ipc_send_entry or
 * ipc_reply) would deliver at once and run the receiver next. If
 * anything is unusual -- caps sent, a recipient not waiting (the sender
 * would stall), senders stalled on the replier, the answer to a fault
 * while other processes wait to run, a stopped or faulted recipient, an
 * object not in memory, an invalid or NOCALL cap, IC_NONBLOCK, a
 * malformed call -- it changes nothing and the general path runs, so
 * the fast path has no error cases of its own. Otherwise it makes
 * exactly the changes the general path makes: the receiver's registers,
 * the REPLY cap, both run states, reply_seq, fault state, the dirty
 * marks. Invariant: for every input, ipc_fast() then sched_handoff()
 * leaves every object as inv_syscall() then sched_return() would
 * (st_ipcfast.c checks this field by field).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <abi/invoke.h>
#include <cap.h>
#include <fault.h>
#include <ipc.h>
#include <store/objcache.h>
#include <proc.h>
#include <sched.h>

/* Message info bits the fast path takes: opcode and word count only. */
#define MI_FAST		(UINT64_C(0xffffffff) | UINT64_C(7) << 32)

uint64_t	ipc_fast_stats[IPF_MAX];

static inline struct process *
miss(unsigned why)
{
	ipc_fast_stats[why]++;
	return NULL;
}

/* The words of from's message, for ipc_deliver(). */
static inline void
words(const struct proc_regs *from, uint64_t *w)
{
	w[0] = from->r8;
	w[1] = from->r9;
	w[2] = from->r10;
	w[3] = from->r12;
}

/* CALL through the ENTRY cap c (ipc_send_entry with an open recipient). */
static inline struct process *
fast_call(struct process *p, const struct cap *c, uint64_t mi)
{
	const struct endpoint *ep;
	const struct cap *rc;
	struct cap reply;
	struct process *t;
	struct obj *o;
	uint64_t w[MI_WORDS_MAX];
	int err;

	/* NOCALL (ERR_NO_ACCESS), an exhausted reply_seq (ERR_LIMIT) and
	   invalid caps (ERR_BAD_CAP): the general path's answers. */
	if ((c->restr & CAP_R_NOCALL) || !cap_may_reply(p))
		return miss(IPF_CAP);
	if ((err = cap_check_cached_as(c, CT_ENTRY, &o)) != 0)
		return miss(err == CAP_ABSENT ? IPF_ABSENT : IPF_CAP);
	ep = (const struct endpoint *)o;
	rc = &ep->d.recipient;
	if (rc->type != CT_PROCESS)
		return miss(IPF_RECIPIENT);
	if ((err = cap_check_cached_as(rc, CT_PROCESS, &o)) != 0)
		return miss(err == CAP_ABSENT ? IPF_ABSENT : IPF_RECIPIENT);
	t = (struct process *)o;
	if (!ipc_open(t) || t->k.on_queue != Q_NONE)
		return miss(IPF_RECIPIENT);

	/* Commit: nothing below fails. p, the invoker, needs no write
	   hook: usermode_return() called it (docs/persistence.md). */
	words(&p->d.regs, w);
	cap_make_reply(&reply, p);
	ipc_deliver(t, MI_OPCODE(mi), c->aux, w, MI_NWORDS(mi), NULL, 0,
	    &reply);
	p->d.run_state = PS_RECEIVING;
	p->k.wait = W_REPLY;
	p->d.wait_oid = p->obj.oid;
	ipc_fast_stats[IPF_HIT]++;
	return t;
}

/*
 * Reply-and-wait through the REPLY cap c (ipc_reply, then ipc_wait). The
 * answer to a fault resumes the faulted process instead (proc_resume:
 * the message is not delivered); the general path queues it behind the
 * run queue, so it is taken here only when that queue is empty and the
 * process runs next either way.
 */
static inline struct process *
fast_reply(struct process *p, const struct cap *c, uint64_t mi)
{
	struct process *t;
	struct obj *o;
	uint64_t w[MI_WORDS_MAX];
	bool fault;
	int err;

	if ((err = cap_check_cached_as(c, CT_REPLY, &o)) != 0)
		return miss(err == CAP_ABSENT ? IPF_ABSENT : IPF_CAP);
	t = (struct process *)o;
	/* cap_valid_for: t awaits this reply, or the answer to a fault. */
	fault = t->d.run_state == PS_FAULTED;
	if (t->k.on_queue != Q_NONE)
		return miss(IPF_RECIPIENT);
	if (p->k.stalled != NULL)
		return miss(IPF_STALLED);
	if (fault && sched_runnable() != 0)
		return miss(IPF_BUSY);

	/* Commit: nothing below fails. */
	if (fault) {
		fault_premap(t, t->d.fault_code, t->d.fault_addr,
		    t->d.fault_err);
		proc_modify(t);
		t->d.run_state = PS_RUNNING;
		t->d.wait_oid = 0;
		t->d.fault_code = FC_NONE;
		t->d.fault_addr = 0;
		t->k.wait = W_NONE;
	} else {
		words(&p->d.regs, w);
		ipc_deliver(t, MI_OPCODE(mi), 0, w, MI_NWORDS(mi), NULL, 0,
		    NULL);
	}
	t->d.reply_seq++;	/* t: proc_modify'd above */
	p->d.run_state = PS_RECEIVING;
	p->k.wait = W_OPEN;
	p->d.wait_oid = 0;
	ipc_fast_stats[IPF_HIT]++;
	return t;
}

struct process *
ipc_fast(struct process *p)
{
	uint64_t ctl = p->d.regs.rax, mi = p->d.regs.rdi;
	const struct cap *c = &p->d.cap_reg[ctl & IC_CAP_MASK];

	/* IC_NONBLOCK (rare here) is left to the general path's rules. */
	if ((ctl & ~(uint64_t)IC_CAP_MASK) != IC_CALL)
		return miss(IPF_CTL);
	if ((mi & ~MI_FAST) != 0 || MI_NWORDS(mi) > MI_WORDS_MAX)
		return miss(IPF_INFO);
	if (c->type == CT_ENTRY)
		return fast_call(p, c, mi);
	if (c->type == CT_REPLY)
		return fast_reply(p, c, mi);
	return miss(IPF_TYPE);
}
