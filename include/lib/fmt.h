/*
 * fmt.h - printf-style formatting engine, freestanding (no libc, no heap,
 * no floating point). The kernel's kprintf and, later, the user runtime
 * are built on it; tests/host/test_fmt.c holds it to the C library's
 * snprintf.
 *
 * Supported: flags "-+ #0", width and precision (digits or '*'), length
 * modifiers hh h l ll z j t, conversions d i u o x X p s c %. %p prints
 * "0x" and lower-case hex, or "(nil)" for NULL; %s of NULL prints
 * "(null)". Anything else (floating point, %n, unknown letters, a '%' at
 * the end) is copied to the output as written; %n is never honoured.
 */
#pragma once

#include <stdarg.h>
#include <stddef.h>

/*
 * Format fmt with ap, handing the output in pieces to emit(arg, s, n);
 * emit is never called with n == 0. Returns the number of characters
 * produced, clamped to INT_MAX. Cannot fail.
 */
int	fmt_vformat(void (*emit)(void *arg, const char *s, size_t n), void *arg,
	    const char *fmt, va_list ap);

/*
 * As snprintf: writes at most size - 1 characters and a NUL to buf (if
 * size > 0) and returns the length the whole output would have had.
 */
int	fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int	fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
