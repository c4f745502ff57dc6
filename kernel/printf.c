/*
 * printf.c - kprintf: the fmt engine (lib/fmt.c) writing to the console.
 * Interrupts are off for the whole call so each message stays whole.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <console.h>
#include <lib/fmt.h>
#include <printf.h>
#include <x86_64/cpu.h>

static void
console_emit(void *arg, const char *s, size_t n)
{
	(void)arg;
	console_write(s, n);
}

int
kvprintf(const char *fmt, va_list ap)
{
	uint64_t flags = cpu_irq_save();
	int n;

	n = fmt_vformat(console_emit, NULL, fmt, ap);
	cpu_irq_restore(flags);
	return n;
}

int
kprintf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvprintf(fmt, ap);
	va_end(ap);
	return n;
}
