/*
 * st_kjmp.h - setjmp/longjmp for the kernel (st_kjmp.S): resume at a
 * saved point from anywhere on any stack, including an exception handler
 * on an IST stack. Linked into the test kernel only, for its trap
 * catches (selftest/st_catch.h) and its way back from user code.
 */
#pragma once

#include <stdint.h>

struct kjmp {
	uint64_t	rbx, rbp, r12, r13, r14, r15;
	uint64_t	rsp, rip, rflags;
};

/*
 * Save the callee-saved registers, stack and RFLAGS; returns 0, and
 * returns again with val (never 0) when kjmp_jump(j, val) is called.
 * The frame that called kjmp_set must still be live then. Locals changed
 * between the two must be volatile.
 */
int	kjmp_set(struct kjmp *j) __attribute__((returns_twice));

/* Resume at j with RFLAGS (so the interrupt flag) as saved. */
void	kjmp_jump(struct kjmp *j, int val) __attribute__((noreturn));
