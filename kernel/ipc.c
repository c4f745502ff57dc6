/*
 * ipc.c - send, call, reply and the open wait (see ipc.h).
 *
 * Fast path of a round trip: the client's CALL finds the server in an
 * open wait, writes the message into the server's registers, blocks the
 * client in W_REPLY and switches straight to the server; the server's
 * reply-and-wait writes into the client's registers, puts the server in
 * an open wait and switches straight back. No queue is touched, nothing
 * is allocated, nothing is printed.
 */
#include <stddef.h>
#include <stdint.h>

#include <abi/err.h>
#include <cap.h>
#include <fault.h>
#include <inv/inv.h>
#include <ipc.h>
#include <panic.h>
#include <proc.h>
#include <sched.h>

_Static_assert(W_OPEN == 1, "ipc_open() in ipc.h");

void
ipc_wake(struct process *to, bool direct)
{
	if (to == sched_current || to->k.on_queue != Q_NONE)
		return;
	if (direct)
		sched_switch_to(to);
	else
		sched_enqueue(to);
}

void
ipc_wait(struct process *p)
{
	struct process *s, *next;

	proc_block(p, PS_RECEIVING, W_OPEN, 0);
	for (s = sched_take_stalled(p); s != NULL; s = next) {
		next = s->k.q_next;
		s->k.q_next = NULL;
		if (s->k.wait == W_FAULT_STALL)
			fault_deliver(s);
		else
			proc_ready(s);		/* re-executes its send */
	}
	if (p->k.stalled == NULL && p->d.run_state == PS_STOPPED)
		proc_release(p);
}

void
ipc_endpoint_changed(oid_t ep, const struct cap *recipient)
{
	struct process *r, *s, *next;
	struct obj *o;

	/* Senders stall on the process object whatever its caps' state. */
	if (recipient->type != CT_PROCESS ||
	    OID_TYPE(recipient->oid) != OT_PROCESS ||
	    obj_get(recipient->oid, &o) != 0)
		return;
	r = obj_process(o);
	for (s = sched_take_stalled(r); s != NULL; s = next) {
		next = s->k.q_next;
		s->k.q_next = NULL;
		if (s->d.wait_oid != ep)
			sched_stall(s, r);
		else if (s->k.wait == W_FAULT_STALL)
			fault_deliver(s);
		else
			proc_ready(s);
	}
	if (r->k.stalled == NULL && r->d.run_state == PS_STOPPED)
		proc_release(r);
}

int
ipc_send_entry(struct inv *inv)
{
	struct process *p = inv->p, *r;
	struct endpoint *ep = obj_endpoint(inv->obj);
	struct cap rcap = ep->d.recipient, reply;
	oid_t ep_oid = ep->obj.oid;
	bool call = (inv->ctl & IC_RECV) != 0;
	struct obj *o;
	int rc;

	if (call && (inv->cap.restr & CAP_R_NOCALL))
		return ERR_NO_ACCESS;
	if (call && !cap_may_reply(p))
		return ERR_LIMIT;	/* abi/process.h, REPLY_SEQ_LIMIT */
	if (rcap.type != CT_PROCESS)
		return ERR_NOT_FOUND;
	if ((rc = cap_check(&rcap, &o)) != 0)
		return rc == ERR_BAD_CAP ? ERR_NOT_FOUND : rc;
	r = obj_process(o);
	if (!ipc_open(r)) {
		if ((inv->ctl & IC_NONBLOCK) || r == p)
			return ERR_WOULD_BLOCK;
		/* Commit: stall; the send runs again when r waits. */
		proc_modify(p);
		p->d.regs.rip -= 2;		/* back to the syscall */
		proc_block(p, PS_SENDING, W_SEND, ep_oid);
		sched_stall(p, r);
		return INV_DONE;
	}
	if (call)
		cap_make_reply(&reply, p);
	ipc_deliver(r, inv->opcode, inv->cap.aux, inv->w, inv->nwords,
	    inv->c, inv->ncaps, call ? &reply : NULL);
	if (call) {
		proc_block(p, PS_RECEIVING, W_REPLY, p->obj.oid);
		ipc_wake(r, true);
	} else {
		proc_modify(p);
		p->d.regs.rax = 0;
		ipc_wake(r, false);
	}
	return INV_DONE;
}

int
ipc_reply(struct inv *inv)
{
	struct process *p = inv->p, *t = obj_process(inv->obj);
	bool wait = (inv->ctl & IC_RECV) != 0;

	/* cap_check found t awaiting this reply; nothing below fails. */
	if (t->d.run_state == PS_FAULTED)
		proc_resume(t);		/* the answer to a fault: run again */
	else {
		ipc_deliver(t, inv->opcode, 0, inv->w, inv->nwords, inv->c,
		    inv->ncaps, NULL);
		t->d.reply_seq++;	/* ipc_deliver called proc_modify */
	}
	if (wait) {
		ipc_wait(p);
		ipc_wake(t, true);
	} else {
		proc_modify(p);
		p->d.regs.rax = 0;
		ipc_wake(t, false);
	}
	return INV_DONE;
}
