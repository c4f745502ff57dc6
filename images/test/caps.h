/*
 * caps.h - the caps suite: every capability type under every one of the
 * 32 restriction masks, each operation's outcome checked against the
 * rules below (the seL4 ipc_rights pattern: a loop over all masks).
 *
 * The rules (abi/cap.h, kernel/inv/inv_*.c):
 * - OC_TYPE answers type and restrictions for every valid cap but ENTRY
 *   and REPLY, whose every opcode is a message;
 * - memory caps: RO or WEAK forbid every change (PAGE erase/write,
 *   CAPPAGE erase/store, GPT set_l2v/store), OPAQUE forbids reading
 *   (PAGE read, CAPPAGE fetch, GPT get_l2v/fetch); a fetch through WEAK
 *   makes memory caps WEAK|RO, leaves DISCRIM and SLEEP caps and turns
 *   every other cap null; REDUCE adds WEAK, RO, NX, OPAQUE (not NOCALL);
 * - PROCESS: WEAK allows only GET_REGS, GET_STATE and weakened
 *   FETCH_CAP / GET_SPACE; ENDPOINT: WEAK forbids everything;
 * - ENTRY: NOCALL forbids CALL, not SEND; RANGE: WEAK weakens GET and
 *   forbids RESCIND;
 * - NX, OPAQUE and NOCALL change nothing else; RESTART, KERNLOG, CKPT,
 *   DISCRIM and SLEEP ignore every restriction.
 *
 * Caps with each mask come from the .mki (build/images/test/caps.mki,
 * written by caps_mki.py: cap pages MA and MB, slot = 32 * type index +
 * mask), except PAGE caps, made with OC_MEM_REDUCE from a fresh page.
 */
#pragma once

#include <stdint.h>

#define NMASKS		32

/* Roles (rdi). */
#define ROLE_MAIN	0
#define ROLE_PEER	1
#define ROLE_ECHO	2

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
#define CR_X		16	/* the cap under test */
#define CR_T0		17	/* scratch */
#define CR_T1		18
#define CR_T2		19
#define CR_PAGE		20	/* a fresh page, full */

#define TEP_PAYLOAD	77

/* Cap page MA holds these types at 32 * index + mask, MB the rest. */
enum { MA_PROCESS, MA_ENDPOINT, MA_ENTRY, MA_RESTART, MA_RANGE,
	MA_KERNLOG, MA_CKPT, MA_DISCRIM };
enum { MB_SLEEP, MB_CAPPAGE, MB_GPT };

/* Process OIDs: mkimage numbers processes in declaration order. */
#define OID_PEER	OID_MAKE(OT_PROCESS, 1)

/* OID indices of fresh pages: one per mask and use. */
#define FRESH_PAGE	UINT64_C(0x200000)

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
