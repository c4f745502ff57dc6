/*
 * caps.c - the caps suite's main loop (see caps.h) and its helper
 * processes: peer, a process the PROCESS and RESTART caps act on, which
 * only waits; echo, the recipient of the ENTRY caps under test; and
 * victim, which the reuse tests reset (caps_reuse.c).
 */
#include <abi/process.h>
#include <user/ipc.h>
#include <user/log.h>
#include <user/rt.h>
#include <user/test.h>

#include "caps.h"

int
fetch(unsigned cp, unsigned slot, unsigned dst)
{
	return kcall_cap(cp, OC_CAPPAGE_FETCH, 1, slot, 0, dst);
}

void
expect_class(unsigned cr, uint64_t type, uint64_t restr, const char *what)
{
	uint64_t t = 0, r = 0;
	int err;

	err = cap_classify(CR_DISCRIM, cr, &t, &r);
	if (err != 0)
		test_fail("%s: classify: error %d", what, err);
	else if (t != type || r != restr)
		test_fail("%s: type %lu restr %#lx, want type %lu restr %#lx",
		    what, (unsigned long)t, (unsigned long)r,
		    (unsigned long)type, (unsigned long)restr);
}

/*
 * Echo: answers every call with (payload, opcode, w0 + 1, sends seen)
 * and counts one-way sends (they bring no REPLY cap).
 */
void
echo_main(void)
{
	const unsigned reply = 5;
	uint64_t sends = 0;
	struct umsg m;
	int err;

	umsg_init(&m, 0, 0, 0, 0, 0, 0);
	m.rcv = CR_WITH_REPLY(CR_LIST(CR_DISCARD, CR_DISCARD, CR_DISCARD,
	    CR_DISCARD), reply);
	err = ipc_recv(&m);
	for (;;) {
		uint64_t payload = m.payload, op = MI_OPCODE(m.info);
		uint64_t w0 = m.w[0];

		if (err == 0) {
			umsg_init(&m, 0, 4, payload, op, w0 + 1, sends);
			m.rcv = CR_WITH_REPLY(CR_LIST(CR_DISCARD, CR_DISCARD,
			    CR_DISCARD, CR_DISCARD), reply);
			err = ipc_reply_wait(reply, &m);
			if (err == 0)
				continue;
			if (err == ERR_BAD_CAP)
				sends++;	/* it was a send: no reply cap */
		}
		umsg_init(&m, 0, 0, 0, 0, 0, 0);
		m.rcv = CR_WITH_REPLY(CR_LIST(CR_DISCARD, CR_DISCARD,
		    CR_DISCARD, CR_DISCARD), reply);
		err = ipc_recv(&m);
	}
}

static const struct {
	const char	*name;
	void		(*fn)(unsigned);
} types[] = {
	{ "page", test_page },
	{ "cappage", test_cappage },
	{ "gpt", test_gpt },
	{ "process", test_process },
	{ "endpoint", test_endpoint },
	{ "entry", test_entry },
	{ "restart", test_restart },
	{ "range", test_range },
	{ "kernlog", test_kernlog },
	{ "ckpt", test_ckpt },
	{ "discrim", test_discrim },
	{ "sleep", test_sleep },
};
#define NTYPES	(sizeof(types) / sizeof(types[0]))

void
umain(uint64_t role, uint64_t a1, uint64_t a2, uint64_t a3)
{
	(void)a1;
	(void)a2;
	(void)a3;
	if (role == ROLE_ECHO)
		echo_main();
	if (role == ROLE_VICTIM)
		caps_victim_reset_self();
	if (role != ROLE_MAIN)
		rt_exit();
	test_plan("caps", NREUSE + NTYPES * NMASKS);
	test_reuse();
	for (unsigned t = 0; t < NTYPES; t++)
		for (unsigned m = 0; m < NMASKS; m++) {
			test_begin("%s_mask%02u", types[t].name, m);
			types[t].fn(m);
			test_end();
		}
	test_done();
}
