/*
 * test_elf_io.h - what the ELF reader's host tests share: reading a file
 * of the corpus (built by tests/elf/rules.mk under ELF_CORPUS_DIR) into
 * memory. Header only; the tests are single-file programs.
 */
#pragma once

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#ifndef ELF_CORPUS_DIR
#error "build with -DELF_CORPUS_DIR='\"dir\"' (see tests/elf/rules.mk)"
#endif

/*
 * Read ELF_CORPUS_DIR/name whole into a new malloc'd buffer (the caller
 * frees it) and its size into *len. Returns NULL if it cannot be read.
 */
static inline uint8_t *
corpus_read(const char *name, size_t *len)
{
	char path[1024];
	uint8_t *buf = NULL;
	long n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", ELF_CORPUS_DIR, name);
	f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc(n > 0 ? (size_t)n : 1);
		if (buf != NULL && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		*len = (size_t)n;
	}
	fclose(f);
	return buf;
}
