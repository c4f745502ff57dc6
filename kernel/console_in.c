/*
 * console_in.c - console input (console_in.h): one ring of bytes typed
 * at COM1 (x86_64/serial.c) or the PS/2 keyboard (x86_64/kbd.c), and the
 * processes waiting to read them (the scheduler's input queue, FIFO).
 *
 * Invariants: interrupts are off in every function here (interrupt
 * handlers and system calls); the ring holds count bytes from head; a
 * reader waits only while the ring is empty, and every put is followed
 * by a wake, so bytes and waiting readers are never both pending once a
 * wake has run.
 */
#include <stdint.h>

#include <abi/invoke.h>
#include <console_in.h>
#include <proc.h>
#include <sched.h>
#include <x86_64/kbd.h>
#include <x86_64/serial.h>

static uint8_t	ring[CONS_INPUT_BUF];
static unsigned	head, count;
static uint64_t	dropped;

void
console_in_init(void)
{
	serial_input_init();
	kbd_init();
}

void
console_in_put(uint8_t b)
{
	if (count == CONS_INPUT_BUF) {
		dropped++;
		return;
	}
	ring[(head + count) % CONS_INPUT_BUF] = b;
	count++;
}

unsigned
console_in_take(uint64_t w[4])
{
	unsigned n = count < CONS_READ_MAX ? count : CONS_READ_MAX, i;

	if (n == 0)
		return 0;
	w[0] = n;
	w[1] = w[2] = w[3] = 0;
	for (i = 0; i < n; i++) {
		w[1 + i / 8] |= (uint64_t)ring[head] << (8 * (i % 8));
		head = (head + 1) % CONS_INPUT_BUF;
	}
	count -= n;
	return n;
}

/* Answer reader p as a kernel object's answer of four words. */
static void
answer(struct process *p)
{
	struct proc_regs *r = &p->d.regs;
	uint64_t w[4];

	console_in_take(w);
	proc_modify(p);
	r->rax = 0;
	r->rdi = MI_MAKE(0, 4, 0);
	r->rsi = 0;
	r->r8 = w[0];
	r->r9 = w[1];
	r->r10 = w[2];
	r->r12 = w[3];
	proc_ready(p);
}

void
console_in_wake(void)
{
	struct process *p;

	while (count > 0 && (p = sched_input_take()) != NULL)
		answer(p);
}

void
console_in_wait(struct process *p)
{
	proc_block(p, PS_RECEIVING, W_INPUT, p->obj.oid);
	sched_input_wait(p);
}

uint64_t
console_in_dropped(void)
{
	return dropped;
}
