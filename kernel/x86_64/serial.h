/*
 * serial.h - COM1 (port 0x3F8) at 115200 8N1, polled output, input by
 * interrupt (serial_input_init). This is the console the tests read and
 * type at. Without a UART (loopback test fails) output is dropped rather
 * than waited for.
 */
#pragma once

#include <stddef.h>

void	serial_init(void);

/* Write n bytes, "\n" as "\r\n". Waits (bounded) for the transmitter. */
void	serial_write(const char *s, size_t n);

/* Deliver received bytes to console_in.c by interrupt. After pic_init(). */
void	serial_input_init(void);
