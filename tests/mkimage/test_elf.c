/*
 * test_elf.c - host tests of mkimage's ELF reader on the valid half of
 * the ELF corpus (tests/elf/): segments, permissions, entry, symbols and
 * the result of relocation, checked against the programs' own symbols,
 * plus the API's contracts (errors leave images unchanged, buffers are
 * copied, error text is bounded). Suite "elf".
 */
#include <stdint.h>
#include <string.h>

#include "mkimage/elf.h"
#include "tests/host/check.h"
#include "tests/mkimage/test_elf_io.h"

#define R_RELATIVE	8
#define R_64		1
#define R_GLOB_DAT	6

static char err[256];

/* Load corpus file name; NULL (with the test failed) if it does not. */
static struct elf_image *
load(const char *name)
{
	struct elf_image *img = NULL;
	size_t len;
	uint8_t *buf = corpus_read(name, &len);

	if (buf == NULL) {
		check_fail("cannot read %s/%s", ELF_CORPUS_DIR, name);
		return NULL;
	}
	if (elf_load(buf, len, &img, err, sizeof(err)) != 0)
		check_fail("%s: %s", name, err);
	memset(buf, 0xee, len);		/* the image must not use buf */
	free(buf);
	return img;
}

static uint64_t
addr(const struct elf_image *img, const char *name)
{
	const struct elf_symbol *s = elf_find_symbol(img, name);

	if (s == NULL) {
		check_fail("no symbol %s", name);
		return 0;
	}
	return s->value;
}

static uint64_t
word(const struct elf_image *img, uint64_t a)
{
	uint64_t v = 0xdeadbeef;

	if (elf_read(img, a, &v, sizeof(v)) != 0)
		check_fail("cannot read 0x%llx", (unsigned long long)a);
	return v;
}

static uint32_t
flags_at(const struct elf_image *img, uint64_t a)
{
	const struct elf_segment *s = elf_find_segment(img, a);

	return s == NULL ? 0xff : s->flags;
}

/*
 * Check a loaded, final image of tests/elf/prog.c: every pointer holds
 * the final address of what it points to, and permissions follow the
 * sections (text R+X, rodata R, data and bss R+W).
 */
static void
check_prog(const struct elf_image *img)
{
	uint64_t table = addr(img, "corpus_table");
	uint64_t ptrs = addr(img, "corpus_ptrs");
	uint64_t greet = addr(img, "corpus_greeting");
	uint64_t scratch = addr(img, "corpus_scratch");
	const struct elf_segment *s;
	char text[8];

	CHECK(img->relocated);
	CHECK(img->entry == addr(img, "_start"));
	CHECK(flags_at(img, img->entry) == (ELF_SEG_R | ELF_SEG_X));
	CHECK(elf_find_symbol(img, "_start")->type == ELF_STT_FUNC);
	CHECK(elf_find_symbol(img, "corpus_table")->type == ELF_STT_OBJECT);
	CHECK(elf_find_symbol(img, "corpus_table")->size == 16);
	CHECK_MSG(word(img, addr(img, "corpus_magic")) ==
	    0x1122334455667788ull, "magic 0x%llx", (unsigned long long)
	    word(img, addr(img, "corpus_magic")));
	CHECK(flags_at(img, addr(img, "corpus_magic")) ==
	    (ELF_SEG_R | ELF_SEG_W));
	CHECK_MSG(word(img, ptrs) == table, "ptrs[0] 0x%llx, table 0x%llx",
	    (unsigned long long)word(img, ptrs), (unsigned long long)table);
	CHECK(word(img, ptrs + 8) == table + 8);
	CHECK(word(img, ptrs + 16) == 0);
	CHECK(word(img, addr(img, "corpus_msg")) == greet);
	CHECK(elf_read(img, greet, text, 7) == 0);
	CHECK(memcmp(text, "corpus", 7) == 0);
	CHECK((flags_at(img, greet) & ELF_SEG_W) == 0);
	CHECK(word(img, scratch + 8192 - 8) == 0);
	s = elf_find_segment(img, scratch);
	CHECK(s != NULL && s->flags == (ELF_SEG_R | ELF_SEG_W));
	CHECK(scratch - s->vaddr >= s->filesz);	/* .bss is not in the file */
	for (size_t i = 1; i < img->nsegs; i++)
		CHECK(img->segs[i].vaddr > img->segs[i - 1].vaddr);
}

static void
test_static(void)
{
	struct elf_image *img = load("static.elf");

	if (img == NULL)
		return;
	CHECK(img->type == ELF_TYPE_EXEC && img->base == 0);
	CHECK(img->nrelocs == 0);
	CHECK(img->segs[0].vaddr >= 0x400000);
	check_prog(img);
	/* Separate code pages (the default): rodata is neither W nor X. */
	CHECK(flags_at(img, addr(img, "corpus_greeting")) == ELF_SEG_R);
	CHECK(elf_relocate(img, 0, err, sizeof(err)) == 0);
	CHECK(elf_relocate(img, 0x1000000, err, sizeof(err)) != 0);
	CHECK(strstr(err, "cannot be moved") != NULL);
	check_prog(img);
	elf_free(img);
}

static void
test_compact(void)
{
	struct elf_image *img = load("compact.elf");

	if (img == NULL)
		return;
	CHECK(img->type == ELF_TYPE_EXEC);
	check_prog(img);
	elf_free(img);
}

static void
test_high(void)
{
	struct elf_image *img = load("high.elf");
	uint64_t lo, hi;

	if (img == NULL)
		return;
	elf_span(img, &lo, &hi);
	CHECK(lo == 0xffffffff80000000ull && hi > lo);
	check_prog(img);
	elf_free(img);
}

/* Load a PIE, relocate it to base and check it as prog.c. */
static void
pie_at(const char *name, uint64_t base)
{
	struct elf_image *img = load(name);
	uint64_t link_entry, lo, hi;

	if (img == NULL)
		return;
	CHECK(img->type == ELF_TYPE_DYN && !img->relocated);
	CHECK_MSG(img->nrelocs >= 3, "%zu relocations", img->nrelocs);
	for (size_t i = 0; i < img->nrelocs; i++)
		CHECK(img->relocs[i].type == R_RELATIVE);
	link_entry = img->entry;
	CHECK(elf_relocate(img, base, err, sizeof(err)) == 0);
	CHECK(img->base == base && img->entry == link_entry + base);
	elf_span(img, &lo, &hi);
	CHECK(lo == base && hi > lo);
	check_prog(img);
	CHECK(elf_relocate(img, base, err, sizeof(err)) != 0);
	CHECK(strstr(err, "already relocated") != NULL);
	elf_free(img);
}

static void
test_pie(void)
{
	pie_at("pie.elf", 0x40000000);
	pie_at("pie.elf", 0);
	pie_at("pie.elf", 0x7f0000000000);
}

static void
test_pie_relr(void)
{
	pie_at("pie_relr.elf", 0x1000);
	pie_at("pie_relr.elf", 0x123456789000);
}

/* A bad base is refused and leaves the image as it was. */
static void
test_bad_base(void)
{
	static const uint64_t bad[] = {
		0x40000800, 0x7ffffffff000, 0xfffffffffffff000,
		0x0000800000000000, 0xffff000000000000,
	};
	struct elf_image *img = load("pie.elf");
	uint64_t entry, w;

	if (img == NULL)
		return;
	entry = img->entry;
	w = word(img, addr(img, "corpus_ptrs"));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_MSG(elf_relocate(img, bad[i], err, sizeof(err)) != 0,
		    "base 0x%llx accepted", (unsigned long long)bad[i]);
		CHECK(err[0] != '\0');
		CHECK(!img->relocated && img->entry == entry);
		CHECK(word(img, addr(img, "corpus_ptrs")) == w);
	}
	CHECK(strstr(err, "canonical") != NULL);
	CHECK(elf_relocate(img, 0x40000800, err, sizeof(err)) != 0);
	CHECK(strstr(err, "not aligned") != NULL);
	CHECK(elf_relocate(img, 0x5000000, err, sizeof(err)) == 0);
	check_prog(img);
	elf_free(img);
}

/* R_X86_64_64 and GLOB_DAT against the program's own symbols. */
static void
test_symbol_relocs(void)
{
	struct elf_image *img = load("sym.elf");
	const uint64_t base = 0x200000000;
	int n64 = 0, nglob = 0, got_array = 0;

	if (img == NULL)
		return;
	for (size_t i = 0; i < img->nrelocs; i++) {
		n64 += img->relocs[i].type == R_64;
		nglob += img->relocs[i].type == R_GLOB_DAT;
	}
	CHECK_MSG(n64 >= 2 && nglob >= 1, "%d R_X86_64_64, %d GLOB_DAT",
	    n64, nglob);
	CHECK(elf_relocate(img, base, err, sizeof(err)) == 0);
	CHECK(addr(img, "sym_value") > base);
	CHECK(word(img, addr(img, "sym_ptr")) == addr(img, "sym_value"));
	CHECK(word(img, addr(img, "sym_ptr2")) == addr(img, "sym_array") + 8);
	for (size_t i = 0; i < img->nrelocs; i++) {
		const struct elf_reloc *r = &img->relocs[i];

		if (r->type == R_GLOB_DAT)
			got_array |= word(img, r->offset + base) ==
			    addr(img, "sym_array");
	}
	CHECK(got_array);
	elf_free(img);
}

/* 4 MiB of data copied whole, 32 MiB of .bss costing nothing. */
static void
test_big(void)
{
	const uint64_t ndata = 4u << 20, nbss = 32u << 20;
	struct elf_image *img = load("big.elf");
	const struct elf_segment *s;
	uint64_t data, bss;
	uint8_t b;

	if (img == NULL)
		return;
	data = addr(img, "big_data");
	bss = addr(img, "big_bss");
	s = elf_find_segment(img, data);
	CHECK(s != NULL && s->filesz >= ndata);
	CHECK(s->memsz - s->filesz >= nbss);
	CHECK(elf_find_segment(img, bss) == s);
	CHECK(elf_read(img, data, &b, 1) == 0 && b == 0xa5);
	CHECK(elf_read(img, data + ndata - 1, &b, 1) == 0 && b == 0x5a);
	CHECK(elf_read(img, data + ndata / 2, &b, 1) == 0 && b == 0);
	CHECK(elf_read(img, bss + nbss - 1, &b, 1) == 0 && b == 0);
	CHECK(elf_find_symbol(img, "big_bss")->size == nbss);
	elf_free(img);
}

/* elf_read refuses anything outside the segments, gaps included. */
static void
test_read_bounds(void)
{
	struct elf_image *img = load("static.elf");
	const struct elf_segment *last;
	uint8_t b[16];

	if (img == NULL)
		return;
	last = &img->segs[img->nsegs - 1];
	CHECK(elf_read(img, last->vaddr + last->memsz - 1, b, 1) == 0);
	CHECK(elf_read(img, last->vaddr + last->memsz - 1, b, 2) != 0);
	CHECK(elf_read(img, img->segs[0].vaddr - 1, b, 1) != 0);
	CHECK(elf_read(img, 0, b, 1) != 0);
	CHECK(elf_read(img, UINT64_MAX, b, 1) != 0);
	CHECK(elf_read(img, img->entry, b, 0) == 0);
	CHECK(elf_find_segment(img, UINT64_MAX) == NULL);
	elf_free(img);
}

static void
test_reloc_names(void)
{
	CHECK(strcmp(elf_reloc_name(8), "R_X86_64_RELATIVE") == 0);
	CHECK(strcmp(elf_reloc_name(7), "R_X86_64_JUMP_SLOT") == 0);
	CHECK(strcmp(elf_reloc_name(42), "R_X86_64_REX_GOTPCRELX") == 0);
	CHECK(elf_reloc_name(43) == NULL);
	CHECK(elf_reloc_name(UINT32_MAX) == NULL);
}

/* The error text is cut to the caller's buffer, and may be omitted. */
static void
test_error_buffer(void)
{
	static const uint8_t junk[100] = { 0x7f, 'E', 'L', 'F', 1 };
	struct elf_image *img = (struct elf_image *)1;
	char small[8];

	memset(small, 'x', sizeof(small));
	CHECK(elf_load(junk, sizeof(junk), &img, small, sizeof(small)) != 0);
	CHECK(img == NULL);
	CHECK(small[7] == '\0' && strlen(small) == 7);
	CHECK(elf_load(junk, sizeof(junk), &img, NULL, 0) != 0);
	CHECK(elf_load(junk, 0, &img, err, sizeof(err)) != 0);
	CHECK(strstr(err, "not an ELF file") != NULL);
	CHECK(strchr(err, '\n') == NULL);
	elf_free(NULL);
}

static const struct check_case cases[] = {
	CHECK_CASE(test_static),
	CHECK_CASE(test_compact),
	CHECK_CASE(test_high),
	CHECK_CASE(test_pie),
	CHECK_CASE(test_pie_relr),
	CHECK_CASE(test_bad_base),
	CHECK_CASE(test_symbol_relocs),
	CHECK_CASE(test_big),
	CHECK_CASE(test_read_bounds),
	CHECK_CASE(test_reloc_names),
	CHECK_CASE(test_error_buffer),
};

int
main(void)
{
	return check_run("elf", cases, CHECK_COUNT(cases));
}
