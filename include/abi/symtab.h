/*
 * symtab.h - a program's symbol table as the running system reads it.
 * mkimage lays it out in read-only pages (`cap N symbols PROGRAM`,
 * docs/mkimage.md): a space that maps the table from address 0, so a
 * keeper stores the cap in a slot of its own space (any slot spanning at
 * least the table) and reads the table with ordinary loads, or reads it
 * through OC_PAGE_READ. The manifest holds the same symbols for host
 * tools; this copy is for processes, which cannot read the manifest.
 *
 * Layout: struct symtab_hdr, then nsyms struct symtab_ent sorted by
 * address (ties by name), then the names, each NUL-terminated, at byte
 * offset names from the start. Addresses are final: the program's
 * relocation (base) is already added, so they are the addresses every
 * process of the program runs at (the global address map).
 *
 * Invariants: magic is SYMTAB_MAGIC; every name offset is below
 * names_size and the names end with a NUL; the whole table fits in
 * size bytes. All fields little-endian; reserved fields zero.
 */
#pragma once

#include <stdint.h>

#define SYMTAB_MAGIC	UINT64_C(0x31304241544d5953)	/* "SYMTAB01" */

struct symtab_hdr {
	uint64_t	magic;		/* SYMTAB_MAGIC */
	uint64_t	size;		/* bytes of the whole table */
	uint64_t	base;		/* what was added to link addresses */
	uint64_t	lo, hi;		/* the program's span, page-rounded */
	uint32_t	nsyms;		/* entries after the header */
	uint32_t	names;		/* byte offset of the first name */
	uint32_t	names_size;	/* bytes of names */
	uint32_t	reserved;	/* zero */
};
_Static_assert(sizeof(struct symtab_hdr) == 56, "");
_Static_assert(__builtin_offsetof(struct symtab_hdr, nsyms) == 40, "");

/* Symbol types, as ELF's STT_*. */
#define SYMTAB_NOTYPE	0
#define SYMTAB_OBJECT	1
#define SYMTAB_FUNC	2

struct symtab_ent {
	uint64_t	addr;		/* final address */
	uint32_t	size;		/* bytes (0: unknown; clamped) */
	uint32_t	name;		/* offset from hdr.names */
	uint8_t		type;		/* SYMTAB_* */
	uint8_t		reserved[7];	/* zero */
};
_Static_assert(sizeof(struct symtab_ent) == 24, "");
_Static_assert(__builtin_offsetof(struct symtab_ent, name) == 12, "");
_Static_assert(__builtin_offsetof(struct symtab_ent, type) == 16, "");
