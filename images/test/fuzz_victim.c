/*
 * fuzz_victim.c - what the fuzzer attacks and who wakes it: an echo
 * server, a spinner, and a pinger that sends the fuzzer a message every
 * 10 ms (so an open wait of the fuzzer always ends). A separate
 * program from the fuzzer, so no page of the fuzzer is reachable from
 * a victim's space.
 */
#include <user/ipc.h>
#include <user/rt.h>

#include "fuzz.h"

static void
echo(void)
{
	struct umsg m;
	int err;

	umsg_init(&m, 0, 0, 0, 0, 0, 0);
	m.rcv = CR_WITH_REPLY(CR_LIST(8, 9, 10, 11), 12);
	err = ipc_recv(&m);
	for (;;) {
		if (err == 0) {
			m.rcv = CR_WITH_REPLY(CR_LIST(8, 9, 10, 11), 12);
			err = ipc_reply_wait(12, &m);
			if (err == 0)
				continue;
		}
		umsg_init(&m, 0, 0, 0, 0, 0, 0);
		m.rcv = CR_WITH_REPLY(CR_LIST(8, 9, 10, 11), 12);
		err = ipc_recv(&m);
	}
}

static void
pinger(void)
{
	struct umsg m;

	for (;;) {
		(void)kcall(1, OC_SLEEP_FOR, 1, 10000000, 0, 0, 0, 0);
		umsg_init(&m, 0x919, 0, 0, 0, 0, 0);
		(void)ipc_send_nb(0, &m);
	}
}

void
umain(uint64_t role, uint64_t a1, uint64_t a2, uint64_t a3)
{
	volatile uint64_t n = 0;

	(void)a1;
	(void)a2;
	(void)a3;
	if (role == ROLE_ECHO)
		echo();
	if (role == ROLE_PINGER)
		pinger();
	for (;;)
		n++;
}
