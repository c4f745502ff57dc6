/*
 * console.c - one output stream to two devices (serial and VGA).
 * Single CPU: disabling interrupts around a write keeps an interrupt
 * handler's message from landing inside another line's bytes.
 */
#include <stddef.h>
#include <stdint.h>

#include <console.h>
#include <x86_64/cpu.h>
#include <x86_64/serial.h>
#include <x86_64/vga.h>

void
console_init(void)
{
	serial_init();
	vga_init();
}

void
console_write(const char *s, size_t n)
{
	uint64_t flags = cpu_irq_save();

	serial_write(s, n);
	vga_write(s, n);
	cpu_irq_restore(flags);
}
