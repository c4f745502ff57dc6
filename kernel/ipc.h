/*
 * ipc.h - messages between processes: the open wait, delivery through
 * ENTRY caps (send, call), one-shot REPLY caps, and fault messages.
 *
 * A message is an opcode, up to MI_WORDS_MAX words, up to MI_CAPS_MAX
 * caps and the invoked entry cap's payload. It goes straight from the
 * sender's registers into the receiver's (no buffering, no allocation):
 * a sender whose recipient is not in an open wait stalls on the
 * recipient's stall queue and re-executes its send when the recipient
 * next waits. A CALL also gives the receiver a REPLY cap naming the
 * caller and its reply_seq; the reply bumps reply_seq, so the cap works
 * once.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <abi/cap.h>
#include <abi/invoke.h>
#include <obj.h>
#include <proc.h>

struct inv;

/* True if p is in an open wait (an entry message may be delivered). */
static inline bool
ipc_open(const struct process *p)
{
	return p->d.run_state == PS_RECEIVING && p->k.wait == 1; /* W_OPEN */
}

/*
 * p (current) enters an open wait; every process stalled on p is woken:
 * senders re-execute their send, faults are delivered again.
 */
void	ipc_wait(struct process *p);

/*
 * Write a message into to's registers and caps (to waits: open, reply,
 * or is current) and make it PS_RUNNING, on no queue: the caller then
 * calls ipc_wake(). Words not sent arrive as 0; received caps land where
 * to's rdx says; the REPLY cap (if any: a CALL) in rdx's CR_REPLY byte,
 * which is left alone otherwise. Cannot fail.
 *
 * The one delivery routine: the general path (ipc.c), the fast path
 * (ipc_fast.c) and fault messages (fault.c) all write a message here.
 * Inline, so that each caller's constant counts fold away.
 */
static inline __attribute__((always_inline)) void
ipc_deliver(struct process *to, uint32_t opcode, uint64_t payload,
    const uint64_t *w, unsigned nwords, const struct cap *caps,
    unsigned ncaps, const struct cap *reply)
{
	struct proc_regs *r = &to->d.regs;
	unsigned i, dst;

	proc_modify(to);
	r->rax = 0;
	r->rdi = MI_MAKE(opcode, nwords, ncaps);
	r->rsi = payload;
	r->r8 = nwords > 0 ? w[0] : 0;
	r->r9 = nwords > 1 ? w[1] : 0;
	r->r10 = nwords > 2 ? w[2] : 0;
	r->r12 = nwords > 3 ? w[3] : 0;
	for (i = 0; i < ncaps; i++) {
		dst = CR_LIST_GET(r->rdx, i);
		if (dst < PROC_CAP_REGS)
			to->d.cap_reg[dst] = caps[i];
	}
	dst = (unsigned)(r->rdx >> CR_REPLY_SHIFT) & 0xff;
	if (reply != NULL && dst < PROC_CAP_REGS)
		to->d.cap_reg[dst] = *reply;
	to->d.run_state = PS_RUNNING;
	to->d.wait_oid = 0;
	to->k.wait = W_NONE;
}

/* Let to (just delivered to) run: next if direct, else queued. */
void	ipc_wake(struct process *to, bool direct);

/*
 * Deliver a message to r's open wait, or stall `from` on r; used by
 * invocations of ENTRY caps (inv_entry) and by fault delivery.
 */
int	ipc_send_entry(struct inv *inv);

/*
 * The endpoint ep changed its recipient (recipient is the old one) or
 * its payload match: senders stalled through it on that recipient are
 * woken to retry against the new state. Cannot fail.
 */
void	ipc_endpoint_changed(oid_t ep, const struct cap *recipient);

/* A REPLY cap's message to the process awaiting it (inv_reply). */
int	ipc_reply(struct inv *inv);

/*
 * The fast path (ipc_fast.c) of p's system call (p current, registers
 * saved): a CALL through an ENTRY cap to a recipient in an open wait, or
 * a reply-and-wait through a REPLY cap to its waiting caller (or to a
 * faulted process, which resumes, when no other process waits to run),
 * with at most 4 words and no caps, all objects in memory. If p's call is one,
 * performs it exactly as inv_syscall() would and returns the receiver,
 * to run next (sched_handoff); p is blocked. Otherwise changes nothing
 * and returns NULL: the general path must run. Cannot fail.
 */
struct process	*ipc_fast(struct process *p);

/* Worth trying ipc_fast(): p invokes an ENTRY or REPLY cap. Cheap, so
   calls to kernel objects pay next to nothing for the fast path. */
static inline bool
ipc_fast_wanted(const struct process *p)
{
	uint8_t t = p->d.cap_reg[p->d.regs.rax & IC_CAP_MASK].type;

	return t == CT_ENTRY || t == CT_REPLY;
}

/* ipc_fast_stats[IPF_HIT] counts fast calls; the others why not. */
#define IPF_HIT		0
#define IPF_TYPE	1	/* neither ENTRY nor REPLY (not counted
				   when ipc_fast_wanted said no) */
#define IPF_CTL		2	/* not SEND|RECV alone (NONBLOCK...) */
#define IPF_INFO	3	/* caps sent, reserved bits, > 4 words */
#define IPF_CAP		4	/* invoked cap invalid/stale/NOCALL */
#define IPF_ABSENT	5	/* endpoint/process not in memory */
#define IPF_RECIPIENT	6	/* no valid recipient, or not waiting */
#define IPF_STALLED	7	/* senders stalled on the replier */
#define IPF_BUSY	8	/* fault answer, others wait to run */
#define IPF_MAX		9
extern uint64_t	ipc_fast_stats[IPF_MAX];
