/*
 * catalog.c - fills the SQLite catalog from an object set and manifest.
 * The same code serves "build" (objects just made) and "inspect"
 * (objects decoded from any generation), so both see one schema.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lib/capfmt.h>
#include <lib/storefmt.h>

#include "catalog.h"
#include "space.h"
#include "util.h"

static const char schema[] =
"CREATE TABLE image(key TEXT PRIMARY KEY, text TEXT, num INTEGER);"
"CREATE TABLE generations(slot INTEGER, generation INTEGER, time_ns INTEGER,"
"  valid INTEGER, current INTEGER, why TEXT, used_blocks INTEGER,"
"  pages INTEGER, cappages INTEGER, gpts INTEGER, processes INTEGER,"
"  endpoints INTEGER, clock_ns INTEGER);"
"CREATE TABLE objects(oid INTEGER PRIMARY KEY, type TEXT, idx INTEGER,"
"  alloc_count INTEGER, bank INTEGER, block INTEGER, name TEXT);"
"CREATE TABLE freed(oid INTEGER PRIMARY KEY, type TEXT, idx INTEGER,"
"  alloc_count INTEGER);"
"CREATE TABLE caps(holder INTEGER, place TEXT, slot INTEGER, type TEXT,"
"  restr INTEGER, aux INTEGER, alloc_count INTEGER, target INTEGER,"
"  valid INTEGER);"
"CREATE TABLE processes(oid INTEGER PRIMARY KEY, name TEXT, program TEXT,"
"  state TEXT, rip INTEGER, symbol TEXT, rsp INTEGER, fault_code INTEGER,"
"  fault_addr INTEGER, bank INTEGER, space INTEGER, pages INTEGER,"
"  runnable INTEGER, wait TEXT, wake_ns INTEGER);"
"CREATE TABLE programs(idx INTEGER PRIMARY KEY, name TEXT, path TEXT,"
"  base INTEGER, lo INTEGER, hi INTEGER, entry INTEGER);"
"CREATE TABLE symbols(program TEXT, name TEXT, addr INTEGER, size INTEGER,"
"  type INTEGER);"
"CREATE TABLE segments(space INTEGER, process TEXT, name TEXT, base INTEGER,"
"  size INTEGER, pages INTEGER, stored_pages INTEGER, restr INTEGER);"
"CREATE TABLE banks(id INTEGER PRIMARY KEY, name TEXT, parent INTEGER,"
"  objects INTEGER, pages INTEGER, stored_pages INTEGER);"
"CREATE INDEX caps_target ON caps(target);"
"CREATE INDEX symbols_addr ON symbols(addr);";

static int
exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "mkimage: sqlite: %s\n", msg ? msg : "error");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

sqlite3 *
catalog_open(const char *path)
{
	sqlite3 *db;

	if (path != NULL)
		unlink(path);
	if (sqlite3_open(path ? path : ":memory:", &db) != SQLITE_OK) {
		fprintf(stderr, "mkimage: %s: %s\n", path ? path : "memory",
		    sqlite3_errmsg(db));
		sqlite3_close(db);
		return NULL;
	}
	if (exec(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;") ||
	    exec(db, schema) || exec(db, "BEGIN")) {
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

int
catalog_close(sqlite3 *db)
{
	int rc = exec(db, "COMMIT");

	if (sqlite3_close(db) != SQLITE_OK)
		rc = -1;
	return rc;
}

/* Prepared insert; binds from a format: i (int64), t (text), n (null). */
static sqlite3_stmt *
prep(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fprintf(stderr, "mkimage: sqlite: %s\n", sqlite3_errmsg(db));
	return st;
}

static int
run(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

void
catalog_set(sqlite3 *db, const char *key, const char *text, long long num)
{
	sqlite3_stmt *st = prep(db, "INSERT OR REPLACE INTO image "
	    "VALUES(?,?,?)");

	if (st == NULL)
		return;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
	if (text != NULL)
		sqlite3_bind_text(st, 2, text, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, num);
	run(st);
	sqlite3_finalize(st);
}

void
catalog_add_gen(sqlite3 *db, const struct catalog_gen *g)
{
	sqlite3_stmt *st = prep(db, "INSERT INTO generations VALUES(?,?,?,?,"
	    "?,?,?,?,?,?,?,?,?)");

	if (st == NULL)
		return;
	sqlite3_bind_int(st, 1, g->slot);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)g->generation);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)g->time_ns);
	sqlite3_bind_int(st, 4, g->valid);
	sqlite3_bind_int(st, 5, g->current);
	sqlite3_bind_text(st, 6, g->why ? g->why : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 7, (sqlite3_int64)g->used_blocks);
	for (int t = OT_PAGE; t < OT_MAX; t++)
		sqlite3_bind_int64(st, 7 + t, (sqlite3_int64)g->counts[t]);
	_Static_assert(OT_MAX == 6, "generations: a column per type");
	sqlite3_bind_int64(st, 13, (sqlite3_int64)g->clock_ns);
	run(st);
	sqlite3_finalize(st);
}

const char *
catalog_state_name(unsigned st)
{
	static const char *const names[PS_MAX] = {
		"stopped", "running", "receiving", "sending", "faulted",
	};

	return st < PS_MAX ? names[st] : "invalid";
}

const char *
catalog_wait_name(unsigned w)
{
	static const char *const names[PW_MAX] = {
		"none", "open", "reply", "sleep", "send", "fault",
		"fault_stall", "ckpt", "input",
	};

	return w < PW_MAX ? names[w] : "invalid";
}

static const char *
lower_ot(unsigned ot)
{
	static const char *const names[] = {
		"none", "page", "cappage", "gpt", "process", "endpoint",
	};

	return ot < sizeof(names) / sizeof(names[0]) ? names[ot] : "?";
}

static int
add_object(sqlite3_stmt *st, oid_t oid, uint32_t ac, uint32_t bank,
    uint64_t block, const char *name)
{
	sqlite3_bind_int64(st, 1, (sqlite3_int64)oid);
	sqlite3_bind_text(st, 2, lower_ot(OID_TYPE(oid)), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)OID_INDEX(oid));
	sqlite3_bind_int64(st, 4, ac);
	sqlite3_bind_int64(st, 5, bank);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)block);
	if (name != NULL)
		sqlite3_bind_text(st, 7, name, -1, SQLITE_TRANSIENT);
	return run(st);
}

static int
add_cap(sqlite3_stmt *st, struct objset *os, oid_t holder, const char *place,
    unsigned slot, const struct cap *c)
{
	uint64_t count;

	if (c->type == CT_NULL)
		return 0;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)holder);
	sqlite3_bind_text(st, 2, place, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, (int)slot);
	sqlite3_bind_text(st, 4, store_ct_name(c->type), -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 5, c->restr);
	sqlite3_bind_int(st, 6, c->aux);
	sqlite3_bind_int64(st, 7, c->alloc_count);
	if (c->oid != 0)
		sqlite3_bind_int64(st, 8, (sqlite3_int64)c->oid);
	sqlite3_bind_int(st, 9, cap_form_ok(c) &&
	    (cap_type_objtype(c->type) == OT_NONE ||
	    (os_cap_count(os, c, &count) == 0 &&
	    cap_count_current(c, count))));
	return run(st);
}

static int
fill_objects(sqlite3 *db, struct objset *os, const struct manifest *mf)
{
	sqlite3_stmt *o = prep(db, "INSERT INTO objects VALUES(?,?,?,?,?,?,?)");
	sqlite3_stmt *c = prep(db, "INSERT INTO caps VALUES(?,?,?,?,?,?,?,?,?)");
	int rc = 0;

	if (o == NULL || c == NULL) {
		sqlite3_finalize(o);
		sqlite3_finalize(c);
		return -1;
	}
	for (size_t i = 0; i < os->npages; i++)
		rc |= add_object(o, os->pages[i].oid, os->pages[i].alloc_count,
		    os->pages[i].bank, os->pages[i].block, NULL);
	for (size_t i = 0; i < os->ncpages; i++) {
		const struct os_page *p = &os->cpages[i];
		const struct cappage *cp = (const void *)p->data;

		rc |= add_object(o, p->oid, p->alloc_count, p->bank, p->block,
		    mf_name_of(mf, p->oid));
		for (unsigned s = 0; cp != NULL && s < CAPPAGE_SLOTS; s++)
			rc |= add_cap(c, os, p->oid, "cappage", s, &cp->slot[s]);
	}
	for (size_t i = 0; i < os->ngpts; i++) {
		const struct obj_gpt *g = &os->gpts[i];

		rc |= add_object(o, g->hdr.oid, g->hdr.alloc_count, g->hdr.bank,
		    0, NULL);
		for (unsigned s = 0; s < GPT_SLOTS; s++)
			rc |= add_cap(c, os, g->hdr.oid, "gpt", s, &g->slot[s]);
	}
	for (size_t i = 0; i < os->nprocs; i++) {
		const struct obj_process *p = &os->procs[i];

		rc |= add_object(o, p->hdr.oid, p->hdr.alloc_count, p->hdr.bank,
		    0, mf_name_of(mf, p->hdr.oid));
		rc |= add_cap(c, os, p->hdr.oid, "space", 0, &p->space);
		rc |= add_cap(c, os, p->hdr.oid, "handler", 0, &p->handler);
		rc |= add_cap(c, os, p->hdr.oid, "faultgpt", 0, &p->fault_gpt);
		for (unsigned s = 0; s < PROC_CAP_REGS; s++)
			rc |= add_cap(c, os, p->hdr.oid, "capreg", s,
			    &p->cap_reg[s]);
	}
	for (size_t i = 0; i < os->neps; i++) {
		const struct obj_endpoint *e = &os->eps[i];

		rc |= add_object(o, e->hdr.oid, e->hdr.alloc_count, e->hdr.bank,
		    0, mf_name_of(mf, e->hdr.oid));
		rc |= add_cap(c, os, e->hdr.oid, "recipient", 0, &e->recipient);
	}
	sqlite3_finalize(o);
	sqlite3_finalize(c);
	return rc;
}

/* Free entries: the counts kept for freed objects (abi/store.h). */
static int
fill_freed(sqlite3 *db, const struct objset *os)
{
	sqlite3_stmt *f = prep(db, "INSERT INTO freed VALUES(?,?,?,?)");
	int rc = 0;

	if (f == NULL)
		return -1;
	for (size_t i = 0; i < os->nfreed; i++) {
		oid_t oid = os->freed[i].oid;

		sqlite3_bind_int64(f, 1, (sqlite3_int64)oid);
		sqlite3_bind_text(f, 2, store_ot_name(OID_TYPE(oid)), -1,
		    SQLITE_STATIC);
		sqlite3_bind_int64(f, 3, (sqlite3_int64)OID_INDEX(oid));
		sqlite3_bind_int64(f, 4, os->freed[i].alloc_count);
		rc |= run(f);
	}
	sqlite3_finalize(f);
	return rc;
}

static int
fill_manifest(sqlite3 *db, const struct manifest *mf)
{
	sqlite3_stmt *p = prep(db, "INSERT INTO programs VALUES(?,?,?,?,?,?,?)");
	sqlite3_stmt *s = prep(db, "INSERT INTO symbols VALUES(?,?,?,?,?)");
	int rc = 0;

	if (p == NULL || s == NULL) {
		sqlite3_finalize(p);
		sqlite3_finalize(s);
		return -1;
	}
	for (size_t i = 0; i < mf->nprograms; i++) {
		const struct mf_program *m = &mf->programs[i];

		sqlite3_bind_int64(p, 1, (sqlite3_int64)i);
		sqlite3_bind_text(p, 2, m->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(p, 3, m->path, -1, SQLITE_STATIC);
		sqlite3_bind_int64(p, 4, (sqlite3_int64)m->base);
		sqlite3_bind_int64(p, 5, (sqlite3_int64)m->lo);
		sqlite3_bind_int64(p, 6, (sqlite3_int64)m->hi);
		sqlite3_bind_int64(p, 7, (sqlite3_int64)m->entry);
		rc |= run(p);
	}
	for (size_t i = 0; i < mf->nsymbols; i++) {
		const struct mf_symbol *m = &mf->symbols[i];

		sqlite3_bind_text(s, 1, mf->programs[m->program].name, -1,
		    SQLITE_STATIC);
		sqlite3_bind_text(s, 2, m->name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 3, (sqlite3_int64)m->value);
		sqlite3_bind_int64(s, 4, (sqlite3_int64)m->size);
		sqlite3_bind_int(s, 5, m->type);
		rc |= run(s);
	}
	sqlite3_finalize(p);
	sqlite3_finalize(s);
	return rc;
}

static int
cmp_oid(const void *a, const void *b)
{
	oid_t x = *(const oid_t *)a, y = *(const oid_t *)b;

	return x < y ? -1 : x > y;
}

/* Processes and the segments of their address spaces. */
static int
fill_processes(sqlite3 *db, struct objset *os, const struct manifest *mf)
{
	sqlite3_stmt *p = prep(db, "INSERT INTO processes VALUES(?,?,?,?,?,?,"
	    "?,?,?,?,?,?,?,?,?)");
	sqlite3_stmt *s = prep(db, "INSERT INTO segments VALUES(?,?,?,?,?,?,"
	    "?,?)");
	uint64_t budget = SPACE_BUDGET;
	int rc = 0, budget_note = 0;
	oid_t *runs = NULL;

	if (p == NULL || s == NULL) {
		sqlite3_finalize(p);
		sqlite3_finalize(s);
		return -1;
	}
	if (os->nrun > 0) {
		runs = mki_alloc(os->nrun * sizeof(oid_t));
		memcpy(runs, os->runlist, os->nrun * sizeof(oid_t));
		qsort(runs, os->nrun, sizeof(oid_t), cmp_oid);
	}
	for (size_t i = 0; i < os->nprocs; i++) {
		const struct obj_process *pr = &os->procs[i];
		const struct mf_named *n = mf_process_of(mf, pr->hdr.oid);
		const struct mf_symbol *sym = mf_symbol_at(mf, pr->regs.rip);
		struct space_segs sg;
		uint64_t pages = 0;

		space_segments(os, mf, &pr->space, n, &sg, &budget);
		if (sg.truncated && budget_note++ == 0)
			fprintf(stderr, "mkimage: address spaces too large to "
			    "list in full; segments are incomplete\n");
		for (size_t k = 0; k < sg.n; k++) {
			const struct space_seg *g = &sg.seg[k];

			pages += g->pages;
			sqlite3_bind_int64(s, 1, (sqlite3_int64)pr->space.oid);
			if (n != NULL)
				sqlite3_bind_text(s, 2, n->name, -1,
				    SQLITE_STATIC);
			sqlite3_bind_text(s, 3, g->name, -1, SQLITE_STATIC);
			sqlite3_bind_int64(s, 4, (sqlite3_int64)g->base);
			sqlite3_bind_int64(s, 5, (sqlite3_int64)g->size);
			sqlite3_bind_int64(s, 6, (sqlite3_int64)g->pages);
			sqlite3_bind_int64(s, 7, (sqlite3_int64)g->stored);
			sqlite3_bind_int(s, 8, g->restr);
			rc |= run(s);
		}
		sqlite3_bind_int64(p, 1, (sqlite3_int64)pr->hdr.oid);
		if (n != NULL)
			sqlite3_bind_text(p, 2, n->name, -1, SQLITE_STATIC);
		if (n != NULL && n->program < mf->nprograms)
			sqlite3_bind_text(p, 3, mf->programs[n->program].name,
			    -1, SQLITE_STATIC);
		sqlite3_bind_text(p, 4, catalog_state_name(pr->run_state), -1,
		    SQLITE_STATIC);
		sqlite3_bind_int64(p, 5, (sqlite3_int64)pr->regs.rip);
		if (sym != NULL) {
			char *t = mki_printf("%s+%#llx", sym->name,
			    (unsigned long long)(pr->regs.rip - sym->value));

			sqlite3_bind_text(p, 6, t, -1, SQLITE_TRANSIENT);
			free(t);
		}
		sqlite3_bind_int64(p, 7, (sqlite3_int64)pr->regs.rsp);
		sqlite3_bind_int64(p, 8, pr->fault_code);
		sqlite3_bind_int64(p, 9, (sqlite3_int64)pr->fault_addr);
		sqlite3_bind_int64(p, 10, pr->hdr.bank);
		sqlite3_bind_int64(p, 11, (sqlite3_int64)pr->space.oid);
		sqlite3_bind_int64(p, 12, (sqlite3_int64)pages);
		sqlite3_bind_int(p, 13, runs != NULL && bsearch(&pr->hdr.oid,
		    runs, os->nrun, sizeof(oid_t), cmp_oid) != NULL);
		sqlite3_bind_text(p, 14, catalog_wait_name(pr->wait), -1,
		    SQLITE_STATIC);
		sqlite3_bind_int64(p, 15, (sqlite3_int64)pr->wake_ns);
		rc |= run(p);
		space_segs_free(&sg);
	}
	sqlite3_finalize(p);
	sqlite3_finalize(s);
	free(runs);
	return rc;
}

static int
fill_banks(sqlite3 *db, const struct manifest *mf)
{
	sqlite3_stmt *b = prep(db, "INSERT OR IGNORE INTO banks VALUES(?,?,?,"
	    "0,0,0)");
	int rc = 0;

	if (b == NULL)
		return -1;
	for (size_t i = 0; i < mf->nbanks; i++) {
		sqlite3_bind_int64(b, 1, mf->banks[i].id);
		sqlite3_bind_text(b, 2, mf->banks[i].name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(b, 3, mf->banks[i].parent);
		rc |= run(b);
	}
	sqlite3_finalize(b);
	if (rc != 0)
		return rc;
	/*
	 * Usage: banks the manifest does not name still get a row. One
	 * grouped pass over objects (a count per bank would scan them all
	 * for every bank).
	 */
	return exec(db,
	    "INSERT OR IGNORE INTO banks SELECT DISTINCT bank, NULL, NULL, 0,"
	    "  0, 0 FROM objects;"
	    "UPDATE banks SET objects = u.n, pages = u.p, stored_pages = u.s"
	    "  FROM (SELECT bank, count(*) AS n, sum(type = 'page') AS p,"
	    "    sum(type = 'page' AND block != 0) AS s FROM objects"
	    "    GROUP BY bank) AS u"
	    "  WHERE u.bank = banks.id;");
}

int
catalog_fill(sqlite3 *db, struct objset *os, const struct manifest *mf)
{
	if (mf->source != NULL)
		catalog_set(db, "source", mf->source, 0);
	if (mf->cmdline != NULL)
		catalog_set(db, "manifest_cmdline", mf->cmdline, 0);
	if (fill_objects(db, os, mf) || fill_freed(db, os) ||
	    fill_manifest(db, mf) || fill_processes(db, os, mf) ||
	    fill_banks(db, mf))
		return -1;
	return 0;
}
