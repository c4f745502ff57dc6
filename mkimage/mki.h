/*
 * mki.h - the image description, as parsed from a .mki file (grammar in
 * docs/mkimage.md). The parser fills it and checks names and numbers;
 * build.c turns it into objects.
 *
 * Invariant after mki_parse() succeeds: every name a declaration or cap
 * refers to exists in the right namespace, names are unique per
 * namespace, and numbers are in range. Every struct keeps the line it was
 * declared on for later errors.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <abi/bank.h>

#include "addrmap.h"
#include "names.h"

/* What a "cap N ..." line names. */
enum mki_capkind {
	MKI_CK_NULL,
	MKI_CK_KERNLOG,
	MKI_CK_RANGE,
	MKI_CK_CKPT,
	MKI_CK_DISCRIM,
	MKI_CK_SLEEP,
	MKI_CK_CONSOLE,
	MKI_CK_SYSINFO,
	MKI_CK_ENDPOINT,	/* endpoint E: manage cap */
	MKI_CK_ENTRY,		/* entry E [payload N] */
	MKI_CK_PROCESS,		/* process P */
	MKI_CK_RESTART,		/* restart P */
	MKI_CK_SPACE,		/* space P: P's address space root */
	MKI_CK_SEGMENT,		/* segment S: S's own GPT tree */
	MKI_CK_IMAGE,		/* image C: constructor C's program image */
	MKI_CK_CAPPAGE,		/* cappage K */
	MKI_CK_BANK,		/* bank B: entry to the bank server */
	MKI_CK_CONSTRUCTOR,	/* constructor C: entry to C's endpoint */
	MKI_CK_SYMBOLS,		/* symbols P: program P's symbol table */
	MKI_CK_BANKTABLE,	/* banktable: the banks' parents */
	MKI_CK_MAX
};

struct mki_capspec {
	int		line;
	unsigned	slot;
	enum mki_capkind kind;
	char		*target;	/* name, NULL for kinds without one */
	uint8_t		restr;		/* CAP_R_* requested */
	uint16_t	payload;	/* ENTRY, BANK: protected payload */
	int		has_payload;
};

struct mki_bank {
	int		line;
	char		*name;
	char		*parent;	/* NULL for a top-level bank */
	uint32_t	id;		/* 1, 2, ... in declaration order */
};

struct mki_program {
	int		line;
	char		*name;
	char		*path;		/* as written; resolved against root */
};

/* Segment flags. */
#define MKI_SEG_RO	0x01
#define MKI_SEG_NX	0x02

struct mki_segment {
	int		line;
	char		*name;
	uint64_t	addr;
	uint64_t	size;
	char		*file;		/* initial contents, or NULL: zero */
	char		*bank;
	uint32_t	flags;		/* MKI_SEG_* */
};

struct mki_endpoint {
	int		line;
	char		*name;
	char		*bank;
	char		*recipient;	/* process name, or NULL */
	int		has_match;
	uint16_t	match;
};

struct mki_reg {
	int		line;
	unsigned	index;		/* offset in struct proc_regs / 8 */
	uint64_t	value;
};

struct mki_map {
	int		line;
	char		*segment;
	uint32_t	flags;		/* MKI_SEG_* restrictions added */
};

/* Process states as written. */
#define MKI_STATE_RUNNING	0
#define MKI_STATE_STOPPED	1

struct mki_process {
	int		line;
	char		*name;
	char		*program;
	char		*bank;
	char		*keeper;	/* endpoint name, or NULL */
	char		*handler;	/* endpoint name, or NULL */
	char		*image;		/* constructors: program of the image */
	uint64_t	stack_size;
	int		state;		/* MKI_STATE_* */
	struct mki_capspec *caps;
	size_t		ncaps, capcaps;
	struct mki_reg	*regs;
	size_t		nregs, capregs;
	struct mki_map	*maps;
	size_t		nmaps, capmaps;
	struct names	map_names;	/* segments mapped, to find twice */
};

struct mki_cappage {
	int		line;
	char		*name;
	char		*bank;
	struct mki_capspec *caps;
	size_t		ncaps, capcaps;
};

/*
 * Bounds on what a description may ask for, checked before any work
 * depends on them: every process has a stack slot in the address map;
 * "cap N bank B" carries B's id in the 15 index bits of a bank cap's
 * payload (abi/bank.h: bit 15 marks a restricted cap).
 */
#define MKI_MAX_PROCESSES	((AM_STACK_END - AM_STACK_BASE) / AM_STACK_SLOT)
#define MKI_MAX_BANK_CAP	BANK_PAYLOAD_INDEX
#define MKI_MAX_FILE		(64ull << 20)	/* .mki text, bytes */

#define MKI_DEFAULT_STORE	(64ull << 20)
#define MKI_DEFAULT_STACK	(64ull << 10)
#define MKI_MAX_STACK		(8ull << 20)	/* half a stack slot */

struct mki_desc {
	char		*file;		/* for messages */
	char		*cmdline;	/* with ckpt=N of "checkpoint" */
	int		cmdline_line;
	uint64_t	checkpoint;	/* seconds between checkpoints */
	int		checkpoint_line;	/* 0: no "checkpoint" */
	uint64_t	store_size;
	int		store_line;
	char		*bankserver;	/* endpoint serving "cap N bank B" */
	int		bankserver_line;
	struct mki_bank	*banks;
	size_t		nbanks, capbanks;
	struct mki_program *programs;
	size_t		nprograms, capprograms;
	struct mki_segment *segments;
	size_t		nsegments, capsegments;
	struct mki_endpoint *endpoints;
	size_t		nendpoints, capendpoints;
	struct mki_process *processes;	/* constructors included */
	size_t		nprocesses, capprocesses;
	struct mki_cappage *cappages;
	size_t		ncappages, capcappages;
	/* one index per namespace, for mki_find_*() */
	struct names	bank_names, program_names, segment_names;
	struct names	endpoint_names, process_names, cappage_names;
};

/*
 * Parse text[0..len) read from file (used in messages) into a new
 * description. Returns it, or NULL after printing "file:line: message"
 * lines to stderr for every error found (at most a few dozen). Text
 * longer than MKI_MAX_FILE is refused unread. Time and memory are linear
 * in len.
 */
struct mki_desc *mki_parse(const char *file, const char *text, size_t len);

/*
 * Why bytes cannot be a store size (a static string), or NULL if it can.
 * The one rule for "store SIZE" and "mkimage build --store-size".
 */
const char *mki_store_size_error(uint64_t bytes);

/* Release a description. d may be NULL. */
void	mki_desc_free(struct mki_desc *d);

/* Lookups by name, in constant time; NULL if absent. */
struct mki_bank *mki_find_bank(const struct mki_desc *d, const char *name);
struct mki_program *mki_find_program(const struct mki_desc *d,
	    const char *name);
struct mki_segment *mki_find_segment(const struct mki_desc *d,
	    const char *name);
struct mki_endpoint *mki_find_endpoint(const struct mki_desc *d,
	    const char *name);
struct mki_process *mki_find_process(const struct mki_desc *d,
	    const char *name);
struct mki_cappage *mki_find_cappage(const struct mki_desc *d,
	    const char *name);

/* Register name to index in struct proc_regs (as u64[]), or -1. */
int	mki_reg_index(const char *name);
extern const char *const mki_reg_names[20];
