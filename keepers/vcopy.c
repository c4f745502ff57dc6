/*
 * vcopy.c - the virtual-copy keeper: receives the fault messages of one
 * kept space (OC_FAULT, abi/invoke.h) and makes the space behave as a
 * private copy of its background: a write puts a page of ours there (a
 * copy of the background's page, or a zero page), a read maps the
 * background's page, or the shared zero tree, read-only and buys
 * nothing. With no background it is the demand-zero keeper. The tree
 * it builds is vc_tree.c's; docs/keepers.md has the whole contract.
 *
 * Cap registers: 0 KERNLOG; 1 where objects come from: a space bank's
 * entry cap (OC_BANK_ALLOC) when the start register rsi is 0, else a
 * RANGE cap with the OID windows rdi = first page index, rsi = page
 * count, rdx = first GPT index, rcx = GPT count; 8 the background space (optional: else slot 14 of a
 * GPT_F_BACKGROUND kept GPT, else all zero). Received: 2 RESTART,
 * 3 kept GPT, 7 REPLY; 4..6 scratch; 9..17 the zero tree; 18..31 cache
 * the GPTs it built. A resolved fault is answered through the REPLY
 * cap (reply and wait in one system call), or through the RESTART cap
 * when the keeper's entry cap was NOCALL and so brought no REPLY cap.
 *
 * Faults it cannot resolve (no-execute, a write our own page already
 * allows, a part of the space it did not build, the bank or window
 * exhausted) are logged in one line each and the process stays
 * faulted: the keeper never answers them, so they cannot loop.
 */
#include <abi/process.h>
#include <user/ipc.h>
#include <user/log.h>
#include <user/rt.h>

#include "vc_tree.h"
#include "vcopy.h"

#define CR_SRC		1
#define CR_RESTART	2
#define CR_ROOT		3
#define CR_REPLY	7
#define CR_BG		8
#define CR_ZERO0	9
#define CR_CACHE0	(CR_ZERO0 + VC_ZERO_LEVELS)
#define CACHE_N		(32 - CR_CACHE0)

#define PF_WRITE	0x2	/* x86 page-fault error code: a write */

/* Large and zero: in BSS, which this (unkept) process gets from mkimage. */
static struct vc_space space __attribute__((section(".bss.vc")));
static uint64_t resolved = 0, unresolved_n = 0;
static uint64_t busy_ticks = 0, timed = 0;

static void
unresolved(const struct umsg *m, int err)
{
	unresolved_n++;
	uprintf("vcopy: fault %lu at %#lx (error code %#lx, rip %#lx) not "
	    "resolved: error %d\n", (unsigned long)m->w[0],
	    (unsigned long)m->w[1], (unsigned long)m->w[2],
	    (unsigned long)m->w[3], err);
}

/* Handle one fault message. Returns 1 if the process may run again. */
static int
fault(const struct umsg *m)
{
	uint64_t code = m->w[0];
	int write = (m->w[2] & PF_WRITE) != 0 || code == FC_WRITE_RO;
	int err;

	if (code != FC_NO_MAPPING && code != FC_GUARD && code != FC_WRITE_RO) {
		unresolved(m, ERR_NO_ACCESS);
		return 0;
	}
	if (space.nnodes == 0 && (err = vc_init(&space)) != 0) {
		unresolved(m, err);
		return 0;
	}
	err = vc_map(&space, m->w[1], write);
	if (err == VC_PRESENT && code == FC_WRITE_RO)
		err = ERR_NO_ACCESS;	/* retrying would fault again */
	if (err != 0 && err != VC_PRESENT) {
		unresolved(m, err);
		return 0;
	}
	resolved++;
	return 1;
}

static void
receive_into(struct umsg *m)
{
	m->rcv = CR_WITH_REPLY(CR_LIST(CR_RESTART, CR_ROOT, CR_DISCARD,
	    CR_DISCARD), CR_REPLY);
}

/* Set up the object source and the zero tree. Returns 0 or ERR_*. */
static int
setup(uint64_t page0, uint64_t npages, uint64_t gpt0, uint64_t ngpts)
{
	uint64_t type;
	int err;

	space.src_cr = CR_SRC;
	space.root_cr = CR_ROOT;
	space.bg_cr = CR_BG;
	space.zero_cr0 = CR_ZERO0;
	space.scratch_cr[0] = 4;
	space.scratch_cr[1] = 5;
	space.scratch_cr[2] = 6;
	space.cache_cr0 = CR_CACHE0;
	space.cache_n = CACHE_N;
	/* An ENTRY cap is not asked its type: that would call the bank. */
	if (npages == 0)
		space.bank = 1;
	else {
		space.pages.next = page0;
		space.pages.end = page0 + npages;
		space.gpts.next = gpt0;
		space.gpts.end = gpt0 + ngpts;
	}
	/* A null (or dead) register answers no type: no background. */
	space.has_bg = cap_type(CR_BG, &type, NULL) == 0 && type != CT_NULL;
	if ((err = vc_zero_init(&space)) != 0)
		return err;
	/* The statistics count what faults bought. */
	space.pages_used = 0;
	space.gpts_used = 0;
	return 0;
}

void
umain(uint64_t page0, uint64_t npages, uint64_t gpt0, uint64_t ngpts)
{
	struct umsg m;
	int err;

	if ((err = setup(page0, npages, gpt0, ngpts)) != 0) {
		uprintf("vcopy: no bank, RANGE window or zero tree: error "
		    "%d\n", err);
		rt_exit();
	}
	umsg_init(&m, 0, 0, 0, 0, 0, 0);
	receive_into(&m);
	err = ipc_recv(&m);
	for (;;) {
		int faulted = err == 0 && MI_OPCODE(m.info) == OC_FAULT;
		uint64_t t0 = rt_tsc();

		if (faulted && fault(&m)) {
			umsg_init(&m, 0, 0, 0, 0, 0, 0);
			busy_ticks += rt_tsc() - t0;
			timed++;
		} else if (err == 0 && MI_OPCODE(m.info) == VC_OC_TIMES)
			umsg_init(&m, 0, 2, busy_ticks, timed, 0, 0);
		else if (err == 0 && MI_OPCODE(m.info) == VC_OC_STATS)
			umsg_init(&m, 0, 4, space.pages_used, space.gpts_used,
			    space.splits, resolved);
		else if (err == 0 && MI_OPCODE(m.info) == VC_OC_MAPS)
			umsg_init(&m, 0, 4, space.copies, space.bg_maps,
			    space.zero_maps, unresolved_n);
		else {
			umsg_init(&m, 0, 0, 0, 0, 0, 0);
			receive_into(&m);
			err = ipc_recv(&m);
			continue;
		}
		/*
		 * The reply resumes a faulted process (and answers a call);
		 * one system call replies and waits. A NOCALL keeper entry
		 * brings no reply cap: then the RESTART cap resumes it.
		 */
		receive_into(&m);
		err = ipc_reply_wait(CR_REPLY, &m);
		if (err == 0)
			continue;	/* m holds the next message */
		if (faulted && err == ERR_BAD_CAP &&
		    (err = kcall(CR_RESTART, OC_RESTART_RESUME, 0, 0, 0, 0, 0,
		    0)) != 0)
			uprintf("vcopy: restart failed: error %d\n", err);
		umsg_init(&m, 0, 0, 0, 0, 0, 0);
		receive_into(&m);
		err = ipc_recv(&m);
	}
}
