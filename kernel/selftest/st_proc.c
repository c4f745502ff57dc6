/*
 * st_proc.c - processes in ring 3: a null invocation loop, an IPC round
 * trip loop between two processes, two spinners preempted by the timer,
 * and a fault with no handler parking the process. The loops also
 * measure (TSC cycles; under -icount shift=0 these are instructions):
 *   st_proc: null invocation N, ipc round trip M (per iteration), the
 *   same through the general path (a cap each way)
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <abi/err.h>
#include <abi/invoke.h>
#include <cap.h>
#include <ipc.h>
#include <printf.h>
#include <proc.h>
#include <lib/string.h>
#include <selftest/selftest.h>
#include <selftest/st_space.h>
#include <selftest/st_user.h>

#define NULL_LOOPS	2000
#define IPC_LOOPS	2000
#define SPIN_LOOPS	30000000

static void
user_null_body(void)
{
	struct process *p = st_user_process(st_user_null, st_user_null_end,
	    NULL_LOOPS);

	if (p == NULL)
		return;
	p->d.cap_reg[0].type = CT_SLEEP;
	proc_ready(p);
	st_user_run();
	if (p->d.run_state != PS_FAULTED || p->d.fault_code != FC_UD)
		st_fail("state %u fault %u, want PS_FAULTED FC_UD",
		    p->d.run_state, p->d.fault_code);
	else if (p->d.regs.rbx != 0 || p->d.regs.rbp != CT_SLEEP ||
	    p->d.regs.r15 != 0)
		st_fail("OC_TYPE answered rc %#lx type %#lx restr %#lx",
		    p->d.regs.rbx, p->d.regs.rbp, p->d.regs.r15);
	else if (p->d.regs.r14 != 0)
		st_fail("loop stopped at %lu", p->d.regs.r14);
	else
		kprintf("st_proc: null invocation %lu cycles\n",
		    p->d.regs.r13 / NULL_LOOPS);
	st_user_stop(p);
}
ST_SPACE_CASE(user_null)

_Static_assert(IPF_MAX == 9, "ipc_loop's failure report lists 8 reasons");

/*
 * Client and server in two spaces, IPC_LOOPS round trips of 4 words
 * each way; with_cap sends a SLEEP cap each way too, which the fast path
 * leaves to the general one. Returns the cycles per round trip, 0 if the
 * test failed.
 */
static uint64_t
ipc_loop(bool with_cap)
{
	struct process *c = st_user_process(st_user_client,
	    st_user_client_end, IPC_LOOPS);
	struct process *s = st_user_process(st_user_server,
	    st_user_server_end, 0);
	uint64_t before[IPF_MAX], hits, info, cycles = 0;
	unsigned ncaps = with_cap ? 1 : 0;
	struct obj *o;

	if (c == NULL || s == NULL)
		return 0;
	if (obj_get(st_fresh_oid(OT_ENDPOINT), &o) != 0) {
		st_fail("no endpoint");
		return 0;
	}
	obj_pin(o);
	cap_make(&obj_endpoint(o)->d.recipient, CT_PROCESS, &s->obj);
	cap_make(&c->d.cap_reg[0], CT_ENTRY, o);
	c->d.cap_reg[0].aux = 7;
	c->d.cap_reg[2].type = CT_SLEEP;
	s->d.cap_reg[2].type = CT_SLEEP;
	c->d.regs.r15 = MI_MAKE(0x42, 4, ncaps);
	s->d.regs.r15 = MI_MAKE(0, 4, ncaps);
	c->d.regs.rbp = s->d.regs.rbp = with_cap ? CR_LIST(2, 0, 0, 0) : 0;
	memcpy(before, ipc_fast_stats, sizeof(before));
	proc_ready(s);		/* first: it waits before the client calls */
	proc_ready(c);
	st_user_run();
	hits = ipc_fast_stats[IPF_HIT] - before[IPF_HIT];
	info = ipc_fast_stats[IPF_INFO] - before[IPF_INFO];
	if (c->d.run_state != PS_FAULTED || c->d.fault_code != FC_UD)
		st_fail("client state %u fault %u", c->d.run_state,
		    c->d.fault_code);
	else if (c->d.regs.rbx != 0 || c->d.regs.r14 != 0)
		st_fail("client saw %lu bad answers, %lu calls left",
		    c->d.regs.rbx, c->d.regs.r14);
	else if (s->d.run_state != PS_RECEIVING || s->k.wait != W_OPEN)
		st_fail("server state %u wait %u", s->d.run_state, s->k.wait);
	else if (s->d.regs.r8 != 2)
		st_fail("server's last word 0 is %lu, want 2", s->d.regs.r8);
	/*
	 * Every call is considered once, plus once more for each send that
	 * stalled (the server was not yet waiting) and re-executes: so with
	 * caps at least, not exactly, 2 * IPC_LOOPS declines.
	 */
	else if (hits != (with_cap ? 0 : 2 * IPC_LOOPS) ||
	    (with_cap ? info < 2 * IPC_LOOPS : info != 0))
		st_fail("fast path taken %lu times, declined for the caps "
		    "%lu times (declines by reason 1..8: %lu %lu %lu %lu %lu "
		    "%lu %lu %lu)", hits, info,
		    ipc_fast_stats[1] - before[1], ipc_fast_stats[2] - before[2],
		    ipc_fast_stats[3] - before[3], ipc_fast_stats[4] - before[4],
		    ipc_fast_stats[5] - before[5], ipc_fast_stats[6] - before[6],
		    ipc_fast_stats[7] - before[7],
		    ipc_fast_stats[8] - before[8]);
	else if (with_cap && s->d.cap_reg[2].type != CT_SLEEP)
		st_fail("the cap did not arrive");
	else
		cycles = c->d.regs.r13 / IPC_LOOPS;
	st_user_stop(c);
	st_user_stop(s);
	obj_unpin(o);
	return cycles;
}

static void
user_ipc_body(void)
{
	uint64_t n = ipc_loop(false);

	if (n != 0)
		kprintf("st_proc: ipc round trip %lu cycles\n", n);
}
ST_SPACE_CASE(user_ipc)

/* The same loop through the general path (a cap each way). */
static void
user_ipc_slow_body(void)
{
	uint64_t n = ipc_loop(true);

	if (n != 0)
		kprintf("st_proc: ipc round trip, a cap each way (general "
		    "path) %lu cycles\n", n);
}
ST_SPACE_CASE(user_ipc_slow)

static void
user_preempt_body(void)
{
	struct process *a = st_user_process(st_user_spin, st_user_spin_end,
	    SPIN_LOOPS);
	struct process *b = st_user_process(st_user_spin, st_user_spin_end,
	    SPIN_LOOPS);

	if (a == NULL || b == NULL)
		return;
	proc_ready(a);
	proc_ready(b);
	st_user_run();
	if (a->d.fault_code != FC_UD || b->d.fault_code != FC_UD ||
	    a->d.regs.r14 != 0 || b->d.regs.r14 != 0)
		st_fail("spinners did not finish");
	else if (!(a->d.regs.rbp < b->d.regs.r13 &&
	    b->d.regs.rbp < a->d.regs.r13))
		st_fail("no interleaving: a [%lu, %lu] b [%lu, %lu]",
		    a->d.regs.rbp, a->d.regs.r13, b->d.regs.rbp,
		    b->d.regs.r13);
	st_user_stop(a);
	st_user_stop(b);
}
ST_SPACE_CASE(user_preempt)

/* The kernel refuses registers ring 3 cannot take. */
static void
test_regs_check(void)
{
	struct proc_regs r = { 0 };

	r.rip = 0x1000;
	r.rsp = 0x2000;
	r.rflags = RFLAGS_USER_DEFAULT;
	ST_CHECK_EQ(proc_regs_check(&r), 0);
	r.rflags = 0x2;				/* IF clear */
	ST_CHECK_EQ(proc_regs_check(&r), ERR_BAD_ARG);
	r.rflags = RFLAGS_USER_DEFAULT | 0x3000;	/* IOPL 3 */
	ST_CHECK_EQ(proc_regs_check(&r), ERR_BAD_ARG);
	r.rflags = RFLAGS_USER_DEFAULT;
	r.rip = USER_VA_END;
	ST_CHECK_EQ(proc_regs_check(&r), ERR_BAD_ARG);
	r.rip = 0xffffffff80100000ul;
	ST_CHECK_EQ(proc_regs_check(&r), ERR_BAD_ARG);
	r.rip = 0x1000;
	r.rsp = 0x0000900000000000ul;		/* any RSP: ring 3 sets it */
	ST_CHECK_EQ(proc_regs_check(&r), 0);
	r.rsp = 0x2000;
	r.fs_base = ~0ul;
	ST_CHECK_EQ(proc_regs_check(&r), ERR_BAD_ARG);
	ST_CHECK_EQ(proc_reg_check(PROC_NREGS, 0), ERR_BAD_SLOT);
}

ST_SUITE(st_proc,
    ST_CASE(regs_check),
    ST_CASE(user_null),
    ST_CASE(user_ipc),
    ST_CASE(user_ipc_slow),
    ST_CASE(user_preempt));
