/*
 * mf_index.c - lookup tables over a complete manifest, so that naming
 * each object, symbol or mapped page costs O(log n) instead of a scan of
 * every record (which made the catalog quadratic in the description).
 *
 * Address lookups ("the symbol covering addr", "the program whose span
 * holds va") must give exactly what a scan in record order would, even
 * for an untrusted manifest whose ranges overlap. So each kind of range
 * is painted onto the address line in the order a scan would prefer
 * them: every elementary interval between range boundaries gets the
 * first range covering it, found with a union-find over the intervals
 * still unpainted. Building is O(n log n), a lookup one binary search.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"
#include "util.h"

/* A painted address line: from start[j] on, owner[j] (or MF_NONE). */
struct mf_line {
	uint64_t	*start;
	uint32_t	*owner;
	size_t		n;
};

struct mf_oid {
	uint64_t	oid;
	uint32_t	list;	/* 0 processes, 1 endpoints, 2 cap pages */
	uint32_t	i;
};

struct mf_index {
	struct mf_oid	*oids;		/* sorted by (oid, list, i) */
	size_t		noids;
	struct mf_line	symbols, programs, segments;
};

/* An inclusive address range and the record it stands for. */
struct mf_span {
	uint64_t	lo, last;
	uint32_t	who;
};

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Index of v in the sorted, distinct pts[0..n) (v is there). */
static size_t
point_at(const uint64_t *pts, size_t n, uint64_t v)
{
	size_t lo = 0, hi = n;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (pts[mid] <= v)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* Smallest unpainted interval >= j (next[] as a union-find). */
static size_t
unpainted(size_t *next, size_t j)
{
	while (next[j] != j) {
		next[j] = next[next[j]];
		j = next[j];
	}
	return j;
}

/* Paint sp[0..n), earlier spans winning, onto a new line. */
static void
paint(struct mf_line *l, const struct mf_span *sp, size_t n)
{
	uint64_t *pts = mki_alloc((2 * n + 1) * sizeof(*pts));
	size_t npts = 0, m = 0, *next;

	for (size_t i = 0; i < n; i++) {
		pts[npts++] = sp[i].lo;
		if (sp[i].last != UINT64_MAX)
			pts[npts++] = sp[i].last + 1;
	}
	qsort(pts, npts, sizeof(*pts), cmp_u64);
	for (size_t i = 0; i < npts; i++)
		if (m == 0 || pts[i] != pts[m - 1])
			pts[m++] = pts[i];
	l->start = pts;
	l->n = m;
	l->owner = mki_alloc((m + 1) * sizeof(*l->owner));
	next = mki_alloc((m + 1) * sizeof(*next));
	for (size_t j = 0; j <= m; j++) {
		next[j] = j;
		l->owner[j] = MF_NONE;
	}
	for (size_t i = 0; i < n; i++) {
		size_t a = point_at(pts, m, sp[i].lo);
		size_t b = sp[i].last == UINT64_MAX ? m :
		    point_at(pts, m, sp[i].last + 1);

		for (size_t j = unpainted(next, a); j < b;
		    j = unpainted(next, j)) {
			l->owner[j] = sp[i].who;
			next[j] = j + 1;
		}
	}
	free(next);
}

static uint32_t
line_at(const struct mf_line *l, uint64_t addr)
{
	if (l->n == 0 || addr < l->start[0])
		return MF_NONE;
	return l->owner[point_at(l->start, l->n, addr)];
}

static void
line_free(struct mf_line *l)
{
	free(l->start);
	free(l->owner);
}

/* Symbols: the highest value (lo) wins, then the earliest record. */
static int
cmp_sym(const void *a, const void *b)
{
	const struct mf_span *x = a, *y = b;

	if (x->lo != y->lo)
		return x->lo > y->lo ? -1 : 1;
	return x->who < y->who ? -1 : x->who > y->who;
}

static void
index_symbols(struct mf_index *x, const struct manifest *m)
{
	struct mf_span *sp = mki_alloc((m->nsymbols + 1) * sizeof(*sp));
	size_t n = 0;

	for (size_t i = 0; i < m->nsymbols; i++) {
		const struct mf_symbol *s = &m->symbols[i];
		uint64_t sz = s->size ? s->size : 1;

		if (s->name[0] == 0)
			continue;
		sp[n].lo = s->value;
		sp[n].last = sz - 1 > UINT64_MAX - s->value ? UINT64_MAX :
		    s->value + (sz - 1);
		sp[n++].who = (uint32_t)i;
	}
	qsort(sp, n, sizeof(*sp), cmp_sym);
	paint(&x->symbols, sp, n);
	free(sp);
}

/* Append [lo, hi) for record i, if it is not empty. */
static void
add_span(struct mf_span *sp, size_t *n, uint64_t lo, uint64_t hi, size_t i)
{
	if (lo < hi)
		sp[(*n)++] = (struct mf_span){ lo, hi - 1, (uint32_t)i };
}

/* Programs and segments: in record order, the first record wins. */
static void
index_ranges(struct mf_index *x, const struct manifest *m)
{
	size_t most = m->nprograms > m->nsegments ? m->nprograms :
	    m->nsegments;
	struct mf_span *sp = mki_alloc((most + 1) * sizeof(*sp));
	size_t n = 0;

	for (size_t i = 0; i < m->nprograms; i++)
		add_span(sp, &n, m->programs[i].lo, m->programs[i].hi, i);
	paint(&x->programs, sp, n);
	n = 0;
	for (size_t i = 0; i < m->nsegments; i++)
		add_span(sp, &n, m->segments[i].lo, m->segments[i].hi, i);
	paint(&x->segments, sp, n);
	free(sp);
}

static int
cmp_oid(const void *a, const void *b)
{
	const struct mf_oid *x = a, *y = b;

	if (x->oid != y->oid)
		return x->oid < y->oid ? -1 : 1;
	if (x->list != y->list)
		return x->list < y->list ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

static void
index_oids(struct mf_index *x, const struct manifest *m)
{
	const struct mf_named *lists[3] = {
		m->processes, m->endpoints, m->cappages,
	};
	const size_t counts[3] = {
		m->nprocesses, m->nendpoints, m->ncappages,
	};

	x->oids = mki_alloc((counts[0] + counts[1] + counts[2] + 1) *
	    sizeof(*x->oids));
	for (uint32_t l = 0; l < 3; l++)
		for (size_t i = 0; i < counts[l]; i++)
			x->oids[x->noids++] = (struct mf_oid){ lists[l][i].oid,
			    l, (uint32_t)i };
	qsort(x->oids, x->noids, sizeof(*x->oids), cmp_oid);
}

void
mf_index(struct manifest *m)
{
	struct mf_index *x = mki_alloc(sizeof(*x));

	mf_index_free(m);
	index_oids(x, m);
	index_symbols(x, m);
	index_ranges(x, m);
	m->idx = x;
}

void
mf_index_free(struct manifest *m)
{
	if (m->idx == NULL)
		return;
	free(m->idx->oids);
	line_free(&m->idx->symbols);
	line_free(&m->idx->programs);
	line_free(&m->idx->segments);
	free(m->idx);
	m->idx = NULL;
}

/* The index; only an empty manifest may lack one (nothing to find). */
static const struct mf_index *
index_of(const struct manifest *m)
{
	static const struct mf_index none;

	if (m->idx != NULL)
		return m->idx;
	assert(m->nprocesses + m->nendpoints + m->ncappages + m->nsymbols +
	    m->nprograms + m->nsegments == 0);
	return &none;
}

/* The first of the named records with this oid, or NULL. */
static const struct mf_oid *
first_oid(const struct mf_index *x, uint64_t oid)
{
	size_t lo = 0, hi = x->noids;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (x->oids[mid].oid < oid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < x->noids && x->oids[lo].oid == oid ? &x->oids[lo] : NULL;
}

const char *
mf_name_of(const struct manifest *m, uint64_t oid)
{
	const struct mf_oid *o = first_oid(index_of(m), oid);
	const struct mf_named *lists[3] = {
		m->processes, m->endpoints, m->cappages,
	};

	return o == NULL ? NULL : lists[o->list][o->i].name;
}

const struct mf_named *
mf_process_of(const struct manifest *m, uint64_t oid)
{
	const struct mf_oid *o = first_oid(index_of(m), oid);

	return o == NULL || o->list != 0 ? NULL : &m->processes[o->i];
}

const struct mf_symbol *
mf_symbol_at(const struct manifest *m, uint64_t addr)
{
	uint32_t i = line_at(&index_of(m)->symbols, addr);

	return i == MF_NONE ? NULL : &m->symbols[i];
}

const struct mf_program *
mf_program_at(const struct manifest *m, uint64_t va)
{
	uint32_t i = line_at(&index_of(m)->programs, va);

	return i == MF_NONE ? NULL : &m->programs[i];
}

const struct mf_named *
mf_segment_at(const struct manifest *m, uint64_t va)
{
	uint32_t i = line_at(&index_of(m)->segments, va);

	return i == MF_NONE ? NULL : &m->segments[i];
}
