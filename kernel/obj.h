/*
 * obj.h - objects in memory: the object cache is the single-level store.
 * RAM holds a cache of the objects on disk; an object is loaded from the
 * store on first touch (obj_get), may be evicted when clean and unpinned,
 * and is written back by a checkpoint when dirty.
 *
 * Ownership of fields:
 * - struct obj: the object cache (kernel/store/objcache.c; objcache.h has the
 *   rest of its interface: lookups, the dirty list, eviction, counters),
 *   except that any module may pin/unpin through the functions below,
 *   and must call the write hook obj_modify() before it changes one.
 * - persistent parts (page frames, struct obj_gpt/obj_process/obj_endpoint
 *   in `d`): whoever invokes the object, through check-then-commit.
 *   In memory, struct obj's oid/alloc_count/bank are authoritative; the
 *   copies in d.hdr are filled in only when an object is written out.
 * - struct space_deps: the address-space code (kernel/x86_64/pmap.c,
 *   kernel/gpt.c), which records which hardware mappings depend on which
 *   GPT slot or page, so a change invalidates exactly those mappings.
 * - the kernel-only part of struct process: the scheduler and IPC.
 *
 * Invariants:
 * - at most one struct obj per OID is in memory (the cache's hash table);
 * - a pinned object (pins > 0) is never evicted; a dirty object is never
 *   evicted before it is written out;
 * - a process that is runnable, blocked in IPC, or current is pinned, and
 *   so is every object on a path the hardware page tables depend on
 *   (eviction goes through space_object_gone() first otherwise).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <abi/cap.h>
#include <abi/endpoint.h>
#include <abi/gpt.h>
#include <abi/process.h>
#include <abi/types.h>

/* Changed since the last commit: on the dirty, snapshot or written list. */
#define OBJ_F_DIRTY	0x01
#define OBJ_F_NEW	0x02	/* never stored: read as zero on first load */
/* In the snapshot being written out, its bytes taken (the written list). */
#define OBJ_F_WRITTEN	0x04
/*
 * A dirty page or cap page out of memory: no frame, its bytes are in its
 * held block out_block (0: all zero). Only obj_get() brings it back; to
 * obj_lookup() it is not in memory. kernel/store/pageout.c.
 */
#define OBJ_F_OUT	0x08

struct space_dep;		/* kernel/space.h */
struct pmap;			/* kernel/x86_64/pmap.h */

struct obj {
	oid_t		oid;
	uint32_t	alloc_count;	/* caps match this or are invalid */
	uint32_t	bank;		/* allocating bank's id */
	uint8_t		type;		/* OT_* */
	uint8_t		flags;		/* OBJ_F_* */
	uint16_t	pins;		/* obj_pin() count */
	uint32_t	epoch;		/* obj_epoch when last modified,
					   0 once clean; | OBJ_EPOCH_COPY */
	struct obj	*hash_next;	/* objcache hash chain */
	struct obj	*lru_prev;	/* objcache: unpinned objects, */
	struct obj	*lru_next;	/*   least recently used first */
	struct space_dep *deps;		/* mappings that depend on this */
};

/*
 * A 4 KiB data page; the frame holds its bytes. A dirty page may leave
 * memory before its checkpoint (the single-level store, pageout.c):
 * then pa is 0 and out_block, a store block held for it, has its bytes.
 * out_block may also be set while the page is in memory and in the
 * snapshot being written out, unchanged since: the block has the
 * snapshot's bytes, which the writer adopts instead of writing them.
 */
struct page {
	struct obj	obj;
	uint64_t	pa;		/* physical address of the frame */
	uint64_t	out_block;	/* held block with its bytes, or 0 */
	uint32_t	out_crc;	/* CRC32C of that block's data */
};

/* A page of CAPPAGE_SLOTS capabilities, in a frame of its own; the
   other fields as struct page's. */
struct cappage_obj {
	struct obj	obj;
	uint64_t	pa;		/* frame holding struct cappage */
	uint64_t	out_block;
	uint32_t	out_crc;
};
_Static_assert(__builtin_offsetof(struct page, pa) ==
    __builtin_offsetof(struct cappage_obj, pa) &&
    __builtin_offsetof(struct page, out_block) ==
    __builtin_offsetof(struct cappage_obj, out_block) &&
    __builtin_offsetof(struct page, out_crc) ==
    __builtin_offsetof(struct cappage_obj, out_crc),
    "a cap page's frame fields sit as a page's");

struct gpt {
	struct obj	obj;
	struct obj_gpt	d;
};

struct endpoint {
	struct obj	obj;
	struct obj_endpoint d;
	struct process	*senders;	/* blocked senders, FIFO (ipc.c) */
};

/* A KERNLOG line longer than this is printed in pieces of this size. */
#define PROC_LOG_LINE	128

/*
 * Kernel-only process state: not persistent, rebuilt after restart from
 * d.run_state and d.wait_oid (proc.c). Owned by sched.c, ipc.c, fault.c.
 */
struct proc_kstate {
	struct process	*q_next;	/* run queue, sleep list or a stall */
	struct process	*q_prev;	/*   queue (circular), see on_queue */
	struct pmap	*pmap;		/* hardware page tables (pmap.c) */
	uint64_t	wake_tsc;	/* SLEEP: when to wake, 0 if not */
	struct process	*stalled;	/* senders waiting for this process
					   to receive: FIFO head (ipc.c) */
	struct process	*stall_on;	/* whose stall queue we are on */
	struct process	*held_next;	/* every held process (proc.c): */
	struct process	*held_prev;	/*   what a checkpoint writes */
	uint8_t		on_queue;	/* which queue q_* links into (Q_*) */
	uint8_t		wait;		/* what a blocked process waits for */
	uint8_t		held;		/* pinned by the scheduler */
	uint8_t		sysret_ok;	/* rcx/r11 hold nothing live */
	uint8_t		fpu_credit;	/* runs left with FPU state loaded
					   eagerly (x86_64/usermode.c) */
	uint8_t		log_len;	/* bytes in log_line */
	uint8_t		reserved[2];
	char		log_line[PROC_LOG_LINE];	/* KERNLOG output
					   until its newline (inv_kernlog.c) */
};

struct process {
	struct obj	obj;
	/* 16-aligned so that d.fxsave is (FXSAVE64 needs it). */
	struct obj_process d __attribute__((aligned(16)));
	struct proc_kstate k;
};
_Static_assert(__builtin_offsetof(struct process, d.fxsave) % 16 == 0,
    "fxsave area must be 16-byte aligned");

/* Downcasts; each asserts the type. */
struct page		*obj_page(struct obj *);
struct cappage_obj	*obj_cappage(struct obj *);
struct gpt		*obj_gpt(struct obj *);
struct endpoint		*obj_endpoint(struct obj *);
struct process		*obj_process(struct obj *);

/*
 * Set up the cache over the store found through boot_info (the current,
 * newest valid generation); blk_init() must have succeeded. Returns 0, or
 * ERR_IO / ERR_CORRUPT / ERR_NOT_FOUND (no store) with a message printed;
 * the cache then works without a store (every object is fresh). Calling
 * it again mounts the store if none is mounted.
 */
int	objcache_init(void);

/*
 * The object named oid, loaded from the store if it is not in memory.
 * An OID the store has never held (index below the type's limit, or any
 * index the Range cap may fabricate) reads as a fresh zero object with
 * allocation count 0. Returns 0 and sets *out (not pinned: pin it before
 * anything that can evict), or ERR_BAD_ARG (bad type), ERR_IO,
 * ERR_CORRUPT (checksum or invariant failed; the object is not used) or
 * ERR_NO_SPACE (no memory even after evicting clean objects). May do
 * disk I/O and wait for it.
 */
int	obj_get(oid_t oid, struct obj **out);

void	obj_pin(struct obj *);
void	obj_unpin(struct obj *);

/*
 * The write hook: call obj_modify(o) BEFORE every change to o's
 * persistent state (a page's or cap page's frame, a GPT's, process's or
 * endpoint's `d`, its alloc_count or bank), and never change it without.
 * It marks o dirty in the current epoch and, while a checkpoint is
 * being written out and o belongs to its snapshot with its bytes not
 * yet taken, first copies o for the writer (copy-on-write of the
 * snapshot). Cannot fail and never evicts (a copy that finds no memory
 * aborts that checkpoint instead, ckpt_cow()). One compare when o was
 * already modified in this epoch. docs/persistence.md has the rule and
 * the two places where the call covers writes made without kernel code
 * (user mode through a mapping: the fault that makes it writable; a
 * process's own registers and FPU state: usermode_return()).
 */
extern uint32_t	obj_epoch;
void	obj_modify_slow(struct obj *o);

/*
 * In the epoch of a dirty page of the current epoch back in memory whose
 * held block still holds its bytes (only read since it came back): it
 * is on the dirty list, but obj_modified() is false, so no mapping of
 * it is writable and it can leave memory again without a write; its
 * first write goes through obj_modify_slow(), which lets the block go.
 * obj_epoch stays below it. kernel/store/objcache.c.
 */
#define OBJ_EPOCH_COPY	UINT32_C(0x80000000)

static inline void
obj_modify(struct obj *o)
{
	if (o->epoch != obj_epoch)
		obj_modify_slow(o);
}

/*
 * True if o was modified in the current epoch (obj_modify was called)
 * and its memory is its only copy since (not OBJ_EPOCH_COPY): a write
 * needs no hook, and a mapping of it may be writable.
 */
static inline bool
obj_modified(const struct obj *o)
{
	return o->epoch == obj_epoch;
}

/*
 * Bump o's allocation count: every outstanding cap to it becomes invalid,
 * and every hardware mapping through it is dropped. Cannot fail.
 */
void	obj_rescind(struct obj *o);

/* Kernel virtual address of a page's or cap page's frame. */
void	*page_data(struct page *);
struct cappage *cappage_data(struct cappage_obj *);
