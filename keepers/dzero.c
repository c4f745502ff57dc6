/*
 * dzero.c - the demand-zero keeper: receives the fault messages of one
 * kept space (OC_FAULT, abi/invoke.h), puts a fresh zero page at the
 * faulting address and restarts the process. Fresh pages and GPTs are
 * fabricated with the RANGE cap from OID windows given at start (until
 * a space bank exists, the .mki assigns each keeper its own window).
 *
 * Start registers (.mki "reg" lines): rdi = first page OID index, rsi =
 * page count, rdx = first GPT OID index, rcx = GPT count.
 * Cap registers: 0 KERNLOG, 1 RANGE; received: 2 RESTART, 3 kept GPT,
 * 7 REPLY; 4..6 scratch; 8..31 cache the GPTs it built. A resolved
 * fault is answered through the REPLY cap (reply and wait in one system
 * call), or through the RESTART cap when the keeper's entry cap was
 * NOCALL and so brought no REPLY cap.
 *
 * Faults it cannot resolve (write to read-only, no-execute, a part of
 * the space it did not build, out of pages) are logged in one line and
 * the process stays faulted.
 */
#include <abi/process.h>
#include <user/ipc.h>
#include <user/log.h>
#include <user/rt.h>

#include "dz_tree.h"
#include "dzero.h"

#define CR_RANGE	1
#define CR_RESTART	2
#define CR_ROOT		3
#define CR_REPLY	7
#define CR_CACHE0	8
#define CACHE_N		24

/* Large and zero: in BSS, which this (unkept) process gets from mkimage. */
static struct dz_space space __attribute__((section(".bss.dz")));
static uint64_t resolved = 0;
static uint64_t busy_ticks = 0, timed = 0;

static void
unresolved(const struct umsg *m, int err)
{
	uprintf("dzero: fault %lu at %#lx (error code %#lx, rip %#lx) not "
	    "resolved: error %d\n", (unsigned long)m->w[0],
	    (unsigned long)m->w[1], (unsigned long)m->w[2],
	    (unsigned long)m->w[3], err);
}

/* Handle one fault message. Returns 1 if the process may run again. */
static int
fault(const struct umsg *m)
{
	int err;

	if (m->w[0] != FC_NO_MAPPING && m->w[0] != FC_GUARD) {
		unresolved(m, ERR_NO_ACCESS);
		return 0;
	}
	if (space.nnodes == 0 && (err = dz_init(&space)) != 0) {
		unresolved(m, err);
		return 0;
	}
	err = dz_map(&space, m->w[1]);
	if (err != 0 && err != DZ_PRESENT) {
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

void
umain(uint64_t page0, uint64_t npages, uint64_t gpt0, uint64_t ngpts)
{
	struct umsg m;
	int err;

	space.range_cr = CR_RANGE;
	space.root_cr = CR_ROOT;
	space.scratch_cr[0] = 4;
	space.scratch_cr[1] = 5;
	space.scratch_cr[2] = 6;
	space.cache_cr0 = CR_CACHE0;
	space.cache_n = CACHE_N;
	space.pages.next = page0;
	space.pages.end = page0 + npages;
	space.gpts.next = gpt0;
	space.gpts.end = gpt0 + ngpts;
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
		} else if (err == 0 && MI_OPCODE(m.info) == DZ_OC_TIMES)
			umsg_init(&m, 0, 2, busy_ticks, timed, 0, 0);
		else if (err == 0 && MI_OPCODE(m.info) == DZ_OC_STATS)
			umsg_init(&m, 0, 4, space.pages_used, space.gpts_used,
			    space.splits, resolved);
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
			uprintf("dzero: restart failed: error %d\n", err);
		umsg_init(&m, 0, 0, 0, 0, 0, 0);
		receive_into(&m);
		err = ipc_recv(&m);
	}
}
