/*
 * rows_exec.c - fork + exec + wait of static programs of 64 KiB and
 * 64 MiB: Linux's counterpart of starting a program from a constructor.
 * The programs are written to tmpfs at start rather than carried in the
 * initramfs, so that the 64 MiB one does not lengthen boot_to_init. Both
 * are the same three-instruction program (exit_group(0)) followed by
 * initialized data, which it never touches: what is measured is the cost
 * of starting a program of that size, not of reading its data.
 */

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

#define EXEC_ITERS	1000
#define TEXT_VADDR	0x400000ull
#define DATA_VADDR	0x600000ull	/* + file offset of the data */
#define CODE_OFF	0x100		/* code after the ELF and phdrs */
#define CHUNK		(1u << 20)

/* xor %edi,%edi; mov $231,%eax (exit_group); syscall */
static const unsigned char exit_code[] = {
	0x31, 0xff, 0xb8, 0xe7, 0x00, 0x00, 0x00, 0x0f, 0x05
};

/* Fill the first page: ELF header, three program headers, the code. */
static void
elf_headers(unsigned char *page, uint64_t data_bytes)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)page;
	Elf64_Phdr *ph = (Elf64_Phdr *)(page + sizeof(*eh));

	memset(page, 0, BENCH_PAGE);
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_entry = TEXT_VADDR + CODE_OFF;
	eh->e_phoff = sizeof(*eh);
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 3;
	ph[0] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_X,
	    .p_offset = 0, .p_vaddr = TEXT_VADDR, .p_paddr = TEXT_VADDR,
	    .p_filesz = BENCH_PAGE, .p_memsz = BENCH_PAGE,
	    .p_align = BENCH_PAGE };
	ph[1] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_W,
	    .p_offset = BENCH_PAGE, .p_vaddr = DATA_VADDR + BENCH_PAGE,
	    .p_paddr = DATA_VADDR + BENCH_PAGE, .p_filesz = data_bytes,
	    .p_memsz = data_bytes, .p_align = BENCH_PAGE };
	ph[2] = (Elf64_Phdr){ .p_type = PT_GNU_STACK,
	    .p_flags = PF_R | PF_W, .p_align = 16 };
	memcpy(page + CODE_OFF, exit_code, sizeof(exit_code));
}

/*
 * Write a static executable of one text page and data_bytes of
 * initialized (non-zero) data to path. Returns 0 or -1 with errno set.
 */
static int
write_program(const char *path, uint64_t data_bytes)
{
	unsigned char *buf;
	int fd, rc = -1;

	if ((buf = malloc(CHUNK)) == NULL)
		return -1;
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755)) < 0)
		goto out;
	elf_headers(buf, data_bytes);
	if (write(fd, buf, BENCH_PAGE) != BENCH_PAGE)
		goto out;
	for (unsigned i = 0; i < CHUNK; i++)
		buf[i] = (unsigned char)(i * 131 + 7);
	for (uint64_t left = data_bytes; left > 0; ) {
		size_t n = left < CHUNK ? left : CHUNK;

		if (write(fd, buf, n) != (ssize_t)n)
			goto out;
		left -= n;
	}
	rc = 0;
out:
	if (fd >= 0 && close(fd) != 0)
		rc = -1;
	free(buf);
	return rc;
}

/* fork, exec path in the child, wait; 0 if it ran and exited 0. */
static int
spawn(const char *path)
{
	char *argv[] = { (char *)path, NULL }, *envp[] = { NULL };
	int status;
	pid_t pid;

	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		execve(path, argv, envp);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static int
fork_exec(const struct bench_cfg *cfg, const char *key, const char *path,
    uint64_t data_bytes)
{
	unsigned iters = bench_iters(cfg, EXEC_ITERS);
	uint64_t ticks[BENCH_MAX_RUNS];

	if (write_program(path, data_bytes) != 0) {
		bench_error(key, "writing %s: %s", path, strerror(errno));
		return -1;
	}
	fflush(stdout);
	for (unsigned i = 0; i < bench_warmup(iters); i++)
		if (spawn(path) != 0) {
			bench_error(key, "%s did not run and exit 0", path);
			return -1;
		}
	for (unsigned r = 0; r < cfg->runs; r++) {
		uint64_t t0 = bench_tsc();

		for (unsigned i = 0; i < iters; i++)
			if (spawn(path) != 0) {
				bench_error(key, "%s failed in run %u", path, r);
				return -1;
			}
		ticks[r] = bench_tsc() - t0;
	}
	unlink(path);
	bench_report_ticks(cfg, key, ticks, cfg->runs, iters);
	return 0;
}

/* A 64 KiB program: one text page and 60 KiB of data. */
int
bench_fork_exec_64k(const struct bench_cfg *cfg)
{
	return fork_exec(cfg, "fork_exec_64k", "/tmp/prog64k",
	    64 * 1024 - BENCH_PAGE);
}

/* A 64 MiB program: one text page and 64 MiB of data. */
int
bench_fork_exec_64m(const struct bench_cfg *cfg)
{
	return fork_exec(cfg, "fork_exec_64m", "/tmp/prog64m",
	    64ull << 20);
}
