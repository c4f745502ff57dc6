/*
 * cons.c - the terminal through a CONSOLE cap (user/cons.h): reads come
 * back as a count and up to 24 bytes in words 1..3; writes go in chunks
 * of 31 bytes after a count byte, as OC_LOG_WRITE's.
 */
#include <abi/invoke.h>
#include <lib/string.h>
#include <user/cons.h>
#include <user/invoke.h>

#define CHUNK	31

int
cons_read(unsigned cr, uint8_t *buf, int nowait)
{
	uint64_t w[MI_WORDS_MAX];
	int rc;

	rc = kcall(cr, OC_CONS_READ, 1, nowait ? CONS_NOWAIT : 0, 0, 0, 0, w);
	if (rc != 0)
		return -rc;
	if (w[0] == 0 || w[0] > CONS_READ_MAX)
		return -ERR_BAD_FORMAT;
	memcpy(buf, &w[1], (size_t)w[0]);
	return (int)w[0];
}

int
cons_write(unsigned cr, const char *s, size_t n)
{
	uint8_t b[1 + CHUNK];
	uint64_t w[MI_WORDS_MAX];
	size_t k;
	int rc;

	while (n > 0) {
		k = n < CHUNK ? n : CHUNK;
		b[0] = (uint8_t)k;
		memcpy(b + 1, s, k);
		memset(w, 0, sizeof(w));
		memcpy(w, b, 1 + k);
		rc = kcall(cr, OC_CONS_WRITE, (unsigned)(1 + k + 7) / 8, w[0],
		    w[1], w[2], w[3], NULL);
		if (rc != 0)
			return rc;
		s += k;
		n -= k;
	}
	return 0;
}
