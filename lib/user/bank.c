/*
 * bank.c - the space bank's client calls (user/bank.h): each one IPC
 * call through a bank cap, the bank's ERR_* arriving as the answer's
 * opcode.
 */
#include <stddef.h>

#include <user/bank.h>
#include <user/ipc.h>

int
bank_call(unsigned cr, uint32_t op, unsigned nw, uint64_t w0, uint64_t w1,
    unsigned give, unsigned dst, uint64_t *out)
{
	struct umsg m;
	int err;

	umsg_init(&m, op, nw, w0, w1, 0, 0);
	if (give != CR_DISCARD) {
		m.info = MI_MAKE(op, nw, 1);
		m.caps = CR_LIST(give, 0, 0, 0);
	}
	m.rcv = CR_WITH_REPLY(CR_LIST(dst, CR_DISCARD, CR_DISCARD,
	    CR_DISCARD), CR_DISCARD);
	if ((err = ipc_call(cr, &m)) != 0)
		return err;
	if (MI_OPCODE(m.info) != 0)
		return (int)MI_OPCODE(m.info);
	if (out != NULL)
		for (unsigned i = 0; i < MI_WORDS_MAX; i++)
			out[i] = m.w[i];
	return 0;
}

int
bank_alloc(unsigned cr, unsigned t, unsigned dst, uint64_t *oid)
{
	uint64_t w[MI_WORDS_MAX];
	int err;

	if ((err = bank_call(cr, OC_BANK_ALLOC, 1, t, 0, CR_DISCARD, dst,
	    w)) == 0 && oid != NULL)
		*oid = w[0];
	return err;
}

int
bank_free(unsigned cr, unsigned src)
{
	return bank_call(cr, OC_BANK_FREE, 0, 0, 0, src, CR_DISCARD, NULL);
}

int
bank_child(unsigned cr, unsigned dst)
{
	return bank_call(cr, OC_BANK_CHILD, 0, 0, 0, CR_DISCARD, dst, NULL);
}

int
bank_set_limit(unsigned cr, unsigned t, uint64_t limit)
{
	return bank_call(cr, OC_BANK_SET_LIMIT, 2, t, limit, CR_DISCARD,
	    CR_DISCARD, NULL);
}

int
bank_get_limit(unsigned cr, unsigned t, uint64_t *limit)
{
	uint64_t w[MI_WORDS_MAX];
	int err;

	if ((err = bank_call(cr, OC_BANK_GET_LIMIT, 1, t, 0, CR_DISCARD,
	    CR_DISCARD, w)) == 0)
		*limit = w[0];
	return err;
}

int
bank_usage(unsigned cr, unsigned t, uint64_t *total, uint64_t *own)
{
	uint64_t w[MI_WORDS_MAX];
	int err;

	if ((err = bank_call(cr, OC_BANK_USAGE, 1, t, 0, CR_DISCARD,
	    CR_DISCARD, w)) == 0) {
		*total = w[0];
		if (own != NULL)
			*own = w[1];
	}
	return err;
}

int
bank_destroy(unsigned cr)
{
	return bank_call(cr, OC_BANK_DESTROY, 0, 0, 0, CR_DISCARD,
	    CR_DISCARD, NULL);
}

int
bank_restrict(unsigned cr, unsigned dst)
{
	return bank_call(cr, OC_BANK_RESTRICT, 0, 0, 0, CR_DISCARD, dst,
	    NULL);
}

int
bank_segment(unsigned cr, uint64_t size, uint64_t *base)
{
	uint64_t w[MI_WORDS_MAX];
	int err;

	if ((err = bank_call(cr, OC_BANK_SEGMENT, 1, size, 0, CR_DISCARD,
	    CR_DISCARD, w)) == 0)
		*base = w[0];
	return err;
}

int
bank_info(unsigned cr, uint64_t *index, uint64_t *parent,
    uint64_t *restricted)
{
	uint64_t w[MI_WORDS_MAX];
	int err;

	if ((err = bank_call(cr, OC_BANK_INFO, 0, 0, 0, CR_DISCARD,
	    CR_DISCARD, w)) == 0) {
		*index = w[0];
		*parent = w[1];
		*restricted = w[2];
	}
	return err;
}
