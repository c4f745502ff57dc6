/*
 * serial.c - COM1: output polled, input by interrupt (IRQ 4, the
 * received-data interrupt) into console_in.c. Invariant: serial_present
 * is false unless the UART passed a loopback test, so a machine without
 * COM1 never stalls on it and never takes its interrupt.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <console_in.h>
#include <x86_64/io.h>
#include <x86_64/pic.h>
#include <x86_64/serial.h>

#define COM1		0x3F8
#define UART_DATA	0	/* THR/RBR; divisor low with DLAB */
#define UART_IER	1	/* interrupt enable; divisor high with DLAB */
#define UART_FCR	2
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5

#define LCR_8N1		0x03
#define LCR_DLAB	0x80
#define MCR_DTR_RTS	0x03
#define MCR_OUT2	0x08	/* gates the UART's interrupt line on a PC */
#define MCR_LOOPBACK	0x10
#define LSR_DR		0x01	/* a received byte is ready */
#define LSR_THRE	0x20	/* transmit holding register empty */
#define IER_RX		0x01	/* interrupt on received data */
#define IRQ_COM1	4
#define RX_DRAIN_MAX	64	/* bytes per interrupt, bounded */

#define UART_CLOCK	115200
#define BAUD		115200
#define THRE_SPINS	100000	/* ~10 character times on real hardware */

static bool	serial_present;

void
serial_init(void)
{
	uint16_t div = UART_CLOCK / BAUD;

	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_LCR, LCR_DLAB);
	outb(COM1 + UART_DATA, div & 0xff);
	outb(COM1 + UART_IER, div >> 8);
	outb(COM1 + UART_LCR, LCR_8N1);
	outb(COM1 + UART_FCR, 0xC7);	/* enable, clear, 14-byte trigger */

	/* A byte sent in loopback mode must come back. */
	outb(COM1 + UART_MCR, MCR_DTR_RTS | MCR_LOOPBACK);
	outb(COM1 + UART_DATA, 0xA5);
	serial_present = inb(COM1 + UART_DATA) == 0xA5;
	outb(COM1 + UART_MCR, MCR_DTR_RTS);
}

static void
serial_putc(char c)
{
	unsigned spins;

	for (spins = 0; spins < THRE_SPINS; spins++)
		if (inb(COM1 + UART_LSR) & LSR_THRE)
			break;
	outb(COM1 + UART_DATA, (uint8_t)c);
}

void
serial_write(const char *s, size_t n)
{
	size_t i;

	if (!serial_present)
		return;
	for (i = 0; i < n; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
	}
}

static void
serial_irq(void)
{
	unsigned n;

	for (n = 0; n < RX_DRAIN_MAX && (inb(COM1 + UART_LSR) & LSR_DR); n++)
		console_in_put(inb(COM1 + UART_DATA));
	console_in_wake();
}

void
serial_input_init(void)
{
	unsigned n;

	if (!serial_present)
		return;
	/* Bytes typed before the kernel ran are not for any process. */
	for (n = 0; n < RX_DRAIN_MAX && (inb(COM1 + UART_LSR) & LSR_DR); n++)
		(void)inb(COM1 + UART_DATA);
	pic_set_handler(IRQ_COM1, serial_irq);
	outb(COM1 + UART_MCR, MCR_DTR_RTS | MCR_OUT2);
	outb(COM1 + UART_IER, IER_RX);
}
