/*
 * util.h - small helpers every part of mkimage uses: allocation that
 * exits on exhaustion, whole-file reads, number and size parsing.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* Allocation: these never return NULL; they exit with a message. */
void	*mki_alloc(size_t n);		/* zeroed */
void	*mki_realloc(void *p, size_t n);
char	*mki_strdup(const char *s);
char	*mki_printf(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));	/* caller frees */

/*
 * Grow *arr (of *cap elements of size elsize) so it holds at least need
 * elements; new space is zeroed.
 */
void	mki_grow(void *arr, size_t *cap, size_t need, size_t elsize);

/*
 * Read a whole regular file of at most max bytes. Returns 0 and a
 * malloc'd buffer (NUL-terminated one past *len), or -1 with a reason in
 * err; a larger file is refused before anything is allocated.
 */
int	mki_read_file(const char *path, uint64_t max, uint8_t **buf,
	    size_t *len, char *err, size_t errlen);

/*
 * Parse an unsigned number: decimal, 0x hex, optional _ separators.
 * Returns 0 or -1 if s is not entirely a number that fits 64 bits.
 */
int	mki_parse_u64(const char *s, uint64_t *out);

/*
 * Parse a size: a number with an optional K, M, G or T suffix (powers of
 * 1024). Returns 0 or -1.
 */
int	mki_parse_size(const char *s, uint64_t *out);

/* True if the n bytes at p are all zero. */
int	mki_all_zero(const void *p, size_t n);

/* Directory part of path (malloc'd; "." if none). */
char	*mki_dirname(const char *path);
