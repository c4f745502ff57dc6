/*
 * clock.c - the persistent clock (clock.h): an offset on the TSC's
 * nanoseconds since this boot (sched_ns_now), chosen at restart from the
 * resumed generation's superblock and the RTC.
 *
 * Invariant: clock_now_ns() = clock_base + sched_ns_now() (mod 2^64),
 * and at clock_resume() it is at least the resumed generation's
 * clock_ns, so the clock never goes back across a restart. The wall
 * time the machine was off is known to the RTC's second only (rtc.c):
 * a deadline that fell while it was off is met within about a second.
 */
#include <stddef.h>
#include <stdint.h>

#include <abi/store.h>
#include <clock.h>
#include <sched.h>
#include <x86_64/cpu.h>
#include <x86_64/rtc.h>
#include <x86_64/timer.h>

static uint64_t	clock_base;		/* the clock at sched_ns_now() 0 */

void
clock_resume(const struct store_super *sb)
{
	uint64_t boot = sched_ns_now(), at = boot, wall;

	if (sb != NULL && !(sb->flags & STORE_SB_F_MKIMAGE)) {
		at = sb->clock_ns;
		if (rtc_init() == 0 && sb->time_ns != 0 &&
		    (wall = rtc_now_ns()) > sb->time_ns)
			at += wall - sb->time_ns < UINT64_MAX - at ?
			    wall - sb->time_ns : 0;
	}
	clock_base = at - boot;		/* wraps; the sum does not */
}

uint64_t
clock_now_ns(void)
{
	return clock_base + sched_ns_now();
}

uint64_t
clock_at_tsc(uint64_t tsc)
{
	uint64_t now_tsc = cpu_rdtsc(), now = clock_now_ns();
	uint64_t hz = timer_tsc_hz(), d;

	if (tsc <= now_tsc)
		return now;		/* due: a deadline that has passed */
	d = tsc - now_tsc;
	d = d / hz * 1000000000ull + d % hz * 1000000000ull / hz;
	return d > UINT64_MAX - now ? UINT64_MAX : now + d;
}

uint64_t
clock_tsc_at(uint64_t ns)
{
	uint64_t now = clock_now_ns();

	return ns <= now ? 1 : sched_tsc_after_ns(ns - now);
}
