/*
 * bench_util.c - settings, statistics and the BENCH output lines of our
 * benchmark program (docs/bench.md). The words come from the kernel
 * (OC_LOG_ARGS: QEMU's fw_cfg file opt/bench/args); a kernel without
 * them leaves every default in place, and the program says so.
 */
#include <lib/string.h>
#include <user/invoke.h>
#include <user/log.h>

#include "bench.h"

#define ARGS_MAX	512

static unsigned
parse_uint(const char *s, size_t n)
{
	unsigned v = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9' || v > 100000000)
			return 0;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	return v;
}

/* Is word (length n) "name=..."? Then *val, *vlen are the value. */
static int
word_is(const char *w, size_t n, const char *name, const char **val,
    size_t *vlen)
{
	size_t k = strlen(name);

	if (n <= k || strncmp(w, name, k) != 0 || w[k] != '=')
		return 0;
	*val = w + k + 1;
	*vlen = n - k - 1;
	return 1;
}

void
bench_args(struct bench_cfg *cfg)
{
	char args[ARGS_MAX + 1];
	size_t len = 0;

	memset(cfg, 0, sizeof(*cfg));
	cfg->runs = 5;
	for (uint64_t off = 0; off < ARGS_MAX; off += 32) {
		uint64_t w[MI_WORDS_MAX];

		if (kcall(CR_LOG, OC_LOG_ARGS, 1, off, 0, 0, 0, w) != 0)
			break;
		cfg->args_found = 1;
		memcpy(args + off, w, 32);
		len = off + 32;
		if (strnlen((const char *)w, 32) < 32)
			break;		/* the string ended in this piece */
	}
	args[len] = '\0';
	len = strnlen(args, len);
	for (size_t i = 0; i < len;) {
		const char *v;
		size_t n = 0, vn;

		while (i < len && args[i] == ' ')
			i++;
		while (i + n < len && args[i + n] != ' ')
			n++;
		if (word_is(args + i, n, "bench.iters", &v, &vn))
			cfg->iters = parse_uint(v, vn);
		else if (word_is(args + i, n, "bench.runs", &v, &vn))
			cfg->runs = parse_uint(v, vn);
		else if (word_is(args + i, n, "bench.resume_mib", &v, &vn))
			cfg->resume_mib = parse_uint(v, vn);
		else if (word_is(args + i, n, "bench.region_mib", &v, &vn))
			cfg->region_mib = parse_uint(v, vn);
		else if (word_is(args + i, n, "bench.clock", &v, &vn))
			cfg->wall = vn == 4 && strncmp(v, "wall", 4) == 0;
		else if (word_is(args + i, n, "bench.only", &v, &vn)) {
			cfg->boot_only = vn == 4 && strncmp(v, "boot", 4) == 0;
			if (vn < sizeof(cfg->only)) {
				memcpy(cfg->only, v, vn);
				cfg->only[vn] = '\0';
			}
		}
		i += n;
	}
	if (cfg->runs < 1 || cfg->runs > BENCH_MAX_RUNS)
		cfg->runs = 5;
}

int
bench_wanted(const struct bench_cfg *cfg, const char *key)
{
	size_t k = strlen(key);

	if (cfg->boot_only)
		return 0;	/* ours come from resume.c, its own image */
	if (cfg->only[0] == '\0')
		return 1;
	for (const char *p = cfg->only; *p != '\0';) {
		size_t n = 0;

		while (p[n] != '\0' && p[n] != ',')
			n++;
		if (n == k && strncmp(p, key, k) == 0)
			return 1;
		p += n + (p[n] == ',');
	}
	return 0;
}

static uint64_t
now_ns(void)
{
	uint64_t w[MI_WORDS_MAX] = { 0 };

	(void)kcall(CR_SLEEP, OC_SLEEP_NOW, 0, 0, 0, 0, 0, w);
	return w[0];
}

static uint64_t
tsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

uint64_t
bench_calibrate(void)
{
	uint64_t n0 = now_ns(), t0 = tsc(), n1, t1;

	(void)kcall(CR_SLEEP, OC_SLEEP_FOR, 1, 50000000, 0, 0, 0, 0);
	n1 = now_ns();
	t1 = tsc();
	if (n1 <= n0)
		return 0;
	return (uint64_t)((t1 - t0) * 1000000000.0 / (double)(n1 - n0));
}

/* Heap sort: no recursion, no allocation. */
static void
sift(uint64_t *v, unsigned i, unsigned n)
{
	for (;;) {
		unsigned c = 2 * i + 1;
		uint64_t t;

		if (c >= n)
			return;
		if (c + 1 < n && v[c + 1] > v[c])
			c++;
		if (v[i] >= v[c])
			return;
		t = v[i];
		v[i] = v[c];
		v[c] = t;
		i = c;
	}
}

void
bench_stats(uint64_t *v, unsigned n, uint64_t *med, uint64_t *lo,
    uint64_t *hi)
{
	for (unsigned i = n / 2; i-- > 0;)
		sift(v, i, n);
	for (unsigned k = n; k-- > 1;) {
		uint64_t t = v[0];

		v[0] = v[k];
		v[k] = t;
		sift(v, 0, k);
	}
	*med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2] + 1) / 2;
	*lo = v[0];
	*hi = v[n - 1];
}

void
bench_report(const struct bench_cfg *cfg, const char *key,
    const uint64_t *ticks, unsigned runs, unsigned iters)
{
	uint64_t per_op[BENCH_MAX_RUNS];

	for (unsigned i = 0; i < runs; i++) {
		double v = (double)ticks[i] / iters;

		if (cfg->wall)
			v = v * 1e9 / (double)cfg->tsc_hz;
		per_op[i] = (uint64_t)(v + 0.5);
	}
	bench_report_values(key, per_op, runs, iters,
	    cfg->wall ? "ns" : "instructions");
}

void
bench_report_values(const char *key, const uint64_t *vals, unsigned n,
    unsigned iters, const char *unit)
{
	uint64_t v[BENCH_MAX_RUNS], med, lo, hi;

	for (unsigned i = 0; i < n; i++)
		v[i] = vals[i];
	bench_stats(v, n, &med, &lo, &hi);
	uprintf("BENCH %s median=%lu min=%lu max=%lu count=%u unit=%s "
	    "iters=%u\n", key, (unsigned long)med, (unsigned long)lo,
	    (unsigned long)hi, n, unit, iters);
}
