/*
 * invoke.h - the user side of the one system call (abi/invoke.h): invoke
 * a capability register with a send phase, a receive phase, or both.
 *
 * The stub is inline so that a call costs the syscall and the register
 * moves and nothing else (the benchmark's IPC round trip counts every
 * instruction). rdx is treated as clobbered although the kernel keeps
 * it: the stub must not depend on that.
 */
#pragma once

#include <stdint.h>

#include <abi/cap.h>
#include <abi/err.h>
#include <abi/invoke.h>

/*
 * One message, both ways. Before the call: info (MI_MAKE), the data
 * words, caps (CR_LIST of the cap registers sent) and rcv (CR_LIST of
 * where received caps land, CR_WITH_REPLY for a REPLY cap). After it:
 * info, w[] and payload hold what was received; caps and rcv are kept.
 */
struct umsg {
	uint64_t	info;
	uint64_t	w[MI_WORDS_MAX];
	uint64_t	caps;
	uint64_t	rcv;
	uint64_t	payload;
};

/* Every received cap dropped, including a REPLY cap. */
#define UMSG_RCV_NONE	CR_WITH_REPLY(CR_LIST(CR_DISCARD, CR_DISCARD, \
			    CR_DISCARD, CR_DISCARD), CR_DISCARD)

/*
 * Invoke with control word ctl (IC_MAKE(capreg, IC_SEND|IC_RECV|...)).
 * Returns the kernel's rax: 0 or ERR_*. Never fails by itself.
 */
static inline int
invoke(uint64_t ctl, struct umsg *m)
{
	register uint64_t r8 __asm__("r8") = m->w[0];
	register uint64_t r9 __asm__("r9") = m->w[1];
	register uint64_t r10 __asm__("r10") = m->w[2];
	register uint64_t r12 __asm__("r12") = m->w[3];
	uint64_t rax = ctl, rdi = m->info, rsi = m->caps, rdx = m->rcv;

	__asm__ volatile("syscall"
	    : "+a"(rax), "+D"(rdi), "+S"(rsi), "+d"(rdx),
	      "+r"(r8), "+r"(r9), "+r"(r10), "+r"(r12)
	    :
	    : "rcx", "r11", "memory");
	m->info = rdi;
	m->payload = rsi;
	m->w[0] = r8;
	m->w[1] = r9;
	m->w[2] = r10;
	m->w[3] = r12;
	return (int)rax;
}

/* A message with opcode op and nw words, no caps sent, none received. */
static inline void
umsg_init(struct umsg *m, uint32_t op, unsigned nw, uint64_t w0,
    uint64_t w1, uint64_t w2, uint64_t w3)
{
	m->info = MI_MAKE(op, nw, 0);
	m->w[0] = w0;
	m->w[1] = w1;
	m->w[2] = w2;
	m->w[3] = w3;
	m->caps = 0;
	m->rcv = UMSG_RCV_NONE;
	m->payload = 0;
}

/*
 * Call kernel object (or server) cap register cr: send m, wait for the
 * answer into m. Returns 0 or ERR_*.
 */
static inline int
inv_call(unsigned cr, struct umsg *m)
{
	return invoke(IC_MAKE(cr, IC_CALL), m);
}

/*
 * The common kernel-object call: opcode op with up to four words, no caps
 * either way. The answer's words land in out[0..3] when out is not NULL.
 */
int	kcall(unsigned cr, uint32_t op, unsigned nw, uint64_t w0, uint64_t w1,
	    uint64_t w2, uint64_t w3, uint64_t *out);

/* Opcode op with words w0, w1 that returns a cap into cap register dst. */
int	kcall_cap(unsigned cr, uint32_t op, unsigned nw, uint64_t w0,
	    uint64_t w1, unsigned dst);

/* Opcode op with words w0, w1 that sends the cap in cap register src. */
int	kcall_give(unsigned cr, uint32_t op, unsigned nw, uint64_t w0,
	    uint64_t w1, unsigned src);

/* OC_TYPE: *type = CT_*, *restr = restrictions (either may be NULL). */
int	cap_type(unsigned cr, uint64_t *type, uint64_t *restr);

/*
 * Through the DISCRIM cap in register dcr: the type and restrictions of
 * the cap in register cr (CT_NULL for a null or invalid one), and whether
 * the caps in a and b name the same object (*same = 1).
 */
int	cap_classify(unsigned dcr, unsigned cr, uint64_t *type,
	    uint64_t *restr);
int	cap_same(unsigned dcr, unsigned a, unsigned b, uint64_t *same);
