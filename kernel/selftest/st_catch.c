/*
 * st_catch.c - trap catches (st_catch.h), by interposing on the core's
 * trap_dispatch(): isr.S calls __wrap_trap_dispatch() here, which either
 * resumes the innermost armed catch or hands the trap on unchanged.
 *
 * Invariants: CR2 is read before anything else can fault; a catch is
 * consumed by exactly one exception.
 */
#include <stddef.h>
#include <stdint.h>

#include <panic.h>
#include <selftest/st_catch.h>
#include <x86_64/cpu.h>
#include <x86_64/trap.h>

void	__real_trap_dispatch(struct trapframe *tf);
void	__wrap_trap_dispatch(struct trapframe *tf);

static struct trap_catch	*catch_top;	/* innermost armed catch */

void
trap_catch_arm(struct trap_catch *c)
{
	uint64_t flags = cpu_irq_save();

	c->prev = catch_top;
	c->vector = c->error = c->rip = c->cr2 = c->rsp = 0;
	catch_top = c;
	cpu_irq_restore(flags);
}

void
trap_catch_disarm(struct trap_catch *c)
{
	uint64_t flags = cpu_irq_save();

	if (catch_top != c)
		panic("trap_catch_disarm: %p is not the innermost catch (%p)",
		    (void *)c, (void *)catch_top);
	catch_top = c->prev;
	cpu_irq_restore(flags);
}

void
__wrap_trap_dispatch(struct trapframe *tf)
{
	uint64_t cr2 = cpu_read_cr2();
	struct trap_catch *c = catch_top;

	if (c != NULL && tf->vector < TRAP_EXCEPTIONS &&
	    tf->vector != T_NMI && (tf->cs & 3) == 0) {
		catch_top = c->prev;
		c->vector = tf->vector;
		c->error = tf->error;
		c->rip = tf->rip;
		c->cr2 = cr2;
		c->rsp = tf->rsp;
		kjmp_jump(&c->jmp, 1);
	}
	__real_trap_dispatch(tf);
}
