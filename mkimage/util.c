/*
 * util.c - allocation, file reading and number parsing for mkimage.
 * Allocation failure is fatal: mkimage is a build tool and has nothing
 * sensible to do without memory.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

static void
oom(size_t n)
{
	fprintf(stderr, "mkimage: out of memory (%zu bytes)\n", n);
	exit(2);
}

void *
mki_alloc(size_t n)
{
	void *p = calloc(1, n ? n : 1);

	if (p == NULL)
		oom(n);
	return p;
}

void *
mki_realloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		oom(n);
	return p;
}

char *
mki_strdup(const char *s)
{
	char *d = strdup(s);

	if (d == NULL)
		oom(strlen(s));
	return d;
}

char *
mki_printf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		oom(0);
	va_end(ap);
	return s;
}

void
mki_grow(void *arr, size_t *cap, size_t need, size_t elsize)
{
	void **a = arr;
	size_t ncap = *cap ? *cap : 8;

	if (need <= *cap)
		return;
	while (ncap < need)
		ncap *= 2;
	*a = mki_realloc(*a, ncap * elsize);
	memset((char *)*a + *cap * elsize, 0, (ncap - *cap) * elsize);
	*cap = ncap;
}

int
mki_read_file(const char *path, uint64_t max, uint8_t **buf, size_t *len,
    char *err, size_t errlen)
{
	FILE *f;
	struct stat st;
	uint8_t *b;
	size_t n;

	*buf = NULL;
	*len = 0;
	f = fopen(path, "rb");
	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		fclose(f);
		return -1;
	}
	if ((uint64_t)st.st_size > max) {
		snprintf(err, errlen, "%s: file of %llu bytes, more than %llu",
		    path, (unsigned long long)st.st_size,
		    (unsigned long long)max);
		fclose(f);
		return -1;
	}
	b = mki_alloc((size_t)st.st_size + 1);
	n = fread(b, 1, (size_t)st.st_size, f);
	if (n != (size_t)st.st_size || ferror(f)) {
		snprintf(err, errlen, "%s: read failed", path);
		free(b);
		fclose(f);
		return -1;
	}
	fclose(f);
	b[n] = 0;
	*buf = b;
	*len = n;
	return 0;
}

int
mki_parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	unsigned base = 10, d, digits = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (; *s != 0; s++) {
		if (*s == '_' && digits > 0)
			continue;
		if (*s >= '0' && *s <= '9')
			d = (unsigned)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = (unsigned)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = (unsigned)(*s - 'A' + 10);
		else
			return -1;
		if (d >= base || v > (UINT64_MAX - d) / base)
			return -1;
		v = v * base + d;
		digits++;
	}
	if (digits == 0)
		return -1;
	*out = v;
	return 0;
}

int
mki_parse_size(const char *s, uint64_t *out)
{
	size_t n = strlen(s);
	unsigned shift = 0;
	char num[64];
	uint64_t v;

	if (n == 0 || n >= sizeof(num))
		return -1;
	switch (s[n - 1]) {
	case 'K': case 'k': shift = 10; break;
	case 'M': case 'm': shift = 20; break;
	case 'G': case 'g': shift = 30; break;
	case 'T': case 't': shift = 40; break;
	}
	memcpy(num, s, n + 1);
	if (shift != 0)
		num[n - 1] = 0;
	if (mki_parse_u64(num, &v) != 0)
		return -1;
	if (shift != 0 && v > (UINT64_MAX >> shift))
		return -1;
	*out = v << shift;
	return 0;
}

int
mki_all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i] != 0)
			return 0;
	return 1;
}

char *
mki_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return mki_strdup(".");
	if (slash == path)
		return mki_strdup("/");
	return mki_printf("%.*s", (int)(slash - path), path);
}
