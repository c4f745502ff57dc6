/*
 * inv_kernlog.c - KERNLOG caps: OC_LOG_WRITE prints up to 31 bytes on
 * the console, exactly as given (no prefix), so user programs can print
 * whole protocol lines over several calls. Output is line-buffered per
 * process (k.log_line): a line reaches the console whole when its
 * newline comes (or PROC_LOG_LINE bytes of it), so lines of processes
 * that write at once never mix; a line without its newline yet is not
 * shown, and is lost if the machine stops first. The bytes are w0..w3 in
 * little-endian order after the first byte of w0, which is their count;
 * the count may not exceed the bytes the sent words hold. Control bytes
 * other than newline and tab print as '.' so a process cannot drive the
 * terminal.
 *
 * OC_LOG_ARGS hands out the boot arguments 32 bytes at a time: the QEMU
 * fw_cfg file opt/bench/args if there is one (how make bench passes its
 * bench.* words without rebuilding images), else the kernel command line.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <boot.h>
#include <console.h>
#include <inv/inv.h>
#include <lib/string.h>
#include <x86_64/fwcfg.h>

#define ARGS_MAX	512

static char	args[ARGS_MAX];
static int	args_loaded;

/* The boot arguments, read once. */
static const char *
boot_args(void)
{
	if (!args_loaded) {
		if (fwcfg_read_file("opt/bench/args", args, sizeof(args)) < 0)
			memcpy(args, boot_info.cmdline, strnlen(boot_info.cmdline,
			    sizeof(boot_info.cmdline) - 1));
		args_loaded = 1;
	}
	return args;
}

static int
log_args(struct inv *inv)
{
	const char *a = boot_args();
	size_t len = strlen(a), i;
	uint64_t off;
	int rc;

	if ((rc = inv_args(inv, 1, 0)) != 0)
		return rc;
	off = inv->w[0];
	if (off > len)
		return ERR_BAD_ARG;
	for (i = 0; i < MI_WORDS_MAX; i++)
		inv->rw[i] = 0;
	for (i = 0; i < MI_WORDS_MAX * 8 && off + i < len; i++)
		inv->rw[i / 8] |= (uint64_t)(uint8_t)a[off + i] << (8 * (i % 8));
	return inv_answer_words(inv, MI_WORDS_MAX);
}

/*
 * Add n bytes to p's line; print the line when it ends or fills, so each
 * line reaches the console whole, never mixed with another process's.
 */
static void
log_append(struct process *p, const char *s, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		p->k.log_line[p->k.log_len++] = s[i];
		if (s[i] == '\n' || p->k.log_len == PROC_LOG_LINE) {
			console_write(p->k.log_line, p->k.log_len);
			p->k.log_len = 0;
		}
	}
}

int
inv_text(const struct inv *inv, char buf[MI_WORDS_MAX * 8], unsigned *count,
    bool cursor)
{
	unsigned n, i, b;
	int rc;

	if ((rc = inv_args(inv, 1, 0)) != 0)
		return rc;
	n = (unsigned)(inv->w[0] & 0xff);
	if (n + 1 > inv->nwords * 8)
		return ERR_BAD_ARG;
	for (i = 0; i < n; i++) {
		b = (unsigned)(inv->w[(i + 1) / 8] >> (8 * ((i + 1) % 8))) &
		    0xff;
		if (b == 0x7f || (b < 0x20 && b != '\n' && b != '\t' &&
		    !(cursor && (b == '\r' || b == '\b'))))
			b = '.';
		buf[i] = (char)b;
	}
	*count = n;
	return 0;
}

int
inv_kernlog(struct inv *inv)
{
	char buf[MI_WORDS_MAX * 8];
	unsigned count;
	int rc;

	if (inv->opcode == OC_LOG_ARGS)
		return log_args(inv);
	if (inv->opcode != OC_LOG_WRITE)
		return ERR_BAD_REQUEST;
	if ((rc = inv_text(inv, buf, &count, false)) != 0)
		return rc;
	log_append(inv->p, buf, count);
	return 0;
}
