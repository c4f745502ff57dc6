/*
 * proccheck.h - the rules a stored process (include/abi/process.h) and the
 * run list must satisfy, written once for the kernel and mkimage verify,
 * so that an image verify passes is one the kernel starts as it stands.
 *
 * Two sets, because the kernel treats them differently:
 * - state rules (proc_state_problem): what the kernel itself never writes
 *   (run state, wait, fault code and wait_oid out of step, a wake time
 *   without a sleep, a kept GPT cap that is neither null nor a GPT cap
 *   in canonical form, reserved fields or MXCSR reserved bits set).
 *   objcache_load() refuses such a process on every load (ERR_CORRUPT),
 *   so no path can run it;
 * - register rules (proc_reg_problem, proc_regs_problem): what ring 3 can
 *   take. proc_start() parks a stored process that breaks them
 *   (PS_FAULTED, FC_GP) and SET_REGS refuses such a value.
 * And the run list rules (proc_runlist_problem): each entry names a
 * stored process, at most once, within the first PROC_RUNLIST_MAX.
 *
 * Freestanding (lib/proccheck.c needs no other file): no allocation, no
 * state, safe on untrusted bytes. A check returns NULL when everything
 * holds, else a static sentence; callers add which process it was.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <abi/process.h>

/* Registers in struct proc_regs (the index of OC_PROC_GET_REGS). */
#define PROC_NREGS	(sizeof(struct proc_regs) / sizeof(uint64_t))

/* Run list entries the kernel reads; it ignores the rest. */
#define PROC_RUNLIST_MAX	1024

/* True (1) if va is a canonical address in the user half. */
static inline int
proc_user_addr(uint64_t va)
{
	return va < USER_VA_END;
}

/* Name of register index ("rip"), "?" beyond the last. */
const char *proc_reg_name(unsigned index);

/*
 * Why value v cannot be register index of a process in ring 3, NULL if
 * it can: rip, fs_base and gs_base must be canonical user-half
 * addresses (rsp may be anything: ring 3 sets it at will, and sysretq
 * and iretq return it as it is, docs/kernel.md); rflags must have IF and bit 1 set, IOPL 0 and nothing
 * outside RFLAGS_USER_MASK; an index >= PROC_NREGS is "no such
 * register". The sentence reads after "<name> <value> ".
 */
const char *proc_reg_problem(unsigned index, uint64_t v);

/*
 * proc_reg_problem() of every register of r, in order: NULL if all pass,
 * else the first problem, with its register's index in *bad.
 */
const char *proc_regs_problem(const struct proc_regs *r, unsigned *bad);

/*
 * Why the stored process p breaks a rule the kernel never breaks, NULL
 * if it keeps them all: run state, fault code, wait_oid against the run
 * state (see abi/process.h), reserved fields, MXCSR reserved bits.
 */
const char *proc_state_problem(const struct obj_process *p);

/*
 * Why entry i of the run list oids[0..i] must not be started, NULL if
 * it may: i is PROC_RUNLIST_MAX or more, the OID is not a process's, an
 * earlier entry names it ("listed twice"), or stored is 0 (the store's
 * map has no such process: "not stored"). Reads oids[0..i] only, at most
 * PROC_RUNLIST_MAX of them.
 */
const char *proc_runlist_problem(const oid_t *oids, size_t i, int stored);
