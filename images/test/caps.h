/*
 * caps.h - the caps suite: every capability type under every one of the
 * 32 restriction masks, each operation's outcome checked against the
 * rules below (the seL4 ipc_rights pattern: a loop over all masks).
 *
 * The rules (abi/cap.h, kernel/inv/inv_*.c):
 * - OC_TYPE answers type and restrictions for every valid cap but ENTRY
 *   and REPLY, whose every opcode is a message;
 * - memory caps: RO or WEAK forbid every change (PAGE erase/write/
 *   copy_from into it, CAPPAGE erase/store/copy_from into it, GPT
 *   set_l2v/store/reset), OPAQUE forbids reading (PAGE read, CAPPAGE
 *   fetch, GPT get_l2v/fetch, being the source of a copy_from); a fetch
 *   through WEAK, or a cap page copied from a WEAK one, makes memory caps
 *   WEAK|RO, leaves DISCRIM and SLEEP caps and turns every other cap
 *   null; REDUCE adds WEAK, RO, NX, OPAQUE (not NOCALL); GET_GUARD works
 *   under every mask;
 * - PROCESS: WEAK allows only GET_REGS, GET_STATE and weakened
 *   FETCH_CAP / GET_SPACE (no RESET); ENDPOINT: WEAK forbids everything;
 * - RESTART: GET_REGS and SET_REGS only while the process is faulted,
 *   and WEAK forbids SET_REGS; RESUME ignores every restriction;
 * - ENTRY: NOCALL forbids CALL, not SEND; RANGE: WEAK weakens GET and
 *   forbids RESCIND and SET_BANK;
 * - NX, OPAQUE and NOCALL change nothing else; KERNLOG, CKPT, DISCRIM
 *   and SLEEP ignore every restriction.
 *
 * Before the loops, the reuse tests (caps_reuse.c) check what the
 * servers of a running system rely on end to end: a process reset by
 * itself or by another has no register, FPU/SSE value, cap, space or
 * handler left; a RESTART cap reads and repairs a faulted process; a
 * page copied into a mapped page shows through the mapping; a GPT reset
 * drops the mappings made through it; the symbol table mkimage wrote
 * names this program's functions.
 *
 * Caps with each mask come from the .mki (build/images/test/caps.mki,
 * written by caps_mki.py: cap pages MA and MB, slot = 32 * type index +
 * mask), except PAGE caps, and the GPTs that are reset, made with
 * OC_MEM_REDUCE from fresh ones.
 */
#pragma once

#include <stdint.h>

#define NMASKS		32

/* Roles (rdi). */
#define ROLE_MAIN	0
#define ROLE_PEER	1
#define ROLE_ECHO	2
#define ROLE_VICTIM	3

/* main's cap registers (caps_mki.py writes the same numbers). */
#define CR_LOG		0
#define CR_RANGE	1
#define CR_DISCRIM	2
#define CR_MA		3
#define CR_MB		4
#define CR_TCP		5	/* cap page "tcp", full */
#define CR_TSEG		6	/* space of segment "tseg" (a GPT), full */
#define CR_PEER		7	/* PROCESS peer, full */
#define CR_TEP		8	/* ENDPOINT tep, full */
#define CR_TENTRY	9	/* ENTRY tep, payload TEP_PAYLOAD, full */
#define CR_SLEEP	10
#define CR_ECHO		11	/* PROCESS echo, full */
#define CR_MSPACE	12	/* main's own space (root GPT), full */
#define CR_VICTIM	13	/* PROCESS victim, full */
#define CR_VRESTART	14	/* RESTART victim, full */
#define CR_VSPACE	15	/* victim's space, full */
#define CR_X		16	/* the cap under test */
#define CR_T0		17	/* scratch */
#define CR_T1		18
#define CR_T2		19
#define CR_PAGE		20	/* a fresh page, full */
#define CR_VH		21	/* ENTRY vh (recipient main), full */
#define CR_T3		22	/* scratch */
#define CR_SYMS		23	/* program caps's symbol table */
#define CR_NULL		31	/* never written: stays null */

#define TEP_PAYLOAD	77

/* Cap page MA holds these types at 32 * index + mask, MB the rest. */
enum { MA_PROCESS, MA_ENDPOINT, MA_ENTRY, MA_RESTART, MA_RANGE,
	MA_KERNLOG, MA_CKPT, MA_DISCRIM };
enum { MB_SLEEP, MB_CAPPAGE, MB_GPT, MB_VICTIM, MB_VRESTART };

/* OIDs: mkimage numbers each type's objects in declaration order. */
#define OID_PEER	OID_MAKE(OT_PROCESS, 1)
#define OID_TEP		OID_MAKE(OT_ENDPOINT, 0)
#define OID_TCP		OID_MAKE(OT_CAPPAGE, 0)
#define BANK_FIRST	1
#define BANK_SECOND	2

/* OID indices of fresh objects: one per mask and use. */
#define FRESH_PAGE	UINT64_C(0x200000)	/* + mask: any type */
#define FRESH_COPY	UINT64_C(0x201000)	/* + mask: copy sources */
#define FRESH_REUSE	UINT64_C(0x202000)	/* caps_reuse.c's */

/* What echo answers: w0 payload, w1 opcode, w2 w0 + 1, w3 sends seen. */

/* Check helpers: fail the current test unless the error is as wanted. */
#define EXPECT(got, want, what)	TEST_EQ((got), (want), (what))
#define DENY(mask, bits)	(((mask) & (bits)) ? ERR_NO_ACCESS : 0)

/* Fetch slot of the cap page in cp into dst. */
int	fetch(unsigned cp, unsigned slot, unsigned dst);

/* Type and restrictions of the cap in cr through DISCRIM. */
void	expect_class(unsigned cr, uint64_t type, uint64_t restr,
	    const char *what);

/* OC_TYPE of CR_X must answer (type, mask); unknown opcodes fail. */
void	type_is(uint64_t type, unsigned mask);

/* Victim (caps_reuse.c): the process RESET and RESTART act on. */
#define VICTIM_STACK	512		/* words */
extern uint64_t	victim_stack[VICTIM_STACK];
void	caps_victim_reset_self(void) __attribute__((noreturn));
void	caps_victim_wait(void) __attribute__((noreturn));
void	caps_victim_report(void);
void	caps_victim_ud2(void);
void	caps_victim_load(void);

/* Poll the process in cr until it is in state (w = GET_STATE's words). */
int	wait_state(unsigned cr, uint64_t state, uint64_t *w);

/* Park victim faulted at caps_victim_ud2, its space restored. */
void	victim_fault(void);

/* The reuse tests run before the loops; how many. */
#define NREUSE		6
void	test_reuse(void);

void	test_page(unsigned mask);
void	test_cappage(unsigned mask);
void	test_gpt(unsigned mask);
void	test_process(unsigned mask);
void	test_endpoint(unsigned mask);
void	test_entry(unsigned mask);
void	test_restart(unsigned mask);
void	test_range(unsigned mask);
void	test_kernlog(unsigned mask);
void	test_ckpt(unsigned mask);
void	test_discrim(unsigned mask);
void	test_sleep(unsigned mask);

void	echo_main(void);
