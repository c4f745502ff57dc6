/*
 * restart.c - the exact-restart part of the persist suite
 * (tests/harness/persist.py, images/test/restart.mki): processes caught
 * at a checkpoint in every kind of wait, which must go on after the
 * machine is killed and booted again as if nothing had happened. One
 * program, one role per process (umain's first argument):
 *   server   receives the client's call, takes a checkpoint while it
 *            holds it (so the generation has the client waiting for
 *            the reply), then waits until that REPLY cap dies, which
 *            only a restart does, and answers the call again;
 *   client   one call, printed once before and once after: the restart
 *            must re-execute it, never return ERR_RESTART;
 *   sleeper  one sleep of a2 seconds across the restart, timed on the
 *            persistent clock (the harness times it on the host);
 *   keeper   the faulter's handler: receives its fault, holds it as the
 *            server holds the call, and after the restart receives it
 *            again and resumes the faulter past its ud2;
 *   faulter  runs ud2 once;
 *   waiter   OC_CKPT_WAIT on the generations the server commits;
 *   gkeeper  hangs a kept GPT it made (K1, K2) into the spaces of
 *            kfaulter and sfaulter, with itself as their keeper
 *            (payloads 1, 2) and as their handler (payload 0), and
 *            receives their faults, which it holds across the restart.
 *            Before the commit it frees K2 and gives its OID to a new
 *            GPT with the same keeper, as a bank reuses an OID. After
 *            the restart kfaulter's fault must come to K1's keeper again
 *            with a cap to K1, through which gkeeper maps the page and
 *            resumes it; sfaulter's must come to the handler with no
 *            GPT cap, never to K2's keeper (docs/kernel.md "Faults");
 *   kfaulter, sfaulter  read the unmapped first page of K1, K2.
 * Every line starts with the role's name and fits one OC_LOG_WRITE
 * (LOG_CHUNK), so lines of roles running at once never interleave; the
 * harness reads them.
 */
#include <stdint.h>

#include <abi/gpt.h>
#include <user/ipc.h>
#include <user/log.h>
#include <user/rt.h>

enum { R_SERVER, R_CLIENT, R_SLEEPER, R_KEEPER, R_FAULTER, R_WAITER,
    R_GKEEPER, R_KFAULTER, R_SFAULTER };

/* Cap registers (restart.mki). */
#define CR_LOG		0
#define CR_DISCRIM	1	/* server, keeper */
#define CR_SLEEP	2	/* server, keeper, sleeper */
#define CR_CKPT		3	/* server, waiter */
#define CR_ENTRY	1	/* client: the server's entry cap */
#define CR_REPLY	10	/* server, keeper: the REPLY cap received */
#define CR_RESTART	11	/* keeper: the faulter's RESTART cap */
#define CR_RANGE	4	/* gkeeper */
#define CR_GKEP		5	/* gkeeper: its endpoint */
#define CR_KSPACE	6	/* gkeeper: kfaulter's space */
#define CR_SSPACE	7	/* gkeeper: sfaulter's space */
#define CR_GTMP		8	/* gkeeper: scratch */
#define CR_C1		9	/* gkeeper: a fault message's c1 */
#define CR_K1		12	/* gkeeper: K1 as it made it */
#define CR_REPLY2	13	/* gkeeper: the second fault's REPLY cap */
#define CR_K2		14	/* gkeeper: K2, then the GPT at its OID */

#define KEPT_ADDR	UINT64_C(0x500000000000)	/* root slot 5 */
#define PAY_HANDLER	0	/* mkimage's "handler E" */
#define PAY_K1		1
#define PAY_K2		2

#define MS		UINT64_C(1000000)
#define RIP_INDEX	16	/* struct proc_regs: rip */

static uint64_t
now_ms(void)
{
	uint64_t w[MI_WORDS_MAX];

	if (kcall(CR_SLEEP, OC_SLEEP_NOW, 0, 0, 0, 0, 0, w) != 0)
		return 0;
	return w[0] / MS;
}

/* True while cap register cr holds a valid REPLY cap. */
static int
reply_alive(void)
{
	struct umsg m;

	umsg_init(&m, OC_DISCRIM_CLASSIFY, 0, 0, 0, 0, 0);
	m.info = MI_MAKE(OC_DISCRIM_CLASSIFY, 0, 1);
	m.caps = CR_LIST(CR_REPLY, 0, 0, 0);
	return inv_call(CR_DISCRIM, &m) == 0 && m.w[0] == CT_REPLY;
}

/* Sleep in steps of 100 ms until the held REPLY cap dies. */
static void
hold_until_restart(void)
{
	while (reply_alive())
		(void)kcall(CR_SLEEP, OC_SLEEP_FOR, 1, 100 * MS, 0, 0, 0, 0);
}

/* An open wait whose REPLY cap lands in CR_REPLY, c0 in CR_RESTART. */
static int
receive(struct umsg *m)
{
	umsg_init(m, 0, 0, 0, 0, 0, 0);
	m->rcv = CR_WITH_REPLY(CR_LIST(CR_RESTART, CR_DISCARD, CR_DISCARD,
	    CR_DISCARD), CR_REPLY);
	return ipc_recv(m);
}

static void
server(void)
{
	uint64_t w[MI_WORDS_MAX];
	struct umsg m;
	int rc;

	/* Let every other role reach its wait first. */
	(void)kcall(CR_SLEEP, OC_SLEEP_FOR, 1, 1000 * MS, 0, 0, 0, 0);
	if ((rc = receive(&m)) != 0) {
		uprintf("rserver: receive failed: error %d\n", rc);
		return;
	}
	if (m.w[0] != 41)
		uprintf("rserver: got %lu\n", (unsigned long)m.w[0]);
	if ((rc = kcall(CR_CKPT, OC_CKPT_TAKE, 0, 0, 0, 0, 0, w)) != 0) {
		uprintf("rserver: take: error %d\n", rc);
		return;
	}
	uprintf("rserver: held, gen %lu\n", (unsigned long)w[0]);
	hold_until_restart();
	uprintf("rserver: reply cap died\n");
	if ((rc = receive(&m)) != 0) {
		uprintf("rserver: receive failed: error %d\n", rc);
		return;
	}
	uprintf("rserver: call %lu again\n", (unsigned long)m.w[0]);
	umsg_init(&m, 0, 1, m.w[0] + 1, 0, 0, 0);
	if ((rc = ipc_reply(CR_REPLY, &m)) != 0)
		uprintf("rserver: reply failed: error %d\n", rc);
	rc = kcall(CR_CKPT, OC_CKPT_TAKE, 0, 0, 0, 0, 0, w);
	uprintf("rserver: answered, gen %lu\n", rc == 0 ?
	    (unsigned long)w[0] : 0ul);
}

static void
client(void)
{
	struct umsg m;
	int rc;

	uprintf("rclient: calling 41\n");
	umsg_init(&m, 1, 1, 41, 0, 0, 0);
	rc = ipc_call(CR_ENTRY, &m);
	uprintf("rclient: answer %lu err %d\n", (unsigned long)m.w[0], rc);
}

static void
sleeper(uint64_t secs)
{
	uint64_t t0 = now_ms(), t1;
	int rc;

	uprintf("rsleep%lu: asleep\n", (unsigned long)secs);
	rc = kcall(CR_SLEEP, OC_SLEEP_FOR, 1, secs * 1000 * MS, 0, 0, 0, 0);
	t1 = now_ms();
	uprintf("rsleep%lu: woke %d after %lu\n", (unsigned long)secs, rc,
	    (unsigned long)(t1 - t0));
}

static void
keeper(void)
{
	struct umsg m;
	int rc;

	if ((rc = receive(&m)) != 0 || MI_OPCODE(m.info) != OC_FAULT) {
		uprintf("rkeeper: no fault: error %d opcode %#x\n", rc,
		    MI_OPCODE(m.info));
		return;
	}
	uprintf("rkeeper: fault %lu\n", (unsigned long)m.w[0]);
	hold_until_restart();
	uprintf("rkeeper: reply cap died\n");
	if ((rc = receive(&m)) != 0 || MI_OPCODE(m.info) != OC_FAULT) {
		uprintf("rkeeper: no fault again: error %d opcode %#x\n", rc,
		    MI_OPCODE(m.info));
		return;
	}
	uprintf("rkeeper: fault %lu again\n", (unsigned long)m.w[0]);
	rc = kcall(CR_RESTART, OC_RESTART_SET_REGS, 2, RIP_INDEX, m.w[3] + 2,
	    0, 0, 0);
	umsg_init(&m, 0, 0, 0, 0, 0, 0);
	if (rc != 0 || (rc = ipc_reply(CR_REPLY, &m)) != 0)
		uprintf("rkeeper: resuming failed: error %d\n", rc);
}

static void
faulter(void)
{
	uprintf("rfaulter: faulting\n");
	__asm__ volatile("ud2");
	uprintf("rfaulter: resumed\n");
}

/* K1 or K2 (OID index idx of the GPT map): a fresh GPT of l2v 12 kept
   by gkeeper with payload pay, in cap register dst. */
static int
make_kept(uint64_t idx, uint64_t pay, unsigned dst)
{
	int rc;

	rc = kcall_cap(CR_RANGE, OC_RANGE_GET, 1, OID_MAKE(OT_GPT, idx), 0,
	    dst);
	if (rc == 0)
		rc = kcall(dst, OC_GPT_SET_L2V, 2, 12, GPT_F_KEEPER, 0, 0, 0);
	if (rc == 0)
		rc = kcall_cap(CR_GKEP, OC_EP_MAKE_ENTRY, 1, pay, 0, CR_GTMP);
	if (rc == 0)
		rc = kcall_give(dst, OC_GPT_STORE, 1, GPT_KEEPER_SLOT, 0,
		    CR_GTMP);
	return rc;
}

/* An open wait: c0 (RESTART) to CR_RESTART, c1 to CR_C1, REPLY to rcr. */
static int
receive_fault(struct umsg *m, unsigned rcr)
{
	umsg_init(m, 0, 0, 0, 0, 0, 0);
	m->rcv = CR_WITH_REPLY(CR_LIST(CR_RESTART, CR_C1, CR_DISCARD,
	    CR_DISCARD), rcr);
	return ipc_recv(m);
}

/*
 * Before the restart: make K1 and K2 (at the GPT map's limit, fresh
 * OIDs), hang each in root slot 5 of its faulter's space, receive both
 * faults, then free K2 and make a new GPT at its OID with the same
 * keeper. Returns 0 when both faults are held.
 */
static int
gkeeper_before(void)
{
	uint64_t w[MI_WORDS_MAX], base;
	struct umsg m;
	int rc, held = 0;

	rc = kcall(CR_RANGE, OC_RANGE_LIMIT, 1, OT_GPT, 0, 0, 0, w);
	base = w[0];
	if (rc == 0)
		rc = make_kept(base, PAY_K1, CR_K1);
	if (rc == 0)
		rc = kcall_give(CR_KSPACE, OC_GPT_STORE, 1, KEPT_ADDR >> 44,
		    0, CR_K1);
	if (rc == 0)
		rc = make_kept(base + 1, PAY_K2, CR_K2);
	if (rc == 0)
		rc = kcall_give(CR_SSPACE, OC_GPT_STORE, 1, KEPT_ADDR >> 44,
		    0, CR_K2);
	if (rc != 0) {
		uprintf("rgkeeper: setup failed: error %d\n", rc);
		return rc;
	}
	while (held != 3) {
		/* Either REPLY cap in CR_REPLY tells when the restart
		   happened: both die then. */
		if ((rc = receive_fault(&m, held == 0 ? CR_REPLY : CR_REPLY2))
		    != 0 || MI_OPCODE(m.info) != OC_FAULT) {
			uprintf("rgkeeper: no fault: error %d opcode %#x\n",
			    rc, MI_OPCODE(m.info));
			return -1;
		}
		uprintf("rgkeeper: fault on payload %lu\n",
		    (unsigned long)m.payload);
		if (m.payload == PAY_K1 && !(held & 1))
			held |= 1;
		else if (m.payload == PAY_K2 && !(held & 2)) {
			held |= 2;
			rc = kcall(CR_RANGE, OC_RANGE_RESCIND, 1,
			    OID_MAKE(OT_GPT, base + 1), 0, 0, 0, 0);
			if (rc == 0)
				rc = make_kept(base + 1, PAY_K2, CR_K2);
			if (rc != 0) {
				uprintf("rgkeeper: reusing K2 failed: error "
				    "%d\n", rc);
				return rc;
			}
		}
	}
	return 0;
}

static void
gkeeper(void)
{
	uint64_t w[MI_WORDS_MAX], type, same;
	struct umsg m;
	int rc;

	if (gkeeper_before() != 0)
		return;
	uprintf("rgkeeper: holding both faults, K2 reused\n");
	hold_until_restart();
	for (unsigned n = 0; n < 2; n++) {
		if ((rc = receive_fault(&m, CR_REPLY)) != 0 ||
		    MI_OPCODE(m.info) != OC_FAULT) {
			uprintf("rgkeeper: no fault again: error %d opcode "
			    "%#x\n", rc, MI_OPCODE(m.info));
			return;
		}
		type = same = 9;
		(void)cap_classify(CR_DISCRIM, CR_C1, &type, NULL);
		(void)cap_same(CR_DISCRIM, CR_C1, CR_K1, &same);
		uprintf("rgkeeper: again payload %lu addr %lx c1 type %lu "
		    "K1 %lu\n", (unsigned long)m.payload,
		    (unsigned long)m.w[1], (unsigned long)type,
		    (unsigned long)same);
		if (m.payload != PAY_K1)
			continue;
		/* Map a fresh page through the cap the message brought. */
		rc = kcall(CR_RANGE, OC_RANGE_LIMIT, 1, OT_PAGE, 0, 0, 0, w);
		if (rc == 0)
			rc = kcall_cap(CR_RANGE, OC_RANGE_GET, 1,
			    OID_MAKE(OT_PAGE, w[0]), 0, CR_GTMP);
		if (rc == 0)
			rc = kcall_give(CR_C1, OC_GPT_STORE, 1, 0, 0,
			    CR_GTMP);
		umsg_init(&m, 0, 0, 0, 0, 0, 0);
		if (rc != 0 || (rc = ipc_reply(CR_REPLY, &m)) != 0)
			uprintf("rgkeeper: resuming failed: error %d\n", rc);
	}
}

/* Read the first page of the kept GPT gkeeper hangs in our space. */
static void
gfaulter(const char *name)
{
	uint64_t v;

	/* Let gkeeper hang K1 and K2 first. */
	(void)kcall(CR_SLEEP, OC_SLEEP_FOR, 1, 300 * MS, 0, 0, 0, 0);
	uprintf("r%s: faulting\n", name);
	v = *(volatile uint64_t *)KEPT_ADDR;
	uprintf("r%s: resumed, read %lu\n", name, (unsigned long)v);
}

static void
waiter(void)
{
	uint64_t w[MI_WORDS_MAX], g;
	int rc;

	if ((rc = kcall(CR_CKPT, OC_CKPT_GENERATION, 0, 0, 0, 0, 0, w)) != 0) {
		uprintf("rwaiter: no generation: error %d\n", rc);
		return;
	}
	g = w[0];
	rc = kcall(CR_CKPT, OC_CKPT_WAIT, 1, g, 0, 0, 0, w);
	uprintf("rwaiter: at once %lu err %d\n", (unsigned long)w[0], rc);
	for (unsigned i = 1; i <= 2; i++) {
		rc = kcall(CR_CKPT, OC_CKPT_WAIT, 1, g + i, 0, 0, 0, w);
		uprintf("rwaiter: gen %lu err %d\n", (unsigned long)w[0], rc);
	}
}

void
umain(uint64_t role, uint64_t a1, uint64_t a2, uint64_t a3)
{
	(void)a1;
	(void)a3;
	switch (role) {
	case R_SERVER:
		server();
		break;
	case R_CLIENT:
		client();
		break;
	case R_SLEEPER:
		sleeper(a2);
		break;
	case R_KEEPER:
		keeper();
		break;
	case R_FAULTER:
		faulter();
		break;
	case R_WAITER:
		waiter();
		break;
	case R_GKEEPER:
		gkeeper();
		break;
	case R_KFAULTER:
		gfaulter("kfaulter");
		break;
	case R_SFAULTER:
		gfaulter("sfaulter");
		break;
	default:
		uprintf("restart: no role %lu\n", (unsigned long)role);
		break;
	}
	rt_exit();
}
