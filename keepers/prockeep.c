/*
 * prockeep.c - the process keeper: the fault handler of up to
 * PK_CLIENTS processes (`handler E` in a .mki, OC_PROC_SET_HANDLER at
 * run time). It receives their faults that no memory keeper resolved,
 * prints one block per fault (the fault, the registers, the function
 * and offset at RIP and a backtrace by frame pointers, pk_report.c),
 * then parks, kills or restarts the process as its client's policy
 * says. docs/keepers.md has the whole contract.
 *
 * Cap registers: 0 KERNLOG; 2 DISCRIM (to tell which client a RESTART
 * cap names); 8 + k the PROCESS cap of client k (full: kill resets it),
 * 16 + k the symbol table of its program (`cap N symbols PROGRAM`,
 * optional). Received: 1 RESTART, 7 REPLY; 3, 4 scratch. Start
 * registers: rdi = policies, bits 4k..4k+3 for client k (PK_PARK,
 * PK_KILL, PK_RESTART); rsi = restarts allowed per client (0: 3), after
 * which a restarting client is parked.
 *
 * At start the keeper reads each client's registers (what a restart
 * goes back to: declare clients `stopped`) and resumes the stopped
 * ones. A restart sets those registers again; memory stays as the
 * fault left it.
 */
#include <abi/process.h>
#include <lib/fmt.h>
#include <user/ipc.h>
#include <user/log.h>
#include <user/rt.h>

#include "pk_report.h"
#include "prockeep.h"

#define CR_RESTART	1
#define CR_DISCRIM	2
#define CR_TMP		3
#define CR_SPACE	4
#define CR_REPLY	7
#define CR_PROC0	8
#define CR_SYM0		16

#define NREGS		(sizeof(struct proc_regs) / 8)

struct client {
	int		valid;
	unsigned	policy;		/* PK_* */
	uint64_t	reports, restarts;
	struct proc_regs start;		/* registers a restart goes back to */
	struct pk_report last;
};

static struct client clients[PK_CLIENTS] = { { 0 } };
static uint64_t restart_limit = 3;
static struct pk_report scratch = { 0 };

static const char *const policy_names[] = { "park", "kill", "restart" };

/* Client whose process the RESTART cap names, or -1. */
static int
which_client(void)
{
	uint64_t same;

	for (unsigned k = 0; k < PK_CLIENTS; k++)
		if (clients[k].valid && cap_same(CR_DISCRIM, CR_RESTART,
		    CR_PROC0 + k, &same) == 0 && same)
			return (int)k;
	return -1;
}

/* Registers back to the start. Returns 0 or ERR_*. */
static int
reset_regs(const struct client *c)
{
	const uint64_t *v = (const uint64_t *)&c->start;
	int err = 0;

	for (unsigned i = 0; err == 0 && i < NREGS; i += 3)
		err = kcall(CR_RESTART, OC_RESTART_SET_REGS,
		    i + 3 <= NREGS ? 4 : 1 + NREGS - i, i, v[i],
		    i + 1 < NREGS ? v[i + 1] : 0,
		    i + 2 < NREGS ? v[i + 2] : 0, 0);
	return err;
}

/*
 * Report a fault and apply the policy. Returns 1 if the process is to
 * run again (answer the fault message), else 0.
 */
static int
fault(const struct umsg *m)
{
	struct pk_caps caps = { .restart = CR_RESTART, .space = CR_SPACE,
	    .tmp = CR_TMP };
	int k = which_client(), err;
	char prefix[32];
	struct client *c;

	if (k < 0) {
		uprintf("prockeep: %s at %#lx rip %#lx of a process that is "
		    "not a client: parked\n", pk_fault_name(m->w[0]),
		    (unsigned long)m->w[1], (unsigned long)m->w[3]);
		return 0;
	}
	c = &clients[k];
	caps.proc = CR_PROC0 + (unsigned)k;
	caps.symtab = CR_SYM0 + (unsigned)k;
	err = pk_collect(&caps, m->w[0], m->w[1], &scratch);
	if (err != 0) {
		uprintf("prockeep: client %d: %s at %#lx: registers not "
		    "readable (error %d): parked\n", k, pk_fault_name(m->w[0]),
		    (unsigned long)m->w[1], err);
		return 0;
	}
	c->last = scratch;
	c->reports++;
	fmt_snprintf(prefix, sizeof(prefix), "prockeep: client %d:", k);
	pk_print(prefix, &c->last);
	switch (c->policy) {
	case PK_KILL:
		err = kcall(CR_PROC0 + (unsigned)k, OC_PROC_RESET, 0, 0, 0, 0,
		    0, 0);
		uprintf("prockeep: client %d killed%s\n", k, err == 0 ? "" :
		    " (reset failed: parked)");
		return 0;
	case PK_RESTART:
		if (c->restarts >= restart_limit) {
			uprintf("prockeep: client %d parked after %lu "
			    "restarts\n", k, (unsigned long)c->restarts);
			return 0;
		}
		if ((err = reset_regs(c)) != 0) {
			uprintf("prockeep: client %d: restart failed (error "
			    "%d): parked\n", k, err);
			return 0;
		}
		c->restarts++;
		uprintf("prockeep: client %d restarted (%lu of %lu)\n", k,
		    (unsigned long)c->restarts, (unsigned long)restart_limit);
		return 1;
	default:
		uprintf("prockeep: client %d parked\n", k);
		return 0;
	}
}

/* Answer a client's question into m. */
static void
query(struct umsg *m)
{
	uint64_t k = m->w[0], i = m->w[1];
	const struct client *c = k < PK_CLIENTS ? &clients[k] : NULL;
	uint64_t name[2] = { 0, 0 };

	if (c == NULL || !c->valid) {
		umsg_init(m, ERR_BAD_ARG, 0, 0, 0, 0, 0);
		return;
	}
	if (MI_OPCODE(m->info) == PK_OC_STATE) {
		umsg_init(m, 0, 4, c->reports, c->last.code, c->last.nframes,
		    c->restarts);
		return;
	}
	if (i >= c->last.nframes) {
		umsg_init(m, ERR_BAD_ARG, 0, 0, 0, 0, 0);
		return;
	}
	for (unsigned b = 0; b < 16 && c->last.frame[i].name[b] != 0; b++)
		name[b / 8] |= (uint64_t)(uint8_t)c->last.frame[i].name[b] <<
		    (8 * (b % 8));
	umsg_init(m, 0, 4, c->last.frame[i].addr, c->last.frame[i].off,
	    name[0], name[1]);
}

/* Read each client's starting registers; resume the stopped ones. */
static void
setup(uint64_t policies)
{
	uint64_t type, w[MI_WORDS_MAX];

	for (unsigned k = 0; k < PK_CLIENTS; k++) {
		struct client *c = &clients[k];
		uint64_t *v = (uint64_t *)&c->start;
		int err = 0;

		if (cap_type(CR_PROC0 + k, &type, NULL) != 0 ||
		    type != CT_PROCESS)
			continue;
		c->policy = (unsigned)(policies >> (4 * k)) & 15;
		if (c->policy > PK_RESTART)
			c->policy = PK_PARK;
		for (unsigned i = 0; err == 0 && i < NREGS; i += 4) {
			err = kcall(CR_PROC0 + k, OC_PROC_GET_REGS, 1, i, 0, 0,
			    0, w);
			for (unsigned j = 0; err == 0 && j < 4 &&
			    i + j < NREGS; j++)
				v[i + j] = w[j];
		}
		if (err == 0)
			err = kcall(CR_PROC0 + k, OC_PROC_GET_STATE, 0, 0, 0,
			    0, 0, w);
		if (err != 0) {
			uprintf("prockeep: client %u not readable (error %d): "
			    "ignored\n", k, err);
			continue;
		}
		c->valid = 1;
		if (w[0] == PS_STOPPED &&
		    (err = kcall(CR_PROC0 + k, OC_PROC_RESUME, 0, 0, 0, 0, 0,
		    0)) != 0)
			uprintf("prockeep: client %u not started (error %d)\n",
			    k, err);
		uprintf("prockeep: client %u, policy %s\n", k,
		    policy_names[c->policy]);
	}
}

static void
receive_into(struct umsg *m)
{
	m->rcv = CR_WITH_REPLY(CR_LIST(CR_RESTART, CR_DISCARD, CR_DISCARD,
	    CR_DISCARD), CR_REPLY);
}

void
umain(uint64_t policies, uint64_t limit, uint64_t a2, uint64_t a3)
{
	struct umsg m;
	int err;

	(void)a2;
	(void)a3;
	if (limit != 0)
		restart_limit = limit;
	setup(policies);
	umsg_init(&m, 0, 0, 0, 0, 0, 0);
	receive_into(&m);
	err = ipc_recv(&m);
	for (;;) {
		uint32_t op = MI_OPCODE(m.info);
		int faulted = err == 0 && op == OC_FAULT;

		if (faulted && fault(&m))
			umsg_init(&m, 0, 0, 0, 0, 0, 0);
		else if (err == 0 && (op == PK_OC_STATE || op == PK_OC_FRAME))
			query(&m);
		else {
			umsg_init(&m, 0, 0, 0, 0, 0, 0);
			receive_into(&m);
			err = ipc_recv(&m);
			continue;
		}
		/* As vcopy.c: reply and wait, or RESTART a NOCALL fault. */
		receive_into(&m);
		err = ipc_reply_wait(CR_REPLY, &m);
		if (err == 0)
			continue;
		if (faulted && err == ERR_BAD_CAP &&
		    (err = kcall(CR_RESTART, OC_RESTART_RESUME, 0, 0, 0, 0, 0,
		    0)) != 0)
			uprintf("prockeep: restart failed: error %d\n", err);
		umsg_init(&m, 0, 0, 0, 0, 0, 0);
		receive_into(&m);
		err = ipc_recv(&m);
	}
}
