/*
 * inv_null.c - the null cap, and the CKPT cap for now. Invoking null
 * fails (cap_check stops it before dispatch; this handler only keeps the
 * table whole). The CKPT cap answers OC_TYPE (inv.c) and refuses every
 * other opcode until checkpoints exist (ERR_BAD_REQUEST).
 */
#include <inv/inv.h>

int
inv_null(struct inv *inv)
{
	(void)inv;
	return ERR_BAD_CAP;
}

int
inv_ckpt(struct inv *inv)
{
	(void)inv;
	return ERR_BAD_REQUEST;
}
