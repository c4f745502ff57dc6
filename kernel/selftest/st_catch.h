/*
 * st_catch.h - trap catches: a self-test that expects a CPU exception
 * arms a catch, and the exception, instead of being reported and
 * stopping the kernel, is recorded in the catch and execution resumes at
 * its kjmp_set() point, which returns 1. The test kernel intercepts
 * trap_dispatch() for this (ld --wrap, kernel/rules.mk); the production
 * kernel has no catches.
 */
#pragma once

#include <stdint.h>

#include <x86_64/st_kjmp.h>
#include <x86_64/trap.h>

/* An armed expectation of an exception, and what was recorded. */
struct trap_catch {
	struct kjmp		jmp;	/* where to resume: kjmp_set() == 1 */
	struct trap_catch	*prev;	/* catch armed before this one */
	uint64_t		vector, error, rip, cr2, rsp;
};

/*
 * Arm c (after kjmp_set(&c->jmp) returned 0): the next CPU exception in
 * ring 0 other than NMI is recorded in c and resumes at c->jmp with
 * interrupts as they were at kjmp_set. Catches nest; the innermost armed
 * one wins and is disarmed by the exception. Not for exceptions inside
 * interrupt handlers.
 */
void	trap_catch_arm(struct trap_catch *c);

/* Disarm c, which must be the innermost armed catch. */
void	trap_catch_disarm(struct trap_catch *c);
