/*
 * kswitch.h - switching between kernel stacks (kswitch.S).
 */
#pragma once

#include <stdint.h>

/* Callee-saved registers kswitch() keeps on a stack (rbp rbx r12-r15). */
#define KSWITCH_SAVED	6

/*
 * Save the callee-saved registers on the current stack, store its stack
 * pointer in *save, and continue on the stack at next: as kswitch()
 * returning there, or at a fresh stack's first function (ckpt_io.c
 * builds one: KSWITCH_SAVED words, then the function's address, then a
 * zero return address, 16-aligned above). Interrupts off.
 */
void	kswitch(uint64_t *save, uint64_t next);
