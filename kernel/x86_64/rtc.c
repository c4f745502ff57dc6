/*
 * rtc.c - the wall clock: the MC146818 CMOS real-time clock read once
 * (registers 0x00..0x09 and the century at 0x32, BCD or binary, 12 or
 * 24 hours as status register B says), then the TSC's time since.
 * Invariant: rtc_base_ns is 0 (unknown) or a read that passed
 * valid_date(), paired with the TSC-derived boot time of that read.
 */
#include <stdbool.h>
#include <stdint.h>

#include <abi/err.h>
#include <lib/string.h>
#include <sched.h>
#include <x86_64/io.h>
#include <x86_64/rtc.h>

#define CMOS_INDEX	0x70
#define CMOS_DATA	0x71
#define CMOS_NMI_OFF	0x80		/* keep NMIs off while indexing */
#define RTC_A_UIP	0x80		/* update in progress */
#define RTC_B_24H	0x02
#define RTC_B_BINARY	0x04
#define RTC_HOUR_PM	0x80		/* 12-hour mode */
#define UIP_SPINS	1000000		/* an update lasts under 2 ms */

static uint64_t	rtc_base_ns;		/* wall clock at the read */
static uint64_t	rtc_base_boot_ns;	/* sched_ns_now() at the read */
static bool	rtc_read_done;

static uint8_t
cmos(uint8_t reg)
{
	outb(CMOS_INDEX, CMOS_NMI_OFF | reg);
	return inb(CMOS_DATA);
}

struct rtc_time {
	uint8_t	sec, min, hour, day, mon, year, century;
};

static void
read_raw(struct rtc_time *t)
{
	unsigned spins;

	for (spins = 0; spins < UIP_SPINS && (cmos(0x0a) & RTC_A_UIP); spins++)
		;
	t->sec = cmos(0x00);
	t->min = cmos(0x02);
	t->hour = cmos(0x04);
	t->day = cmos(0x07);
	t->mon = cmos(0x08);
	t->year = cmos(0x09);
	t->century = cmos(0x32);
}

static uint8_t
bcd(uint8_t v)
{
	return (uint8_t)((v >> 4) * 10 + (v & 0x0f));
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian, m 1..12). */
static uint64_t
days_from_civil(uint64_t y, unsigned m, unsigned d)
{
	uint64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = y / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int
rtc_init(void)
{
	struct rtc_time a, b;
	uint8_t regb, pm;
	uint64_t year, days;
	unsigned tries;

	if (rtc_read_done)
		return rtc_base_ns != 0 ? 0 : ERR_NOT_FOUND;
	rtc_read_done = true;
	/* Two equal reads in a row: no update happened in between. */
	read_raw(&a);
	for (tries = 0; tries < 5; tries++) {
		read_raw(&b);
		if (memcmp(&a, &b, sizeof(a)) == 0)
			break;
		a = b;
	}
	regb = cmos(0x0b);
	pm = a.hour & RTC_HOUR_PM;
	a.hour &= (uint8_t)~RTC_HOUR_PM;
	if (!(regb & RTC_B_BINARY)) {
		a.sec = bcd(a.sec);
		a.min = bcd(a.min);
		a.hour = bcd(a.hour);
		a.day = bcd(a.day);
		a.mon = bcd(a.mon);
		a.year = bcd(a.year);
		a.century = bcd(a.century);
	}
	if (!(regb & RTC_B_24H))
		a.hour = (uint8_t)(a.hour % 12 + (pm ? 12 : 0));
	year = a.century >= 19 && a.century <= 99 ?
	    (uint64_t)a.century * 100 + a.year : 2000u + a.year;
	if (year < 1970 || a.mon < 1 || a.mon > 12 || a.day < 1 ||
	    a.day > 31 || a.hour > 23 || a.min > 59 || a.sec > 59)
		return ERR_NOT_FOUND;
	days = days_from_civil(year, a.mon, a.day);
	rtc_base_boot_ns = sched_ns_now();
	rtc_base_ns = ((days * 24 + a.hour) * 60 + a.min) * 60 + a.sec;
	rtc_base_ns *= 1000000000ull;
	return 0;
}

uint64_t
rtc_now_ns(void)
{
	if (rtc_base_ns == 0)
		return 0;
	return rtc_base_ns + (sched_ns_now() - rtc_base_boot_ns);
}
