/*
 * manifest.h - the names mkimage records in the store so that any later
 * generation can still be explained: programs with their bases and
 * symbols, banks, and the names of processes, endpoints, segments and
 * cap pages. Encoded as a byte stream of records (docs/store-format.md).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define MF_NONE		UINT32_MAX	/* "no program" in index fields */

struct mf_program {
	char		*name, *path;
	uint64_t	base;		/* relocation base (0 for ET_EXEC) */
	uint64_t	lo, hi;		/* page-rounded span */
	uint64_t	entry;
};

struct mf_symbol {
	uint32_t	program;	/* index in programs */
	uint8_t		type;		/* ELF_STT_* */
	uint64_t	value, size;
	char		*name;
};

struct mf_bank {
	uint32_t	id, parent;	/* parent 0: none */
	char		*name;
};

struct mf_named {
	uint64_t	oid;
	char		*name;
	uint32_t	program;	/* processes: program run, or MF_NONE */
	uint32_t	image;		/* constructors: image program */
	uint64_t	lo, hi;		/* processes: stack; segments: range */
	uint32_t	flags;		/* segments: MKI_SEG_* */
};

struct mf_index;

struct manifest {
	char		*source;	/* .mki file name */
	char		*cmdline;
	struct mf_program *programs;
	size_t		nprograms, capprograms;
	struct mf_symbol *symbols;
	size_t		nsymbols, capsymbols;
	struct mf_bank	*banks;
	size_t		nbanks, capbanks;
	struct mf_named	*processes, *endpoints, *segments, *cappages;
	size_t		nprocesses, capprocesses, nendpoints, capendpoints;
	size_t		nsegments, capsegments, ncappages, capcappages;
	struct mf_index	*idx;		/* lookup tables: mf_index() */
};

/* Encode m into a new buffer (*out, *len). Never fails. */
void	mf_encode(const struct manifest *m, uint8_t **out, size_t *len);

/*
 * Decode buf[0..len) into *m (zeroed first) and index it. Input is
 * untrusted. Returns 0, or -1 with a reason in err and *m empty (nothing
 * to free), so a half-decoded manifest is never used.
 */
int	mf_decode(const uint8_t *buf, size_t len, struct manifest *m,
	    char *err, size_t errlen);

/* Free everything m owns. */
void	mf_free(struct manifest *m);

/*
 * Build the lookup tables the functions below use (mf_index.c), in
 * O(n log n); call it once m is complete, and again after changing it.
 * mf_decode() does. An empty manifest needs none.
 */
void	mf_index(struct manifest *m);
void	mf_index_free(struct manifest *m);

/*
 * Lookups in O(log n). Each answers what a scan of the records in order
 * would: the symbol covering addr (value <= addr < value + max(size, 1))
 * with the highest value, the first program or segment whose [lo, hi)
 * holds va, the name of object oid (processes first, then endpoints,
 * then cap pages), the first process record of oid. NULL if none.
 */
const struct mf_symbol *mf_symbol_at(const struct manifest *m, uint64_t addr);
const struct mf_program *mf_program_at(const struct manifest *m,
	    uint64_t va);
const struct mf_named *mf_segment_at(const struct manifest *m, uint64_t va);
const char *mf_name_of(const struct manifest *m, uint64_t oid);
const struct mf_named *mf_process_of(const struct manifest *m, uint64_t oid);
