/*
 * invoke.h - the one system call: invoke a capability, with a send phase
 * and a receive phase, and the operation codes of every kernel object.
 *
 * Registers at `syscall` (user -> kernel):
 *   rax  control: the invoked cap register (IC_CAP), IC_SEND, IC_RECV,
 *        IC_NONBLOCK; send without receive is a one-way SEND, receive
 *        without send is an open wait, both is a CALL (or, when the
 *        invoked cap is a REPLY cap, a reply-and-wait). IC_NONBLOCK
 *        makes a send that would block, and an open wait with no sender
 *        pending, fail with ERR_WOULD_BLOCK instead
 *   rdi  message info sent: MI_MAKE(opcode, nwords, ncaps)
 *   rsi  send cap registers: byte i = cap register of the i-th cap sent
 *   rdx  receive cap registers: byte i = cap register where the i-th
 *        received cap lands; byte 4 = where a received REPLY cap lands
 *   r8, r9, r10, r12  data words 0..3
 * Registers on return (kernel -> user), after the receive phase or after a
 * kernel object's answer:
 *   rax  0 or ERR_* (abi/err.h) for the invocation as a whole
 *   rdi  message info received (opcode, nwords, ncaps)
 *   rsi  protected payload of the entry cap the sender invoked (0 for a
 *        kernel object's answer)
 *   r8, r9, r10, r12  data words received
 * rcx and r11 are clobbered (syscall/sysret); every other register,
 * including rbx, rbp, r13..r15 and rsp, is preserved.
 *
 * A received cap whose destination byte is CR_DISCARD (not a register)
 * is dropped, so CR_DISCARD is the "don't care" destination.
 *
 * Kernel objects are invoked with IC_SEND | IC_RECV; their answer is the
 * received message. A SEND alone to a kernel object performs the
 * operation and discards the answer. Invoking an ENTRY cap delivers the
 * message to the endpoint's recipient process when it waits in IC_RECV;
 * with IC_RECV too (a CALL) the recipient also gets a REPLY cap, valid
 * for one use, and the caller waits for that reply. CAP_R_NOCALL entry
 * caps accept SEND only.
 */
#pragma once

#include <stdint.h>

/* Control word (rax). */
#define IC_CAP_MASK		0x1fu		/* invoked cap register */
#define IC_SEND			0x100u
#define IC_RECV			0x200u
#define IC_NONBLOCK		0x400u		/* fail with ERR_WOULD_BLOCK */
#define IC_CALL			(IC_SEND | IC_RECV)
#define IC_MAKE(capreg, flags)	((uint64_t)((capreg) & IC_CAP_MASK) | (flags))

/* Message info (rdi). */
#define MI_WORDS_MAX		4
#define MI_CAPS_MAX		4
#define MI_MAKE(op, nwords, ncaps)	\
	((uint64_t)(uint32_t)(op) | (uint64_t)((nwords) & 7) << 32 | \
	 (uint64_t)((ncaps) & 7) << 36)
#define MI_OPCODE(mi)		((uint32_t)(mi))
#define MI_NWORDS(mi)		((unsigned)((mi) >> 32) & 7)
#define MI_NCAPS(mi)		((unsigned)((mi) >> 36) & 7)

/* Cap register lists (rsi, rdx): one byte per cap. */
#define CR_LIST(a, b, c, d)	((uint64_t)(a) | (uint64_t)(b) << 8 | \
				 (uint64_t)(c) << 16 | (uint64_t)(d) << 24)
#define CR_LIST_GET(l, i)	((unsigned)((l) >> (8 * (i))) & 0xff)
#define CR_REPLY_SHIFT		32
#define CR_WITH_REPLY(l, r)	((l) | (uint64_t)((r) & 0xff) << CR_REPLY_SHIFT)
#define CR_DISCARD		0xff	/* drop the received cap */

/*
 * Operation codes. OC_* values below 0x100 apply to every capability;
 * each object type has its own block. Arguments are data words w0..w3 and
 * caps c0..c3 in order; results likewise. Every operation validates every
 * argument before it changes anything.
 */
#define OC_TYPE			0x01	/* -> w0 = CT_*, w1 = restrictions */

/* Memory caps: PAGE, CAPPAGE, GPT. */
#define OC_MEM_REDUCE		0x10	/* w0 = restrictions to add -> c0 */
#define OC_MEM_GUARD		0x11	/* w0 = l2g, w1 = match -> c0 */
#define OC_MEM_GET_GUARD	0x12	/* -> w0 = l2g, w1 = match; under
					   every restriction (OPAQUE too: a
					   guard is the cap's addressing,
					   not the object's content) */

/* PAGE */
#define OC_PAGE_ERASE		0x100	/* zero the page */
#define OC_PAGE_READ		0x101	/* w0 = byte offset (8-aligned) -> w0 */
#define OC_PAGE_WRITE		0x102	/* w0 = offset, w1 = value */
#define OC_PAGE_COPY_FROM	0x103	/* c0 = PAGE cap: copy its 4 KiB
					   here (c0 not OPAQUE, stale c0
					   ERR_BAD_CAP, not a PAGE cap
					   ERR_BAD_ARG) */

/* CAPPAGE */
#define OC_CAPPAGE_ERASE	0x200	/* every slot null */
#define OC_CAPPAGE_FETCH	0x201	/* w0 = slot -> c0 (weak if cap is) */
#define OC_CAPPAGE_STORE	0x202	/* w0 = slot, c0 = cap */
#define OC_CAPPAGE_COPY_FROM	0x203	/* c0 = CAPPAGE cap: copy its 256
					   slots here, each weakened if c0
					   is WEAK (c0 rules as PAGE's) */

/* GPT */
#define OC_GPT_GET_L2V		0x300	/* -> w0 = l2v, w1 = flags */
#define OC_GPT_SET_L2V		0x301	/* w0 = l2v, w1 = flags */
#define OC_GPT_FETCH		0x302	/* w0 = slot -> c0 (weak if cap is) */
#define OC_GPT_STORE		0x303	/* w0 = slot, c0 = cap */
#define OC_GPT_RESET		0x304	/* as fresh: l2v 0 (unset), flags 0,
					   every slot null */

/* PROCESS */
#define OC_PROC_GET_REGS	0x400	/* w0 = first reg index -> w0..w3 */
#define OC_PROC_SET_REGS	0x401	/* w0 = first index, w1..w3 = values */
#define OC_PROC_FETCH_CAP	0x402	/* w0 = cap register -> c0 */
#define OC_PROC_STORE_CAP	0x403	/* w0 = cap register, c0 = cap */
#define OC_PROC_SET_SPACE	0x404	/* c0 = space root (GPT or PAGE cap) */
#define OC_PROC_SET_HANDLER	0x405	/* c0 = ENTRY cap or null */
#define OC_PROC_RESUME		0x406	/* make runnable, clearing any fault */
#define OC_PROC_STOP		0x407
#define OC_PROC_GET_STATE	0x408	/* -> w0 = PS_*, w1 = FC_*, w2 = addr */
#define OC_PROC_GET_SPACE	0x409	/* -> c0 */
#define OC_PROC_RESET		0x40A	/* as fresh, for reuse: stopped (as
					   OC_PROC_STOP), registers 0 but
					   rflags RFLAGS_USER_DEFAULT,
					   FPU/SSE the reset state, cap
					   registers, space, handler null,
					   no fault; reply_seq is kept */

/* ENDPOINT */
#define OC_EP_MAKE_ENTRY	0x500	/* w0 = payload -> c0 = ENTRY cap */
#define OC_EP_SET_RECIPIENT	0x501	/* c0 = PROCESS cap or null */
#define OC_EP_SET_MATCH		0x502	/* w0 = payload, w1 = 1 to enforce */

/* RESTART: what a keeper holds for the process that faulted. */
#define OC_RESTART_RESUME	0x700	/* clear the fault, run again */
#define OC_RESTART_GET_REGS	0x701	/* as OC_PROC_GET_REGS, while the
					   process is PS_FAULTED (else
					   ERR_NO_ACCESS) */
#define OC_RESTART_SET_REGS	0x702	/* as OC_PROC_SET_REGS, while
					   PS_FAULTED and the cap not WEAK */

/* RANGE: the space bank's power to name objects by OID. */
#define OC_RANGE_GET		0x800	/* w0 = OID -> c0 = full cap */
#define OC_RANGE_RESCIND	0x801	/* w0 = OID: bump alloc count */
#define OC_RANGE_LIMIT		0x802	/* w0 = OT_* -> w0 = 1 + max index */
#define OC_RANGE_SET_BANK	0x803	/* w0 = OID, w1 = bank id (32 bits):
					   the object's accounting bank */
#define OC_RANGE_GET_BANK	0x804	/* w0 = OID -> w0 = bank id */
#define OC_RANGE_IDENTIFY	0x805	/* c0 -> w0 = the OID it names, w1 =
					   its CT_*, w2 = its restrictions;
					   null or invalid c0 ERR_BAD_CAP,
					   a cap naming no object (KERNLOG,
					   SLEEP, ...) ERR_BAD_ARG */

/* KERNLOG */
#define OC_LOG_WRITE		0x900	/* w0..w3 = up to 32 bytes; info
					   nwords counts words, the first
					   byte of w0 is the byte count */
#define OC_LOG_ARGS		0x901	/* w0 = byte offset -> w0..w3 = the
					   next 32 bytes of the boot
					   arguments (QEMU fw_cfg file
					   opt/bench/args if present, else
					   the command line), zero past the
					   end */

/* CKPT (checkpoint operations: 0xA00..0xA7F) */
#define OC_CKPT_TAKE		0xA00	/* -> w0 = the generation committed
					   (snapshot, then write-out and
					   commit before the answer) */
#define OC_CKPT_GENERATION	0xA01	/* -> w0 = the current committed
					   generation */
#define OC_CKPT_WAIT		0xA02	/* w0 = generation -> w0 = the
					   committed generation, once it is
					   w0 or later: at once if it is,
					   else when a commit makes it so
					   (periodic or OC_CKPT_TAKE; with
					   neither it waits for ever);
					   ERR_NOT_FOUND without a store. A
					   wait under way at a commit is
					   re-executed after a restart */
#define OC_CKPT_LAST		0xA10	/* -> w0 = generation of the
					   last checkpoint (0: failed),
					   w1 = its pause, w2 = its
					   write-out (TSC ticks), w3 =
					   bytes written */
#define OC_CKPT_POWEROFF	0xA80	/* w0 = 0 all well, 1 failure: end
					   the machine (under QEMU through
					   isa-debug-exit, status
					   w0 << 1 | 1) */
/*
 * CONSOLE: the terminal a person types at (COM1 and the PS/2 keyboard of
 * the VGA window, one byte stream; arrow keys arrive as ESC [ A..D).
 * Input is buffered in the kernel (CONS_INPUT_BUF bytes; more is dropped
 * and counted) and goes to one reader at a time, in the order readers
 * asked. Unlike KERNLOG, a write may move the cursor (\r, \b), so a
 * line editor can redraw its line; kernel and KERNLOG lines printed
 * meanwhile erase that unfinished line first and redraw it after.
 */
#define OC_CONS_READ		0xB00	/* w0 = CONS_NOWAIT or 0 -> w0 =
					   count (1..24), w1..w3 the bytes;
					   waits for input unless NOWAIT
					   (then ERR_WOULD_BLOCK) */
#define OC_CONS_WRITE		0xB01	/* as OC_LOG_WRITE, and \r, \b pass */
#define CONS_NOWAIT		1
#define CONS_READ_MAX		24
#define CONS_INPUT_BUF		1024
/*
 * SYSINFO: what a system console shows, read-only (no object named, no
 * authority to change anything; a weakened SYSINFO cap stays one).
 */
#define OC_SYS_PROC_NEXT	0xE00	/* w0 = OID -> the held process (not
					   stopped) with the next higher OID:
					   w0 = its OID (0: none left), w1 =
					   PS_* | fault code << 8, w2 = rip,
					   w3 = bank id */
#define OC_SYS_GEN		0xE01	/* w0 = i -> the i-th newest kept
					   generation (0: the current one):
					   w0 = generation, w1 = commit time
					   (ns since 1970, 0 unknown), w2 =
					   blocks in use, w3 = store blocks;
					   ERR_NOT_FOUND past the oldest */
#define OC_SYS_TIME		0xE02	/* -> w0 = wall time (ns since 1970,
					   0 unknown), w1 = ns since this
					   boot, w2 = the generation this
					   boot resumed (0: no store); it
					   changes at every restart, since a
					   boot only commits newer ones */
#define OC_SYS_BOOT		0xE03	/* -> the TSC (under QEMU -icount
					   shift=0: guest instructions since
					   power-on) at the milestones of
					   this boot: w0 = the loader's
					   stage 2, w1 = the kernel's first
					   instruction, w2 = the machine up,
					   w3 = the store's processes
					   started (the scheduler's first
					   pick follows) */
#define OC_SYS_MEMORY		0xE04	/* -> w0 = free frames, w1 = pages
					   written out to held store blocks
					   since this boot (the single-level
					   store), w2 = pages read back,
					   w3 = blocks held now */
/* DISCRIM */
#define OC_DISCRIM_CLASSIFY	0xC00	/* c0 -> w0 = CT_*, w1 = restr */
#define OC_DISCRIM_SAME		0xC01	/* c0, c1 -> w0 = 1 if same object */

/* SLEEP */
#define OC_SLEEP_NOW		0xD00	/* -> w0 = ns since the system's
					   first boot: the persistent clock,
					   which runs on while the machine
					   is off and never goes back */
#define OC_SLEEP_FOR		0xD01	/* w0 = ns to sleep; a restart
					   keeps the deadline (wall time) */

/*
 * Fault message a keeper or handler receives (opcode OC_FAULT):
 *   w0 = FC_* (abi/process.h), w1 = address relative to the kept GPT
 *   (or the absolute address for a handler), w2 = the raw x86 error code,
 *   w3 = faulting RIP; c0 = RESTART cap to the process, c1 = GPT cap to
 *   the kept GPT (null for a handler).
 */
#define OC_FAULT		0xF00
