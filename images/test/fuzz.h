/*
 * fuzz.h - the kernel fuzzer (fuzz.c): one process makes seeded random
 * invocations of random cap registers with random opcodes, words, cap
 * lists and control bits; the kernel must answer each with 0 or an
 * ERR_* and never panic. Victim processes (fuzz_victim.c) give it
 * processes, spaces and endpoints to wreck.
 *
 * Registers 0..PROTECTED-1 hold what the fuzzer needs to report and to
 * check the kernel afterwards; no random invocation, sent cap or
 * received cap touches them. The fuzzer holds no cap to itself or its
 * own space, and its RANGE cap is only used on sandbox OIDs, so it
 * cannot destroy itself.
 */
#pragma once

#define CR_LOG		0
#define CR_RANGE	1
#define CR_DISCRIM	2
#define CR_SLEEP	3
#define CR_V1		4	/* PROCESS: the echo victim */
#define CR_V2		5	/* PROCESS: the spinning victim */
#define PROTECTED	6

/* Start registers: rdi role, rsi seed (0: from the TSC), rdx
 * iterations, rcx seconds (0: no time limit). */
#define ROLE_FUZZER	0
#define ROLE_ECHO	1
#define ROLE_SPIN	2
#define ROLE_PINGER	3

/* Sandbox OIDs: fresh objects of each type, and the victims. */
#define SANDBOX		UINT64_C(0x800000)
#define SANDBOX_N	32
#define OID_V1		OID_MAKE(OT_PROCESS, 1)
#define OID_V2		OID_MAKE(OT_PROCESS, 2)
