/*
 * catalog.h - the SQLite catalog: mkimage's model of an image as tables
 * (objects, caps, processes, programs, symbols, segments, banks,
 * generations). "build" writes it to OUT.db; "inspect" fills an
 * in-memory one from a decoded image and queries it. Schema in
 * docs/mkimage.md.
 */
#pragma once

#include <sqlite3.h>

#include "manifest.h"
#include "objset.h"

struct catalog_gen {
	int		slot;
	uint64_t	generation, time_ns, used_blocks, clock_ns;
	int		valid, current;
	const char	*why;		/* why invalid, or "" */
	uint64_t	counts[STORE_OT_MAX];
};

/*
 * Open (create, replacing any old file) the catalog at path, or an
 * in-memory one if path is NULL, and create the schema. Returns the
 * handle or NULL after printing why.
 */
sqlite3	*catalog_open(const char *path);

/* Record one superblock slot. */
void	catalog_add_gen(sqlite3 *db, const struct catalog_gen *g);

/* Record a key/value fact about the image ("cmdline", "store_blocks"). */
void	catalog_set(sqlite3 *db, const char *key, const char *text,
	    long long num);

/*
 * Fill the catalog from a generation's objects and manifest: objects,
 * caps, processes (state, rip and its symbol), programs, symbols, banks
 * with usage, and each address space's segments with page counts.
 * Returns 0, or -1 after printing an SQLite error.
 */
int	catalog_fill(sqlite3 *db, struct objset *os, const struct manifest *mf);

/* Close, committing everything. Returns 0 or -1. */
int	catalog_close(sqlite3 *db);

/* Lower-case name of a process run state. */
const char *catalog_state_name(unsigned st);

/* "none", "open", "reply", ... for a stored wait (PW_*). */
const char *catalog_wait_name(unsigned w);
