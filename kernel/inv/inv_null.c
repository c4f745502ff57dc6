/*
 * inv_null.c - the null cap. Invoking null fails (cap_check stops it
 * before dispatch; this handler only keeps the table whole).
 */
#include <inv/inv.h>

int
inv_null(struct inv *inv)
{
	(void)inv;
	return ERR_BAD_CAP;
}
