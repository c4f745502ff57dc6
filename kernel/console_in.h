/*
 * console_in.h - console input: bytes from COM1 and the PS/2 keyboard,
 * kept until a process reads them through a CONSOLE cap (OC_CONS_READ,
 * abi/invoke.h).
 */
#pragma once

#include <stdint.h>

#include <obj.h>

/* Take the serial and keyboard interrupts. After pic_init(). */
void	console_in_init(void);

/*
 * From an interrupt handler: queue byte b (dropped and counted when the
 * buffer is full). console_in_wake() then answers waiting readers.
 */
void	console_in_put(uint8_t b);
void	console_in_wake(void);

/*
 * Move up to CONS_READ_MAX buffered bytes into an answer: w[0] the count,
 * w[1..3] the bytes in little-endian order. Returns the count, 0 if the
 * buffer is empty (w untouched).
 */
unsigned	console_in_take(uint64_t w[4]);

/* p (the invoker) waits for input; its answer arrives in its registers. */
void	console_in_wait(struct process *p);

/* Bytes dropped because nobody read them in time. */
uint64_t	console_in_dropped(void);
