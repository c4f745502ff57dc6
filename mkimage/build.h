/*
 * build.h - turns a parsed image description into an object set and a
 * manifest: loads and relocates programs, assigns global addresses,
 * creates pages, GPT trees, processes, endpoints and cap pages.
 */
#pragma once

#include <stdint.h>

#include "manifest.h"
#include "mki.h"
#include "objset.h"

struct elf_image;

/* A loaded program and its pages at their final addresses. */
struct bprog_page {
	uint64_t	va;
	uint32_t	flags;		/* ELF_SEG_* */
	int		bss;		/* entirely beyond the file bytes */
	uint8_t		*data;		/* 4 KiB, or NULL for zero; owned */
	oid_t		shared;		/* read-only page object, 0 = none yet */
	oid_t		pristine;	/* writable page's image copy */
};

struct bprog {
	const struct mki_program *decl;
	struct elf_image *elf;
	uint64_t	lo, hi;		/* final span, page-rounded */
	struct bprog_page *pages;
	size_t		npages;
	struct cap	image;		/* image space, built on demand */
	int		image_built;
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

/* Load every program (progload.c). Returns 0 or -1 (errors printed). */
int	build_load_programs(struct build *b);

/* Fill b->mf from the built objects and encode it into b->os. */
void	build_manifest(struct build *b);

/* One past the top of process k's stack (its slot in the address map). */
uint64_t build_stack_top(size_t k);

/* Bank id for a bank name (NULL: the default bank). */
uint32_t build_bank(const struct build *b, const char *name);
