/*
 * printf.h - formatted kernel output to the console. Formats are those
 * of include/lib/fmt.h (%d %u %x %lx %p %s %c %%, widths, zero pad,
 * l/ll/z/...).
 */
#pragma once

#include <stdarg.h>

/*
 * Print to the console; returns the number of characters. One call's
 * output is never interleaved with an interrupt handler's.
 */
int	kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int	kvprintf(const char *fmt, va_list ap);
