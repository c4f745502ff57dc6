/*
 * ipc.h - IPC between processes through entry caps (abi/invoke.h): send,
 * call, open wait, reply, reply-and-wait. Each is one system call; the
 * caller fills the struct umsg (info, words, caps sent, where received
 * caps land) and reads the answer from it.
 *
 * A server's loop: ipc_recv() once, then ipc_reply_wait() on the REPLY
 * cap each message brought (CR_WITH_REPLY in m->rcv says where it lands).
 */
#pragma once

#include <user/invoke.h>

/* One-way send through entry cap cr; blocks until delivered. */
static inline int
ipc_send(unsigned cr, struct umsg *m)
{
	return invoke(IC_MAKE(cr, IC_SEND), m);
}

/* As ipc_send, but ERR_WOULD_BLOCK if the recipient is not waiting. */
static inline int
ipc_send_nb(unsigned cr, struct umsg *m)
{
	return invoke(IC_MAKE(cr, IC_SEND | IC_NONBLOCK), m);
}

/* Send through entry cap cr and wait for the reply into m. */
static inline int
ipc_call(unsigned cr, struct umsg *m)
{
	return invoke(IC_MAKE(cr, IC_CALL), m);
}

/* Open wait: block until a message for this process arrives into m. */
static inline int
ipc_recv(struct umsg *m)
{
	return invoke(IC_MAKE(0, IC_RECV), m);
}

/* Open wait that fails with ERR_WOULD_BLOCK if nothing is pending. */
static inline int
ipc_recv_nb(struct umsg *m)
{
	return invoke(IC_MAKE(0, IC_RECV | IC_NONBLOCK), m);
}

/* Answer through the REPLY cap in register reply_cr (used up by this). */
static inline int
ipc_reply(unsigned reply_cr, struct umsg *m)
{
	return invoke(IC_MAKE(reply_cr, IC_SEND), m);
}

/* Answer through reply_cr, then wait for the next message into m. */
static inline int
ipc_reply_wait(unsigned reply_cr, struct umsg *m)
{
	return invoke(IC_MAKE(reply_cr, IC_SEND | IC_RECV), m);
}

/*
 * Call entry cap cr with op, no words and no caps: the answer's words
 * in w[0..MI_WORDS_MAX) (zeros if the call failed). Returns its error.
 * For a server's small queries (a keeper's statistics).
 */
static inline int
ipc_ask(unsigned cr, uint32_t op, uint64_t *w)
{
	struct umsg m;
	int err;

	umsg_init(&m, op, 0, 0, 0, 0, 0);
	err = ipc_call(cr, &m);
	for (unsigned i = 0; i < MI_WORDS_MAX; i++)
		w[i] = err == 0 ? m.w[i] : 0;
	return err;
}
