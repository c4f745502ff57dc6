/*
 * st_fpu.c - user FPU/SSE state and FS/GS bases across switches
 * (x86_64/usermode.c): two processes keep their own xmm0 through
 * thousands of IPC switches with few #NM traps (eager loading after a
 * trap); a process's SSE values are saved and scrubbed from the
 * registers before another process runs; usermode_fpu_flush() puts the
 * owner's state into its d.fxsave; a process that zeroed its FS base by
 * loading a selector does not leave that base to the next process.
 */
#include <stddef.h>
#include <stdint.h>

#include <cap.h>
#include <lib/string.h>
#include <printf.h>
#include <proc.h>
#include <selftest/selftest.h>
#include <selftest/st_space.h>
#include <selftest/st_user.h>
#include <x86_64/cpu.h>
#include <x86_64/usermode.h>

#define FPU_LOOPS	1000
#define FX_XMM0		160	/* xmm0 in an FXSAVE image */
#define CR0_TS		(1ul << 3)
#define CLIENT_XMM	UINT64_C(0x1111222233334444)
#define SERVER_XMM	UINT64_C(0x5555666677778888)

static uint64_t
fx_xmm0(const struct process *p)
{
	uint64_t v;

	memcpy(&v, p->d.fxsave + FX_XMM0, sizeof(v));
	return v;
}

/* xmm0 of the FPU registers now (TS cleared for the read, then put back). */
static uint64_t
live_xmm0(void)
{
	uint64_t cr0 = cpu_read_cr0(), v;

	__asm__ volatile("clts; movq %%xmm0, %0" : "=r"(v));
	cpu_write_cr0(cr0);
	return v;
}

/* An endpoint whose recipient is s; its ENTRY cap into c's register 0. */
static struct obj *
link(struct process *c, struct process *s)
{
	struct obj *o;

	if (obj_get(st_fresh_oid(OT_ENDPOINT), &o) != 0) {
		st_fail("no endpoint");
		return NULL;
	}
	obj_pin(o);
	cap_make(&obj_endpoint(o)->d.recipient, CT_PROCESS, &s->obj);
	cap_make(&c->d.cap_reg[0], CT_ENTRY, o);
	return o;
}

/* Both processes use xmm0 on every round trip and keep their values. */
static void
user_fpu_keep_body(void)
{
	struct process *c = st_user_process(st_user_fpu_client,
	    st_user_fpu_client_end, FPU_LOOPS);
	struct process *s = st_user_process(st_user_fpu_server,
	    st_user_fpu_server_end, 0);
	uint64_t traps = usermode_fpu_traps;
	struct obj *ep;

	if (c == NULL || s == NULL || (ep = link(c, s)) == NULL)
		return;
	c->d.regs.r15 = CLIENT_XMM;
	s->d.regs.r15 = SERVER_XMM;
	proc_ready(s);
	proc_ready(c);
	st_user_run();
	traps = usermode_fpu_traps - traps;
	if (c->d.fault_code != FC_UD || c->d.regs.r14 != 0)
		st_fail("client: fault %u, %lu calls left", c->d.fault_code,
		    c->d.regs.r14);
	else if (c->d.regs.rbx != 0 || s->d.regs.rbx != 0)
		st_fail("xmm0 lost: client %lu times, server %lu times",
		    c->d.regs.rbx, s->d.regs.rbx);
	/* 2 * FPU_LOOPS switches; one trap per credit + 1 of them. */
	else if (traps < 2 ||
	    traps > 2 * FPU_LOOPS / USERMODE_FPU_CREDIT + 2)
		st_fail("%lu #NM traps for %u switches", traps,
		    2 * FPU_LOOPS);
	else
		kprintf("st_fpu: %lu lazy FPU loads in %u switches\n", traps,
		    2 * FPU_LOOPS);
	st_user_stop(c);
	st_user_stop(s);
	obj_unpin(ep);
}
ST_SPACE_CASE(user_fpu_keep)

/*
 * c sets xmm0 to a secret and calls s, which uses no FPU: c's state goes
 * to its d.fxsave, and s runs with TS set and clean registers.
 */
static void
user_fpu_scrub_body(void)
{
	struct process *c = st_user_process(st_user_fpu_client,
	    st_user_fpu_client_end, 1);
	struct process *s = st_user_process(st_user_recv_once,
	    st_user_recv_once_end, 0);
	struct obj *ep;

	if (c == NULL || s == NULL || (ep = link(c, s)) == NULL)
		return;
	c->d.regs.r15 = CLIENT_XMM;
	proc_ready(s);
	proc_ready(c);
	st_user_run();
	if (s->d.fault_code != FC_UD || s->d.regs.rbp != 0)
		st_fail("server: fault %u, received %#lx", s->d.fault_code,
		    s->d.regs.rbp);
	else if (c->d.run_state != PS_RECEIVING || c->k.wait != W_REPLY)
		st_fail("client: state %u wait %u", c->d.run_state, c->k.wait);
	else if (usermode_fpu_owned(c) || !(cpu_read_cr0() & CR0_TS))
		st_fail("client still owns the FPU, or TS is clear");
	else if (fx_xmm0(c) != (CLIENT_XMM ^ 1))
		st_fail("client's saved xmm0 is %#lx", fx_xmm0(c));
	else if (live_xmm0() != 0)
		st_fail("the registers still hold %#lx", live_xmm0());
	st_user_stop(c);
	st_user_stop(s);
	obj_unpin(ep);
}
ST_SPACE_CASE(user_fpu_scrub)

/* The owner's state reaches d.fxsave only through the flush. */
static void
user_fpu_flush_body(void)
{
	struct process *c = st_user_process(st_user_fpu_client,
	    st_user_fpu_client_end, 1);

	if (c == NULL)
		return;
	c->d.regs.r15 = CLIENT_XMM;	/* calls a null cap: ERR_BAD_CAP */
	proc_ready(c);
	st_user_run();
	ST_CHECK_EQ(c->d.fault_code, FC_UD);
	ST_CHECK_EQ(c->d.regs.rbx, 0);
	ST_CHECK(usermode_fpu_owned(c));
	ST_CHECK_EQ(fx_xmm0(c), 0);		/* not written yet */
	usermode_fpu_flush();
	ST_CHECK(!usermode_fpu_owned(c));
	ST_CHECK_EQ(fx_xmm0(c), CLIENT_XMM ^ 1);
	ST_CHECK_EQ(live_xmm0(), 0);
	st_user_stop(c);
}
ST_SPACE_CASE(user_fpu_flush)

/*
 * a and b have the same FS base; a loads a selector into FS (base 0
 * now), then calls b, which reads through FS: the kernel must write b's
 * base although it wrote the same value for a.
 */
static void
user_fs_base_body(void)
{
	struct process *a = st_user_process(st_user_fs_zero,
	    st_user_fs_zero_end, 0);
	struct process *b = st_user_process(st_user_fs_read,
	    st_user_fs_read_end, 0);
	uint64_t want;
	struct obj *ep;

	if (a == NULL || b == NULL || (ep = link(a, b)) == NULL)
		return;
	memcpy(&want, st_user_fs_read, sizeof(want));
	a->d.regs.fs_base = b->d.regs.fs_base = ST_USER_CODE;
	proc_ready(b);
	proc_ready(a);
	st_user_run();
	if (b->d.fault_code != FC_UD)
		st_fail("reader: fault %u at %#lx", b->d.fault_code,
		    b->d.fault_addr);
	else if (b->d.regs.rbp != want)
		st_fail("read %#lx through FS, want %#lx", b->d.regs.rbp,
		    want);
	st_user_stop(a);
	st_user_stop(b);
	obj_unpin(ep);
}
ST_SPACE_CASE(user_fs_base)

ST_SUITE(st_fpu,
    ST_CASE(user_fpu_keep),
    ST_CASE(user_fpu_scrub),
    ST_CASE(user_fpu_flush),
    ST_CASE(user_fs_base));
