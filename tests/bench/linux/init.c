/*
 * init.c - /init of the Linux benchmark guest. Reads the TSC first (under
 * -icount that is the instruction count since power-on), mounts what the
 * rows need, runs the rows the kernel command line selects and prints the
 * BENCH lines of docs/bench.md on the console, then powers the machine
 * off. Run as an ordinary process (not pid 1) it takes its bench.* words
 * from argv instead and neither mounts nor powers off, for trying rows on
 * the host.
 *
 * boot_to_init is the TSC at entry: virtual time since power-on, firmware
 * and kernel decompression included. kernel_to_init is CLOCK_MONOTONIC at
 * entry, which the kernel starts early in start_kernel: the part of boot
 * the kernel itself spends, comparable to our kernel-entry-to-user rows.
 *
 * Command line words: bench.iters=N (every row; default: each row's own),
 * bench.runs=N (default 5), bench.clock=icount|wall, bench.only=k1,k2
 * (row keys; "boot" for the two boot figures alone; the boot figures
 * are printed when the list is empty, "boot" or names them),
 * bench.disk=/dev/vda, bench.region_mib=N (swap_rw's region).
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

/* own_boot: the row needs a machine of its own (less memory, a swap
 * disk) and runs only when bench.only names it. */
struct bench_row {
	const char	*key;
	int		(*run)(const struct bench_cfg *);
	int		own_boot;
};

static const struct bench_row rows[] = {
	{ "pipe_roundtrip",		bench_pipe_roundtrip,	0 },
	{ "getpid",			bench_getpid,		0 },
	{ "anon_fault",			bench_anon_fault,	0 },
	{ "fork_exec_64k",		bench_fork_exec_64k,	0 },
	{ "fork_exec_64m",		bench_fork_exec_64m,	0 },
	{ "disk_write_throughput",	bench_disk_write,	0 },
	{ "swap_rw",			bench_swap_rw,		1 },
};
#define NROWS	(sizeof(rows) / sizeof(rows[0]))

/* Parse a decimal in [lo, hi]; 0 and *out set, or -1. */
static int
parse_uint(const char *s, unsigned lo, unsigned hi, unsigned *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* Apply one command line word; words not starting "bench." are ignored. */
static int
parse_word(struct bench_cfg *cfg, const char *w)
{
	size_t n;

	if (strncmp(w, "bench.iters=", 12) == 0)
		return parse_uint(w + 12, 1, 100000000, &cfg->iters);
	if (strncmp(w, "bench.runs=", 11) == 0)
		return parse_uint(w + 11, 1, BENCH_MAX_RUNS, &cfg->runs);
	if (strcmp(w, "bench.clock=icount") == 0 ||
	    strcmp(w, "bench.clock=wall") == 0) {
		cfg->wall = w[12] == 'w';
		return 0;
	}
	if (strncmp(w, "bench.region_mib=", 17) == 0)
		return parse_uint(w + 17, 1, 1u << 20, &cfg->region_mib);
	if (strncmp(w, "bench.only=", 11) == 0) {
		n = strlen(w + 11);
		if (n >= sizeof(cfg->only))
			return -1;
		memcpy(cfg->only, w + 11, n + 1);
		return 0;
	}
	if (strncmp(w, "bench.disk=/dev/", 16) == 0) {
		n = strlen(w + 11);
		if (n >= sizeof(cfg->disk))
			return -1;
		memcpy(cfg->disk, w + 11, n + 1);
		return 0;
	}
	if (strncmp(w, "bench.", 6) == 0)
		return -1;
	return 0;
}

/* Read the words from /proc/cmdline; 0 or -1 with the bad word printed. */
static int
parse_cmdline(struct bench_cfg *cfg)
{
	char buf[4096], *w, *save;
	ssize_t n;
	int fd;

	if ((fd = open("/proc/cmdline", O_RDONLY)) < 0) {
		printf("BENCH INFO cmdline: %s\n", strerror(errno));
		return -1;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	for (w = strtok_r(buf, " \t\n", &save); w != NULL;
	    w = strtok_r(NULL, " \t\n", &save))
		if (parse_word(cfg, w) != 0) {
			printf("BENCH INFO bad command line word: %s\n", w);
			return -1;
		}
	return 0;
}

/* Is key in the comma-separated cfg->only list (or is the list empty)? */
static int
selected(const struct bench_cfg *cfg, const char *key)
{
	size_t n = strlen(key);

	if (cfg->only[0] == '\0')
		return 1;
	for (const char *p = cfg->only; p != NULL; p = strchr(p, ',')) {
		if (*p == ',')
			p++;
		if (strncmp(p, key, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return 1;
	}
	return 0;
}

/* Does this boot print the two boot figures? */
static int
boot_figures(const struct bench_cfg *cfg)
{
	return strcmp(cfg->only, "boot") == 0 ||
	    selected(cfg, "boot_to_init") || selected(cfg, "kernel_to_init");
}

/* Does this boot run row r? Never a row that needs its own boot unless
 * bench.only names it. */
static int
row_wanted(const struct bench_cfg *cfg, const struct bench_row *r)
{
	return selected(cfg, r->key) && (!r->own_boot || cfg->only[0] != '\0');
}

/* Mount what the rows use; a failure is reported, the rows then fail. */
static void
mount_all(void)
{
	static const struct {
		const char *src, *dir, *type;
	} m[] = {
		{ "proc", "/proc", "proc" },
		{ "sysfs", "/sys", "sysfs" },
		{ "devtmpfs", "/dev", "devtmpfs" },
		{ "tmpfs", "/tmp", "tmpfs" },
	};

	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		mkdir(m[i].dir, 0755);
		if (mount(m[i].src, m[i].dir, m[i].type, 0, NULL) != 0)
			printf("BENCH INFO mount %s: %s\n", m[i].dir,
			    strerror(errno));
	}
}

/* The PLAN line; the newline first ends whatever firmware left unfinished. */
static void
print_plan(const struct bench_cfg *cfg)
{
	printf("\nBENCH PLAN");
	if (boot_figures(cfg))
		printf(" boot_to_init kernel_to_init");
	for (size_t i = 0; i < NROWS; i++)
		if (row_wanted(cfg, &rows[i]))
			printf(" %s", rows[i].key);
	printf("\n");
}

static void
power_off(void)
{
	fflush(stdout);
	sync();
	reboot(RB_POWER_OFF);
	printf("BENCH INFO power off failed: %s\n", strerror(errno));
	fflush(stdout);
	for (;;)
		pause();
}

int
main(int argc, char **argv)
{
	uint64_t boot_tsc = bench_tsc(), kernel_ticks;
	struct timespec mono;
	struct bench_cfg cfg = { .runs = 5, .disk = "/dev/vda" };
	int pid1 = getpid() == 1, bad = 0;
	struct utsname u;

	clock_gettime(CLOCK_MONOTONIC, &mono);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (pid1) {
		mount_all();
		bad = parse_cmdline(&cfg) != 0;
	} else
		for (int i = 1; i < argc && !bad; i++)
			if ((bad = parse_word(&cfg, argv[i]) != 0))
				printf("BENCH INFO bad argument: %s\n",
				    argv[i]);
	if (!bad) {
		print_plan(&cfg);
		if (uname(&u) == 0)
			printf("BENCH INFO kernel=%s\n", u.release);
		bench_calibrate(&cfg);
		bench_check_icount();
		if (boot_figures(&cfg)) {
			bench_report_ticks(&cfg, "boot_to_init", &boot_tsc, 1,
			    1);
			kernel_ticks = (uint64_t)(((double)mono.tv_sec +
			    mono.tv_nsec / 1e9) * (double)cfg.tsc_hz);
			bench_report_ticks(&cfg, "kernel_to_init",
			    &kernel_ticks, 1, 1);
		}
		for (size_t i = 0; i < NROWS; i++)
			if (row_wanted(&cfg, &rows[i]))
				rows[i].run(&cfg);
		printf("BENCH DONE\n");
	}
	if (pid1)
		power_off();
	return bad;
}
