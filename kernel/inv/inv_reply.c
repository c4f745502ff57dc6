/*
 * inv_reply.c - REPLY caps: every opcode is the reply to the CALL that
 * made the cap (ipc.c); with IC_RECV the replier then waits (reply and
 * wait). cap_check already refused a used or stale cap (ERR_BAD_CAP).
 * The reply to a fault message resumes the faulted process.
 */
#include <inv/inv.h>
#include <ipc.h>

int
inv_reply(struct inv *inv)
{
	return ipc_reply(inv);
}
