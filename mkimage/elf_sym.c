/*
 * elf_sym.c - the ELF reader's symbol table: the first SHT_SYMTAB section
 * and the string table it links to, copied into the image so that
 * mkimage's catalog and gdb script can name addresses.
 *
 * Invariant: every elf_symbol.name points into img->strtab, a copy of
 * the string table, and ends at a NUL found inside the original table;
 * symbol 0 (the null symbol) is left out.
 */
#include <stdlib.h>
#include <string.h>

#include "elf_priv.h"

/* Find section i's header; the table was checked to lie in the file. */
static const uint8_t *
shdr(const uint8_t *buf, unsigned i)
{
	return buf + elf_rd64(buf + EH_SHOFF) + (uint64_t)i * SHDR_SIZE;
}

/* Find the first SHT_SYMTAB section; returns its index or -1. */
static int
find_symtab(const uint8_t *buf)
{
	unsigned shnum = elf_rd16(buf + EH_SHNUM);

	for (unsigned i = 0; i < shnum; i++)
		if (elf_rd32(shdr(buf, i) + SH_TYPE) == SHT_SYMTAB)
			return (int)i;
	return -1;
}

/* Copy the string table section str into img->strtab. */
static int
copy_strtab(struct elf_image *img, const uint8_t *buf, size_t len,
    const uint8_t *str, uint64_t *strsz, char *err, size_t errlen)
{
	uint64_t off = elf_rd64(str + SH_OFFSET);

	*strsz = elf_rd64(str + SH_SIZE);
	if (elf_rd32(str + SH_TYPE) != SHT_STRTAB)
		return elf_fail(err, errlen, "symbol table links to a "
		    "section that is not a string table");
	if (!elf_in_file(off, *strsz, len))
		return elf_fail(err, errlen, "symbol string table out of "
		    "bounds");
	img->strtab = malloc(*strsz + 1);
	if (img->strtab == NULL)
		return elf_fail(err, errlen, "out of memory");
	if (*strsz > 0)
		memcpy(img->strtab, buf + off, *strsz);
	img->strtab[*strsz] = '\0';
	return 0;
}

int
elf_load_symbols(struct elf_image *img, const uint8_t *buf, size_t len,
    char *err, size_t errlen)
{
	const uint8_t *sym, *str;
	uint64_t off, size, strsz, n;
	unsigned link;
	int idx;

	idx = find_symtab(buf);
	if (idx < 0)
		return 0;
	sym = shdr(buf, (unsigned)idx);
	off = elf_rd64(sym + SH_OFFSET);
	size = elf_rd64(sym + SH_SIZE);
	link = elf_rd32(sym + SH_LINK);
	if (elf_rd64(sym + SH_ENTSIZE) != SYM_SIZE || size % SYM_SIZE != 0)
		return elf_fail(err, errlen, "symbol table: bad entry size");
	if (!elf_in_file(off, size, len))
		return elf_fail(err, errlen, "symbol table out of bounds");
	if (link == 0 || link >= elf_rd16(buf + EH_SHNUM))
		return elf_fail(err, errlen, "symbol table: bad string "
		    "table index %u", link);
	str = shdr(buf, link);
	if (copy_strtab(img, buf, len, str, &strsz, err, errlen) != 0)
		return -1;

	n = size / SYM_SIZE;
	if (n <= 1)
		return 0;
	img->syms = calloc(n - 1, sizeof(*img->syms));
	if (img->syms == NULL)
		return elf_fail(err, errlen, "out of memory");
	for (uint64_t i = 1; i < n; i++) {
		const uint8_t *p = buf + off + i * SYM_SIZE;
		struct elf_symbol *s = &img->syms[img->nsyms];
		uint32_t name = elf_rd32(p + ST_NAME);

		if (name >= strsz)
			return elf_fail(err, errlen, "symbol %llu: name "
			    "offset %u outside the string table",
			    (unsigned long long)i, name);
		if (memchr(img->strtab + name, '\0', strsz - name) == NULL)
			return elf_fail(err, errlen, "symbol %llu: name not "
			    "terminated in the string table",
			    (unsigned long long)i);
		s->name = img->strtab + name;
		s->value = elf_rd64(p + ST_VALUE);
		s->size = elf_rd64(p + ST_SIZE);
		s->type = p[ST_INFO] & 0xf;
		s->bind = p[ST_INFO] >> 4;
		s->shndx = elf_rd16(p + ST_SHNDX);
		img->nsyms++;
	}
	return 0;
}
