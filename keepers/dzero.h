/*
 * dzero.h - the demand-zero keeper's protocol besides fault messages:
 * what a client may ask through an entry cap to the keeper's endpoint.
 */
#pragma once

/* -> w0 = pages handed out, w1 = GPTs built, w2 = splits, w3 = faults
 * resolved */
#define DZ_OC_STATS	0x1000
