/*
 * vcopy.h - the virtual-copy keeper's protocol besides fault messages:
 * what a client may ask through an entry cap to the keeper's endpoint
 * (docs/keepers.md).
 */
#pragma once

/* -> w0 = pages bought, w1 = GPTs bought (for faults: the zero tree
 * bought at start is not counted), w2 = splits, w3 = faults resolved */
#define VC_OC_STATS	0x1000

/* -> w0 = TSC ticks spent between receiving faults and answering them
 * (the keeper's own share of a fault), w1 = faults timed */
#define VC_OC_TIMES	0x1001

/* -> w0 = pages copied from the background, w1 = read-only background
 * covers mapped, w2 = zero covers mapped, w3 = faults not resolved */
#define VC_OC_MAPS	0x1002
