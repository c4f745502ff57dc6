/*
 * elf.c - the ELF reader: validate the ELF header and program headers of
 * an x86-64 executable and copy out its PT_LOAD segments (elf.h states
 * the invariants a loaded image keeps). Symbols are read by elf_sym.c,
 * dynamic relocations decoded and applied by reloc.c.
 *
 * The file is untrusted: every offset and size is checked against the
 * buffer with overflow-free arithmetic before any byte is read, and
 * nothing is allocated larger than the file itself.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elf_priv.h"

#define MAX_ALIGN	(1ull << 30)	/* larger p_align is absurd */

int
elf_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* Check e_ident and the fixed ELF header fields. */
static int
check_ehdr(const uint8_t *buf, size_t len, char *err, size_t errlen)
{
	static const uint8_t magic[4] = { 0x7f, 'E', 'L', 'F' };
	uint16_t type, machine;

	if (len < sizeof(magic) || memcmp(buf, magic, sizeof(magic)) != 0)
		return elf_fail(err, errlen, "not an ELF file (bad magic)");
	if (len < EI_NIDENT)
		return elf_fail(err, errlen, "truncated ELF header "
		    "(%zu bytes)", len);
	if (buf[EI_CLASS] == ELFCLASS32)
		return elf_fail(err, errlen, "32-bit ELF not supported "
		    "(need ELF64)");
	if (buf[EI_CLASS] != ELFCLASS64)
		return elf_fail(err, errlen, "bad ELF class %u",
		    buf[EI_CLASS]);
	if (buf[EI_DATA] == ELFDATA2MSB)
		return elf_fail(err, errlen, "big-endian ELF not supported");
	if (buf[EI_DATA] != ELFDATA2LSB)
		return elf_fail(err, errlen, "bad ELF data encoding %u",
		    buf[EI_DATA]);
	if (buf[EI_VERSION] != EV_CURRENT)
		return elf_fail(err, errlen, "bad ELF version %u",
		    buf[EI_VERSION]);
	if (len < EHDR_SIZE)
		return elf_fail(err, errlen, "truncated ELF header "
		    "(%zu bytes)", len);

	machine = elf_rd16(buf + EH_MACHINE);
	if (machine != EM_X86_64)
		return elf_fail(err, errlen, "wrong machine %u "
		    "(need x86-64, 62)", machine);
	type = elf_rd16(buf + EH_TYPE);
	if (type == 1)
		return elf_fail(err, errlen, "wrong ELF type: relocatable "
		    "object, not an executable");
	if (type != ELF_TYPE_EXEC && type != ELF_TYPE_DYN)
		return elf_fail(err, errlen, "wrong ELF type %u (need "
		    "ET_EXEC or ET_DYN)", type);
	if (elf_rd32(buf + EH_VERSION) != EV_CURRENT)
		return elf_fail(err, errlen, "bad e_version %u",
		    elf_rd32(buf + EH_VERSION));
	if (elf_rd16(buf + EH_EHSIZE) < EHDR_SIZE)
		return elf_fail(err, errlen, "bad e_ehsize %u",
		    elf_rd16(buf + EH_EHSIZE));
	return 0;
}

/* Check where the program and section header tables lie. */
static int
check_tables(const uint8_t *buf, size_t len, char *err, size_t errlen)
{
	uint64_t phoff = elf_rd64(buf + EH_PHOFF);
	uint64_t shoff = elf_rd64(buf + EH_SHOFF);
	uint16_t phnum = elf_rd16(buf + EH_PHNUM);
	uint16_t shnum = elf_rd16(buf + EH_SHNUM);

	if (phnum == 0)
		return elf_fail(err, errlen, "no program headers");
	if (phnum == 0xffff)
		return elf_fail(err, errlen, "extended program header "
		    "numbering not supported");
	if (elf_rd16(buf + EH_PHENTSIZE) != PHDR_SIZE)
		return elf_fail(err, errlen, "bad e_phentsize %u (need %u)",
		    elf_rd16(buf + EH_PHENTSIZE), PHDR_SIZE);
	if (!elf_in_file(phoff, (uint64_t)phnum * PHDR_SIZE, len))
		return elf_fail(err, errlen, "program header table out of "
		    "bounds (offset 0x%llx, %u entries, file %zu bytes)",
		    (unsigned long long)phoff, phnum, len);

	if (shnum == 0) {
		if (shoff != 0)
			return elf_fail(err, errlen, "extended section "
			    "numbering not supported");
		return 0;
	}
	if (elf_rd16(buf + EH_SHENTSIZE) != SHDR_SIZE)
		return elf_fail(err, errlen, "bad e_shentsize %u (need %u)",
		    elf_rd16(buf + EH_SHENTSIZE), SHDR_SIZE);
	if (!elf_in_file(shoff, (uint64_t)shnum * SHDR_SIZE, len))
		return elf_fail(err, errlen, "section header table out of "
		    "bounds (offset 0x%llx, %u entries, file %zu bytes)",
		    (unsigned long long)shoff, shnum, len);
	return 0;
}

/* Check one PT_LOAD program header on its own. */
static int
check_load(const uint8_t *ph, unsigned i, size_t len, char *err,
    size_t errlen)
{
	unsigned long long off = elf_rd64(ph + PH_OFFSET);
	unsigned long long va = elf_rd64(ph + PH_VADDR);
	unsigned long long fsz = elf_rd64(ph + PH_FILESZ);
	unsigned long long msz = elf_rd64(ph + PH_MEMSZ);
	unsigned long long align = elf_rd64(ph + PH_ALIGN);

	if (fsz > msz)
		return elf_fail(err, errlen, "segment %u: filesz 0x%llx > "
		    "memsz 0x%llx", i, fsz, msz);
	if (msz > ELF_MAX_SPAN)
		return elf_fail(err, errlen, "segment %u: memsz 0x%llx too "
		    "large (limit 1 TiB)", i, msz);
	if (!elf_in_file(off, fsz, len))
		return elf_fail(err, errlen, "segment %u: file range "
		    "0x%llx+0x%llx out of bounds (file %zu bytes)",
		    i, off, fsz, len);
	if (align > MAX_ALIGN || (align & (align - 1)) != 0)
		return elf_fail(err, errlen, "segment %u: bad alignment "
		    "0x%llx", i, align);
	if (msz == 0)
		return 0;
	if (!elf_canonical(va, msz))
		return elf_fail(err, errlen, "segment %u: address range "
		    "0x%llx+0x%llx overflows or is non-canonical", i, va, msz);
	if (va % ELF_PAGE_SIZE != off % ELF_PAGE_SIZE)
		return elf_fail(err, errlen, "segment %u: vaddr 0x%llx not "
		    "page-congruent with offset 0x%llx", i, va, off);
	return 0;
}

/*
 * Check every program header, count the non-empty PT_LOAD segments and
 * find PT_DYNAMIC (its file range, or size 0 if there is none).
 */
static int
scan_phdrs(const uint8_t *buf, size_t len, size_t *nload,
    uint64_t *dynoff, uint64_t *dynsz, char *err, size_t errlen)
{
	uint64_t phoff = elf_rd64(buf + EH_PHOFF);
	unsigned phnum = elf_rd16(buf + EH_PHNUM);
	uint64_t total = 0;	/* file bytes the segments copy */
	int ndyn = 0;

	*nload = 0;
	*dynoff = *dynsz = 0;
	for (unsigned i = 0; i < phnum; i++) {
		const uint8_t *ph = buf + phoff + (uint64_t)i * PHDR_SIZE;
		uint32_t type = elf_rd32(ph + PH_TYPE);
		uint64_t off = elf_rd64(ph + PH_OFFSET);
		uint64_t fsz = elf_rd64(ph + PH_FILESZ);

		switch (type) {
		case PT_LOAD:
			if (check_load(ph, i, len, err, errlen) != 0)
				return -1;
			if (elf_rd64(ph + PH_MEMSZ) != 0)
				(*nload)++;
			/*
			 * Linkers give segments disjoint file ranges; many
			 * copies of the same bytes would let a small file
			 * claim memory quadratic in its size.
			 */
			total += fsz;		/* each <= len: cannot wrap */
			if (total > 2 * (uint64_t)len)
				return elf_fail(err, errlen, "PT_LOAD file "
				    "ranges overlap (0x%llx bytes from a "
				    "%zu-byte file)",
				    (unsigned long long)total, len);
			break;
		case PT_DYNAMIC:
			if (++ndyn > 1)
				return elf_fail(err, errlen, "more than one "
				    "PT_DYNAMIC");
			if (!elf_in_file(off, fsz, len))
				return elf_fail(err, errlen, "PT_DYNAMIC out "
				    "of bounds");
			*dynoff = off;
			*dynsz = fsz;
			break;
		case PT_INTERP:
			return elf_fail(err, errlen, "PT_INTERP present: needs "
			    "a dynamic linker (link statically)");
		case PT_TLS:
			return elf_fail(err, errlen, "PT_TLS: thread-local "
			    "storage not supported");
		case PT_SHLIB:
			return elf_fail(err, errlen, "PT_SHLIB not supported");
		case PT_NULL:
		case PT_NOTE:
		case PT_PHDR:
			break;
		default:
			/* OS and CPU types (PT_GNU_STACK...) are hints. */
			if (type < PT_LOOS)
				return elf_fail(err, errlen, "unsupported "
				    "program header type %u", type);
			break;
		}
	}
	if (*nload == 0)
		return elf_fail(err, errlen, "no loadable segments");
	return 0;
}

/* Copy the non-empty PT_LOAD segments into img->segs, in file order. */
static int
copy_segments(struct elf_image *img, const uint8_t *buf, size_t nload,
    char *err, size_t errlen)
{
	uint64_t phoff = elf_rd64(buf + EH_PHOFF);
	unsigned phnum = elf_rd16(buf + EH_PHNUM);

	img->segs = calloc(nload, sizeof(*img->segs));
	if (img->segs == NULL)
		return elf_fail(err, errlen, "out of memory");
	img->max_align = ELF_PAGE_SIZE;
	for (unsigned i = 0; i < phnum; i++) {
		const uint8_t *ph = buf + phoff + (uint64_t)i * PHDR_SIZE;
		struct elf_segment *s = &img->segs[img->nsegs];

		if (elf_rd32(ph + PH_TYPE) != PT_LOAD ||
		    elf_rd64(ph + PH_MEMSZ) == 0)
			continue;
		s->vaddr = elf_rd64(ph + PH_VADDR);
		s->memsz = elf_rd64(ph + PH_MEMSZ);
		s->filesz = elf_rd64(ph + PH_FILESZ);
		s->offset = elf_rd64(ph + PH_OFFSET);
		s->align = elf_rd64(ph + PH_ALIGN);
		s->flags = elf_rd32(ph + PH_FLAGS) &
		    (ELF_SEG_R | ELF_SEG_W | ELF_SEG_X);
		img->nsegs++;
		if (s->align > img->max_align)
			img->max_align = s->align;
		if (s->filesz == 0)
			continue;
		s->data = malloc(s->filesz);
		if (s->data == NULL)
			return elf_fail(err, errlen, "out of memory");
		memcpy(s->data, buf + s->offset, s->filesz);
	}
	return 0;
}

/*
 * Check the segments against each other: sorted, no two touching the
 * same page (pages get one set of permissions), span within the limit,
 * and the entry point inside an executable one.
 */
static int
check_layout(const struct elf_image *img, char *err, size_t errlen)
{
	const struct elf_segment *s, *p;
	const struct elf_segment *e;
	unsigned long long lo, last;

	for (size_t i = 1; i < img->nsegs; i++) {
		p = &img->segs[i - 1];
		s = &img->segs[i];
		last = p->vaddr + p->memsz - 1;		/* checked canonical */
		if (s->vaddr < p->vaddr)
			return elf_fail(err, errlen, "PT_LOAD segments not "
			    "sorted by address (0x%llx after 0x%llx)",
			    (unsigned long long)s->vaddr,
			    (unsigned long long)p->vaddr);
		if (s->vaddr <= last)
			return elf_fail(err, errlen, "PT_LOAD segments "
			    "overlap (0x%llx inside 0x%llx-0x%llx)",
			    (unsigned long long)s->vaddr,
			    (unsigned long long)p->vaddr, last);
		if (s->vaddr / ELF_PAGE_SIZE == last / ELF_PAGE_SIZE)
			return elf_fail(err, errlen, "PT_LOAD segments share "
			    "the page at 0x%llx", (unsigned long long)
			    (s->vaddr & ~(ELF_PAGE_SIZE - 1)));
	}
	lo = img->segs[0].vaddr;
	s = &img->segs[img->nsegs - 1];
	last = s->vaddr + s->memsz - 1;
	if (last - lo >= ELF_MAX_SPAN)
		return elf_fail(err, errlen, "segments span 0x%llx-0x%llx: "
		    "too large (limit 1 TiB)", lo, last);

	e = elf_find_segment(img, img->entry);
	if (e == NULL || (e->flags & ELF_SEG_X) == 0)
		return elf_fail(err, errlen, "entry point 0x%llx not in an "
		    "executable segment", (unsigned long long)img->entry);
	return 0;
}

int
elf_load(const uint8_t *buf, size_t len, struct elf_image **out, char *err,
    size_t errlen)
{
	struct elf_image *img;
	uint64_t dynoff, dynsz;
	size_t nload;

	*out = NULL;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (check_ehdr(buf, len, err, errlen) != 0 ||
	    check_tables(buf, len, err, errlen) != 0 ||
	    scan_phdrs(buf, len, &nload, &dynoff, &dynsz, err, errlen) != 0)
		return -1;

	img = calloc(1, sizeof(*img));
	if (img == NULL)
		return elf_fail(err, errlen, "out of memory");
	img->type = elf_rd16(buf + EH_TYPE);
	img->relocated = img->type == ELF_TYPE_EXEC;
	img->entry = elf_rd64(buf + EH_ENTRY);
	if (copy_segments(img, buf, nload, err, errlen) != 0 ||
	    check_layout(img, err, errlen) != 0 ||
	    elf_load_symbols(img, buf, len, err, errlen) != 0)
		goto fail;
	if (img->type == ELF_TYPE_DYN) {
		if (elf_load_relocs(img, buf, len, dynoff, dynsz, err,
		    errlen) != 0)
			goto fail;
	} else if (dynsz != 0) {
		if (elf_check_exec_dynamic(buf, len, dynoff, dynsz, err,
		    errlen) != 0)
			goto fail;
	}
	*out = img;
	return 0;

fail:
	elf_free(img);
	return -1;
}

void
elf_span(const struct elf_image *img, uint64_t *lo, uint64_t *hi)
{
	const struct elf_segment *s = &img->segs[img->nsegs - 1];

	/* elf_canonical() keeps the last page free, so this cannot wrap. */
	*lo = img->segs[0].vaddr & ~(ELF_PAGE_SIZE - 1);
	*hi = (s->vaddr + s->memsz + ELF_PAGE_SIZE - 1) & ~(ELF_PAGE_SIZE - 1);
}

const struct elf_segment *
elf_find_segment(const struct elf_image *img, uint64_t addr)
{
	size_t lo = 0, hi = img->nsegs;

	/* Binary search: segments are sorted and disjoint. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct elf_segment *s = &img->segs[mid];

		if (addr < s->vaddr)
			hi = mid;
		else if (addr - s->vaddr >= s->memsz)
			lo = mid + 1;
		else
			return s;
	}
	return NULL;
}

int
elf_vaddr_to_file(const struct elf_image *img, uint64_t vaddr,
    uint64_t size, uint64_t *off)
{
	const struct elf_segment *s = elf_find_segment(img, vaddr);

	if (s == NULL || !elf_in_file(vaddr - s->vaddr, size, s->filesz))
		return -1;
	*off = s->offset + (vaddr - s->vaddr);
	return 0;
}

int
elf_read(const struct elf_image *img, uint64_t addr, void *out, size_t len)
{
	uint8_t *o = out;

	while (len > 0) {
		const struct elf_segment *s = elf_find_segment(img, addr);
		uint64_t in, n;

		if (s == NULL)
			return -1;
		in = addr - s->vaddr;
		n = s->memsz - in < len ? s->memsz - in : len;
		for (uint64_t k = 0; k < n; k++)
			o[k] = in + k < s->filesz ? s->data[in + k] : 0;
		o += n;
		len -= n;
		addr += n;
	}
	return 0;
}

const struct elf_symbol *
elf_find_symbol(const struct elf_image *img, const char *name)
{
	for (size_t i = 0; i < img->nsyms; i++)
		if (strcmp(img->syms[i].name, name) == 0)
			return &img->syms[i];
	return NULL;
}

void
elf_free(struct elf_image *img)
{
	if (img == NULL)
		return;
	for (size_t i = 0; i < img->nsegs; i++)
		free(img->segs[i].data);
	free(img->segs);
	free(img->syms);
	free(img->relocs);
	free(img->strtab);
	free(img);
}
