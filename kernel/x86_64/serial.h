/*
 * serial.h - COM1 (port 0x3F8) at 115200 8N1, polled output. This is the
 * console the tests read. Without a UART (loopback test fails) output is
 * dropped rather than waited for.
 */
#pragma once

#include <stddef.h>

void	serial_init(void);

/* Write n bytes, "\n" as "\r\n". Waits (bounded) for the transmitter. */
void	serial_write(const char *s, size_t n);
