/*
 * timer.c - TSC calibration, the TSC's time scale, and the periodic tick.
 *
 * Calibration is in two steps, as Linux's is, so that a boot does not
 * wait for it: timer_init() counts TSC cycles while PIT channel 2 counts
 * down 1 ms in mode 0 (its OUT pin, read at port 0x61 bit 5, goes high
 * at terminal count), the shorter of two runs, since a delay can only
 * make a run longer: within about 0.1%, good for timeouts. Then channel
 * 2 counts down its longest interval (65,536 PIT cycles, 55 ms) while
 * the system boots; the REFINE_TICKS-th tick after that latches the
 * channel's count and reads the TSC beside it, which gives the rate over
 * some 40 ms (within about 0.005%), and the time scale switches to it.
 * A refinement that finds channel 2 past terminal count (the tick came
 * late), or a rate more than 1/REFINE_AGREE away from the quick one,
 * starts the interval again, up to REFINE_TRIES times; after that the
 * quick rate stays. The tick is PIT channel 0 in mode 2.
 *
 * The time scale is an immutable {base TSC, base ns, Hz} reached through
 * one pointer, swapped by the tick with a single store: a reader with
 * interrupts on sees the old scale or the new one, never a mix, and the
 * new one starts where the old one was at its base TSC, so
 * timer_tsc_ns() never goes back.
 * Invariant: scale->hz is non-zero after timer_init().
 */
#include <stdbool.h>
#include <stdint.h>

#include <panic.h>
#include <printf.h>
#include <x86_64/cpu.h>
#include <x86_64/io.h>
#include <x86_64/pic.h>
#include <x86_64/timer.h>

#define PIT_HZ		1193182u
#define PIT_CH0		0x40
#define PIT_CH2		0x42
#define PIT_CMD		0x43
#define PIT_CH0_MODE2	0x34	/* channel 0, lo/hi byte, rate generator */
#define PIT_CH2_MODE0	0xB0	/* channel 2, lo/hi byte, one-shot */
#define PIT_LATCH_CH2	0x80	/* counter latch command, channel 2 */
#define PORT_61		0x61
#define P61_GATE2	0x01
#define P61_SPEAKER	0x02
#define P61_OUT2	0x20

#define CAL_MS		1
#define CAL_RUNS	2
#define CAL_SPIN_MAX	50000000u
#define REFINE_TICKS	4	/* 30..40 ms of the 55 ms interval */
#define REFINE_TRIES	10
#define REFINE_COUNT	65536u	/* channel 2 loaded with 0 */
#define REFINE_AGREE	32	/* the quick rate is within 1/32 (3%) */
#define IRQ_TIMER	0

/* A TSC time scale: ns(tsc) = base_ns + (tsc - base_tsc) / hz s. */
struct tsc_scale {
	uint64_t	base_tsc;
	uint64_t	base_ns;
	uint64_t	hz;
};

volatile uint64_t		timer_tick_count;
static struct tsc_scale		scales[2];	/* quick, refined */
static const struct tsc_scale * volatile scale = &scales[0];
static uint64_t			refine_tsc;	/* TSC at the interval's start */
static uint64_t			refine_tick;	/* tick that ends it; 0: done */
static unsigned			refine_tries;

static uint64_t
scale_ns(const struct tsc_scale *sc, uint64_t tsc)
{
	uint64_t d, hz = sc->hz;

	if (tsc <= sc->base_tsc)
		return sc->base_ns;
	d = tsc - sc->base_tsc;
	return sc->base_ns + d / hz * 1000000000ull +
	    d % hz * 1000000000ull / hz;
}

/* Channel 2 counts REFINE_COUNT cycles from now, in mode 0. */
static void
refine_start(void)
{
	outb(PIT_CMD, PIT_CH2_MODE0);
	outb(PIT_CH2, 0);
	outb(PIT_CH2, 0);
	refine_tsc = cpu_rdtsc();
	refine_tick = timer_tick_count + REFINE_TICKS;
}

/*
 * In the tick, interrupts off: read channel 2's count and the TSC side
 * by side; switch the time scale to the rate between them and the start,
 * or start again if the interval ran out before this tick or the rate
 * disagrees with the quick one.
 */
static void
refine(void)
{
	const struct tsc_scale *old = scale;
	struct tsc_scale *sc = &scales[1];
	uint64_t now, hz, quick = old->hz;
	uint16_t count;

	outb(PIT_CMD, PIT_LATCH_CH2);
	count = inb(PIT_CH2);
	count |= (uint16_t)(inb(PIT_CH2) << 8);
	now = cpu_rdtsc();
	hz = (now - refine_tsc) * PIT_HZ / (REFINE_COUNT - count);
	if ((inb(PORT_61) & P61_OUT2) || count == 0 ||
	    hz < quick - quick / REFINE_AGREE ||
	    hz > quick + quick / REFINE_AGREE) {
		if (++refine_tries < REFINE_TRIES)
			refine_start();
		else
			refine_tick = 0;	/* the quick rate stays */
		return;
	}
	refine_tick = 0;
	sc->base_tsc = now;
	sc->base_ns = scale_ns(old, now);
	sc->hz = hz;
	scale = sc;
}

static void
tick(void)
{
	timer_tick_count++;
	if (timer_tick_count == refine_tick)
		refine();
}

/* TSC cycles while PIT channel 2 counts count cycles. */
static uint64_t
measure(uint16_t count)
{
	uint64_t t0, t1;
	unsigned spins = 0;

	outb(PORT_61, (uint8_t)((inb(PORT_61) & ~P61_SPEAKER) | P61_GATE2));
	outb(PIT_CMD, PIT_CH2_MODE0);
	outb(PIT_CH2, count & 0xff);
	outb(PIT_CH2, count >> 8);
	t0 = cpu_rdtsc();
	while (!(inb(PORT_61) & P61_OUT2))
		if (++spins > CAL_SPIN_MAX)
			panic("timer: PIT channel 2 never reached terminal "
			    "count (port 0x61 = %#x)", inb(PORT_61));
	t1 = cpu_rdtsc();
	return t1 - t0;
}

static void
calibrate(void)
{
	const uint16_t count = PIT_HZ * CAL_MS / 1000;
	uint64_t best = UINT64_MAX;
	unsigned i;

	for (i = 0; i < CAL_RUNS; i++) {
		uint64_t c = measure(count);

		if (c < best)
			best = c;
	}
	if (best == 0)
		panic("timer: TSC did not advance during calibration");
	scales[0].hz = best * PIT_HZ / count;
	kprintf("tsc: %lu MHz (refined in the first ticks)\n",
	    (scales[0].hz + 500000) / 1000000);
}

void
timer_init(void)
{
	uint32_t a, b, c, d;
	uint16_t div = (PIT_HZ + TIMER_HZ / 2) / TIMER_HZ;

	cpu_cpuid(1, &a, &b, &c, &d);
	if (!(d & CPUID1_EDX_TSC))
		panic("timer: CPU has no TSC (cpuid 1 edx=%#x)", d);
	calibrate();
	refine_start();
	outb(PIT_CMD, PIT_CH0_MODE2);
	outb(PIT_CH0, div & 0xff);
	outb(PIT_CH0, div >> 8);
	pic_set_handler(IRQ_TIMER, tick);
	kprintf("timer: PIT at %u Hz (divisor %u)\n", TIMER_HZ, div);
}

uint64_t
timer_tsc_hz(void)
{
	return scale->hz;
}

uint64_t
timer_tsc_ns(uint64_t tsc)
{
	__asm__ volatile("" ::: "memory");	/* tsc was read first */
	return scale_ns(scale, tsc);
}

bool
timer_refined(void)
{
	return scale == &scales[1];
}

void
timer_delay_us(uint64_t us)
{
	uint64_t start = cpu_rdtsc(), cycles, hz = scale->hz;

	assert(hz != 0);
	cycles = us * (hz / 1000000) + us * (hz % 1000000) / 1000000;
	while (cpu_rdtsc() - start < cycles)
		cpu_pause();
}

void
timer_idle(void)
{
	cpu_sti_hlt();
	cpu_cli();
}
