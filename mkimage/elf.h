/*
 * elf.h - mkimage's ELF reader: ELF64 little-endian x86-64 executables
 * (static ET_EXEC, or position-independent ET_DYN) read from a memory
 * buffer into loadable segments, an entry point and a symbol table, and
 * relocation of position-independent programs to a chosen base, once.
 *
 * Every byte of the input is untrusted. A bad file is rejected with a
 * one-line reason written to the caller's buffer (no file name: the
 * caller prefixes "file: "); no input makes these functions crash, read
 * out of bounds or allocate more than a small multiple of the file size.
 *
 * Invariants of a loaded struct elf_image (all enforced by elf_load()):
 * - segs[] are the PT_LOAD segments with memsz > 0, sorted by vaddr, no
 *   two touching the same 4 KiB page, each with filesz <= memsz, vaddr
 *   congruent to its file offset modulo 4 KiB, memsz <= ELF_MAX_SPAN,
 *   and [vaddr, vaddr + memsz) inside one canonical half of the 48-bit
 *   address space (after relocation as well as before);
 * - entry lies inside an executable segment;
 * - every relocation the program needs is one elf_relocate() can apply,
 *   and its 8-byte target lies inside one segment's file bytes.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* Segment permission bits (the values of ELF's PF_X, PF_W, PF_R). */
#define ELF_SEG_X	1u
#define ELF_SEG_W	2u
#define ELF_SEG_R	4u

/* e_type values a program may have. */
#define ELF_TYPE_EXEC	2	/* linked at a fixed address */
#define ELF_TYPE_DYN	3	/* position independent: needs a base */

#define ELF_PAGE_SIZE	4096ull
#define ELF_MAX_SPAN	(1ull << 40)	/* 1 TiB: larger is absurd */

/* Symbol section index values (ELF's SHN_UNDEF and SHN_ABS). */
#define ELF_SHN_UNDEF	0
#define ELF_SHN_ABS	0xfff1

/* Symbol types (ELF's STT_*), as stored in elf_symbol.type. */
#define ELF_STT_NOTYPE	0
#define ELF_STT_OBJECT	1
#define ELF_STT_FUNC	2
#define ELF_STT_SECTION	3
#define ELF_STT_FILE	4

struct elf_segment {
	uint64_t	vaddr;	/* first byte; final address once relocated */
	uint64_t	memsz;	/* bytes in memory; beyond filesz reads zero */
	uint64_t	filesz;	/* bytes taken from the file, <= memsz */
	uint64_t	offset;	/* where those bytes start in the file */
	uint64_t	align;	/* p_align: 0, 1 or a power of two */
	uint32_t	flags;	/* ELF_SEG_R | ELF_SEG_W | ELF_SEG_X */
	uint8_t		*data;	/* filesz bytes, owned by the image */
};

struct elf_symbol {
	const char	*name;	/* NUL-terminated, owned by the image */
	uint64_t	value;	/* final address once relocated (not ABS) */
	uint64_t	size;
	uint8_t		type;	/* ELF_STT_* (low 4 bits of st_info) */
	uint8_t		bind;	/* STB_* (high 4 bits of st_info) */
	uint16_t	shndx;	/* ELF_SHN_UNDEF, ELF_SHN_ABS or a section */
};

/* One dynamic relocation, decoded and checked by elf_load(). */
struct elf_reloc {
	uint64_t	offset;	/* link-time vaddr of the 8-byte target */
	uint64_t	value;	/* what to store, before adding the base */
	int		add_base; /* 1: store value + base; 0: value as is */
	uint32_t	type;	/* R_X86_64_* number, for the catalog */
};

struct elf_image {
	int		type;		/* ELF_TYPE_EXEC or ELF_TYPE_DYN */
	int		relocated;	/* 1 once addresses are final */
	uint64_t	base;		/* what was added to link addresses */
	uint64_t	entry;		/* final once relocated */
	size_t		nsegs;
	struct elf_segment *segs;
	size_t		nsyms;		/* 0 if the file has no .symtab */
	struct elf_symbol *syms;
	size_t		nrelocs;	/* ET_DYN only */
	struct elf_reloc *relocs;
	char		*strtab;	/* owned copy holding symbol names */
	uint64_t	max_align;	/* largest PT_LOAD alignment, >= 4096 */
};

/*
 * Parse and validate the ELF executable in buf[0..len). buf is only read
 * and need not stay alive afterwards: the image owns copies of
 * everything it keeps. On success returns 0 and stores a new image in
 * *out, to be released with elf_free(). ET_EXEC images come back final
 * (relocated = 1); ET_DYN images still hold link-time addresses (based
 * at 0) until elf_relocate(). On failure returns -1, leaves *out NULL
 * and writes a one-line reason to err (if errlen > 0; always
 * NUL-terminated). Fails only on bad input or when memory runs out.
 */
int	elf_load(const uint8_t *buf, size_t len, struct elf_image **out,
	    char *err, size_t errlen);

/*
 * Move an ET_DYN image to base: apply every dynamic relocation once to
 * the segment bytes, and add base to segment addresses, the entry point
 * and the value of every defined, non-absolute symbol. base must be a
 * multiple of img->max_align and keep every segment canonical. An
 * ET_EXEC image accepts only base 0 (a no-op): it must be placed at its
 * linked address, and the caller checks that it fits its slot.
 * Returns 0, or -1 with a reason in err (the image is then unchanged):
 * bad base, or the image was relocated already.
 */
int	elf_relocate(struct elf_image *img, uint64_t base, char *err,
	    size_t errlen);

/*
 * Lowest and one-past-highest address of the image's segments (current
 * addresses: link-time before elf_relocate(), final after), rounded out
 * to whole pages. An image always has at least one segment.
 */
void	elf_span(const struct elf_image *img, uint64_t *lo, uint64_t *hi);

/*
 * The segment containing address addr (current addresses), or NULL.
 */
const struct elf_segment *elf_find_segment(const struct elf_image *img,
	    uint64_t addr);

/*
 * Copy len bytes at address addr (current addresses) into out, bytes
 * past a segment's filesz reading as zero. Returns 0, or -1 if any byte
 * of the range lies outside every segment.
 */
int	elf_read(const struct elf_image *img, uint64_t addr, void *out,
	    size_t len);

/*
 * The first symbol named name, or NULL.
 */
const struct elf_symbol *elf_find_symbol(const struct elf_image *img,
	    const char *name);

/*
 * The name of x86-64 relocation type t ("R_X86_64_RELATIVE"), or NULL if
 * the number is not one the psABI defines.
 */
const char *elf_reloc_name(uint32_t t);

/*
 * Release an image and everything it owns. img may be NULL.
 */
void	elf_free(struct elf_image *img);
