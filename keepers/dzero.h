/*
 * dzero.h - the demand-zero keeper's protocol besides fault messages:
 * what a client may ask through an entry cap to the keeper's endpoint.
 */
#pragma once

/* -> w0 = pages handed out, w1 = GPTs built, w2 = splits, w3 = faults
 * resolved */
#define DZ_OC_STATS	0x1000

/* -> w0 = TSC ticks spent between receiving faults and answering them
 * (the keeper's own share of a fault), w1 = faults timed */
#define DZ_OC_TIMES	0x1001
