/*
 * clock.h - the persistent clock: nanoseconds since the system's first
 * boot, running on while the machine is off, so that OC_SLEEP_NOW never
 * goes back across a restart and a sleep ends at its deadline in wall
 * time. Each generation's superblock records it at the commit
 * (clock_ns) beside the wall time (time_ns); docs/kernel.md "Restart".
 */
#pragma once

#include <stdint.h>

#include <abi/store.h>

/*
 * Set the clock from the generation being resumed, sb (NULL: no store):
 * a generation mkimage wrote (never booted) or none starts it at the
 * time since this boot began; a generation the kernel committed
 * continues from its clock_ns plus the wall time since its commit
 * (rtc_now_ns() - time_ns, counted as 0 if either is unknown or the RTC
 * went back). Reads the RTC (rtc_init). Once, before any process runs;
 * until then the clock counts from this boot.
 */
void		clock_resume(const struct store_super *sb);

/* The clock now. Never decreases. */
uint64_t	clock_now_ns(void);

/* The clock when the TSC reads tsc (a time of this boot). */
uint64_t	clock_at_tsc(uint64_t tsc);

/* The TSC value when the clock reaches ns: 1 (past) if it has. */
uint64_t	clock_tsc_at(uint64_t ns);
