/*
 * build.h - turns a parsed image description into an object set and a
 * manifest: loads and relocates programs, assigns global addresses,
 * creates pages, GPT trees, processes, endpoints and cap pages.
 *
 * Invariant: no step allocates in proportion to a number written in the
 * description or an ELF header before build_room() has accepted the
 * objects it makes; a program costs memory in proportion to its file, a
 * segment's contents in proportion to its file.
 */
#pragma once

#include <stdint.h>

#include "manifest.h"
#include "mki.h"
#include "objset.h"

struct elf_image;
struct elf_symbol;

/*
 * The most store blocks the objects of one build may need (2 GiB of
 * store), whatever the store's size. mkimage holds every object in
 * memory: about 5 KiB per block for processes and data, up to 20 KiB for
 * zero pages mapped into a space, so this bounds its memory.
 */
#define BUILD_MAX_BLOCKS	(1ull << 19)

/* The largest program file mkimage reads (it holds it in memory). */
#define BUILD_MAX_PROGRAM	(1ull << 30)

/* A page of a loaded program holding file bytes, at its final address. */
struct bprog_page {
	uint64_t	va;
	uint32_t	flags;		/* ELF_SEG_* */
	uint8_t		*data;		/* 4 KiB, or NULL for zero; owned */
	oid_t		shared;		/* read-only page object, 0 = none yet */
	oid_t		pristine;	/* writable page's image copy */
};

/* A run of pages entirely beyond a segment's file bytes (BSS). */
struct bprog_bss {
	uint64_t	va;		/* first page */
	uint64_t	npages;
	uint32_t	flags;		/* ELF_SEG_* */
	oid_t		*shared;	/* read-only: the pages, once made */
};

/* A loaded program; pages and bss are each sorted by address. */
struct bprog {
	const struct mki_program *decl;
	struct elf_image *elf;
	uint64_t	lo, hi;		/* final span, page-rounded */
	struct bprog_page *pages;
	size_t		npages;
	struct bprog_bss *bss;
	size_t		nbss;
	struct cap	image;		/* image space, built on demand */
	int		image_built;
	struct cap	symtab;		/* symbol table space, on demand */
};

struct build {
	const struct mki_desc *d;
	const char	*root;		/* directory for relative paths */
	struct objset	os;
	struct manifest	mf;
	struct bprog	*progs;		/* parallel to d->programs */
	oid_t		*proc_oid;	/* parallel to d->processes */
	oid_t		*ctor_ep;	/* constructor endpoint or 0 */
	struct cap	*space;		/* each process's space root */
	oid_t		*ep_oid;	/* parallel to d->endpoints */
	oid_t		*cpage_oid;	/* parallel to d->cappages */
	oid_t		**seg_pages;	/* per segment, its page OIDs */
	struct cap	*seg_cap;	/* per segment, its own space */
	int		errors;
	uint64_t	data_copies;	/* pages made with data: a block each */
	int		full;		/* build_room() refused a step */
	struct cap	banktable;	/* the bank table, on demand */
};

/*
 * Build everything d describes. Program and segment file paths are
 * relative to root (unless absolute). Returns 0, or -1 after printing
 * "file:line: message" errors. b must be released with build_free()
 * either way.
 */
int	build_image(struct build *b, const struct mki_desc *d,
	    const char *root);

void	build_free(struct build *b);

/* Report an error at a .mki line. */
void	build_error(struct build *b, int line, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/*
 * Check that the objects made so far plus add[] (new objects by type, of
 * which data are page copies holding data) still fit: their OID map
 * leaves and data blocks, a lower bound on what store_write() will use,
 * must fit the store (d->store_size) and BUILD_MAX_BLOCKS. Call it
 * before making them. Returns 0, or -1 after reporting "what 'name' does
 * not fit" at line; once it has failed it fails silently, since every
 * later step would too.
 */
int	build_room(struct build *b, int line, const char *what,
	    const char *name, const uint64_t add[OT_MAX], uint64_t data);

/* Load every program (progload.c). Returns 0 or -1 (errors printed). */
int	build_load_programs(struct build *b);

/* Create every shared segment's pages (build_space.c). 0 or -1. */
int	build_segments(struct build *b);

/*
 * Build process k's address space, initial registers and, for a
 * constructor, its program image. Returns 0 (errors in the process are
 * counted in b->errors), or -1 if the store is full.
 */
int	build_space(struct build *b, size_t k);

/*
 * The space mapping only segment si (made on first use; line is the cap
 * line asking for it). 0, or -1 if the store is full.
 */
int	build_segment_cap(struct build *b, size_t si, int line,
	    struct cap *out);

/*
 * The weak, read-only image of program p (made on first use, charged to
 * bank; line, what and name say who asked, for errors). 0, or -1 if the
 * store is full.
 */
int	build_program_image(struct build *b, struct bprog *p, uint32_t bank,
	    int line, const char *what, const char *name, struct cap *out);

/*
 * The read-only space holding program p's symbol table (abi/symtab.h;
 * build_symtab.c), made on first use (line says who asked, for errors).
 * 0, or -1 if the store is full or the table too big (error printed).
 */
int	build_symbols(struct build *b, struct bprog *p, int line,
	    struct cap *out);

/*
 * The weak cap page of the bank table (abi/bank.h; build_banktable.c),
 * made on first use (line says who asked, for errors). 0, or -1 if the
 * store is full or the description declares too many banks.
 */
int	build_banktable(struct build *b, int line, struct cap *out);

/* True for the ELF symbols the manifest and the symbol table list. */
int	build_symbol_wanted(const struct elf_symbol *s);

/* Fill b->mf from the built objects and encode it into b->os. */
void	build_manifest(struct build *b);

/* One past the top of process k's stack (its slot in the address map). */
uint64_t build_stack_top(size_t k);

/* Bank id for a bank name (NULL: the default bank). */
uint32_t build_bank(const struct build *b, const char *name);
