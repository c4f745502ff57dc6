/*
 * ctor.h - the constructor's state (keepers/ctor.c, ctor_create.c): one
 * slot per instance, each with the virtual-copy shadow of the instance's
 * space (vc_tree.h), which the constructor keeps as its instances' keeper.
 *
 * Invariant: a slot is CTOR_FREE, CTOR_ALIVE (its process exists, its
 * child bank's cap is in slot i of the bank cap page) or CTOR_ENDED (its
 * bank destroyed, status kept for OC_CTOR_WAIT). The cap registers
 * CTOR_R_SRC and the node cache hold the caps of instance `cur` only
 * (cur < 0: of none).
 */
#pragma once

#include <stdint.h>

/*
 * Shadows of 1,280 nodes (ctor_vc.c): a dense 64 MiB heap takes about
 * 1,100 (a 1 MiB radix GPT and 16 leaves per MiB).
 */
#define VC_MAX_NODES	1280
#include "vc_tree.h"

/* Cap registers. */
#define CTOR_R_LOG	0	/* KERNLOG */
#define CTOR_R_IMAGE	1	/* the program's image (mkimage) */
#define CTOR_R_EP	2	/* our endpoint (mkimage): mints entries */
#define CTOR_R_BANK	3	/* our own bank: zero tree, bank cap page */
#define CTOR_R_DISCRIM	4
#define CTOR_R_BANKS	5	/* cap page: instance i's bank in slot i,
					   its PROCESS cap in CTOR_PROC_SLOT0 + i,
					   the symbol table in CTOR_SYMS_SLOT */
#define CTOR_R_REPLY_B	6	/* replies land in one of these two; at
					   start: the program's symbol table
					   (`cap 6 symbols P`, optional) */
#define CTOR_R_REPLY_A	7	/* the other may hold a waiter's */
/* 8..11: CTOR_INIT_CR0.. (abi/constructor.h), the instances' caps */
#define CTOR_R_SRC	12	/* the bank of the instance served */
#define CTOR_R_C0	13	/* received c0: RESTART, or a bank cap */
#define CTOR_R_C1	14	/* received c1: the kept GPT, or a cap */
#define CTOR_R_C2	15	/* received c2 */
#define CTOR_R_T0	16	/* scratch (vc_tree's too) */
#define CTOR_R_T1	17
#define CTOR_R_T2	18
#define CTOR_R_ZERO0	19	/* the zero tree: 19..27 */
#define CTOR_R_CACHE0	(CTOR_R_ZERO0 + VC_ZERO_LEVELS)
#define CTOR_CACHE_N	(32 - CTOR_R_CACHE0)

/* Entry cap payloads: what sent a message, and for which instance. */
#define CTOR_P_CLIENT	0x0000	/* mkimage's `cap N constructor C` */
#define CTOR_P_KEEP	0x1000	/* slot 15 of an instance's space */
#define CTOR_P_FAULT	0x2000	/* an instance's fault handler */
#define CTOR_P_EXIT	0x3000	/* an instance's exit cap */
#define CTOR_P_KIND	0xf000
#define CTOR_P_INDEX	0x0fff

#define CTOR_SLOTS	128
#define CTOR_PROC_SLOT0	CTOR_SLOTS	/* in the CTOR_R_BANKS cap page */
#define CTOR_SYMS_SLOT	255
#define CTOR_FREE	0
#define CTOR_ALIVE	1
#define CTOR_ENDED	2

struct ctor_inst {
	uint32_t	state;		/* CTOR_* */
	uint64_t	status;		/* CTOR_ENDED: the exit status */
	struct vc_space	vs;		/* the instance's space */
};

struct ctor {
	uint64_t	entry, stack_top;	/* the instances' rip, rsp */
	unsigned	init_mask;	/* non-null CTOR_INIT_CR0 + i */
	int		cur;		/* whose caps are loaded */
	uint64_t	alive, created, faulted;
	uint64_t	fault_ticks, faults, end_ticks, ends;	/* TIMES */
	struct ctor_inst inst[CTOR_SLOTS];
};

extern struct ctor ctor;

/* Buy the zero tree and the bank cap page. Returns 0 or ERR_*. */
int	ctor_setup(void);

/*
 * OC_CTOR_CREATE with the bank in CTOR_R_C0, ncaps caps received, start
 * registers w[0..2]. On success the PROCESS cap is in CTOR_R_T1 and *id
 * the slot. Returns 0 or ERR_*; on an error nothing stays charged.
 */
int	ctor_create(unsigned ncaps, const uint64_t *w, uint64_t *id);

/* OC_CTOR_IS_DISCREET: *ok 1 or 0, *bad the first cap register not. */
int	ctor_is_discreet(uint64_t *ok, uint64_t *bad);

/*
 * End instance i: destroy its bank (its process stops, every object it
 * held is freed) and keep status. Returns 0 or the bank's ERR_*.
 */
int	ctor_end(unsigned i, uint64_t status);

/*
 * If instance i is alive but its bank is dead (destroyed from above),
 * mark it ended with CTOR_STATUS_GONE. Returns 1 if it did.
 */
int	ctor_reap(unsigned i);

/* Make instance i's bank and node cache the loaded ones. */
int	ctor_switch(unsigned i);
