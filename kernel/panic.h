/*
 * panic.h - stopping the kernel on an impossible state, and assert().
 *
 * panic() prints "panic: <reason>", the control registers and a
 * backtrace of return addresses, then "panic: halted", and halts (the
 * test harness stops a guest at that line). Use it for kernel bugs only,
 * never for a user's mistake, and put the offending values in the
 * message.
 */
#pragma once

#include <stdint.h>

void	panic(const char *fmt, ...)
	    __attribute__((noreturn, format(printf, 1, 2)));

/*
 * assert() is on in every build: a persistent kernel must never go on to
 * write bad state to disk.
 */
#define assert(e)	((e) ? (void)0 : \
	assert_fail(#e, __FILE__, __LINE__, __func__))

void	assert_fail(const char *expr, const char *file, int line,
	    const char *func) __attribute__((noreturn));

/*
 * Print "backtrace:" and the return addresses of the frame-pointer chain
 * starting at rbp, stopping at a zero frame, a frame outside the kernel
 * stacks or after 32 frames. Never faults.
 */
void	panic_backtrace(uint64_t rbp);

/*
 * The end of every fatal path: print "panic: halted" and halt forever
 * with interrupts off.
 */
void	panic_stop(void) __attribute__((noreturn));
