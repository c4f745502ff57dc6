/*
 * rows_swap.c - swap_rw: Linux's counterpart of oversubscribed_rw, a
 * process that uses twice the guest's memory. The driver boots this row
 * alone with less memory than the other rows, a virtio disk that the host
 * made a swap area (/sbin/mkswap) as bench.disk, and bench.region_mib=N,
 * N being twice the guest's RAM (docs/bench.md).
 *
 * swapon(2) on the disk, then one pass writing every qword of every page
 * of an N MiB private anonymous mapping (MADV_NOHUGEPAGE: 4 KiB pages,
 * as ours) with a pattern made from the page's index, then one pass
 * reading every page back and checking it. The figure is instructions
 * per page over both passes (2 x N MiB / 4 KiB pages), as oversub.c
 * counts; BENCH INFO splits the passes, gives the kernel's own count
 * of the disk's sectors written and read (/sys/block/DEV/stat), and the
 * part of the row the CPU sat idle or waiting for the disk (/proc/stat),
 * which the TSC under -icount counts too (docs/bench.md).
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/swap.h>
#include <unistd.h>

#include "bench.h"
#include "../../../images/bench/oversub_passes.h"

#define KEY		"swap_rw"
#define PAGES_PER_MIB	256u

_Static_assert(OVERSUB_PAGE_QWORDS * 8 == BENCH_PAGE, "the passes' page");

/* Print the disk's sectors read and written so far, as the kernel counts. */
static void
disk_info(const char *dev, const char *when)
{
	unsigned long long f[7];
	char path[96];
	FILE *s;

	snprintf(path, sizeof(path), "/sys/block/%s/stat",
	    strrchr(dev, '/') + 1);
	if ((s = fopen(path, "r")) == NULL) {
		printf("BENCH INFO swap_disk %s: %s: %s\n", when, path,
		    strerror(errno));
		return;
	}
	if (fscanf(s, "%llu %llu %llu %llu %llu %llu %llu", &f[0], &f[1],
	    &f[2], &f[3], &f[4], &f[5], &f[6]) == 7)
		printf("BENCH INFO swap_disk %s read_bytes=%llu "
		    "write_bytes=%llu\n", when, f[2] * 512, f[6] * 512);
	else
		printf("BENCH INFO swap_disk %s: %s: unreadable\n", when, path);
	fclose(s);
}

/* The CPU's idle and iowait time so far, in clock ticks (USER_HZ); -1
 * if /proc/stat cannot be read. */
static long long
idle_jiffies(void)
{
	unsigned long long user, nice, sys, idle, iowait;
	FILE *s = fopen("/proc/stat", "r");
	int n;

	if (s == NULL)
		return 0;
	n = fscanf(s, "cpu %llu %llu %llu %llu %llu", &user, &nice, &sys,
	    &idle, &iowait);
	fclose(s);
	return n == 5 ? (long long)(idle + iowait) : -1;
}

/* Load the disk's driver and swap to it; 0, or -1 after the error line. */
static int
swap_on(const char *dev)
{
	int fd;

	if (bench_load_modules(KEY) != 0)
		return -1;
	if ((fd = bench_open_disk(dev, O_RDONLY)) < 0) {
		bench_error(KEY, "%s: %s", dev, strerror(errno));
		return -1;
	}
	close(fd);
	if (swapon(dev, 0) != 0) {
		bench_error(KEY, "swapon %s: %s", dev, strerror(errno));
		return -1;
	}
	return 0;
}

int
bench_swap_rw(const struct bench_cfg *cfg)
{
	uint64_t pages = (uint64_t)cfg->region_mib * PAGES_PER_MIB;
	size_t len = pages * BENCH_PAGE;
	uint64_t t0, t1, t2, ticks, bad;
	long long idle0, idle1;
	long hz = sysconf(_SC_CLK_TCK);
	volatile uint64_t *p;

	if (cfg->region_mib == 0) {
		bench_error(KEY, "no bench.region_mib=N");
		return -1;
	}
	if (swap_on(cfg->disk) != 0)
		return -1;
	disk_info(cfg->disk, "before");
	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		bench_error(KEY, "mmap %zu bytes: %s", len, strerror(errno));
		return -1;
	}
	if (madvise((void *)p, len, MADV_NOHUGEPAGE) != 0) {
		bench_error(KEY, "madvise: %s", strerror(errno));
		munmap((void *)p, len);
		return -1;
	}
	idle0 = idle_jiffies();
	t0 = bench_tsc();
	oversub_write(p, pages);
	t1 = bench_tsc();
	bad = oversub_read(p, pages);
	t2 = bench_tsc();
	idle1 = idle_jiffies();
	munmap((void *)p, len);
	disk_info(cfg->disk, "after");
	if (bad != pages) {
		bench_error(KEY, "page %llu of %llu read back wrong",
		    (unsigned long long)bad, (unsigned long long)pages);
		return -1;
	}
	printf("BENCH INFO swap region_mib=%u pages=%llu write_ticks=%llu "
	    "read_ticks=%llu write_per_page=%llu read_per_page=%llu\n",
	    cfg->region_mib, (unsigned long long)pages,
	    (unsigned long long)(t1 - t0), (unsigned long long)(t2 - t1),
	    (unsigned long long)((t1 - t0) / pages),
	    (unsigned long long)((t2 - t1) / pages));
	if (hz > 0 && idle0 >= 0 && idle1 >= idle0)
		printf("BENCH INFO swap idle_per_page=%llu\n",
		    (unsigned long long)((double)(idle1 - idle0) / (double)hz *
		    (double)cfg->tsc_hz / (double)(2 * pages)));
	ticks = t2 - t0;
	bench_report_ticks(cfg, KEY, &ticks, 1, (unsigned)(2 * pages));
	return 0;
}
