/*
 * gpt.h - the guarded page table node: 16 slots each spanning 2^l2v bytes.
 *
 * Translation of an address a (relative to the GPT) uses slot
 * (a >> l2v) & 15 with remainder a & (2^l2v - 1); the capability in the
 * slot applies its guard (cap.h) and continues. The GPT spans 2^(l2v+4)
 * bytes; an address above that span is a fault.
 *
 * Invariant: PAGE_SHIFT <= l2v <= GPT_L2V_MAX. With GPT_F_KEEPER, slot 15
 * holds the keeper (an ENTRY cap) and is not used for translation; with
 * GPT_F_BACKGROUND, slot 14 holds the background space that a keeper
 * copies from, also not used for translation.
 */
#pragma once

#include <stdint.h>
#include <abi/obj.h>

#define GPT_SLOTS		16
#define GPT_SLOT_BITS		4
#define GPT_KEEPER_SLOT		15
#define GPT_BACKGROUND_SLOT	14
#define GPT_L2V_MAX		(64 - GPT_SLOT_BITS)

#define GPT_F_KEEPER		0x01
#define GPT_F_BACKGROUND	0x02
#define GPT_F_ALL		0x03

struct obj_gpt {
	struct obj_hdr	hdr;
	uint8_t		l2v;		/* log2 of each slot's span */
	uint8_t		flags;		/* GPT_F_* */
	uint8_t		reserved[6];	/* zero */
	struct cap	slot[GPT_SLOTS];
};
_Static_assert(sizeof(struct obj_gpt) == 280, "");
_Static_assert(__builtin_offsetof(struct obj_gpt, l2v) == 16, "");
_Static_assert(__builtin_offsetof(struct obj_gpt, flags) == 17, "");
_Static_assert(__builtin_offsetof(struct obj_gpt, slot) == 24, "");
