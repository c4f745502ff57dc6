/*
 * st_inv.h - driving invocations from the self-tests without ring 3:
 * load a test process's registers as the invoke system call would see
 * them and run inv_syscall() with that process current.
 */
#pragma once

#include <stdint.h>

#include <abi/invoke.h>
#include <obj.h>

struct st_msg {
	uint64_t	ctl;		/* rax */
	uint64_t	mi;		/* rdi */
	uint64_t	send;		/* rsi: cap registers sent */
	uint64_t	recv;		/* rdx: where received caps land */
	uint64_t	w[4];
};

/* Load p's registers with m as its syscall would leave them and make p
   runnable on no queue, ready to run a system call as current. */
void		st_inv_load(struct process *p, const struct st_msg *m);

/* Invoke as p; returns p's rax afterwards (p's registers hold the rest). */
uint64_t	st_invoke(struct process *p, const struct st_msg *m);

/* A kernel-object CALL of cap register cr: opcode op, words w0, w1. */
uint64_t	st_kcall(struct process *p, unsigned cr, uint32_t op,
		    unsigned nwords, uint64_t w0, uint64_t w1);

/* A fresh pinned endpoint (unpinned by st_inv_end). */
struct endpoint	*st_endpoint(void);

/* Stop every process a test used and clear the scheduler's state. */
void		st_inv_end(struct process **ps, unsigned n);
