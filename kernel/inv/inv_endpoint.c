/*
 * inv_endpoint.c - ENDPOINT caps: make entry caps, set the recipient
 * and the payload match. A WEAK endpoint cap can do none of these
 * (ERR_NO_ACCESS): each conveys or changes the power to send.
 * A change of recipient or match wakes the senders stalled through this
 * endpoint, so that they retry against the new state.
 */
#include <stdint.h>

#include <cap.h>
#include <inv/inv.h>
#include <ipc.h>

int
inv_endpoint(struct inv *inv)
{
	struct endpoint *ep = obj_endpoint(inv->obj);
	struct cap old;
	int rc;

	if (inv->opcode < OC_EP_MAKE_ENTRY || inv->opcode > OC_EP_SET_MATCH)
		return ERR_BAD_REQUEST;
	if (inv->cap.restr & CAP_R_WEAK)
		return ERR_NO_ACCESS;
	switch (inv->opcode) {
	case OC_EP_MAKE_ENTRY:
		if ((rc = inv_args(inv, 1, 0)) != 0)
			return rc;
		if (inv->w[0] > 0xffff)
			return ERR_BAD_ARG;
		cap_make(&inv->rc[0], CT_ENTRY, &ep->obj);
		inv->rc[0].aux = (uint16_t)inv->w[0];
		inv->rncaps = 1;
		return 0;
	case OC_EP_SET_RECIPIENT:
		if ((rc = inv_args(inv, 0, 1)) != 0)
			return rc;
		if (inv->c[0].type != CT_PROCESS && inv->c[0].type != CT_NULL)
			return ERR_BAD_ARG;
		old = ep->d.recipient;
		obj_modify(&ep->obj);
		ep->d.recipient = inv->c[0];
		ipc_endpoint_changed(ep->obj.oid, &old);
		return 0;
	case OC_EP_SET_MATCH:
		if ((rc = inv_args(inv, 2, 0)) != 0)
			return rc;
		if (inv->w[0] > 0xffff || inv->w[1] > 1)
			return ERR_BAD_ARG;
		obj_modify(&ep->obj);
		ep->d.match_payload = (uint16_t)inv->w[0];
		ep->d.flags = (ep->d.flags & ~(uint32_t)EP_F_PAYLOAD_MATCH) |
		    (inv->w[1] ? EP_F_PAYLOAD_MATCH : 0);
		old = ep->d.recipient;
		ipc_endpoint_changed(ep->obj.oid, &old);
		return 0;
	default:
		return ERR_BAD_REQUEST;
	}
}
