/*
 * log.h - console output for user programs, through a KERNLOG cap
 * (OC_LOG_WRITE). Every program of ours holds it in cap register 0
 * unless it calls log_set_cap().
 *
 * The kernel buffers each process's output until its newline, so lines
 * of processes printing at once never mix (one of more than 128 bytes
 * prints in pieces); a line shows only once its newline is written.
 */
#pragma once

#include <stdarg.h>
#include <stddef.h>

#define LOG_CAP_DEFAULT	0
#define LOG_CHUNK	31	/* bytes per OC_LOG_WRITE: w0's low byte counts */

/* Use cap register cr for output from now on. */
void	log_set_cap(unsigned cr);

/*
 * Write n bytes of s. Returns 0, or the first ERR_* a write returned
 * (the rest is still attempted, so a bad log cap loses output, nothing
 * else).
 */
int	log_write(const char *s, size_t n);

/* printf through lib/fmt.c (no floating point). Returns log_write's. */
int	uprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int	uvprintf(const char *fmt, va_list ap);

/* For building strings, use fmt_snprintf (<lib/fmt.h>). */
