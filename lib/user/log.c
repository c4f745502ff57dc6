/*
 * log.c - console output through the KERNLOG cap: OC_LOG_WRITE carries
 * up to LOG_CHUNK bytes in w0..w3 after a count byte (w0's low byte).
 * uprintf formats with lib/fmt.c straight into chunks, so no line is
 * too long and nothing is allocated.
 */
#include <lib/fmt.h>
#include <lib/string.h>
#include <user/invoke.h>
#include <user/log.h>

static unsigned log_cap = LOG_CAP_DEFAULT;

struct chunk {
	uint8_t		buf[1 + LOG_CHUNK];	/* count byte, then text */
	unsigned	n;
	int		err;
};

void
log_set_cap(unsigned cr)
{
	log_cap = cr;
}

static void
chunk_flush(struct chunk *c)
{
	uint64_t w[MI_WORDS_MAX] = { 0 };
	unsigned nw = (1 + c->n + 7) / 8;
	int err;

	if (c->n == 0)
		return;
	c->buf[0] = (uint8_t)c->n;
	memcpy(w, c->buf, 1 + c->n);
	err = kcall(log_cap, OC_LOG_WRITE, nw, w[0], w[1], w[2], w[3], 0);
	if (err != 0 && c->err == 0)
		c->err = err;
	c->n = 0;
}

static void
chunk_add(void *arg, const char *s, size_t n)
{
	struct chunk *c = arg;

	while (n > 0) {
		size_t k = LOG_CHUNK - c->n;

		if (k > n)
			k = n;
		memcpy(c->buf + 1 + c->n, s, k);
		c->n += (unsigned)k;
		s += k;
		n -= k;
		if (c->n == LOG_CHUNK)
			chunk_flush(c);
	}
}

int
log_write(const char *s, size_t n)
{
	struct chunk c = { .n = 0, .err = 0 };

	if (n > 0)
		chunk_add(&c, s, n);
	chunk_flush(&c);
	return c.err;
}

int
uvprintf(const char *fmt, va_list ap)
{
	struct chunk c = { .n = 0, .err = 0 };

	fmt_vformat(chunk_add, &c, fmt, ap);
	chunk_flush(&c);
	return c.err;
}

int
uprintf(const char *fmt, ...)
{
	va_list ap;
	int err;

	va_start(ap, fmt);
	err = uvprintf(fmt, ap);
	va_end(ap);
	return err;
}
