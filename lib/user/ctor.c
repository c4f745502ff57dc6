/*
 * ctor.c - the client side of a constructor (user/ctor.h).
 */
#include <stddef.h>

#include <user/ctor.h>
#include <user/ipc.h>
#include <user/rt.h>

/* Call constructor cr with m; the answer's opcode is its result. */
static int
call(unsigned cr, struct umsg *m)
{
	int err;

	if ((err = ipc_call(cr, m)) != 0)
		return err;
	return (int)MI_OPCODE(m->info);
}

int
ctor_create(unsigned cr, unsigned bank, const unsigned *give, unsigned ngive,
    uint64_t a0, uint64_t a1, uint64_t a2, unsigned dst, uint64_t *id)
{
	unsigned list[MI_CAPS_MAX] = { bank, 0, 0, 0 };
	struct umsg m;
	int err;

	if (ngive > CTOR_CR_ARG_N)
		return ERR_BAD_ARG;
	for (unsigned k = 0; k < ngive; k++)
		list[k + 1] = give[k];
	umsg_init(&m, OC_CTOR_CREATE, 3, a0, a1, a2, 0);
	m.info = MI_MAKE(OC_CTOR_CREATE, 3, 1 + ngive);
	m.caps = CR_LIST(list[0], list[1], list[2], list[3]);
	m.rcv = CR_WITH_REPLY(CR_LIST(dst, CR_DISCARD, CR_DISCARD,
	    CR_DISCARD), CR_DISCARD);
	if ((err = call(cr, &m)) == 0 && id != NULL)
		*id = m.w[0];
	return err;
}

int
ctor_wait(unsigned cr, uint64_t id, uint64_t *status)
{
	struct umsg m;
	int err;

	umsg_init(&m, OC_CTOR_WAIT, 1, id, 0, 0, 0);
	if ((err = call(cr, &m)) == 0 && status != NULL)
		*status = m.w[0];
	return err;
}

int
ctor_is_discreet(unsigned cr, uint64_t *discreet, uint64_t *bad)
{
	struct umsg m;
	int err;

	umsg_init(&m, OC_CTOR_IS_DISCREET, 0, 0, 0, 0, 0);
	if ((err = call(cr, &m)) == 0) {
		*discreet = m.w[0];
		*bad = m.w[1];
	}
	return err;
}

int
ctor_info(unsigned cr, uint64_t *out)
{
	struct umsg m;
	int err;

	umsg_init(&m, OC_CTOR_INFO, 0, 0, 0, 0, 0);
	if ((err = call(cr, &m)) == 0)
		for (unsigned k = 0; k < MI_WORDS_MAX; k++)
			out[k] = m.w[k];
	return err;
}

_Noreturn void
ctor_exit(uint64_t status)
{
	struct umsg m;

	/* A call: we wait, never answered, until our bank is destroyed. */
	umsg_init(&m, OC_CTOR_EXIT, 1, status, 0, 0, 0);
	(void)ipc_call(CTOR_CR_EXIT, &m);
	rt_exit();
}
