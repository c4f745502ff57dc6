/*
 * ipc_server.c - the ipc suite's server: one loop of reply-and-wait,
 * answering the opcodes of ipc.h. Its cap registers: 0 KERNLOG, 1
 * DISCRIM, 2 its endpoint, 3 a cap page; a REPLY cap lands in 5 and
 * received caps in 10..13.
 */
#include <user/ipc.h>
#include <user/rt.h>

#include "ipc.h"

#define S_DISCRIM	1
#define S_EP		2
#define S_CP		3
#define S_REPLY		5
#define S_C0		10

struct server {
	uint64_t	id;
	uint64_t	sends, counts;
	uint64_t	err1, err2;
};

static void
receive_into(struct umsg *m)
{
	m->rcv = CR_WITH_REPLY(CR_LIST(S_C0, S_C0 + 1, S_C0 + 2, S_C0 + 3),
	    S_REPLY);
}

/* Answer m in place; returns 0 if there is nothing to answer. */
static int
serve(struct server *s, struct umsg *m)
{
	uint64_t op = MI_OPCODE(m->info), w[MI_WORDS_MAX];
	unsigned n = MI_NWORDS(m->info), k = MI_NCAPS(m->info);
	uint64_t payload = m->payload, in[MI_WORDS_MAX];
	struct umsg r;
	int err;

	for (unsigned i = 0; i < MI_WORDS_MAX; i++)
		in[i] = m->w[i];
	umsg_init(&r, 0, 0, 0, 0, 0, 0);
	switch (op) {
	case OP_ECHO:
		r.info = MI_MAKE(n, n, 0);
		for (unsigned i = 0; i < n; i++)
			r.w[i] = ~in[i];
		break;
	case OP_WHO:
		umsg_init(&r, 0, 2, payload, s->id, 0, 0);
		break;
	case OP_TYPES:
		r.info = MI_MAKE(k, 4, 0);
		for (unsigned i = 0; i < k; i++)
			if (cap_classify(S_DISCRIM, S_C0 + i, &r.w[i], 0) != 0)
				r.w[i] = 0xbad;
		break;
	case OP_USE_PAGE:
		err = kcall(S_C0, OC_PAGE_READ, 1, 0, 0, 0, 0, w);
		r.w[0] = err == 0 ? w[0] : 0xbad;
		r.w[1] = (uint64_t)kcall(S_C0, OC_PAGE_WRITE, 2, 8, in[0], 0,
		    0, 0);
		r.info = MI_MAKE(0, 2, 0);
		break;
	case OP_GIVE:
		err = kcall_cap(S_EP, OC_EP_MAKE_ENTRY, 1, in[0], 0, S_C0);
		r.info = MI_MAKE(err, 0, err == 0);
		r.caps = CR_LIST(S_C0, 0, 0, 0);
		break;
	case OP_REPLY_TWICE:
		/* A copy of the REPLY cap, then the reply, then both again. */
		(void)kcall_give(S_CP, OC_CAPPAGE_STORE, 1, 0, 0, S_REPLY);
		if (cap_classify(S_DISCRIM, S_REPLY, &w[0], 0) != 0)
			w[0] = 0xbad;
		umsg_init(&r, 0, 1, w[0], 0, 0, 0);
		(void)ipc_reply(S_REPLY, &r);
		umsg_init(&r, 0, 1, 0xdead, 0, 0, 0);
		s->err1 = (uint64_t)ipc_reply(S_REPLY, &r);
		(void)kcall_cap(S_CP, OC_CAPPAGE_FETCH, 1, 0, 0, S_REPLY);
		umsg_init(&r, 0, 1, 0xdead, 0, 0, 0);
		s->err2 = (uint64_t)ipc_reply(S_REPLY, &r);
		return 0;
	case OP_REPORT:
		umsg_init(&r, 0, 4, s->err1, s->err2, s->sends, s->counts);
		break;
	case OP_COUNT:
		umsg_init(&r, 0, 1, ++s->counts, 0, 0, 0);
		break;
	default:
		r.info = MI_MAKE(0xbad, 0, 0);
		break;
	}
	*m = r;
	return 1;
}

void
server_main(uint64_t id)
{
	struct server s = { .id = id };
	struct umsg m;
	int err;

	umsg_init(&m, 0, 0, 0, 0, 0, 0);
	receive_into(&m);
	err = ipc_recv(&m);
	for (;;) {
		if (err == 0 && serve(&s, &m)) {
			receive_into(&m);
			err = ipc_reply_wait(S_REPLY, &m);
			if (err == 0)
				continue;
			if (err == ERR_BAD_CAP)
				s.sends++;	/* a send: no REPLY cap came */
		}
		umsg_init(&m, 0, 0, 0, 0, 0, 0);
		receive_into(&m);
		err = ipc_recv(&m);
	}
}
