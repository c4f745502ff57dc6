/*
 * manifest.c - encoder and decoder of the manifest byte stream.
 * Record: u8 tag, u32 payload length, payload. Payload fields are
 * little-endian u8/u32/u64 and strings (u16 length, bytes, no NUL).
 * The decoder checks every length against what remains; unknown tags
 * are skipped so later mkimage versions can add records.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"
#include "util.h"

enum {
	MF_T_IMAGE = 1, MF_T_PROGRAM, MF_T_SYMBOL, MF_T_BANK, MF_T_PROCESS,
	MF_T_ENDPOINT, MF_T_SEGMENT, MF_T_CAPPAGE,
};

#define MF_MAX_STR	4096

struct wbuf {
	uint8_t	*b;
	size_t	n, cap;
};

static void
put(struct wbuf *w, const void *p, size_t n)
{
	mki_grow(&w->b, &w->cap, w->n + n, 1);
	memcpy(w->b + w->n, p, n);
	w->n += n;
}

static void
put8(struct wbuf *w, uint8_t v)
{
	put(w, &v, 1);
}

static void
put32(struct wbuf *w, uint32_t v)
{
	uint8_t b[4] = { v, v >> 8, v >> 16, v >> 24 };

	put(w, b, 4);
}

static void
put64(struct wbuf *w, uint64_t v)
{
	put32(w, (uint32_t)v);
	put32(w, (uint32_t)(v >> 32));
}

static void
putstr(struct wbuf *w, const char *s)
{
	size_t n = s == NULL ? 0 : strlen(s);

	if (n > MF_MAX_STR)
		n = MF_MAX_STR;
	put8(w, (uint8_t)n);
	put8(w, (uint8_t)(n >> 8));
	put(w, s, n);
}

/* Records are built in rec, then framed into out. */
static void
frame(struct wbuf *out, uint8_t tag, struct wbuf *rec)
{
	put8(out, tag);
	put32(out, (uint32_t)rec->n);
	put(out, rec->b, rec->n);
	rec->n = 0;
}

static void
put_named(struct wbuf *out, struct wbuf *r, uint8_t tag,
    const struct mf_named *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		put64(r, v[i].oid);
		put32(r, v[i].program);
		put32(r, v[i].image);
		put64(r, v[i].lo);
		put64(r, v[i].hi);
		put32(r, v[i].flags);
		putstr(r, v[i].name);
		frame(out, tag, r);
	}
}

void
mf_encode(const struct manifest *m, uint8_t **out, size_t *len)
{
	struct wbuf o = { 0 }, r = { 0 };

	putstr(&r, m->source);
	putstr(&r, m->cmdline);
	frame(&o, MF_T_IMAGE, &r);
	for (size_t i = 0; i < m->nprograms; i++) {
		const struct mf_program *p = &m->programs[i];

		put64(&r, p->base);
		put64(&r, p->lo);
		put64(&r, p->hi);
		put64(&r, p->entry);
		putstr(&r, p->name);
		putstr(&r, p->path);
		frame(&o, MF_T_PROGRAM, &r);
	}
	for (size_t i = 0; i < m->nsymbols; i++) {
		const struct mf_symbol *s = &m->symbols[i];

		put32(&r, s->program);
		put8(&r, s->type);
		put64(&r, s->value);
		put64(&r, s->size);
		putstr(&r, s->name);
		frame(&o, MF_T_SYMBOL, &r);
	}
	for (size_t i = 0; i < m->nbanks; i++) {
		put32(&r, m->banks[i].id);
		put32(&r, m->banks[i].parent);
		putstr(&r, m->banks[i].name);
		frame(&o, MF_T_BANK, &r);
	}
	put_named(&o, &r, MF_T_PROCESS, m->processes, m->nprocesses);
	put_named(&o, &r, MF_T_ENDPOINT, m->endpoints, m->nendpoints);
	put_named(&o, &r, MF_T_SEGMENT, m->segments, m->nsegments);
	put_named(&o, &r, MF_T_CAPPAGE, m->cappages, m->ncappages);
	free(r.b);
	*out = o.b;
	*len = o.n;
}

struct rbuf {
	const uint8_t	*b;
	size_t		n, off;
	int		bad;
};

static uint64_t
get(struct rbuf *r, unsigned bytes)
{
	uint64_t v = 0;

	if (r->bad || r->n - r->off < bytes) {
		r->bad = 1;
		return 0;
	}
	for (unsigned i = 0; i < bytes; i++)
		v |= (uint64_t)r->b[r->off + i] << (8 * i);
	r->off += bytes;
	return v;
}

static char *
getstr(struct rbuf *r)
{
	size_t n = (size_t)get(r, 2);
	char *s;

	if (r->bad || n > MF_MAX_STR || r->n - r->off < n) {
		r->bad = 1;
		return mki_strdup("");
	}
	s = mki_alloc(n + 1);
	memcpy(s, r->b + r->off, n);
	r->off += n;
	/* Names are printed and put in JSON: keep them printable. */
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			s[i] = '?';
	return s;
}

static void
get_named(struct rbuf *r, struct mf_named **arr, size_t *n, size_t *cap)
{
	struct mf_named *v;

	mki_grow(arr, cap, *n + 1, sizeof(**arr));
	v = &(*arr)[(*n)++];
	v->oid = get(r, 8);
	v->program = (uint32_t)get(r, 4);
	v->image = (uint32_t)get(r, 4);
	v->lo = get(r, 8);
	v->hi = get(r, 8);
	v->flags = (uint32_t)get(r, 4);
	v->name = getstr(r);
}

static void
decode_record(uint8_t tag, struct rbuf *r, struct manifest *m)
{
	switch (tag) {
	case MF_T_IMAGE:
		free(m->source);
		free(m->cmdline);
		m->source = getstr(r);
		m->cmdline = getstr(r);
		break;
	case MF_T_PROGRAM: {
		struct mf_program *p;

		mki_grow(&m->programs, &m->capprograms, m->nprograms + 1,
		    sizeof(*p));
		p = &m->programs[m->nprograms++];
		p->base = get(r, 8);
		p->lo = get(r, 8);
		p->hi = get(r, 8);
		p->entry = get(r, 8);
		p->name = getstr(r);
		p->path = getstr(r);
		break;
	}
	case MF_T_SYMBOL: {
		struct mf_symbol *s;

		mki_grow(&m->symbols, &m->capsymbols, m->nsymbols + 1,
		    sizeof(*s));
		s = &m->symbols[m->nsymbols++];
		s->program = (uint32_t)get(r, 4);
		s->type = (uint8_t)get(r, 1);
		s->value = get(r, 8);
		s->size = get(r, 8);
		s->name = getstr(r);
		break;
	}
	case MF_T_BANK: {
		struct mf_bank *b;

		mki_grow(&m->banks, &m->capbanks, m->nbanks + 1, sizeof(*b));
		b = &m->banks[m->nbanks++];
		b->id = (uint32_t)get(r, 4);
		b->parent = (uint32_t)get(r, 4);
		b->name = getstr(r);
		break;
	}
	case MF_T_PROCESS:
		get_named(r, &m->processes, &m->nprocesses, &m->capprocesses);
		break;
	case MF_T_ENDPOINT:
		get_named(r, &m->endpoints, &m->nendpoints, &m->capendpoints);
		break;
	case MF_T_SEGMENT:
		get_named(r, &m->segments, &m->nsegments, &m->capsegments);
		break;
	case MF_T_CAPPAGE:
		get_named(r, &m->cappages, &m->ncappages, &m->capcappages);
		break;
	default:
		r->off = r->n;		/* unknown record: skip */
		break;
	}
}

int
mf_decode(const uint8_t *buf, size_t len, struct manifest *m, char *err,
    size_t errlen)
{
	struct rbuf all = { buf, len, 0, 0 };

	memset(m, 0, sizeof(*m));
	while (all.off < len) {
		size_t at = all.off;
		uint8_t tag = (uint8_t)get(&all, 1);
		uint32_t n = (uint32_t)get(&all, 4);
		struct rbuf r;

		if (all.bad || len - all.off < n) {
			snprintf(err, errlen, "manifest record at byte %zu "
			    "runs past the end", at);
			goto fail;
		}
		r = (struct rbuf){ buf + all.off, n, 0, 0 };
		decode_record(tag, &r, m);
		if (r.bad || r.off != r.n) {
			snprintf(err, errlen, "manifest record at byte %zu "
			    "(tag %u) is malformed", at, tag);
			goto fail;
		}
		all.off += n;
	}
	for (size_t i = 0; i < m->nsymbols; i++)
		if (m->symbols[i].program >= m->nprograms) {
			snprintf(err, errlen, "manifest symbol '%s' names "
			    "program %u of %zu", m->symbols[i].name,
			    m->symbols[i].program, m->nprograms);
			goto fail;
		}
	mf_index(m);
	return 0;
fail:
	mf_free(m);		/* callers may still look: leave it empty */
	return -1;
}

static void
free_named(struct mf_named *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

void
mf_free(struct manifest *m)
{
	free(m->source);
	free(m->cmdline);
	for (size_t i = 0; i < m->nprograms; i++) {
		free(m->programs[i].name);
		free(m->programs[i].path);
	}
	free(m->programs);
	for (size_t i = 0; i < m->nsymbols; i++)
		free(m->symbols[i].name);
	free(m->symbols);
	for (size_t i = 0; i < m->nbanks; i++)
		free(m->banks[i].name);
	free(m->banks);
	free_named(m->processes, m->nprocesses);
	free_named(m->endpoints, m->nendpoints);
	free_named(m->segments, m->nsegments);
	free_named(m->cappages, m->ncappages);
	mf_index_free(m);
	memset(m, 0, sizeof(*m));
}
