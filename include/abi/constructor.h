/*
 * constructor.h - the constructor's protocol (keepers/ctor.c,
 * docs/programs.md, DESIGN.md section 5).
 *
 * A constructor holds one program's prebuilt, weak read-only image (made
 * by mkimage's `constructor` statement) and starts instances of it: a
 * new process whose space is a fresh GPT with the image as background,
 * kept by the constructor itself acting as the instance's virtual-copy
 * keeper (keepers/vc_tree.c). Nothing is copied or loaded at start: the
 * instance's first reads map the image read-only, its first writes copy
 * one page each, so starting costs the same for any image size.
 *
 * Everything an instance uses (its process, its GPTs, the pages its
 * writes buy) comes from a child bank of the bank cap the creator gives,
 * so it is charged to the creator's bank and all of it is reclaimed in
 * one OC_BANK_DESTROY when the instance ends.
 *
 * Requests are calls through an entry cap to the constructor (mkimage's
 * `cap N constructor C`, payload 0). The answer's opcode is 0 or ERR_*;
 * a failed request changes nothing (no object stays charged, no
 * instance slot stays taken). An unknown opcode is ERR_BAD_REQUEST.
 */
#pragma once

#include <stdint.h>

/*
 * c0 = a space bank's entry cap (user/bank.h), c1, c2 = caps for the
 * instance (optional: its cap registers CTOR_CR_ARG0, CTOR_CR_ARG0 + 1),
 * w0..w2 = the instance's start registers rdi, rsi, rdx
 * -> c0 = a PROCESS cap to the new, running instance, w0 = its instance
 * id (for OC_CTOR_WAIT).
 * c0 not an ENTRY cap, or one to the constructor itself: ERR_BAD_CAP;
 * every instance slot taken: ERR_NO_SPACE; the bank's refusal (ERR_LIMIT
 * when it is exhausted) is passed on.
 */
#define OC_CTOR_CREATE		0x1100

/*
 * -> w0 = 1 if the constructor is discreet (EROS's confinement test:
 * the image and the caps every instance starts with give it no way to
 * communicate out beyond what its creator supplies), else 0; w1 = the
 * constructor cap register of the first cap that is not (1: the image,
 * CTOR_INIT_CR0 + i: an initial cap), or ~0. Discreet caps: null,
 * DISCRIM, SLEEP, and memory caps both WEAK and RO; an image that is not
 * WEAK|RO is not discreet. An entry cap is never discreet here, not even
 * one to another discreet constructor: the constructor cannot tell such
 * a cap from any other entry cap (no registry of constructors yet).
 */
#define OC_CTOR_IS_DISCREET	0x1101

/*
 * w0 = instance id -> w0 = its exit status, once it has ended (waits
 * until then); the id is then free for reuse. An id not created or
 * already waited for: ERR_NOT_FOUND; while another caller waits:
 * ERR_LIMIT (one waiter at a time).
 */
#define OC_CTOR_WAIT		0x1102

/*
 * Sent (not called) by an instance through its exit cap (register
 * CTOR_CR_EXIT): w0 = exit status. The constructor destroys the
 * instance's bank, which stops the instance and frees everything it
 * held, and keeps the status for OC_CTOR_WAIT.
 */
#define OC_CTOR_EXIT		0x1103

/*
 * -> w0 = instances alive (those whose bank was destroyed are counted
 * as ended first), w1 = instances created since start, w2 =
 * instances ended by a fault (CTOR_STATUS_FAULT), w3 = instance slots.
 */
#define OC_CTOR_INFO		0x1104

/*
 * -> w0 = TSC ticks spent resolving instances' memory faults, w1 = how
 * many, w2 = ticks spent ending instances (destroying their banks), w3
 * = how many: where a program start's time goes (docs/bench.md).
 */
#define OC_CTOR_TIMES		0x1105

/*
 * The status an instance ends with when it faults in a way its keeper
 * cannot resolve (a bad instruction, a write to its image's code, its
 * bank exhausted): the fault code (FC_*) in the low bits.
 */
#define CTOR_STATUS_FAULT	0x8000000000000000ull

/*
 * The status of an instance whose bank was destroyed by someone else (an
 * ancestor bank's OC_BANK_DESTROY stops it with everything it held).
 * The constructor notices at OC_CTOR_WAIT, OC_CTOR_INFO, or when a create
 * finds no free slot.
 */
#define CTOR_STATUS_GONE	0x4000000000000000ull

/* Where an instance finds its caps (cap registers). */
#define CTOR_CR_INIT0		0	/* 0..3: the constructor's cap
					   registers CTOR_INIT_CR0..+3 */
#define CTOR_CR_INIT_N		4
#define CTOR_CR_ARG0		4	/* 4, 5: the creator's c1, c2 */
#define CTOR_CR_ARG_N		2
#define CTOR_CR_EXIT		7	/* entry cap: OC_CTOR_EXIT */

/* The constructor's cap registers that instances get (a .mki's lines). */
#define CTOR_INIT_CR0		8
