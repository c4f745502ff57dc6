/*
 * names.c - the name index: a hash table with linear probing, kept at
 * most half full so a probe sequence ends quickly at an empty slot.
 */
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "util.h"

/* FNV-1a: names are short and few collide. */
static uint64_t
hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *s != 0; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return h;
}

static void
put(struct names_slot *slot, size_t cap, const char *name, size_t pos)
{
	size_t i = (size_t)hash(name) & (cap - 1);

	while (slot[i].name != NULL)
		i = (i + 1) & (cap - 1);
	slot[i].name = name;
	slot[i].pos = pos;
}

void
names_add(struct names *x, const char *name, size_t pos)
{
	if (2 * (x->n + 1) > x->cap) {
		size_t ncap = x->cap ? 2 * x->cap : 16;
		struct names_slot *ns = mki_alloc(ncap * sizeof(*ns));

		for (size_t i = 0; i < x->cap; i++)
			if (x->slot[i].name != NULL)
				put(ns, ncap, x->slot[i].name, x->slot[i].pos);
		free(x->slot);
		x->slot = ns;
		x->cap = ncap;
	}
	put(x->slot, x->cap, name, pos);
	x->n++;
}

size_t
names_find(const struct names *x, const char *name)
{
	size_t i;

	if (x->cap == 0)
		return NAMES_NONE;
	for (i = (size_t)hash(name) & (x->cap - 1); x->slot[i].name != NULL;
	    i = (i + 1) & (x->cap - 1))
		if (strcmp(x->slot[i].name, name) == 0)
			return x->slot[i].pos;
	return NAMES_NONE;
}

void
names_free(struct names *x)
{
	free(x->slot);
	memset(x, 0, sizeof(*x));
}
