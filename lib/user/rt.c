/*
 * rt.c - the runtime's end of a program, and the kernel-object call
 * helpers of user/invoke.h that are too large to inline everywhere.
 */
#include <stddef.h>

#include <user/invoke.h>
#include <user/ipc.h>
#include <user/rt.h>

_Noreturn void
rt_exit(void)
{
	struct umsg m;

	for (;;) {
		umsg_init(&m, 0, 0, 0, 0, 0, 0);
		(void)ipc_recv(&m);
	}
}

int
kcall(unsigned cr, uint32_t op, unsigned nw, uint64_t w0, uint64_t w1,
    uint64_t w2, uint64_t w3, uint64_t *out)
{
	struct umsg m;
	int err;

	umsg_init(&m, op, nw, w0, w1, w2, w3);
	err = inv_call(cr, &m);
	if (out != NULL)
		for (unsigned i = 0; i < MI_WORDS_MAX; i++)
			out[i] = m.w[i];
	return err;
}

int
kcall_cap(unsigned cr, uint32_t op, unsigned nw, uint64_t w0, uint64_t w1,
    unsigned dst)
{
	struct umsg m;

	umsg_init(&m, op, nw, w0, w1, 0, 0);
	m.rcv = CR_WITH_REPLY(CR_LIST(dst, CR_DISCARD, CR_DISCARD,
	    CR_DISCARD), CR_DISCARD);
	return inv_call(cr, &m);
}

int
kcall_give(unsigned cr, uint32_t op, unsigned nw, uint64_t w0, uint64_t w1,
    unsigned src)
{
	struct umsg m;

	umsg_init(&m, op, nw, w0, w1, 0, 0);
	m.info = MI_MAKE(op, nw, 1);
	m.caps = CR_LIST(src, 0, 0, 0);
	return inv_call(cr, &m);
}

int
cap_type(unsigned cr, uint64_t *type, uint64_t *restr)
{
	uint64_t w[MI_WORDS_MAX];
	int err;

	err = kcall(cr, OC_TYPE, 0, 0, 0, 0, 0, w);
	if (type != NULL)
		*type = w[0];
	if (restr != NULL)
		*restr = w[1];
	return err;
}

int
cap_classify(unsigned dcr, unsigned cr, uint64_t *type, uint64_t *restr)
{
	struct umsg m;
	int err;

	umsg_init(&m, OC_DISCRIM_CLASSIFY, 0, 0, 0, 0, 0);
	m.info = MI_MAKE(OC_DISCRIM_CLASSIFY, 0, 1);
	m.caps = CR_LIST(cr, 0, 0, 0);
	err = inv_call(dcr, &m);
	if (type != NULL)
		*type = m.w[0];
	if (restr != NULL)
		*restr = m.w[1];
	return err;
}

int
cap_same(unsigned dcr, unsigned a, unsigned b, uint64_t *same)
{
	struct umsg m;
	int err;

	umsg_init(&m, OC_DISCRIM_SAME, 0, 0, 0, 0, 0);
	m.info = MI_MAKE(OC_DISCRIM_SAME, 0, 2);
	m.caps = CR_LIST(a, b, 0, 0);
	err = inv_call(dcr, &m);
	if (same != NULL)
		*same = m.w[0];
	return err;
}
