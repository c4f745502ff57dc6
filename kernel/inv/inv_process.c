/*
 * inv_process.c - PROCESS caps: registers, cap registers, space, fault
 * handler, run state, and the reset that readies a process for reuse
 * (proc_reset). A WEAK process cap may only read (GET_REGS, GET_STATE;
 * FETCH_CAP and GET_SPACE answer weakened caps): every change is
 * ERR_NO_ACCESS. Every register written is checked (proc_reg_check:
 * rip, rsp, fs_base, gs_base user addresses, rflags valid) before any is
 * written, so a process never gets registers ring 3 cannot take.
 */
#include <stdint.h>

#include <cap.h>
#include <inv/inv.h>
#include <proc.h>
#include <space.h>
#include <x86_64/usermode.h>

int
inv_proc_get_regs(struct inv *inv, struct process *t)
{
	const uint64_t *regs = (const uint64_t *)&t->d.regs;
	uint64_t first;
	unsigned i, n;
	int rc;

	if ((rc = inv_args(inv, 1, 0)) != 0)
		return rc;
	if ((first = inv->w[0]) >= PROC_NREGS)
		return ERR_BAD_SLOT;
	n = PROC_NREGS - first < MI_WORDS_MAX ?
	    (unsigned)(PROC_NREGS - first) : MI_WORDS_MAX;
	for (i = 0; i < n; i++)
		inv->rw[i] = regs[first + i];
	return inv_answer_words(inv, n);
}

int
inv_proc_set_regs(struct inv *inv, struct process *t)
{
	struct proc_regs copy = t->d.regs;
	uint64_t *regs = (uint64_t *)&copy, first;
	unsigned i, n;

	if (inv->nwords < 2)
		return ERR_BAD_REQUEST;
	n = inv->nwords - 1;
	if ((first = inv->w[0]) >= PROC_NREGS || PROC_NREGS - first < n)
		return ERR_BAD_SLOT;
	for (i = 0; i < n; i++) {
		regs[first + i] = inv->w[1 + i];
		if (proc_reg_check((unsigned)first + i, inv->w[1 + i]) != 0)
			return ERR_BAD_ARG;
	}
	proc_modify(t);
	t->d.regs = copy;
	t->k.sysret_ok = 0;
	usermode_forget(t);		/* FS/GS bases may have changed */
	return 0;
}

int
inv_process(struct inv *inv)
{
	struct process *t = obj_process(inv->obj);
	bool weak = (inv->cap.restr & CAP_R_WEAK) != 0;
	int rc;

	switch (inv->opcode) {
	case OC_PROC_GET_REGS:
		return inv_proc_get_regs(inv, t);
	case OC_PROC_GET_STATE:
		inv->rw[0] = t->d.run_state;
		inv->rw[1] = t->d.fault_code;
		inv->rw[2] = t->d.fault_addr;
		return inv_answer_words(inv, 3);
	case OC_PROC_FETCH_CAP:
		if ((rc = inv_args(inv, 1, 0)) != 0)
			return rc;
		if (inv->w[0] >= PROC_CAP_REGS)
			return ERR_BAD_SLOT;
		cap_fetch(&inv->rc[0], &t->d.cap_reg[inv->w[0]], &inv->cap);
		inv->rncaps = 1;
		return 0;
	case OC_PROC_GET_SPACE:
		cap_fetch(&inv->rc[0], &t->d.space, &inv->cap);
		inv->rncaps = 1;
		return 0;
	}
	if (inv->opcode < OC_PROC_GET_REGS || inv->opcode > OC_PROC_RESET)
		return ERR_BAD_REQUEST;
	if (weak)
		return ERR_NO_ACCESS;
	switch (inv->opcode) {
	case OC_PROC_SET_REGS:
		return inv_proc_set_regs(inv, t);
	case OC_PROC_STORE_CAP:
		if ((rc = inv_args(inv, 1, 1)) != 0)
			return rc;
		if (inv->w[0] >= PROC_CAP_REGS)
			return ERR_BAD_SLOT;
		proc_modify(t);
		t->d.cap_reg[inv->w[0]] = inv->c[0];
		return 0;
	case OC_PROC_SET_SPACE:
		if ((rc = inv_args(inv, 0, 1)) != 0)
			return rc;
		if (inv->c[0].type != CT_GPT && inv->c[0].type != CT_PAGE &&
		    inv->c[0].type != CT_NULL)
			return ERR_BAD_ARG;
		proc_modify(t);
		t->d.space = inv->c[0];
		space_process_changed(t);
		usermode_forget(t);
		return 0;
	case OC_PROC_SET_HANDLER:
		if ((rc = inv_args(inv, 0, 1)) != 0)
			return rc;
		if (inv->c[0].type != CT_ENTRY && inv->c[0].type != CT_NULL)
			return ERR_BAD_ARG;
		proc_modify(t);
		t->d.handler = inv->c[0];
		return 0;
	case OC_PROC_RESUME:
		proc_resume(t);
		return 0;
	case OC_PROC_STOP:
		proc_stop(t);
		return 0;
	case OC_PROC_RESET:
		proc_reset(t);
		return 0;
	default:
		return ERR_BAD_REQUEST;
	}
}
