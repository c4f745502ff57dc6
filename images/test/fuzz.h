/*
 * fuzz.h - the kernel fuzzer. One process (fuzz.c) makes seeded random
 * invocations of random cap registers with random opcodes, words, cap
 * lists and control bits, and after every XPROG_EVERY of them runs one
 * random program in the exec victim (fuzz_exec.c): instruction bytes
 * (fuzz_prog.c) at an address from the edges of the address map, in a
 * space the fuzzer builds (fuzz_space.c), with registers set through
 * the PROCESS cap; the victim's faults come back to the fuzzer as its
 * handler or keeper. The kernel must answer each invocation with 0 or an
 * ERR_*, turn every fault into a fault message, and never panic. Victim
 * processes (fuzz_victim.c) give the random invocations processes,
 * spaces and endpoints to wreck.
 *
 * Registers 0..PROTECTED-1 hold what the fuzzer needs to report, to run
 * programs and to check the kernel afterwards; no random invocation,
 * sent cap or received cap touches them. The fuzzer holds no cap to
 * itself or its own space, and its RANGE cap is only used on sandbox
 * OIDs and on the exec objects (XBASE), so it cannot destroy itself.
 * Everything a program does follows from (seed, program number) alone.
 */
#pragma once

#include <stdint.h>

#include <abi/invoke.h>
#include <abi/process.h>
#include <abi/types.h>

#define CR_LOG		0
#define CR_RANGE	1
#define CR_DISCRIM	2
#define CR_SLEEP	3
#define CR_V1		4	/* PROCESS: the echo victim */
#define CR_V2		5	/* PROCESS: the spinning victim */
#define CR_XV		6	/* PROCESS: the exec victim (made at start) */
#define CR_XHANDLER	7	/* entry xep, payload PAY_XFAULT */
#define CR_XKEEPER	8	/* entry xep, payload PAY_XKEEP */
#define CR_XMSG		9	/* entry xep nocall, payload PAY_XMSG */
#define CR_XNULL	10	/* always null: what GPT_STORE clears with */
#define CR_XA		11	/* scratch: a GPT being changed */
#define CR_XB		12	/* scratch: the cap going into it */
#define CR_XC		13	/* scratch */
#define CR_XRESTART	14	/* c0 of the last fault message */
#define CR_XGPT		15	/* c1 of the last fault message */
#define PROTECTED	16

/* Start registers: rdi role, rsi seed (0: from the TSC), rdx
 * iterations, rcx seconds (0: no time limit). ROLE_REPLAY runs only
 * programs rdx .. rdx + rcx - 1 of seed rsi, printing each. */
#define ROLE_FUZZER	0
#define ROLE_ECHO	1
#define ROLE_SPIN	2
#define ROLE_PINGER	3
#define ROLE_REPLAY	4

/* Sandbox OIDs: fresh objects of each type, and the victims. */
#define SANDBOX		UINT64_C(0x800000)
#define SANDBOX_N	32
#define OID_V1		OID_MAKE(OT_PROCESS, 1)
#define OID_V2		OID_MAKE(OT_PROCESS, 2)

/* The exec objects: the victim, its GPTs and pages (never sandbox). */
#define XBASE		UINT64_C(0x900000)
#define XGPT_N		24
#define XPAGE_N		8
#define OID_XV		OID_MAKE(OT_PROCESS, XBASE)

/* Payloads of the entries to xep, whose recipient is the fuzzer. */
#define PAY_PING	0	/* the pinger (entry fep) */
#define PAY_XFAULT	0x7f01	/* the victim's handler */
#define PAY_XKEEP	0x7f02	/* keeper of GPTs in the victim's space */
#define PAY_XMSG	0x7f03	/* the victim's own sends */

/* One random program in XPROG_EVERY steps of the fuzzer. */
#define XPROG_EVERY	64
#define XPROG_MAX	96	/* instruction bytes */
#define XPAGES		4	/* pages a program maps (more: remaps) */
#define PROC_NREGS_U	(sizeof(struct proc_regs) / 8)
#define XREG_RSP	7
#define XREG_RIP	16
#define XREG_RFLAGS	17
#define XREG_FS		18
#define XREG_GS		19

/* What the space's root is. */
#define XSPACE_GPT	0	/* the tree fuzz_space.c builds */
#define XSPACE_PAGE	1	/* one page, at address 0 */
#define XSPACE_NULL	2	/* no space at all */

/* A page a program needs mapped. */
struct xpage {
	uint64_t	va;		/* page aligned, below USER_VA_END */
	uint8_t		restr;		/* CAP_R_* on its cap */
	uint8_t		data;		/* gets random words (else zero) */
};

/*
 * One program: the bytes at addr (those past the end of a page land in
 * the next page if it is mapped), the pages it maps (page[0] holds
 * addr; at most XPAGES, then pages mapped where it faulted, up to
 * XPAGE_N), the victim's registers and its space. rng keeps generating
 * the program's run-time choices (whether to restart after a fault).
 */
struct xprog {
	uint64_t	number;
	uint64_t	rng;
	uint64_t	addr;
	uint8_t		code[XPROG_MAX];
	unsigned	len;
	struct xpage	page[XPAGE_N];
	unsigned	npages;
	uint64_t	regs[PROC_NREGS_U];
	uint8_t		space;		/* XSPACE_* */
	uint8_t		keepers;	/* GPTs to make kept, 1 in N */
	uint8_t		junk;		/* stray non-memory caps in slots */
	uint8_t		hostile;	/* try a register ring 3 can't take */
	char		what[64];	/* the templates used, for a replay */
};

/* Counts the fuzzer reports; fault codes past FC_MAX go to [FC_MAX]. */
struct xstats {
	uint64_t	invocations;	/* made by the exec part */
	uint64_t	programs, runs, timeouts, restarts, remaps;
	uint64_t	faults[FC_MAX + 1];
	uint64_t	kept_faults, victim_msgs, others;
	uint64_t	hostile_refused, unmapped, cleared_live;
	uint64_t	failures;	/* kernel answers that are wrong */
	char		first_failure[160];
};

extern struct xstats	xs;

/* fuzz.c: count an answer (0 or ERR_* expected) of any invocation. */
void	fuzz_record(int rc);

/* fuzz_prog.c: program n of seed, fully generated. */
void	xprog_make(struct xprog *p, uint64_t seed, uint64_t n);
uint64_t xprog_rand(struct xprog *p);

/* fuzz_space.c: the victim's GPT tree. All return 0 or an ERR_*. */
int	xspace_init(void);
int	xspace_map(const struct xpage *pg, unsigned pool_page);
int	xspace_decorate(struct xprog *p);
int	xspace_clear(void);
int	xspace_root(unsigned cr);

/* What one run of the victim ended with. */
#define XRUNS_MAX	4	/* runs of one program: first + restarts */
struct xoutcome {
	int		fault;		/* 1: fault message; 0: stopped */
	uint64_t	w[MI_WORDS_MAX];	/* the message's words */
	uint64_t	payload;
	uint64_t	state[MI_WORDS_MAX];	/* GET_STATE after it */
};

/*
 * fuzz_exec.c: the exec victim and its programs. xexec_load puts p's
 * pages, space and registers in place (0 or ERR_*); xexec_go resumes
 * the victim, then after each fault restarts it unchanged, maps the
 * page it missed and restarts, or stops (p's generator decides; always
 * restart unchanged when again; one still running after two pings may
 * have its space taken apart under it, unless again), and stops it at
 * the end; it fills
 * out[] and returns the number of runs. xexec_run does all for program
 * n of seed, printing it and each outcome when verbose.
 */
int	xexec_init(void);
int	xexec_load(struct xprog *p);
unsigned xexec_go(struct xprog *p, int again, struct xoutcome *out);
void	xexec_run(uint64_t seed, uint64_t n, int verbose);
void	xexec_print(const char *prefix);
int	xexec_stop(void);

/* fuzz_fixed.c: the deterministic cases, one test each (each failing
   with the reason skip instead, if that is not NULL). */
extern const unsigned	xfixed_count;
void	xfixed_tests(const char *skip);

/* Invocations of the exec part: counted and checked like the others. */
int	xcall(unsigned cr, uint32_t op, unsigned nw, uint64_t w0, uint64_t w1,
	    uint64_t w2, uint64_t w3, uint64_t *out);
int	xcap(unsigned cr, uint32_t op, unsigned nw, uint64_t w0, uint64_t w1,
	    unsigned dst);
int	xgive(unsigned cr, uint32_t op, unsigned nw, uint64_t w0, uint64_t w1,
	    unsigned src);
void	xfail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
