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
#include <stdint.h>

#include <abi/cap.h>
#include <obj.h>

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
 * calls ipc_wake(). Received caps land where to's rdx says; the REPLY cap
 * (if any: a CALL) in rdx's CR_REPLY byte, which is left alone
 * otherwise. Cannot fail.
 */
void	ipc_deliver(struct process *to, uint32_t opcode, uint64_t payload,
	    const uint64_t *w, unsigned nwords, const struct cap *caps,
	    unsigned ncaps, const struct cap *reply);

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
int	ipc_reply(struct inv *inv);
