/*
 * fuzz_elf.c - libFuzzer harness for mkimage's ELF reader (mkimage/elf.h).
 *
 * Each input is a whole file. Besides what ASan and UBSan catch, the
 * harness aborts when elf_load() breaks its own contract: a failure must
 * leave no image and a one-line reason; a success must satisfy every
 * invariant elf.h promises, and elf_relocate() must then succeed at an
 * aligned canonical base and keep them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mkimage/elf.h"

#define CANON_LOW_END	0x0000800000000000ull

/* Abort (a crash the fuzzer reports) unless cond holds. */
#define REQUIRE(cond) do { if (!(cond)) abort(); } while (0)

/* The invariants of elf.h, on the image's current addresses. */
static void
check_image(const struct elf_image *img)
{
	uint64_t lo, hi;
	uint8_t b;

	REQUIRE(img->nsegs > 0);
	for (size_t i = 0; i < img->nsegs; i++) {
		const struct elf_segment *s = &img->segs[i];

		REQUIRE(s->memsz > 0 && s->filesz <= s->memsz);
		REQUIRE(s->memsz <= ELF_MAX_SPAN);
		REQUIRE(s->vaddr % ELF_PAGE_SIZE ==
		    s->offset % ELF_PAGE_SIZE);
		REQUIRE((s->filesz == 0) == (s->data == NULL));
		REQUIRE(elf_find_segment(img, s->vaddr) == s);
		REQUIRE(elf_find_segment(img, s->vaddr + s->memsz - 1) == s);
		REQUIRE(elf_read(img, s->vaddr + s->memsz - 1, &b, 1) == 0);
		if (s->filesz > 0)
			REQUIRE(elf_read(img, s->vaddr + s->filesz - 1, &b, 1)
			    == 0 && b == s->data[s->filesz - 1]);
		if (i > 0) {
			const struct elf_segment *p = &img->segs[i - 1];
			uint64_t plast = p->vaddr + p->memsz - 1;

			REQUIRE(s->vaddr / ELF_PAGE_SIZE >
			    plast / ELF_PAGE_SIZE);
		}
	}
	elf_span(img, &lo, &hi);
	REQUIRE(lo < hi && hi - lo <= ELF_MAX_SPAN + ELF_PAGE_SIZE);
	REQUIRE(hi <= CANON_LOW_END || lo >= 0xffff800000000000ull);
	REQUIRE(elf_find_segment(img, img->entry) != NULL);
	REQUIRE(elf_find_segment(img, img->entry)->flags & ELF_SEG_X);
	for (size_t i = 0; i < img->nrelocs; i++) {
		const struct elf_segment *s;
		uint64_t at = img->relocs[i].offset + img->base;

		s = elf_find_segment(img, at);
		REQUIRE(s != NULL && at - s->vaddr <= s->filesz - 8 &&
		    s->filesz >= 8);
	}
	for (size_t i = 0; i < img->nsyms; i++)
		REQUIRE(img->syms[i].name != NULL);
	for (size_t i = 0; i < img->nsyms && i < 16; i++)	/* O(n) each */
		REQUIRE(elf_find_symbol(img, img->syms[i].name) != NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct elf_image *img = (struct elf_image *)1;
	char err[128];
	uint64_t lo, hi, base;

	if (elf_load(data, size, &img, err, sizeof(err)) != 0) {
		REQUIRE(img == NULL);
		REQUIRE(err[0] != '\0' && strchr(err, '\n') == NULL);
		return 0;
	}
	check_image(img);
	if (img->type == ELF_TYPE_DYN) {
		REQUIRE(elf_relocate(img, 3, err, sizeof(err)) != 0);
		/* Move a lower-half image to the top of the lower half. */
		elf_span(img, &lo, &hi);
		base = 0;
		if (hi <= CANON_LOW_END)
			base = (CANON_LOW_END - hi) & ~(img->max_align - 1);
		REQUIRE(elf_relocate(img, base, err, sizeof(err)) == 0);
		REQUIRE(img->relocated && img->base == base);
		check_image(img);
	}
	REQUIRE(elf_relocate(img, img->max_align, err, sizeof(err)) != 0);
	elf_free(img);
	return 0;
}
