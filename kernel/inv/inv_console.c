/*
 * inv_console.c - CONSOLE caps: the terminal (abi/invoke.h). A read
 * answers at once from the input buffer (console_in.c) or waits for
 * input, first come first served; a write is a terminal write
 * (console_term_write), which may move the cursor on its own line.
 */
#include <stdbool.h>
#include <stdint.h>

#include <console.h>
#include <console_in.h>
#include <inv/inv.h>

static int
cons_read(struct inv *inv)
{
	uint64_t flags = inv->nwords > 0 ? inv->w[0] : 0;

	if (flags & ~(uint64_t)CONS_NOWAIT)
		return ERR_BAD_ARG;
	if (console_in_take(inv->rw) > 0)
		return inv_answer_words(inv, MI_WORDS_MAX);
	if (flags & CONS_NOWAIT)
		return ERR_WOULD_BLOCK;
	console_in_wait(inv->p);
	return INV_DONE;
}

int
inv_console(struct inv *inv)
{
	char buf[MI_WORDS_MAX * 8];
	unsigned count;
	int rc;

	switch (inv->opcode) {
	case OC_CONS_READ:
		return cons_read(inv);
	case OC_CONS_WRITE:
		if ((rc = inv_text(inv, buf, &count, true)) != 0)
			return rc;
		console_term_write(buf, count);
		return 0;
	default:
		return ERR_BAD_REQUEST;
	}
}
