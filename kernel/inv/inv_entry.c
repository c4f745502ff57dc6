/*
 * inv_entry.c - ENTRY caps: every opcode is a message to the endpoint's
 * recipient (ipc.c). SEND delivers, SEND|RECV calls (not with
 * CAP_R_NOCALL: ERR_NO_ACCESS), IC_NONBLOCK fails with ERR_WOULD_BLOCK
 * instead of stalling. An endpoint without a valid recipient answers
 * ERR_NOT_FOUND.
 */
#include <inv/inv.h>
#include <ipc.h>

int
inv_entry(struct inv *inv)
{
	return ipc_send_entry(inv);
}
