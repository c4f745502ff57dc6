/*
 * st_inv.c - invocations from self-tests (see st_inv.h).
 */
#include <stddef.h>
#include <stdint.h>

#include <inv/inv.h>
#include <proc.h>
#include <sched.h>
#include <selftest/selftest.h>
#include <selftest/st_inv.h>
#include <selftest/st_space.h>

#define ST_EPS_MAX	8

static struct obj	*eps[ST_EPS_MAX];
static unsigned		neps;

void
st_inv_load(struct process *p, const struct st_msg *m)
{
	/* What usermode_return() does when it dispatches p: the write hook
	   covering the system call's entry and its answer. */
	proc_modify(p);
	p->d.regs.rax = m->ctl;
	p->d.regs.rdi = m->mi;
	p->d.regs.rsi = m->send;
	p->d.regs.rdx = m->recv;
	p->d.regs.r8 = m->w[0];
	p->d.regs.r9 = m->w[1];
	p->d.regs.r10 = m->w[2];
	p->d.regs.r12 = m->w[3];
	p->d.regs.rip = 0x1002;		/* just after a syscall at 0x1000 */
	proc_hold(p);
	if (p->d.run_state != PS_RUNNING)
		p->d.run_state = PS_RUNNING;
	sched_dequeue(p);
}

uint64_t
st_invoke(struct process *p, const struct st_msg *m)
{
	struct process *saved = sched_current;

	st_inv_load(p, m);
	sched_current = p;
	inv_syscall(p);
	sched_current = saved;
	return p->d.regs.rax;
}

uint64_t
st_kcall(struct process *p, unsigned cr, uint32_t op, unsigned nwords,
    uint64_t w0, uint64_t w1)
{
	struct st_msg m = { IC_MAKE(cr, IC_CALL), MI_MAKE(op, nwords, 0), 0,
	    ~0ul, { w0, w1, 0, 0 } };

	return st_invoke(p, &m);
}

struct endpoint *
st_endpoint(void)
{
	struct obj *o;

	if (neps == ST_EPS_MAX || obj_get(st_fresh_oid(OT_ENDPOINT), &o)) {
		st_fail("no endpoint");
		return NULL;
	}
	obj_pin(o);
	eps[neps++] = o;
	return obj_endpoint(o);
}

void
st_inv_end(struct process **ps, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (ps[i] != NULL)
			proc_stop(ps[i]);
	for (i = 0; i < neps; i++)
		obj_unpin(eps[i]);
	neps = 0;
}
