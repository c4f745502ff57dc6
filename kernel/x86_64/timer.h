/*
 * timer.h - time: the TSC, calibrated against the 8254 PIT (quickly at
 * boot, then refined in the first ticks), and a periodic PIT interrupt
 * at TIMER_HZ counting ticks.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define TIMER_HZ	100

/*
 * Calibrate the TSC (prints "tsc: N MHz"), start PIT channel 0 at
 * TIMER_HZ on IRQ 0. Needs pic_init(); ticks start once interrupts are
 * enabled. Panics if the PIT does not count or the CPU has no TSC.
 */
void		timer_init(void);

/* Timer interrupts since timer_init(); read inline, since the scheduler
   and the checkpoint poll read it on every return to user mode. */
extern volatile uint64_t	timer_tick_count;

static inline uint64_t
timer_ticks(void)
{
	return timer_tick_count;
}

/*
 * TSC frequency in Hz: a quick estimate (about 0.1%) from timer_init(),
 * refined (about 0.005%) by the fourth tick or so (timer.c). Out of
 * line, in this file: the test kernel changes it for the blk driver's
 * hang test (ld --wrap, kernel/rules.mk).
 */
uint64_t	timer_tsc_hz(void);

/*
 * Nanoseconds since the TSC started at TSC value tsc, on the time scale
 * in force: continuous across the refinement and never going back for a
 * later tsc. Read the TSC first, then call this.
 */
uint64_t	timer_tsc_ns(uint64_t tsc);

/* Has the refined rate replaced the quick one? */
bool		timer_refined(void);

/* Busy-wait at least us microseconds (TSC); works with interrupts off. */
void		timer_delay_us(uint64_t us);

/*
 * The scheduler's idle step, when nothing is runnable: sti; hlt until an
 * interrupt (the tick at the latest), then cli. Called with interrupts
 * off, from sched_return() only: the test kernel takes a call as "the
 * scheduler idles" (ld --wrap, kernel/rules.mk), so it must stay out of
 * line, in this file.
 */
void		timer_idle(void);
