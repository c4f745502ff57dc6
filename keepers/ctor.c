/*
 * ctor.c - the constructor (abi/constructor.h, docs/programs.md): a
 * server that starts instances of one program from its prebuilt image
 * and is the virtual-copy keeper of every instance's space (one process
 * for all of them: a create costs no keeper process, and the image, the
 * zero tree and the code are held once).
 *
 * Start registers (mkimage's `constructor` statement): rdi the image's
 * entry point; cap registers as ctor.h lists: 1 the image and 2 our
 * endpoint from mkimage, 0 KERNLOG, 3 our own bank, 4 DISCRIM, and
 * CTOR_INIT_CR0..+3 the caps every instance starts with, from the .mki.
 *
 * Messages, told apart by the entry cap's payload (ctor.h): requests of
 * clients (payload 0), memory faults of instance i's space (its keeper
 * entry), its other faults (its handler entry: reported as the process
 * keeper does, with the function and a backtrace when the .mki gave the
 * program's symbol table in cap register 6; then the instance ends with
 * CTOR_STATUS_FAULT | code) and its exit. A memory
 * fault the keeper cannot resolve also ends the instance.
 */
#include <stddef.h>

#include <abi/constructor.h>
#include <abi/process.h>
#include <user/bank.h>
#include <user/ipc.h>
#include <user/log.h>
#include <user/rt.h>

#include <lib/fmt.h>

#include "ctor.h"
#include "pk_report.h"

#define PF_WRITE	0x2	/* x86 page-fault error code: a write */
#define STACK_SLOT	(UINT64_C(16) << 20)	/* mkimage's stack slot */

struct ctor ctor;

static unsigned reply_cr = CTOR_R_REPLY_A;	/* where replies land */
static int waiter = -1;		/* whom a parked OC_CTOR_WAIT waits for */
static unsigned waiter_cr;	/* its reply cap */

int
ctor_setup(void)
{
	struct vc_space *s = &ctor.inst[0].vs;
	uint64_t type;
	int err;

	for (unsigned k = 0; k < CTOR_CR_INIT_N; k++)
		if (cap_classify(CTOR_R_DISCRIM, CTOR_INIT_CR0 + k, &type,
		    NULL) == 0 && type != CT_NULL)
			ctor.init_mask |= 1u << k;
	ctor.cur = -1;
	/* The zero tree is bought once, from our own bank. */
	s->src_cr = CTOR_R_BANK;
	s->bank = 1;
	s->zero_cr0 = CTOR_R_ZERO0;
	s->scratch_cr[0] = CTOR_R_T0;
	if ((err = vc_zero_init(s)) != 0 ||
	    (err = bank_alloc(CTOR_R_BANK, OT_CAPPAGE, CTOR_R_BANKS, NULL)) !=
	    0)
		return err;
	/* The symbol table, if the .mki gave one, before replies land. */
	return kcall_give(CTOR_R_BANKS, OC_CAPPAGE_STORE, 1, CTOR_SYMS_SLOT, 0,
	    CTOR_R_REPLY_B);
}

/*
 * Instance i's fault m at its handler entry: the process keeper's report
 * (keepers/pk_report.c: registers, function and backtrace by the symbol
 * table). The node cache registers serve as its scratch.
 */
static void
report(unsigned i, const struct umsg *m)
{
	const struct pk_caps c = { .restart = CTOR_R_C0,
	    .space = CTOR_R_CACHE0, .proc = CTOR_R_CACHE0 + 1,
	    .symtab = CTOR_R_CACHE0 + 2, .tmp = CTOR_R_CACHE0 + 3 };
	struct pk_report r;
	char prefix[32];

	ctor.cur = -1;
	(void)fmt_snprintf(prefix, sizeof(prefix), "ctor: instance %u:", i);
	if (kcall_cap(CTOR_R_BANKS, OC_CAPPAGE_FETCH, 1, CTOR_PROC_SLOT0 + i,
	    0, c.proc) != 0 ||
	    kcall_cap(CTOR_R_BANKS, OC_CAPPAGE_FETCH, 1, CTOR_SYMS_SLOT, 0,
	    c.symtab) != 0 ||
	    pk_collect(&c, m->w[0], m->w[1], &r) != 0) {
		uprintf("%s %s at %#lx (rip %#lx)\n", prefix,
		    pk_fault_name(m->w[0]), (unsigned long)m->w[1],
		    (unsigned long)m->w[3]);
		return;
	}
	pk_print(prefix, &r);
}

/* Instance i's fault message m: 1 if it may run again. */
static int
memory_fault(unsigned i, const struct umsg *m)
{
	struct vc_space *s = &ctor.inst[i].vs;
	uint64_t code = m->w[0];
	int write = (m->w[2] & PF_WRITE) != 0 || code == FC_WRITE_RO;
	int err = ERR_NO_ACCESS;

	if ((code == FC_NO_MAPPING || code == FC_GUARD ||
	    code == FC_WRITE_RO) && (err = ctor_switch(i)) == 0 &&
	    (s->nnodes != 0 || (err = vc_init(s)) == 0)) {
		err = vc_map(s, m->w[1], write);
		if (err == VC_PRESENT && code == FC_WRITE_RO)
			err = ERR_NO_ACCESS;	/* it would fault again */
		if (err == 0 || err == VC_PRESENT)
			return 1;
	}
	uprintf("ctor: instance %u: fault %lu at %#lx (rip %#lx) not "
	    "resolved: error %d\n", i, (unsigned long)code,
	    (unsigned long)m->w[1], (unsigned long)m->w[3], err);
	return 0;
}

/* End instance i; answer a caller parked waiting for it. */
static void
end(unsigned i, uint64_t status)
{
	uint64_t t0 = rt_tsc();
	struct umsg r;
	int err;

	err = ctor_end(i, status);
	ctor.end_ticks += rt_tsc() - t0;
	ctor.ends++;
	if (err != 0)
		uprintf("ctor: instance %u: bank destroy failed: error %d\n",
		    i, err);
	if (waiter != (int)i)
		return;
	umsg_init(&r, 0, 1, status, 0, 0, 0);
	(void)ipc_reply(waiter_cr, &r);
	ctor.inst[i].state = CTOR_FREE;
	waiter = -1;
}

/* OC_CTOR_WAIT: 1 if answered in m, 0 if the caller is parked. */
static int
wait_for(struct umsg *m)
{
	uint64_t i = m->w[0];

	if (i < CTOR_SLOTS)
		(void)ctor_reap((unsigned)i);
	if (i >= CTOR_SLOTS || ctor.inst[i].state == CTOR_FREE) {
		umsg_init(m, ERR_NOT_FOUND, 0, 0, 0, 0, 0);
		return 1;
	}
	if (ctor.inst[i].state == CTOR_ENDED) {
		ctor.inst[i].state = CTOR_FREE;
		umsg_init(m, 0, 1, ctor.inst[i].status, 0, 0, 0);
		return 1;
	}
	if (waiter >= 0) {
		umsg_init(m, ERR_LIMIT, 0, 0, 0, 0, 0);
		return 1;
	}
	waiter = (int)i;
	waiter_cr = reply_cr;
	reply_cr = reply_cr == CTOR_R_REPLY_A ? CTOR_R_REPLY_B :
	    CTOR_R_REPLY_A;
	return 0;
}

/* A client's request m (ncaps caps received): the answer, in m. */
static int
request(struct umsg *m)
{
	unsigned ncaps = MI_NCAPS(m->info);
	uint64_t id = 0, ok = 0, bad = 0;
	int err;

	switch (MI_OPCODE(m->info)) {
	case OC_CTOR_CREATE:
		err = ctor_create(ncaps, m->w, &id);
		umsg_init(m, (uint32_t)err, err == 0, id, 0, 0, 0);
		if (err == 0) {
			m->info = MI_MAKE(0, 1, 1);
			m->caps = CR_LIST(CTOR_R_T1, 0, 0, 0);
		}
		return 1;
	case OC_CTOR_IS_DISCREET:
		err = ctor_is_discreet(&ok, &bad);
		umsg_init(m, (uint32_t)err, err == 0 ? 2 : 0, ok, bad, 0, 0);
		return 1;
	case OC_CTOR_WAIT:
		return wait_for(m);
	case OC_CTOR_TIMES:
		umsg_init(m, 0, 4, ctor.fault_ticks, ctor.faults,
		    ctor.end_ticks, ctor.ends);
		return 1;
	case OC_CTOR_INFO:
		for (unsigned k = 0; k < CTOR_SLOTS; k++)
			(void)ctor_reap(k);
		umsg_init(m, 0, 4, ctor.alive, ctor.created, ctor.faulted,
		    CTOR_SLOTS);
		return 1;
	default:
		umsg_init(m, ERR_BAD_REQUEST, 0, 0, 0, 0, 0);
		return 1;
	}
}

/* Handle message m (received without error): 1 if m is the answer. */
static int
dispatch(struct umsg *m)
{
	unsigned kind = (unsigned)m->payload & CTOR_P_KIND;
	unsigned i = (unsigned)m->payload & CTOR_P_INDEX;
	uint32_t op = MI_OPCODE(m->info);

	if (kind == CTOR_P_CLIENT)
		return request(m);
	/* Messages for an instance that is gone are stale: dropped. */
	if (i >= CTOR_SLOTS || ctor.inst[i].state != CTOR_ALIVE)
		return 0;
	if (kind == CTOR_P_KEEP && op == OC_FAULT) {
		uint64_t t0 = rt_tsc();
		int ok = memory_fault(i, m);

		ctor.fault_ticks += rt_tsc() - t0;
		ctor.faults++;
		if (ok) {
			umsg_init(m, 0, 0, 0, 0, 0, 0);
			return 1;
		}
		ctor.faulted++;
		end(i, CTOR_STATUS_FAULT | m->w[0]);
	} else if (kind == CTOR_P_FAULT && op == OC_FAULT) {
		report(i, m);
		ctor.faulted++;
		end(i, CTOR_STATUS_FAULT | m->w[0]);
	} else if (kind == CTOR_P_EXIT && op == OC_CTOR_EXIT)
		end(i, m->w[0]);
	return 0;
}

static void
receive_into(struct umsg *m)
{
	m->rcv = CR_WITH_REPLY(CR_LIST(CTOR_R_C0, CTOR_R_C1, CTOR_R_C2,
	    CR_DISCARD), reply_cr);
}

void
umain(uint64_t entry, uint64_t lo, uint64_t hi, uint64_t a3)
{
	uint64_t here = (uint64_t)(uintptr_t)&here;
	struct umsg m;
	int err;

	(void)lo;
	(void)hi;
	(void)a3;
	ctor.entry = entry;
	/* Instances use our stack slot's address for their own stack. */
	ctor.stack_top = (here + STACK_SLOT - 1) & ~(STACK_SLOT - 1);
	if ((err = ctor_setup()) != 0) {
		uprintf("ctor: no zero tree or bank cap page: error %d\n",
		    err);
		rt_exit();
	}
	umsg_init(&m, 0, 0, 0, 0, 0, 0);
	receive_into(&m);
	err = ipc_recv(&m);
	for (;;) {
		if (err == 0 && dispatch(&m)) {
			unsigned cr = reply_cr;

			receive_into(&m);
			err = ipc_reply_wait(cr, &m);
			if (err != ERR_BAD_CAP)
				continue;	/* m holds the next message */
		}
		umsg_init(&m, 0, 0, 0, 0, 0, 0);
		receive_into(&m);
		err = ipc_recv(&m);
	}
}
