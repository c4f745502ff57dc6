/*
 * prockeep.h - the process keeper's protocol besides fault messages:
 * what a client may ask through an entry cap to the keeper's endpoint
 * (docs/keepers.md). Clients are numbered 0..PK_CLIENTS-1 by the cap
 * register that holds their PROCESS cap.
 */
#pragma once

#define PK_CLIENTS	8
#define PK_FRAMES	8	/* frames a report keeps: the RIP and 7 */

/* Policies, 4 bits per client in the start register rdi. */
#define PK_PARK		0	/* leave it faulted (the default) */
#define PK_KILL		1	/* OC_PROC_RESET: never runs its code again */
#define PK_RESTART	2	/* registers as at the keeper's start, run */

/* w0 = client -> w0 = reports made, w1 = last fault code (FC_*), w2 =
 * frames in the last report, w3 = restarts made */
#define PK_OC_STATE	0x1100

/* w0 = client, w1 = frame (0: the RIP) -> w0 = address, w1 = offset in
 * its symbol (~0: none), w2, w3 = the symbol's first 16 bytes, NUL
 * padded; ERR_BAD_ARG past the last frame */
#define PK_OC_FRAME	0x1101
