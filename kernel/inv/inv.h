/*
 * inv.h - invocations: the decoded system call, and one handler per
 * capability type (kernel/inv/inv_<type>.c), chosen by the invoked cap's
 * type through inv_handlers[].
 *
 * Every handler is decode, then commit: it checks every argument and
 * returns ERR_* before it changes anything; after its commit point it
 * cannot fail. User input never panics the kernel. A handler returns 0
 * with its answer in rw/rc (rnwords, rncaps), ERR_*, or INV_DONE when it
 * has set every register of every process involved itself (IPC).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <abi/cap.h>
#include <abi/err.h>
#include <abi/invoke.h>
#include <obj.h>

#define INV_DONE	0x10000		/* not an ERR_*: registers are set */

struct inv {
	struct process	*p;		/* the invoker: current, held */
	uint64_t	ctl;		/* rax: IC_* */
	uint32_t	opcode;
	unsigned	nwords, ncaps;
	uint64_t	w[MI_WORDS_MAX];	/* words sent (unsent ones 0) */
	struct cap	c[MI_CAPS_MAX];		/* caps sent, copied */
	struct cap	cap;		/* the invoked cap, copied */
	struct obj	*obj;		/* what cap names (checked), or NULL */
	unsigned	rnwords, rncaps;	/* the answer */
	uint64_t	rw[MI_WORDS_MAX];
	struct cap	rc[MI_CAPS_MAX];
};

/*
 * Put a kernel object's answer (rc 0: rw/rc as rnwords, rncaps say) or
 * the error rc into the invoker's registers, as inv_syscall() does when
 * the handler returns. For a handler whose answer must be in the
 * registers before it acts (OC_CKPT_TAKE: the generation it commits
 * holds the invoker with its call answered).
 */
void	inv_answer(struct inv *inv, int rc);

/* Handlers, one per capability type. */
int	inv_null(struct inv *);
int	inv_page(struct inv *);
int	inv_cappage(struct inv *);
int	inv_gpt(struct inv *);
int	inv_process(struct inv *);
int	inv_endpoint(struct inv *);
int	inv_entry(struct inv *);
int	inv_restart(struct inv *);
int	inv_range(struct inv *);
int	inv_kernlog(struct inv *);
int	inv_reply(struct inv *);
int	inv_discrim(struct inv *);
int	inv_sleep(struct inv *);
int	inv_console(struct inv *);
int	inv_sysinfo(struct inv *);
int	inv_ckpt(struct inv *);

/*
 * Generation gen is committed: every process blocked in OC_CKPT_WAIT for
 * gen or an earlier one gets its answer (w0 = gen) and runs. From the
 * checkpointer, after the commit. Cannot fail.
 */
void	inv_ckpt_committed(uint64_t gen);

/* OC_MEM_REDUCE, OC_MEM_GUARD and OC_MEM_GET_GUARD, shared by PAGE,
   CAPPAGE, GPT (inv_mem.c). Returns ERR_BAD_REQUEST for any other
   opcode. */
int	inv_mem_common(struct inv *);

/*
 * The decode of a COPY_FROM into the invoked memory cap: c0 must be a
 * cap of type ct (else ERR_BAD_ARG, ERR_BAD_REQUEST if none was sent),
 * the invoked cap writable and c0 not OPAQUE (else ERR_NO_ACCESS), c0
 * valid (cap_check: ERR_BAD_CAP, or a load error). Returns 0 with *src
 * the source object, which may be inv->obj itself. May load the source;
 * inv->obj stays in memory.
 */
int	inv_mem_copy_source(struct inv *inv, unsigned ct, struct obj **src);

/*
 * OC_PROC_GET_REGS and OC_PROC_SET_REGS on process t, for PROCESS and
 * RESTART caps (inv_process.c); the caller has checked the cap's rights.
 */
int	inv_proc_get_regs(struct inv *inv, struct process *t);
int	inv_proc_set_regs(struct inv *inv, struct process *t);

/*
 * The text of an OC_LOG_WRITE or OC_CONS_WRITE (the first byte of w0 is
 * the count, the bytes follow; inv_kernlog.c) into buf: control bytes
 * other than newline and tab become '.', and so do carriage return and
 * backspace unless cursor is true. Returns 0 with *count, or
 * ERR_BAD_REQUEST (no word) or ERR_BAD_ARG (count beyond the words).
 */
int	inv_text(const struct inv *inv, char buf[MI_WORDS_MAX * 8],
	    unsigned *count, bool cursor);

/* Answer helpers. */
static inline int
inv_answer_words(struct inv *inv, unsigned n)
{
	inv->rnwords = n;
	return 0;
}

/* Require at least nwords words and ncaps caps: else ERR_BAD_REQUEST. */
static inline int
inv_args(const struct inv *inv, unsigned nwords, unsigned ncaps)
{
	return inv->nwords >= nwords && inv->ncaps >= ncaps ? 0 :
	    ERR_BAD_REQUEST;
}

/*
 * Run the system call of the current process p, whose registers are in
 * p->d.regs (syscall.S saved them). Called by syscall.S on the kernel
 * stack with interrupts off; never returns (sched_return).
 */
void	syscall_handle(void) __attribute__((noreturn));

/* Decode and perform p's invocation; for self-tests. Returns what the
   system call puts in rax (or INV_DONE). Writes p's result registers. */
int	inv_syscall(struct process *p);
