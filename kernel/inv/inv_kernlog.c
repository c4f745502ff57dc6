/*
 * inv_kernlog.c - KERNLOG caps: OC_LOG_WRITE prints up to 31 bytes on
 * the console, exactly as given (no prefix), so user programs can print
 * whole protocol lines over several calls. The bytes are w0..w3 in
 * little-endian order after the first byte of w0, which is their count;
 * the count may not exceed the bytes the sent words hold. Control bytes
 * other than newline and tab print as '.' so a process cannot drive the
 * terminal.
 */
#include <stddef.h>
#include <stdint.h>

#include <console.h>
#include <inv/inv.h>

int
inv_kernlog(struct inv *inv)
{
	char buf[MI_WORDS_MAX * 8];
	unsigned count, i, b;
	int rc;

	if (inv->opcode != OC_LOG_WRITE)
		return ERR_BAD_REQUEST;
	if ((rc = inv_args(inv, 1, 0)) != 0)
		return rc;
	count = (unsigned)(inv->w[0] & 0xff);
	if (count + 1 > inv->nwords * 8)
		return ERR_BAD_ARG;
	for (i = 0; i < count; i++) {
		b = (unsigned)(inv->w[(i + 1) / 8] >> (8 * ((i + 1) % 8))) &
		    0xff;
		if ((b < 0x20 && b != '\n' && b != '\t') || b == 0x7f)
			b = '.';
		buf[i] = (char)b;
	}
	console_write(buf, count);
	return 0;
}
