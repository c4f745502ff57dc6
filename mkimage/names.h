/*
 * names.h - an index from names to positions in an array, so that
 * finding a declared name costs the same whatever the description's
 * size (a linear search made parsing quadratic in its line count).
 * The index does not own the names: they must outlive it unchanged.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define NAMES_NONE	SIZE_MAX	/* names_find(): not there */

struct names_slot {
	const char	*name;		/* NULL: empty slot */
	size_t		pos;
};

struct names {
	struct names_slot *slot;	/* open addressing, power-of-two size */
	size_t		cap, n;
};

/* Record that name is at pos. name must not be in x yet. Never fails. */
void	names_add(struct names *x, const char *name, size_t pos);

/* The position recorded for name, or NAMES_NONE. */
size_t	names_find(const struct names *x, const char *name);

/* Release the index (not the names). */
void	names_free(struct names *x);
