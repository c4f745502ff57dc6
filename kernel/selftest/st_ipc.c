/*
 * st_ipc.c - the IPC state machine, driven in the kernel: call and
 * reply with words, caps and payload; REPLY caps work once; a sender
 * stalls until the recipient waits (and re-executes its send);
 * IC_NONBLOCK; CAP_R_NOCALL; payload match; a stop ends a wait.
 */
#include <stddef.h>
#include <stdint.h>

#include <abi/err.h>
#include <cap.h>
#include <proc.h>
#include <sched.h>
#include <selftest/selftest.h>
#include <selftest/st_inv.h>
#include <selftest/st_space.h>

#define CR_ENTRY	0
#define CR_GIFT		3
#define CR_GOT		5
#define CR_REPLYCAP	6

/* Server s waits; client c holds an entry cap (payload 9) to it. */
static struct endpoint *
setup(struct process **c, struct process **s)
{
	struct endpoint *ep = st_endpoint();

	*c = st_process();
	*s = st_process();
	if (ep == NULL || *c == NULL || *s == NULL)
		return NULL;
	cap_make(&ep->d.recipient, CT_PROCESS, &(*s)->obj);
	cap_make(&(*c)->d.cap_reg[CR_ENTRY], CT_ENTRY, &ep->obj);
	(*c)->d.cap_reg[CR_ENTRY].aux = 9;
	(*c)->d.cap_reg[CR_GIFT].type = CT_SLEEP;
	return ep;
}

static uint64_t
server_wait(struct process *s)
{
	struct st_msg m = { IC_RECV, 0, 0,
	    CR_WITH_REPLY(CR_LIST(CR_GOT, 0xff, 0xff, 0xff), CR_REPLYCAP),
	    { 0, 0, 0, 0 } };

	return st_invoke(s, &m);
}

static uint64_t
client_send(struct process *c, uint64_t flags, unsigned ncaps)
{
	struct st_msg m = { IC_MAKE(CR_ENTRY, flags), MI_MAKE(0x42, 4, ncaps),
	    CR_LIST(CR_GIFT, 0, 0, 0), ~0ul, { 11, 22, 33, 44 } };

	return st_invoke(c, &m);
}

static void
call_reply_body(void)
{
	struct process *c, *s, *ps[2];
	struct st_msg reply = { IC_MAKE(CR_REPLYCAP, IC_SEND),
	    MI_MAKE(0x43, 1, 0), 0, 0, { 77, 0, 0, 0 } };
	struct cap *rc;

	if (setup(&c, &s) == NULL)
		return;
	ps[0] = c;
	ps[1] = s;
	server_wait(s);
	ST_CHECK_EQ(s->k.wait, W_OPEN);
	ST_CHECK(s->d.run_state == PS_RECEIVING && s->k.wait == W_OPEN);
	client_send(c, IC_CALL, 1);
	ST_CHECK(c->d.run_state == PS_RECEIVING && c->k.wait == W_REPLY);
	ST_CHECK_EQ(s->d.run_state, PS_RUNNING);
	ST_CHECK_EQ(s->d.regs.rax, 0);
	ST_CHECK_EQ(s->d.regs.rdi, MI_MAKE(0x42, 4, 1));
	ST_CHECK_EQ(s->d.regs.rsi, 9);
	ST_CHECK_EQ(s->d.regs.r8, 11);
	ST_CHECK_EQ(s->d.regs.r12, 44);
	ST_CHECK_EQ(s->d.cap_reg[CR_GOT].type, CT_SLEEP);
	rc = &s->d.cap_reg[CR_REPLYCAP];
	ST_CHECK_EQ(rc->type, CT_REPLY);
	ST_CHECK_EQ(rc->oid, c->obj.oid);
	ST_CHECK_EQ(rc->alloc_count, c->d.reply_seq);

	ST_CHECK_EQ(st_invoke(s, &reply), 0);
	ST_CHECK_EQ(c->d.run_state, PS_RUNNING);
	ST_CHECK_EQ(c->d.regs.rax, 0);
	ST_CHECK_EQ(c->d.regs.rdi, MI_MAKE(0x43, 1, 0));
	ST_CHECK_EQ(c->d.regs.rsi, 0);
	ST_CHECK_EQ(c->d.regs.r8, 77);
	/* One shot: the same REPLY cap is dead now. */
	ST_CHECK_EQ(st_invoke(s, &reply), ERR_BAD_CAP);
	st_inv_end(ps, 2);
}
ST_SPACE_CASE(call_reply)

static void
stall_body(void)
{
	struct process *c, *s, *ps[2];

	if (setup(&c, &s) == NULL)
		return;
	ps[0] = c;
	ps[1] = s;
	ST_CHECK_EQ(client_send(c, IC_SEND | IC_NONBLOCK, 0),
	    ERR_WOULD_BLOCK);
	ST_CHECK_EQ(c->d.run_state, PS_RUNNING);
	client_send(c, IC_SEND, 0);
	ST_CHECK_EQ(c->d.run_state, PS_SENDING);
	ST_CHECK_EQ(c->d.regs.rip, 0x1000);	/* back on the syscall */
	ST_CHECK(s->k.stalled == c && c->k.stall_on == s);
	server_wait(s);				/* wakes the sender */
	ST_CHECK_EQ(c->d.run_state, PS_RUNNING);
	ST_CHECK(s->k.stalled == NULL && c->k.on_queue == Q_RUN);
	/* Its retry delivers. */
	ST_CHECK_EQ(client_send(c, IC_SEND, 0), 0);
	ST_CHECK_EQ(s->d.regs.r9, 22);
	ST_CHECK_EQ(s->d.cap_reg[CR_REPLYCAP].type, CT_NULL);	/* untouched */
	st_inv_end(ps, 2);
}
ST_SPACE_CASE(stall)

static void
nocall_body(void)
{
	struct process *c, *s, *ps[2];

	if (setup(&c, &s) == NULL)
		return;
	ps[0] = c;
	ps[1] = s;
	c->d.cap_reg[CR_ENTRY].restr = CAP_R_NOCALL;
	server_wait(s);
	ST_CHECK_EQ(s->k.wait, W_OPEN);
	ST_CHECK_EQ(client_send(c, IC_CALL, 0), ERR_NO_ACCESS);
	ST_CHECK_EQ(s->k.wait, W_OPEN);		/* nothing delivered */
	ST_CHECK_EQ(client_send(c, IC_SEND, 0), 0);
	ST_CHECK_EQ(s->d.regs.r8, 11);
	st_inv_end(ps, 2);
}
ST_SPACE_CASE(nocall)

static void
match_body(void)
{
	struct process *c, *s, *ps[2];
	struct endpoint *ep = setup(&c, &s);

	if (ep == NULL)
		return;
	ps[0] = c;
	ps[1] = s;
	server_wait(s);
	ST_CHECK_EQ(s->k.wait, W_OPEN);
	ep->d.flags = EP_F_PAYLOAD_MATCH;
	ep->d.match_payload = 5;
	ST_CHECK_EQ(client_send(c, IC_SEND, 0), ERR_BAD_CAP);
	ep->d.match_payload = 9;
	ST_CHECK_EQ(client_send(c, IC_SEND, 0), 0);
	/* No recipient: ERR_NOT_FOUND. */
	cap_set_null(&ep->d.recipient);
	ST_CHECK_EQ(client_send(c, IC_SEND, 0), ERR_NOT_FOUND);
	st_inv_end(ps, 2);
}
ST_SPACE_CASE(match)

static void
stop_wait_body(void)
{
	struct process *c, *s, *ps[2];

	if (setup(&c, &s) == NULL)
		return;
	ps[0] = c;
	ps[1] = s;
	server_wait(s);
	ST_CHECK_EQ(s->k.wait, W_OPEN);
	client_send(c, IC_CALL, 0);
	ST_CHECK_EQ(c->k.wait, W_REPLY);
	proc_stop(c);		/* the reply wait ends; its cap dies */
	ST_CHECK_EQ(c->d.run_state, PS_STOPPED);
	ST_CHECK_EQ(c->d.regs.rax, ERR_RESTART);
	{
		struct st_msg reply = { IC_MAKE(CR_REPLYCAP, IC_SEND),
		    MI_MAKE(0, 0, 0), 0, 0, { 0, 0, 0, 0 } };

		ST_CHECK_EQ(st_invoke(s, &reply), ERR_BAD_CAP);
	}
	st_inv_end(ps, 2);
}
ST_SPACE_CASE(stop_wait)

ST_SUITE(st_ipc,
    ST_CASE(call_reply),
    ST_CASE(stall),
    ST_CASE(nocall),
    ST_CASE(match),
    ST_CASE(stop_wait));
