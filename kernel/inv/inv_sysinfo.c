/*
 * inv_sysinfo.c - SYSINFO caps: what a system console shows (abi/
 * invoke.h). Read-only: the held processes one at a time in OID order,
 * the kept generations of the store, the clocks, and the TSC at the
 * milestones of this boot (boot.h), and what paging has done.
 */
#include <stdint.h>

#include <abi/store.h>
#include <boot.h>
#include <inv/inv.h>
#include <pmm.h>
#include <proc.h>
#include <sched.h>
#include <store/pageout.h>
#include <store/store.h>
#include <x86_64/rtc.h>

/* The held process with the lowest OID above after; O(held). */
static int
proc_next(struct inv *inv)
{
	struct process *p, *best = NULL;
	int rc;

	if ((rc = inv_args(inv, 1, 0)) != 0)
		return rc;
	for (p = proc_held_first(); p != NULL; p = p->k.held_next)
		if (p->obj.oid > inv->w[0] &&
		    (best == NULL || p->obj.oid < best->obj.oid))
			best = p;
	inv->rw[0] = inv->rw[1] = inv->rw[2] = inv->rw[3] = 0;
	if (best != NULL) {
		inv->rw[0] = best->obj.oid;
		inv->rw[1] = best->d.run_state |
		    (uint64_t)best->d.fault_code << 8;
		inv->rw[2] = best->d.regs.rip;
		inv->rw[3] = best->obj.bank;
	}
	return inv_answer_words(inv, 4);
}

static int
gen(struct inv *inv)
{
	static struct store_super sb;
	int rc;

	if ((rc = inv_args(inv, 1, 0)) != 0)
		return rc;
	if (inv->w[0] >= STORE_SB_RING)
		return ERR_NOT_FOUND;
	if ((rc = store_kept_super((unsigned)inv->w[0], &sb)) != 0)
		return rc;
	inv->rw[0] = sb.hdr.generation;
	inv->rw[1] = sb.time_ns;
	inv->rw[2] = sb.used_blocks;
	inv->rw[3] = sb.store_blocks;
	return inv_answer_words(inv, 4);
}

static int
memory(struct inv *inv)
{
	struct pageout_stats st;

	pageout_stats(&st);
	inv->rw[0] = pmm_free_frames();
	inv->rw[1] = st.writes;
	inv->rw[2] = st.reads;
	inv->rw[3] = st.held;
	return inv_answer_words(inv, 4);
}

int
inv_sysinfo(struct inv *inv)
{
	switch (inv->opcode) {
	case OC_SYS_PROC_NEXT:
		return proc_next(inv);
	case OC_SYS_GEN:
		return gen(inv);
	case OC_SYS_TIME:
		inv->rw[0] = rtc_now_ns();
		inv->rw[1] = sched_ns_now();
		inv->rw[2] = store_mounted_generation();
		return inv_answer_words(inv, 3);
	case OC_SYS_BOOT:
		inv->rw[0] = boot_info.stage2_tsc;
		inv->rw[1] = kernel_entry_tsc;
		inv->rw[2] = boot_init_tsc;
		inv->rw[3] = boot_ready_tsc;
		return inv_answer_words(inv, 4);
	case OC_SYS_MEMORY:
		return memory(inv);
	default:
		return ERR_BAD_REQUEST;
	}
}
