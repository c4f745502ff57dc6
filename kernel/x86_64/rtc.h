/*
 * rtc.h - the wall clock: the CMOS real-time clock (UTC under QEMU),
 * read once, then carried forward by the TSC. For the commit time a
 * checkpoint records in its superblock (ns since 1970).
 */
#pragma once

#include <stdint.h>

/*
 * Read the RTC (once; later calls do nothing). Returns 0, or
 * ERR_NOT_FOUND if it reads as no valid date (then rtc_now_ns() is 0).
 * Needs timer_init() (the TSC rate).
 */
int		rtc_init(void);

/* Nanoseconds since 1970-01-01 UTC now, or 0 if unknown. */
uint64_t	rtc_now_ns(void);
