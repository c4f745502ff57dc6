/*
 * reloc.c - dynamic relocations of position-independent (ET_DYN)
 * programs: decoded and checked once by elf_load() from the PT_DYNAMIC
 * tables (DT_RELA, DT_JMPREL, DT_RELR), applied by elf_relocate() when
 * mkimage has chosen the program's base.
 *
 * We are a static system: a program that needs shared libraries
 * (DT_NEEDED) or a relocation other than R_X86_64_RELATIVE, or
 * R_X86_64_64 / R_X86_64_GLOB_DAT against a symbol the program defines,
 * is rejected at load time, naming the relocation type. Hence
 * elf_relocate() validates only the base, then cannot fail.
 *
 * Invariant: every elf_reloc in an image has its 8-byte target inside
 * one segment's file bytes (checked at load), and the image holds no
 * more relocations than the file has 8-byte words.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elf_priv.h"

/* The dynamic section entries we use; "have" bits say which appeared. */
struct dyninfo {
	uint64_t	rela, relasz, relaent;
	uint64_t	jmprel, pltrelsz, pltrel;
	uint64_t	relr, relrsz;
	uint64_t	symtab, strtab, strsz, syment;
	int		have_rela, have_jmprel, have_relr;
	int		have_symtab, have_strtab;
};

#define DT_RELENT	19
#define DT_RELRENT	37

static const char *const reloc_names[] = {
	"R_X86_64_NONE", "R_X86_64_64", "R_X86_64_PC32", "R_X86_64_GOT32",
	"R_X86_64_PLT32", "R_X86_64_COPY", "R_X86_64_GLOB_DAT",
	"R_X86_64_JUMP_SLOT", "R_X86_64_RELATIVE", "R_X86_64_GOTPCREL",
	"R_X86_64_32", "R_X86_64_32S", "R_X86_64_16", "R_X86_64_PC16",
	"R_X86_64_8", "R_X86_64_PC8", "R_X86_64_DTPMOD64",
	"R_X86_64_DTPOFF64", "R_X86_64_TPOFF64", "R_X86_64_TLSGD",
	"R_X86_64_TLSLD", "R_X86_64_DTPOFF32", "R_X86_64_GOTTPOFF",
	"R_X86_64_TPOFF32", "R_X86_64_PC64", "R_X86_64_GOTOFF64",
	"R_X86_64_GOTPC32", "R_X86_64_GOT64", "R_X86_64_GOTPCREL64",
	"R_X86_64_GOTPC64", "R_X86_64_GOTPLT64", "R_X86_64_PLTOFF64",
	"R_X86_64_SIZE32", "R_X86_64_SIZE64", "R_X86_64_GOTPC32_TLSDESC",
	"R_X86_64_TLSDESC_CALL", "R_X86_64_TLSDESC", "R_X86_64_IRELATIVE",
	"R_X86_64_RELATIVE64", "R_X86_64_PC32_BND", "R_X86_64_PLT32_BND",
	"R_X86_64_GOTPCRELX", "R_X86_64_REX_GOTPCRELX",
};

const char *
elf_reloc_name(uint32_t t)
{
	if (t >= sizeof(reloc_names) / sizeof(reloc_names[0]))
		return NULL;
	return reloc_names[t];
}

/* Read the dynamic section at buf[off, off + size) into *d. */
static int
parse_dynamic(const uint8_t *buf, size_t len, uint64_t off, uint64_t size,
    struct dyninfo *d, char *err, size_t errlen)
{
	memset(d, 0, sizeof(*d));
	assert(elf_in_file(off, size, len));
	for (uint64_t i = 0; i + DYN_SIZE <= size; i += DYN_SIZE) {
		uint64_t tag = elf_rd64(buf + off + i);
		uint64_t val = elf_rd64(buf + off + i + 8);

		switch (tag) {
		case DT_NULL:
			return 0;
		case DT_NEEDED:
			return elf_fail(err, errlen, "needs shared libraries "
			    "(DT_NEEDED): dynamic linking not supported");
		case DT_REL:
		case DT_RELSZ:
		case DT_RELENT:
			return elf_fail(err, errlen, "DT_REL relocations not "
			    "supported (x86-64 uses DT_RELA)");
		case DT_RELA:	d->rela = val; d->have_rela = 1; break;
		case DT_RELASZ:	d->relasz = val; break;
		case DT_RELAENT: d->relaent = val; break;
		case DT_JMPREL:	d->jmprel = val; d->have_jmprel = 1; break;
		case DT_PLTRELSZ: d->pltrelsz = val; break;
		case DT_PLTREL:	d->pltrel = val; break;
		case DT_RELR:	d->relr = val; d->have_relr = 1; break;
		case DT_RELRSZ:	d->relrsz = val; break;
		case DT_RELRENT:
			if (val != 8)
				return elf_fail(err, errlen, "bad DT_RELRENT "
				    "%llu", (unsigned long long)val);
			break;
		case DT_SYMTAB:	d->symtab = val; d->have_symtab = 1; break;
		case DT_STRTAB:	d->strtab = val; d->have_strtab = 1; break;
		case DT_STRSZ:	d->strsz = val; break;
		case DT_SYMENT:	d->syment = val; break;
		default:
			break;
		}
	}
	return elf_fail(err, errlen, "dynamic section not terminated by "
	    "DT_NULL");
}

/* Append one relocation to img->relocs, growing it within the cap. */
static int
push(struct elf_image *img, size_t cap, const struct elf_reloc *r,
    char *err, size_t errlen)
{
	struct elf_reloc *n;
	size_t want;

	if (img->nrelocs >= cap)
		return elf_fail(err, errlen, "more relocations than the "
		    "file has 8-byte words");
	if ((img->nrelocs & (img->nrelocs - 1)) == 0) {	/* 0, 1, 2, 4... */
		want = img->nrelocs == 0 ? 16 : img->nrelocs * 2;
		if (want < img->nrelocs)
			return elf_fail(err, errlen, "out of memory");
		n = realloc(img->relocs, want * sizeof(*n));
		if (n == NULL)
			return elf_fail(err, errlen, "out of memory");
		img->relocs = n;
	}
	img->relocs[img->nrelocs++] = *r;
	return 0;
}

/*
 * The name of dynamic symbol sym for messages, made printable and cut to
 * fit out (n bytes); "" if the file gives it no name we can find.
 */
static const char *
dynsym_name(const struct elf_image *img, const uint8_t *buf,
    const struct dyninfo *d, const uint8_t *sym, char *out, size_t n)
{
	uint64_t off, name = elf_rd32(sym + ST_NAME);
	const uint8_t *p;
	size_t o = 0;

	out[0] = '\0';
	if (!d->have_strtab || name >= d->strsz ||
	    elf_vaddr_to_file(img, d->strtab, d->strsz, &off) != 0)
		return out;
	p = buf + off + name;
	for (uint64_t i = 0; i < d->strsz - name && p[i] != '\0'; i++) {
		if (o + 5 >= n)
			break;
		if (p[i] < 0x20 || p[i] >= 0x7f)
			o += (size_t)snprintf(out + o, n - o, "\\x%02x", p[i]);
		else
			out[o++] = (char)p[i];
	}
	out[o] = '\0';
	return out;
}

/*
 * Resolve the symbol of an R_X86_64_64 or GLOB_DAT relocation: its value
 * S and whether S moves with the base.
 */
static int
resolve(const struct elf_image *img, const uint8_t *buf,
    const struct dyninfo *d, uint64_t symi, const char *what, uint64_t *s,
    int *add_base, char *err, size_t errlen)
{
	uint64_t va, off;
	const uint8_t *sym;
	uint16_t shndx;
	char name[64];

	if (!d->have_symtab)
		return elf_fail(err, errlen, "%s against symbol %llu but "
		    "no DT_SYMTAB", what, (unsigned long long)symi);
	if (d->syment != SYM_SIZE)
		return elf_fail(err, errlen, "bad DT_SYMENT %llu",
		    (unsigned long long)d->syment);
	if (__builtin_add_overflow(d->symtab, symi * SYM_SIZE, &va) ||
	    elf_vaddr_to_file(img, va, SYM_SIZE, &off) != 0)
		return elf_fail(err, errlen, "%s: symbol %llu outside the "
		    "file", what, (unsigned long long)symi);
	sym = buf + off;
	shndx = elf_rd16(sym + ST_SHNDX);
	*s = elf_rd64(sym + ST_VALUE);
	*add_base = shndx != ELF_SHN_ABS;
	if (shndx == ELF_SHN_UNDEF && symi != 0) {
		if ((sym[ST_INFO] >> 4) != STB_WEAK) {
			dynsym_name(img, buf, d, sym, name, sizeof(name));
			return elf_fail(err, errlen, "%s against undefined "
			    "symbol '%s' (%llu): dynamic linking not "
			    "supported", what, name, (unsigned long long)symi);
		}
		*s = 0;		/* an undefined weak symbol is 0 */
		*add_base = 0;
	} else if (symi == 0) {
		*s = 0;
		*add_base = 0;
	}
	return 0;
}

/* Decode the RELA table at link address va, size bytes (table: name). */
static int
decode_rela(struct elf_image *img, const uint8_t *buf, size_t len,
    const struct dyninfo *d, uint64_t va, uint64_t size, const char *table,
    char *err, size_t errlen)
{
	uint64_t off, dummy;

	if (size == 0)
		return 0;	/* linkers leave an empty DT_RELA at 0 */
	if (size % RELA_SIZE != 0)
		return elf_fail(err, errlen, "%s size %llu not a multiple "
		    "of %u", table, (unsigned long long)size, RELA_SIZE);
	if (elf_vaddr_to_file(img, va, size, &off) != 0)
		return elf_fail(err, errlen, "%s table 0x%llx+0x%llx not "
		    "inside a segment's file bytes", table,
		    (unsigned long long)va, (unsigned long long)size);
	for (uint64_t i = 0; i < size; i += RELA_SIZE) {
		const uint8_t *p = buf + off + i;
		uint64_t info = elf_rd64(p + 8), s = 0, a = elf_rd64(p + 16);
		uint32_t type = (uint32_t)info;
		const char *name = elf_reloc_name(type);
		struct elf_reloc r = { .offset = elf_rd64(p), .type = type };
		int add_base = 0;

		switch (type) {
		case R_X86_64_NONE:
			continue;
		case R_X86_64_RELATIVE:
			r.value = a;
			r.add_base = 1;
			break;
		case R_X86_64_64:
		case R_X86_64_GLOB_DAT:
			if (resolve(img, buf, d, info >> 32, name, &s,
			    &add_base, err, errlen) != 0)
				return -1;
			r.value = type == R_X86_64_64 ? s + a : s;
			r.add_base = add_base;
			break;
		default:
			if (name == NULL)
				return elf_fail(err, errlen, "unknown "
				    "relocation type %u", type);
			return elf_fail(err, errlen, "unsupported relocation "
			    "type %s", name);
		}
		if (elf_vaddr_to_file(img, r.offset, 8, &dummy) != 0)
			return elf_fail(err, errlen, "%s at 0x%llx outside the "
			    "segments' file bytes", name,
			    (unsigned long long)r.offset);
		if (push(img, len / 8, &r, err, errlen) != 0)
			return -1;
	}
	return 0;
}

/* Add one DT_RELR relocation at link address va (addend in place). */
static int
relr_one(struct elf_image *img, const uint8_t *buf, size_t len, uint64_t va,
    char *err, size_t errlen)
{
	struct elf_reloc r = { .offset = va, .add_base = 1,
	    .type = R_X86_64_RELATIVE };
	uint64_t off;

	if (elf_vaddr_to_file(img, va, 8, &off) != 0)
		return elf_fail(err, errlen, "DT_RELR relocation at 0x%llx "
		    "outside the segments' file bytes",
		    (unsigned long long)va);
	r.value = elf_rd64(buf + off);
	return push(img, len / 8, &r, err, errlen);
}

/*
 * Decode the packed relative relocations: an even entry is an address,
 * an odd one a bitmap of the 63 words that follow the last address.
 */
static int
decode_relr(struct elf_image *img, const uint8_t *buf, size_t len,
    const struct dyninfo *d, char *err, size_t errlen)
{
	uint64_t off, where = 0;
	int have_where = 0;

	if (d->relrsz % 8 != 0 ||
	    elf_vaddr_to_file(img, d->relr, d->relrsz, &off) != 0)
		return elf_fail(err, errlen, "DT_RELR table 0x%llx+0x%llx "
		    "not inside a segment's file bytes",
		    (unsigned long long)d->relr,
		    (unsigned long long)d->relrsz);
	for (uint64_t i = 0; i < d->relrsz; i += 8) {
		uint64_t e = elf_rd64(buf + off + i);

		if ((e & 1) == 0) {
			if (relr_one(img, buf, len, e, err, errlen) != 0)
				return -1;
			have_where = 1;
			where = e + 8;	/* e is in the file: cannot wrap */
			continue;
		}
		if (!have_where)
			return elf_fail(err, errlen, "DT_RELR bitmap before "
			    "any address");
		if (where > UINT64_MAX - 63 * 8)
			return elf_fail(err, errlen, "DT_RELR addresses "
			    "overflow");
		for (unsigned b = 0; b < 63; b++) {
			if (((e >> (b + 1)) & 1) != 0 && relr_one(img, buf,
			    len, where + b * 8ull, err, errlen) != 0)
				return -1;
		}
		where += 63 * 8;
	}
	return 0;
}

int
elf_load_relocs(struct elf_image *img, const uint8_t *buf, size_t len,
    uint64_t dynoff, uint64_t dynsz, char *err, size_t errlen)
{
	struct dyninfo d;

	if (dynsz == 0)
		return 0;	/* position independent without relocations */
	if (parse_dynamic(buf, len, dynoff, dynsz, &d, err, errlen) != 0)
		return -1;
	if (d.have_relr && decode_relr(img, buf, len, &d, err, errlen) != 0)
		return -1;
	if (d.have_rela) {
		if (d.relaent != RELA_SIZE)
			return elf_fail(err, errlen, "bad DT_RELAENT %llu",
			    (unsigned long long)d.relaent);
		if (decode_rela(img, buf, len, &d, d.rela, d.relasz,
		    "DT_RELA", err, errlen) != 0)
			return -1;
	}
	if (d.have_jmprel) {
		if (d.pltrel != DT_RELA)
			return elf_fail(err, errlen, "bad DT_PLTREL %llu",
			    (unsigned long long)d.pltrel);
		if (decode_rela(img, buf, len, &d, d.jmprel, d.pltrelsz,
		    "DT_JMPREL", err, errlen) != 0)
			return -1;
	}
	return 0;
}

int
elf_check_exec_dynamic(const uint8_t *buf, size_t len, uint64_t dynoff,
    uint64_t dynsz, char *err, size_t errlen)
{
	struct dyninfo d;

	if (parse_dynamic(buf, len, dynoff, dynsz, &d, err, errlen) != 0)
		return -1;
	if ((d.have_rela && d.relasz != 0) ||
	    (d.have_jmprel && d.pltrelsz != 0) ||
	    (d.have_relr && d.relrsz != 0))
		return elf_fail(err, errlen, "fixed-address executable "
		    "(ET_EXEC) carries dynamic relocations");
	return 0;
}

int
elf_relocate(struct elf_image *img, uint64_t base, char *err,
    size_t errlen)
{
	uint64_t va;

	if (img->type == ELF_TYPE_EXEC) {
		if (base != 0)
			return elf_fail(err, errlen, "fixed-address executable "
			    "(ET_EXEC) cannot be moved to base 0x%llx",
			    (unsigned long long)base);
		return 0;
	}
	if (img->relocated)
		return elf_fail(err, errlen, "already relocated to 0x%llx",
		    (unsigned long long)img->base);
	if (base % img->max_align != 0)
		return elf_fail(err, errlen, "base 0x%llx not aligned to "
		    "0x%llx", (unsigned long long)base,
		    (unsigned long long)img->max_align);
	for (size_t i = 0; i < img->nsegs; i++) {
		const struct elf_segment *s = &img->segs[i];

		if (__builtin_add_overflow(base, s->vaddr, &va) ||
		    !elf_canonical(va, s->memsz))
			return elf_fail(err, errlen, "base 0x%llx puts segment "
			    "0x%llx+0x%llx out of the canonical address space",
			    (unsigned long long)base,
			    (unsigned long long)s->vaddr,
			    (unsigned long long)s->memsz);
	}

	/* Commit point: nothing below can fail. */
	for (size_t i = 0; i < img->nrelocs; i++) {
		const struct elf_reloc *r = &img->relocs[i];
		const struct elf_segment *s = elf_find_segment(img, r->offset);

		assert(s != NULL && elf_in_file(r->offset - s->vaddr, 8,
		    s->filesz));
		elf_wr64(s->data + (r->offset - s->vaddr),
		    r->add_base ? r->value + base : r->value);
	}
	for (size_t i = 0; i < img->nsegs; i++)
		img->segs[i].vaddr += base;
	img->entry += base;
	for (size_t i = 0; i < img->nsyms; i++) {
		struct elf_symbol *s = &img->syms[i];

		if (s->shndx != ELF_SHN_UNDEF && s->shndx != ELF_SHN_ABS)
			s->value += base;
	}
	img->base = base;
	img->relocated = 1;
	return 0;
}
