/*
 * ctor_create.c - the constructor's requests that make and end
 * instances, and its confinement answer (abi/constructor.h).
 *
 * An instance is built from objects of a child bank of the creator's
 * bank, in this order: the child bank, the process, the space's root
 * GPT (l2v 44, GPT_F_KEEPER | GPT_F_BACKGROUND: our entry in slot 15,
 * the image in slot 14). Until the process is resumed nothing refers to
 * them but us, so any failure is undone by destroying the child bank.
 */
#include <stddef.h>

#include <abi/constructor.h>
#include <abi/gpt.h>
#include <abi/process.h>
#include <user/bank.h>
#include <user/invoke.h>

#include "ctor.h"

#define ROOT_L2V	44	/* 16 slots of 16 TiB: the whole map */

/* Register indexes of struct proc_regs for OC_PROC_SET_REGS. */
#define REG_RDX		3
#define REG_RSP		7
#define REG_RIP		16

int
ctor_switch(unsigned i)
{
	struct vc_space *s = &ctor.inst[i].vs;
	int err;

	if (ctor.cur == (int)i)
		return 0;
	ctor.cur = -1;
	err = kcall_cap(CTOR_R_BANKS, OC_CAPPAGE_FETCH, 1, i, 0, CTOR_R_SRC);
	if (err != 0)
		return err;
	/* The cache registers hold another instance's nodes. */
	for (unsigned k = 0; k < s->cache_n; k++)
		s->cache_tag[k] = 0;
	ctor.cur = (int)i;
	return 0;
}

/* A fresh shadow for slot i's space, over the image, buying from its bank. */
static void
init_space(struct vc_space *s)
{
	s->src_cr = CTOR_R_SRC;
	s->bank = 1;
	s->root_cr = CTOR_R_C1;
	s->bg_cr = CTOR_R_IMAGE;
	s->has_bg = 1;
	s->zero_cr0 = CTOR_R_ZERO0;
	s->scratch_cr[0] = CTOR_R_T0;
	s->scratch_cr[1] = CTOR_R_T1;
	s->scratch_cr[2] = CTOR_R_T2;
	s->cache_cr0 = CTOR_R_CACHE0;
	s->cache_n = CTOR_CACHE_N;
	s->nnodes = 0;		/* vc_init() at the first fault */
	s->pages_used = s->gpts_used = s->splits = 0;
	s->copies = s->bg_maps = s->zero_maps = 0;
	s->last_leaf = 0;
	s->last_base = 0;
	s->path_len = 0;
}

/* An entry cap to us with payload kind | i into register dst. */
static int
mint(unsigned kind, unsigned i, unsigned dst)
{
	return kcall_cap(CTOR_R_EP, OC_EP_MAKE_ENTRY, 1, kind | i, 0, dst);
}

/*
 * Fill the fresh process (CTOR_R_T1) and space root (CTOR_R_T2) of slot
 * i and start it. Returns 0 or the ERR_* of a kernel call.
 */
static int
build(unsigned i, unsigned ncaps, const uint64_t *w)
{
	int err;

	if ((err = kcall(CTOR_R_T2, OC_GPT_SET_L2V, 2, ROOT_L2V,
	    GPT_F_KEEPER | GPT_F_BACKGROUND, 0, 0, 0)) != 0 ||
	    (err = mint(CTOR_P_KEEP, i, CTOR_R_T0)) != 0 ||
	    (err = kcall_give(CTOR_R_T2, OC_GPT_STORE, 1, GPT_KEEPER_SLOT, 0,
	    CTOR_R_T0)) != 0 ||
	    (err = kcall_give(CTOR_R_T2, OC_GPT_STORE, 1, GPT_BACKGROUND_SLOT,
	    0, CTOR_R_IMAGE)) != 0 ||
	    (err = kcall_give(CTOR_R_T1, OC_PROC_SET_SPACE, 0, 0, 0,
	    CTOR_R_T2)) != 0 ||
	    (err = mint(CTOR_P_FAULT, i, CTOR_R_T0)) != 0 ||
	    (err = kcall_give(CTOR_R_T1, OC_PROC_SET_HANDLER, 0, 0, 0,
	    CTOR_R_T0)) != 0 ||
	    (err = mint(CTOR_P_EXIT, i, CTOR_R_T0)) != 0 ||
	    (err = kcall_give(CTOR_R_T1, OC_PROC_STORE_CAP, 1, CTOR_CR_EXIT, 0,
	    CTOR_R_T0)) != 0)
		return err;
	for (unsigned k = 0; k < CTOR_CR_INIT_N; k++)
		if ((ctor.init_mask & 1u << k) && (err = kcall_give(CTOR_R_T1,
		    OC_PROC_STORE_CAP, 1, CTOR_CR_INIT0 + k, 0,
		    CTOR_INIT_CR0 + k)) != 0)
			return err;
	for (unsigned k = 0; k < CTOR_CR_ARG_N && k + 1 < ncaps; k++)
		if ((err = kcall_give(CTOR_R_T1, OC_PROC_STORE_CAP, 1,
		    CTOR_CR_ARG0 + k, 0, CTOR_R_C1 + k)) != 0)
			return err;
	/* rdx, rsi, rdi; rsp; rip, rflags, fs_base. */
	if ((err = kcall(CTOR_R_T1, OC_PROC_SET_REGS, 4, REG_RDX, w[2], w[1],
	    w[0], NULL)) != 0 ||
	    (err = kcall(CTOR_R_T1, OC_PROC_SET_REGS, 2, REG_RSP,
	    ctor.stack_top, 0, 0, NULL)) != 0 ||
	    (err = kcall(CTOR_R_T1, OC_PROC_SET_REGS, 3, REG_RIP, ctor.entry,
	    RFLAGS_USER_DEFAULT, 0, NULL)) != 0)
		return err;
	init_space(&ctor.inst[i].vs);
	return kcall(CTOR_R_T1, OC_PROC_RESUME, 0, 0, 0, 0, 0, NULL);
}

int
ctor_reap(unsigned i)
{
	uint64_t index, parent, restricted;

	if (ctor.inst[i].state != CTOR_ALIVE ||
	    kcall_cap(CTOR_R_BANKS, OC_CAPPAGE_FETCH, 1, i, 0, CTOR_R_T0) !=
	    0 || bank_info(CTOR_R_T0, &index, &parent, &restricted) !=
	    ERR_BAD_CAP)
		return 0;
	if (ctor.cur == (int)i)
		ctor.cur = -1;
	ctor.inst[i].state = CTOR_ENDED;
	ctor.inst[i].status = CTOR_STATUS_GONE;
	ctor.alive--;
	return 1;
}

int
ctor_create(unsigned ncaps, const uint64_t *w, uint64_t *id)
{
	uint64_t type, same;
	unsigned i;
	int err;

	/* A bank is an ENTRY cap, and calling our own would never return. */
	if (ncaps < 1 ||
	    cap_classify(CTOR_R_DISCRIM, CTOR_R_C0, &type, NULL) != 0 ||
	    type != CT_ENTRY ||
	    cap_same(CTOR_R_DISCRIM, CTOR_R_C0, CTOR_R_EP, &same) != 0 ||
	    same)
		return ERR_BAD_CAP;
	for (i = 0; i < CTOR_SLOTS && ctor.inst[i].state != CTOR_FREE; i++)
		continue;
	if (i == CTOR_SLOTS) {
		for (unsigned k = 0; k < CTOR_SLOTS; k++)
			(void)ctor_reap(k);
		return ERR_NO_SPACE;
	}
	ctor.cur = -1;		/* CTOR_R_SRC is about to change */
	if ((err = bank_child(CTOR_R_C0, CTOR_R_SRC)) != 0)
		return err;
	if ((err = bank_alloc(CTOR_R_SRC, OT_PROCESS, CTOR_R_T1, NULL)) != 0 ||
	    (err = bank_alloc(CTOR_R_SRC, OT_GPT, CTOR_R_T2, NULL)) != 0 ||
	    (err = kcall_give(CTOR_R_BANKS, OC_CAPPAGE_STORE, 1, i, 0,
	    CTOR_R_SRC)) != 0 ||
	    (err = kcall_give(CTOR_R_BANKS, OC_CAPPAGE_STORE, 1,
	    CTOR_PROC_SLOT0 + i, 0, CTOR_R_T1)) != 0 ||
	    (err = build(i, ncaps, w)) != 0) {
		/* Nothing else refers to the child bank's objects. */
		(void)bank_destroy(CTOR_R_SRC);
		return err;
	}
	ctor.inst[i].state = CTOR_ALIVE;
	ctor.cur = (int)i;
	ctor.alive++;
	ctor.created++;
	*id = i;
	return 0;
}

int
ctor_end(unsigned i, uint64_t status)
{
	int err;

	if (ctor.cur == (int)i)
		ctor.cur = -1;
	err = kcall_cap(CTOR_R_BANKS, OC_CAPPAGE_FETCH, 1, i, 0, CTOR_R_T0);
	if (err == 0)
		err = bank_destroy(CTOR_R_T0);
	ctor.inst[i].state = CTOR_ENDED;
	ctor.inst[i].status = status;
	ctor.alive--;
	return err;
}

/* Whether the cap in register cr gives no way to communicate out. */
static int
discreet_cap(unsigned cr, int *ok)
{
	uint64_t type, restr;
	int err;

	if ((err = cap_classify(CTOR_R_DISCRIM, cr, &type, &restr)) != 0)
		return err;
	switch (type) {
	case CT_NULL:
	case CT_DISCRIM:
	case CT_SLEEP:
		*ok = 1;
		break;
	case CT_PAGE:
	case CT_CAPPAGE:
	case CT_GPT:
		*ok = (restr & (CAP_R_WEAK | CAP_R_RO)) ==
		    (CAP_R_WEAK | CAP_R_RO);
		break;
	default:
		*ok = 0;
		break;
	}
	return 0;
}

int
ctor_is_discreet(uint64_t *ok, uint64_t *bad)
{
	int good, err;

	*ok = 0;
	if ((err = discreet_cap(CTOR_R_IMAGE, &good)) != 0)
		return err;
	if (!good) {
		*bad = CTOR_R_IMAGE;
		return 0;
	}
	for (unsigned k = 0; k < CTOR_CR_INIT_N; k++) {
		if ((err = discreet_cap(CTOR_INIT_CR0 + k, &good)) != 0)
			return err;
		if (!good) {
			*bad = CTOR_INIT_CR0 + k;
			return 0;
		}
	}
	*ok = 1;
	*bad = ~(uint64_t)0;
	return 0;
}
