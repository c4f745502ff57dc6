/*
 * fuzz_gen.h - between the two halves of the exec fuzzer's program
 * generator: fuzz_prog.c (addresses, pages, registers, values) and
 * fuzz_tmpl.c (instruction templates). Every choice comes from the
 * program's own generator (xprog_rand), so a program depends on its
 * seed and number alone.
 */
#pragma once

#include <stdint.h>

#include "fuzz.h"

/* A program being generated and the pages its values may point into. */
struct gen {
	struct xprog	*p;
	uint64_t	ptr[XPAGE_N];
	unsigned	nptr;
};

/* A number below n (n > 0). */
uint64_t	gen_below(struct gen *g, uint64_t n);

/* A user page: from the edges of the map, a power-of-two boundary, or
   anywhere in the user half. */
uint64_t	gen_user_page(struct gen *g);

/* A register or immediate: pointers into the program's pages, edges of
   the map, addresses in the canonical gap and the kernel, small
   numbers, random words. */
uint64_t	gen_value(struct gen *g);

/* A control word and message info for the victim's cap registers. */
uint64_t	gen_sys_ctl(struct gen *g);
uint64_t	gen_sys_info(struct gen *g);

/* Append one chunk (random bytes or a template) to g->p->code and its
   name to g->p->what. At most CHUNK_MAX bytes. */
#define CHUNK_MAX	44
void	gen_chunk(struct gen *g);
