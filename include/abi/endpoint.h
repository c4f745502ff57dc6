/*
 * endpoint.h - the IPC endpoint: where entry capabilities deliver.
 *
 * A message sent through an ENTRY cap goes to the process named by
 * recipient, together with the entry cap's payload. With EP_F_PAYLOAD_MATCH
 * the endpoint accepts only entry caps whose payload equals
 * match_payload, so changing match_payload rescinds every outstanding
 * entry cap without touching the endpoint's allocation count.
 */
#pragma once

#include <stdint.h>
#include <abi/obj.h>

#define EP_F_PAYLOAD_MATCH	0x01
#define EP_F_ALL		0x01

struct obj_endpoint {
	struct obj_hdr	hdr;
	uint32_t	flags;		/* EP_F_* */
	uint16_t	match_payload;	/* see EP_F_PAYLOAD_MATCH */
	uint16_t	reserved;	/* zero */
	uint64_t	reserved2;	/* zero */
	struct cap	recipient;	/* PROCESS cap, or null */
};
_Static_assert(sizeof(struct obj_endpoint) == 48, "");
_Static_assert(__builtin_offsetof(struct obj_endpoint, flags) == 16, "");
_Static_assert(__builtin_offsetof(struct obj_endpoint, match_payload) == 20, "");
_Static_assert(__builtin_offsetof(struct obj_endpoint, recipient) == 32, "");
