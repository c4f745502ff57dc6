/*
 * proccheck.c - the rules of a stored process and of the run list, one
 * copy for the kernel (objcache_load.c, proc.c, main.c) and mkimage
 * verify (see include/lib/proccheck.h).
 *
 * Freestanding: needs <stddef.h>, <stdint.h> and the ABI headers only; no
 * libc, no allocation, no state. Every value is untrusted: no input can
 * make a check index out of bounds or run longer than PROC_RUNLIST_MAX
 * steps.
 */
#include <stddef.h>
#include <stdint.h>

#include <lib/capfmt.h>
#include <lib/proccheck.h>

#define REG(f)	(offsetof(struct proc_regs, f) / sizeof(uint64_t))

_Static_assert(PROC_RUNLIST_MAX == 1024, "proc_runlist_problem's sentence");

static const char *const reg_names[] = {
	"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
	"rip", "rflags", "fs_base", "gs_base",
};
_Static_assert(sizeof(reg_names) / sizeof(reg_names[0]) == PROC_NREGS,
    "a name for every register");

const char *
proc_reg_name(unsigned index)
{
	return index < PROC_NREGS ? reg_names[index] : "?";
}

const char *
proc_reg_problem(unsigned index, uint64_t v)
{
	switch (index) {
	case REG(rip):
	case REG(fs_base):
	case REG(gs_base):
		return proc_user_addr(v) ? NULL :
		    "is not a canonical user-half address";
	case REG(rflags):
		if ((v & RFLAGS_USER_DEFAULT) != RFLAGS_USER_DEFAULT)
			return "lacks IF or bit 1";
		if ((v & ~(RFLAGS_USER_MASK | RFLAGS_USER_DEFAULT)) != 0)
			return "sets IOPL or a flag ring 3 may not hold";
		return NULL;
	default:
		return index < PROC_NREGS ? NULL : "no such register";
	}
}

const char *
proc_regs_problem(const struct proc_regs *r, unsigned *bad)
{
	const uint64_t v[PROC_NREGS] = {
		r->rax, r->rbx, r->rcx, r->rdx, r->rsi, r->rdi, r->rbp, r->rsp,
		r->r8, r->r9, r->r10, r->r11, r->r12, r->r13, r->r14, r->r15,
		r->rip, r->rflags, r->fs_base, r->gs_base,
	};
	const char *why;
	unsigned i;

	for (i = 0; i < PROC_NREGS; i++)
		if ((why = proc_reg_problem(i, v[i])) != NULL) {
			*bad = i;
			return why;
		}
	return NULL;
}

/* Why wait kind k and wait_oid w do not fit run state s of process self. */
static const char *
wait_problem(unsigned s, unsigned k, oid_t w, oid_t self)
{
	switch (s) {
	case PS_RECEIVING:
		if (k == PW_OPEN)
			return w == 0 ? NULL :
			    "in an open wait, but waits on an object";
		if (k != PW_REPLY && k != PW_SLEEP && k != PW_CKPT &&
		    k != PW_INPUT)
			return "receiving, but its wait is not a receive";
		return w == self ? NULL :
		    "receiving, but waits on another object than itself";
	case PS_SENDING:		/* stalled on this endpoint */
		if (k != PW_SEND)
			return "sending, but its wait is not a send";
		return OID_TYPE(w) == OT_ENDPOINT ? NULL :
		    "sending, but waits on no endpoint";
	case PS_FAULTED:
		if (k == PW_FAULT_STALL)	/* on the keeper's endpoint */
			return OID_TYPE(w) == OT_ENDPOINT ? NULL :
			    "faulted, but waits on something other than an "
			    "endpoint";
		if (k != PW_NONE && k != PW_FAULT)
			return "faulted, but its wait is not a fault's";
		return w == 0 ? NULL :
		    "faulted, but waits on an object without a stall";
	default:
		if (w != 0)
			return "waits on an object, but is not blocked";
		return k == PW_NONE ? NULL : "waits, but is not blocked";
	}
}

const char *
proc_state_problem(const struct obj_process *p)
{
	const uint8_t *m = p->fxsave + FXSAVE_MXCSR_OFFSET;
	uint32_t mxcsr = (uint32_t)m[0] | (uint32_t)m[1] << 8 |
	    (uint32_t)m[2] << 16 | (uint32_t)m[3] << 24;
	unsigned i;

	if (p->run_state >= PS_MAX)
		return "unknown run state";
	if (p->fault_code >= FC_MAX)
		return "unknown fault code";
	if (p->run_state == PS_FAULTED && p->fault_code == FC_NONE)
		return "faulted without a fault code";
	if (p->wait >= PW_MAX)
		return "unknown wait";
	if (p->wake_ns != 0 && p->wait != PW_SLEEP)
		return "a wake time, but not asleep";
	if (cap_form_problem(&p->fault_gpt) != NULL)
		return "its fault's kept GPT cap is not in canonical form";
	if (p->fault_gpt.type != CT_NULL && p->fault_gpt.type != CT_GPT)
		return "its fault's kept GPT cap is not a GPT cap";
	for (i = 0; i < sizeof(p->reserved0); i++)
		if (p->reserved0[i] != 0)
			return "reserved process fields are not zero";
	if (mxcsr & MXCSR_RESERVED)
		return "MXCSR sets reserved bits";
	return wait_problem(p->run_state, p->wait, p->wait_oid, p->hdr.oid);
}

const char *
proc_runlist_problem(const oid_t *oids, size_t i, int stored)
{
	size_t j;

	if (i >= PROC_RUNLIST_MAX)
		return "past the 1024 entries the kernel reads";
	if (OID_TYPE(oids[i]) != OT_PROCESS)
		return "not a process OID";
	for (j = 0; j < i; j++)
		if (oids[j] == oids[i])
			return "listed twice";
	return stored ? NULL : "not stored";
}
