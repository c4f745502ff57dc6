/*
 * bench_server.c - the IPC round trip's server: reply-and-wait forever,
 * answering each call's four words plus one. Its REPLY caps land in 5.
 */
#include <user/ipc.h>

#include "bench.h"

#define S_REPLY		5

void
bench_server(void)
{
	struct umsg m;
	int err;

	umsg_init(&m, 0, 0, 0, 0, 0, 0);
	m.rcv = CR_WITH_REPLY(CR_LIST(CR_DISCARD, CR_DISCARD, CR_DISCARD,
	    CR_DISCARD), S_REPLY);
	err = ipc_recv(&m);
	for (;;) {
		if (err == 0) {
			m.info = MI_MAKE(0, 4, 0);
			m.w[0]++;
			m.w[1]++;
			m.w[2]++;
			m.w[3]++;
			err = ipc_reply_wait(S_REPLY, &m);
			continue;
		}
		umsg_init(&m, 0, 0, 0, 0, 0, 0);
		m.rcv = CR_WITH_REPLY(CR_LIST(CR_DISCARD, CR_DISCARD,
		    CR_DISCARD, CR_DISCARD), S_REPLY);
		err = ipc_recv(&m);
	}
}
