/*
 * string.h - the freestanding subset of <string.h> that the kernel (and
 * later the user runtime) links from lib/string.c. The compiler may emit
 * calls to memcpy, memmove, memset and memcmp by itself, so those four
 * must exist under exactly these names.
 */
#pragma once

#include <stddef.h>

void	*memcpy(void *restrict dst, const void *restrict src, size_t n);
void	*memmove(void *dst, const void *src, size_t n);
void	*memset(void *dst, int c, size_t n);
int	memcmp(const void *a, const void *b, size_t n);
size_t	strlen(const char *s);
size_t	strnlen(const char *s, size_t max);
int	strcmp(const char *a, const char *b);
int	strncmp(const char *a, const char *b, size_t n);
