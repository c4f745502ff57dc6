/*
 * elf_priv.h - what the parts of the ELF reader (elf.c, elf_sym.c,
 * reloc.c) share and nobody else uses: ELF constants and field offsets
 * (our own, so that no system <elf.h> is needed), bounds-checked
 * little-endian reads and the error formatter.
 *
 * Every read from the file goes through elf_in_file() first, or through a
 * range already checked by it; offsets are computed only with the
 * overflow-checked helpers below.
 */
#pragma once

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "elf.h"

/* e_ident */
#define EI_NIDENT	16
#define EI_CLASS	4
#define EI_DATA		5
#define EI_VERSION	6
#define ELFCLASS32	1
#define ELFCLASS64	2
#define ELFDATA2LSB	1
#define ELFDATA2MSB	2
#define EV_CURRENT	1
#define EM_X86_64	62

/* Sizes of the 64-bit structures. */
#define EHDR_SIZE	64
#define PHDR_SIZE	56
#define SHDR_SIZE	64
#define SYM_SIZE	24
#define RELA_SIZE	24
#define DYN_SIZE	16

/* Elf64_Ehdr field offsets */
#define EH_TYPE		16
#define EH_MACHINE	18
#define EH_VERSION	20
#define EH_ENTRY	24
#define EH_PHOFF	32
#define EH_SHOFF	40
#define EH_EHSIZE	52
#define EH_PHENTSIZE	54
#define EH_PHNUM	56
#define EH_SHENTSIZE	58
#define EH_SHNUM	60

/* Elf64_Phdr field offsets */
#define PH_TYPE		0
#define PH_FLAGS	4
#define PH_OFFSET	8
#define PH_VADDR	16
#define PH_FILESZ	32
#define PH_MEMSZ	40
#define PH_ALIGN	48

/* Elf64_Shdr field offsets */
#define SH_TYPE		4
#define SH_OFFSET	24
#define SH_SIZE		32
#define SH_LINK		40
#define SH_ENTSIZE	56

/* Elf64_Sym field offsets */
#define ST_NAME		0
#define ST_INFO		4
#define ST_SHNDX	6
#define ST_VALUE	8
#define ST_SIZE		16

/* Program header types */
#define PT_NULL		0
#define PT_LOAD		1
#define PT_DYNAMIC	2
#define PT_INTERP	3
#define PT_NOTE		4
#define PT_SHLIB	5
#define PT_PHDR		6
#define PT_TLS		7
#define PT_LOOS		0x60000000u

/* Section types */
#define SHT_SYMTAB	2
#define SHT_STRTAB	3

/* Symbol binding */
#define STB_WEAK	2

/* Dynamic tags */
#define DT_NULL		0
#define DT_NEEDED	1
#define DT_PLTRELSZ	2
#define DT_STRTAB	5
#define DT_SYMTAB	6
#define DT_RELA		7
#define DT_RELASZ	8
#define DT_RELAENT	9
#define DT_STRSZ	10
#define DT_SYMENT	11
#define DT_REL		17
#define DT_RELSZ	18
#define DT_PLTREL	20
#define DT_JMPREL	23
#define DT_RELRSZ	35
#define DT_RELR		36

/* x86-64 relocation types we apply */
#define R_X86_64_NONE		0
#define R_X86_64_64		1
#define R_X86_64_GLOB_DAT	6
#define R_X86_64_RELATIVE	8

/* The largest canonical lower-half address + 1, and upper-half start. */
#define CANON_LOW_END	0x0000800000000000ull
#define CANON_HIGH_START 0xffff800000000000ull
#define CANON_TOP_PAGE	0xfffffffffffff000ull

static inline uint16_t
elf_rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t
elf_rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 |
	    (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t
elf_rd64(const uint8_t *p)
{
	return (uint64_t)elf_rd32(p) | (uint64_t)elf_rd32(p + 4) << 32;
}

static inline void
elf_wr64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Does [off, off + size) lie inside [0, len)? Never overflows. */
static inline int
elf_in_file(uint64_t off, uint64_t size, uint64_t len)
{
	return off <= len && size <= len - off;
}

/*
 * Is [addr, addr + size) non-empty and inside one canonical half of the
 * 48-bit address space, short of the top page (so that an end address
 * rounded up to a page never wraps to 0)? Never overflows.
 */
static inline int
elf_canonical(uint64_t addr, uint64_t size)
{
	uint64_t last;

	if (size == 0 || __builtin_add_overflow(addr, size - 1, &last))
		return 0;
	if (last < CANON_LOW_END)
		return 1;
	return addr >= CANON_HIGH_START && last < CANON_TOP_PAGE;
}

/* Write a formatted reason to err (when errlen > 0). Returns -1. */
int	elf_fail(char *err, size_t errlen, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/*
 * Map a link-time range [vaddr, vaddr + size) to the file: the offset of
 * its first byte if the whole range lies in one segment's file bytes.
 * Returns 0 and sets *off, or -1. img->segs must be in link-time form.
 */
int	elf_vaddr_to_file(const struct elf_image *img, uint64_t vaddr,
	    uint64_t size, uint64_t *off);

/*
 * Read the .symtab (if any) of the file into img->syms. The ELF header
 * has been checked. Returns 0, or -1 with a reason in err.
 */
int	elf_load_symbols(struct elf_image *img, const uint8_t *buf,
	    size_t len, char *err, size_t errlen);

/*
 * Decode and check the dynamic relocations of an ET_DYN image whose
 * segments are loaded, given its PT_DYNAMIC file range (dynsz 0: none).
 * Rejects dynamic linking (DT_NEEDED) and any relocation that
 * elf_relocate() could not apply. Returns 0, or -1 with a reason in err.
 */
int	elf_load_relocs(struct elf_image *img, const uint8_t *buf,
	    size_t len, uint64_t dynoff, uint64_t dynsz, char *err,
	    size_t errlen);

/*
 * Check the DT_NEEDED-free dynamic section of an ET_EXEC image: a fixed
 * address program with a PT_DYNAMIC may not need shared libraries or
 * carry relocations. Returns 0, or -1 with a reason in err.
 */
int	elf_check_exec_dynamic(const uint8_t *buf, size_t len,
	    uint64_t dynoff, uint64_t dynsz, char *err, size_t errlen);
