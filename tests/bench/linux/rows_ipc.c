/*
 * rows_ipc.c - the IPC-like rows: pipe ping-pong between two processes
 * (Linux's counterpart of an IPC round trip) and getpid (the null system
 * call, counterpart of a null invocation).
 */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

#define PIPE_ITERS	10000
#define GETPID_ITERS	10000

/* The echo side: return each byte it reads until n have gone by. */
static void
echo_child(int in, int out, unsigned long n)
{
	char b;

	for (unsigned long i = 0; i < n; i++)
		if (read(in, &b, 1) != 1 || write(out, &b, 1) != 1)
			_exit(1);
	_exit(0);
}

/* One round trip: a byte to the child and its echo back. */
static int
ping(int out, int in)
{
	char b = 'p';

	if (write(out, &b, 1) != 1 || read(in, &b, 1) != 1)
		return -1;
	return 0;
}

/*
 * Round trip of one byte through two pipes between parent and child. On a
 * single CPU each round trip is two writes, two reads and two switches.
 */
int
bench_pipe_roundtrip(const struct bench_cfg *cfg)
{
	const char *key = "pipe_roundtrip";
	unsigned iters = bench_iters(cfg, PIPE_ITERS);
	unsigned warm = bench_warmup(iters);
	uint64_t ticks[BENCH_MAX_RUNS];
	int to_child[2], to_parent[2], status = 0, bad = 0;
	pid_t pid;

	if (pipe(to_child) != 0 || pipe(to_parent) != 0) {
		bench_error(key, "pipe: %s", strerror(errno));
		return -1;
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		bench_error(key, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		close(to_child[1]);
		close(to_parent[0]);
		echo_child(to_child[0], to_parent[1],
		    warm + (unsigned long)cfg->runs * iters);
	}
	close(to_child[0]);
	close(to_parent[1]);
	for (unsigned i = 0; i < warm && !bad; i++)
		bad = ping(to_child[1], to_parent[0]);
	for (unsigned r = 0; r < cfg->runs && !bad; r++) {
		uint64_t t0 = bench_tsc();

		for (unsigned i = 0; i < iters && !bad; i++)
			bad = ping(to_child[1], to_parent[0]);
		ticks[r] = bench_tsc() - t0;
	}
	close(to_child[1]);
	close(to_parent[0]);
	if (bad)
		kill(pid, SIGKILL);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0 || bad) {
		bench_error(key, "echo child failed (status %#x)", status);
		return -1;
	}
	bench_report_ticks(cfg, key, ticks, cfg->runs, iters);
	return 0;
}

/* The null system call; syscall() so glibc cannot cache the answer. */
int
bench_getpid(const struct bench_cfg *cfg)
{
	const char *key = "getpid";
	unsigned iters = bench_iters(cfg, GETPID_ITERS);
	uint64_t ticks[BENCH_MAX_RUNS];
	pid_t self = getpid();

	for (unsigned i = 0; i < bench_warmup(iters); i++)
		if (syscall(SYS_getpid) != self) {
			bench_error(key, "getpid returned a wrong pid");
			return -1;
		}
	for (unsigned r = 0; r < cfg->runs; r++) {
		uint64_t t0 = bench_tsc();

		for (unsigned i = 0; i < iters; i++)
			syscall(SYS_getpid);
		ticks[r] = bench_tsc() - t0;
	}
	bench_report_ticks(cfg, key, ticks, cfg->runs, iters);
	return 0;
}
