/*
 * timer.c - TSC calibration and the periodic tick.
 *
 * Calibration counts TSC cycles while PIT channel 2 counts down a known
 * interval in mode 0 (its OUT pin, read at port 0x61 bit 5, goes high at
 * terminal count); the shortest of several runs is used, since a delay
 * can only make a run longer. The tick is PIT channel 0 in mode 2.
 * Invariant: tsc_hz is non-zero after timer_init().
 */
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
#define PORT_61		0x61
#define P61_GATE2	0x01
#define P61_SPEAKER	0x02
#define P61_OUT2	0x20

#define CAL_MS		10
#define CAL_RUNS	5
#define CAL_SPIN_MAX	50000000u
#define IRQ_TIMER	0

volatile uint64_t		timer_tick_count;
static uint64_t			tsc_hz;

static void
tick(void)
{
	timer_tick_count++;
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
	tsc_hz = best * PIT_HZ / count;
	kprintf("tsc: %lu MHz\n", (tsc_hz + 500000) / 1000000);
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
	outb(PIT_CMD, PIT_CH0_MODE2);
	outb(PIT_CH0, div & 0xff);
	outb(PIT_CH0, div >> 8);
	pic_set_handler(IRQ_TIMER, tick);
	kprintf("timer: PIT at %u Hz (divisor %u)\n", TIMER_HZ, div);
}

uint64_t
timer_tsc_hz(void)
{
	return tsc_hz;
}

void
timer_delay_us(uint64_t us)
{
	uint64_t start = cpu_rdtsc(), cycles;

	assert(tsc_hz != 0);
	cycles = us * (tsc_hz / 1000000) + us * (tsc_hz % 1000000) / 1000000;
	while (cpu_rdtsc() - start < cycles)
		cpu_pause();
}

void
timer_idle(void)
{
	cpu_sti_hlt();
	cpu_cli();
}
