/*
 * ctor.h - the client side of a constructor (abi/constructor.h), and how
 * a program a constructor started ends. Each call returns the kernel's
 * error for the invocation if it failed, else the constructor's answer:
 * 0 or its ERR_*. Results are written only on success.
 */
#pragma once

#include <stdint.h>

#include <abi/constructor.h>

/*
 * Start an instance of constructor cr's program, charged to the bank in
 * register bank; its start registers rdi, rsi, rdx are a0..a2, its cap
 * registers CTOR_CR_ARG0.. get the caps in registers give[0..ngive-1]
 * (ngive <= CTOR_CR_ARG_N). Its PROCESS cap lands in register dst
 * (CR_DISCARD: dropped), its instance id in *id.
 */
int	ctor_create(unsigned cr, unsigned bank, const unsigned *give,
	    unsigned ngive, uint64_t a0, uint64_t a1, uint64_t a2,
	    unsigned dst, uint64_t *id);

/* Wait for instance id of constructor cr to end: *status. */
int	ctor_wait(unsigned cr, uint64_t id, uint64_t *status);

/* The confinement answer: *discreet 1 or 0, *bad (see the ABI). */
int	ctor_is_discreet(unsigned cr, uint64_t *discreet, uint64_t *bad);

/* OC_CTOR_INFO's words into out[0..3]. */
int	ctor_info(unsigned cr, uint64_t *out);

/*
 * In a program a constructor started: end with status (OC_CTOR_EXIT
 * through the exit cap in register CTOR_CR_EXIT). The constructor then
 * frees everything the program held; this call never returns.
 */
_Noreturn void	ctor_exit(uint64_t status);
