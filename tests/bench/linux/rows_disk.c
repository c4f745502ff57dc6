/*
 * rows_disk.c - raw sequential write throughput to the virtio-blk disk:
 * Linux's counterpart of checkpoint write-out. O_DIRECT writes of 1 MiB
 * from offset 0, then fdatasync, so the figure covers the data reaching
 * QEMU's block layer, as a checkpoint's flush does. virtio_pci and
 * virtio_blk are modules in Debian's kernel; the initramfs carries them
 * in dependency order, listed in /lib/modules/order.
 */

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#define DISK_CHUNKS	64		/* MiB written per run */
#define CHUNK		(1u << 20)
#define MODULE_ORDER	"/lib/modules/order"
#define DEV_WAIT_MS	5000

int
bench_load_modules(const char *key)
{
	char line[256], path[320];
	FILE *f;
	int rc = 0;

	if ((f = fopen(MODULE_ORDER, "r")) == NULL) {
		bench_error(key, "%s: %s", MODULE_ORDER, strerror(errno));
		return -1;
	}
	while (rc == 0 && fgets(line, sizeof(line), f) != NULL) {
		int fd;

		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '\0')
			continue;
		snprintf(path, sizeof(path), "/lib/modules/%s", line);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 ||
		    (syscall(SYS_finit_module, fd, "", 0) != 0 &&
		    errno != EEXIST)) {
			bench_error(key, "loading %s: %s", path,
			    strerror(errno));
			rc = -1;
		}
		if (fd >= 0)
			close(fd);
	}
	fclose(f);
	return rc;
}

int
bench_open_disk(const char *dev, int flags)
{
	struct timespec ms = { 0, 1000000 };
	int fd = -1;

	for (int waited = 0; waited < DEV_WAIT_MS; waited++) {
		if ((fd = open(dev, flags | O_CLOEXEC)) >= 0 ||
		    errno != ENOENT)
			break;
		nanosleep(&ms, NULL);
	}
	return fd;
}

/* Write chunks MiB from offset 0 and flush; returns the TSC delta or 0. */
static uint64_t
write_run(int fd, const char *buf, unsigned chunks)
{
	uint64_t t0 = bench_tsc();

	for (unsigned i = 0; i < chunks; i++) {
		ssize_t n = pwrite(fd, buf, CHUNK, (off_t)i * CHUNK);

		if (n != CHUNK) {
			if (n >= 0)
				errno = EIO;	/* short write */
			return 0;
		}
	}
	if (fdatasync(fd) != 0)
		return 0;
	return bench_tsc() - t0;
}

int
bench_disk_write(const struct bench_cfg *cfg)
{
	const char *key = "disk_write_throughput";
	unsigned chunks = bench_iters(cfg, DISK_CHUNKS);
	uint64_t bps[BENCH_MAX_RUNS], size = 0, t;
	char *buf = NULL;
	int fd, rc = -1;

	if (bench_load_modules(key) != 0)
		return -1;
	if ((fd = bench_open_disk(cfg->disk, O_WRONLY | O_DIRECT)) < 0) {
		bench_error(key, "%s: %s", cfg->disk, strerror(errno));
		return -1;
	}
	if (ioctl(fd, BLKGETSIZE64, &size) != 0 ||
	    size < (uint64_t)chunks * CHUNK) {
		bench_error(key, "%s: %llu bytes, need %llu", cfg->disk,
		    (unsigned long long)size,
		    (unsigned long long)chunks * CHUNK);
		goto out;
	}
	if ((buf = aligned_alloc(BENCH_PAGE, CHUNK)) == NULL) {
		bench_error(key, "out of memory");
		goto out;
	}
	for (unsigned i = 0; i < CHUNK; i++)
		buf[i] = (char)(i * 7 + 1);
	/* Warm-up: one untimed pass, so the host file's blocks exist. */
	if (write_run(fd, buf, chunks) == 0) {
		bench_error(key, "warm-up write: %s", strerror(errno));
		goto out;
	}
	for (unsigned r = 0; r < cfg->runs; r++) {
		if ((t = write_run(fd, buf, chunks)) == 0) {
			bench_error(key, "write: %s", strerror(errno));
			goto out;
		}
		bps[r] = (uint64_t)((double)chunks * CHUNK *
		    (double)cfg->tsc_hz / (double)t + 0.5);
	}
	bench_report_values(key, bps, cfg->runs, chunks, "bytes/s");
	rc = 0;
out:
	free(buf);
	close(fd);
	return rc;
}
