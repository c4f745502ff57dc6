/*
 * report.c - output of "mkimage inspect" from the catalog. Every name
 * printed came from an untrusted image: JSON strings are escaped, DOT
 * labels quoted, text output goes through a sanitizer for control bytes.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "report.h"

void
json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s != NULL && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* Text from the catalog, with anything unprintable replaced. */
static const char *
clean(const unsigned char *s, char *buf, size_t len)
{
	size_t i = 0;

	if (s == NULL)
		return "-";
	for (; s[i] && i + 1 < len; i++)
		buf[i] = s[i] >= 0x20 && s[i] < 0x7f ? (char)s[i] : '?';
	buf[i] = 0;
	return buf;
}

static int
query_rows(sqlite3 *db, const char *sql, int json, FILE *f, int *rows)
{
	sqlite3_stmt *st;
	int n = 0, rc, cols;
	char buf[512];

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "mkimage inspect: sql: %s\n",
		    sqlite3_errmsg(db));
		return -1;
	}
	cols = sqlite3_column_count(st);
	if (json)
		fputc('[', f);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (json)
			fputs(n ? ",\n {" : "\n {", f);
		for (int c = 0; c < cols; c++) {
			int t = sqlite3_column_type(st, c);

			if (json) {
				if (c)
					fputs(", ", f);
				json_string(f, sqlite3_column_name(st, c));
				fputs(": ", f);
			} else if (c) {
				fputc('|', f);
			}
			if (t == SQLITE_INTEGER)
				fprintf(f, "%lld", (long long)
				    sqlite3_column_int64(st, c));
			else if (t == SQLITE_FLOAT)
				fprintf(f, "%.17g", sqlite3_column_double(st,
				    c));
			else if (t == SQLITE_NULL)
				fputs(json ? "null" : "", f);
			else if (json)
				json_string(f, (const char *)
				    sqlite3_column_text(st, c));
			else
				fputs(clean(sqlite3_column_text(st, c), buf,
				    sizeof(buf)), f);
		}
		fputs(json ? "}" : "\n", f);
		n++;
	}
	if (json)
		fputs(n ? "\n]" : "]", f);
	if (rc != SQLITE_DONE)
		fprintf(stderr, "mkimage inspect: sql: %s\n",
		    sqlite3_errmsg(db));
	sqlite3_finalize(st);
	if (rows != NULL)
		*rows = n;
	return rc == SQLITE_DONE ? 0 : -1;
}

int
report_query(sqlite3 *db, const char *sql, int json, FILE *f)
{
	int rc = query_rows(db, sql, json, f, NULL);

	if (json)
		fputc('\n', f);
	return rc;
}

/* One formatted line per row: fmt gets each column as text. */
static int
lines(sqlite3 *db, FILE *f, const char *sql, const char *header,
    void (*line)(FILE *, sqlite3_stmt *))
{
	sqlite3_stmt *st;
	int rc, n = 0;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "mkimage inspect: %s\n", sqlite3_errmsg(db));
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n++ == 0 && header != NULL)
			fputs(header, f);
		line(f, st);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static const char *
col(sqlite3_stmt *st, int c, char *buf, size_t len)
{
	return clean(sqlite3_column_text(st, c), buf, len);
}

static long long
num(sqlite3_stmt *st, int c)
{
	return (long long)sqlite3_column_int64(st, c);
}

static void
gen_line(FILE *f, sqlite3_stmt *st)
{
	char b1[160], tbuf[32] = "-";
	time_t t = (time_t)(num(st, 2) / 1000000000);
	struct tm tm;

	if (num(st, 2) > 0 && gmtime_r(&t, &tm) != NULL)
		strftime(tbuf, sizeof(tbuf), "%Y-%m-%d %H:%M:%S", &tm);
	if (!num(st, 3)) {
		fprintf(f, "    slot %lld: invalid: %s\n", num(st, 0),
		    col(st, 5, b1, sizeof(b1)));
		return;
	}
	fprintf(f, "  %s slot %lld  generation %-6lld %s UTC  %lld blocks  "
	    "%lld pages, %lld cap pages, %lld gpts, %lld processes, "
	    "%lld endpoints, clock %.3f s\n", num(st, 4) ? "*" : " ",
	    num(st, 0), num(st, 1), tbuf, num(st, 6), num(st, 7), num(st, 8),
	    num(st, 9), num(st, 10), num(st, 11), (double)num(st, 12) / 1e9);
}

static void
proc_line(FILE *f, sqlite3_stmt *st)
{
	char b1[80], b2[80], b3[160], b4[16], b5[16], wake[48] = "";

	col(st, 7, b5, sizeof(b5));
	if (strcmp(b5, "sleep") == 0)
		snprintf(wake, sizeof(wake), " until %.3f s",
		    (double)num(st, 8) / 1e9);
	fprintf(f, "  %#-18llx %-16s %-12s %-9s rip %#llx %s%s%s%s%s\n",
	    num(st, 0), col(st, 1, b1, sizeof(b1)), col(st, 2, b2, sizeof(b2)),
	    col(st, 3, b4, sizeof(b4)), num(st, 4),
	    col(st, 5, b3, sizeof(b3)), num(st, 6) ? "  (runnable)" : "",
	    strcmp(b5, "none") != 0 ? "  waits: " : "",
	    strcmp(b5, "none") != 0 ? b5 : "", wake);
}

static void
freed_line(FILE *f, sqlite3_stmt *st)
{
	char b1[32];

	fprintf(f, "  %-9s %6lld free, counts %lld..%lld\n",
	    col(st, 0, b1, sizeof(b1)), num(st, 1), num(st, 2), num(st, 3));
}

static void
bank_line(FILE *f, sqlite3_stmt *st)
{
	char b1[80];

	fprintf(f, "  bank %-4lld %-16s parent %-4lld %6lld objects, %6lld "
	    "pages (%lld stored)\n", num(st, 0), col(st, 1, b1, sizeof(b1)),
	    num(st, 2), num(st, 3), num(st, 4), num(st, 5));
}

static void
seg_line(FILE *f, sqlite3_stmt *st)
{
	char b1[80], b2[80];
	long long r = num(st, 7);

	fprintf(f, "  %-16s %#14llx..%#-14llx %c%c%c %6lld pages (%lld "
	    "stored)  %s\n", col(st, 0, b1, sizeof(b1)), num(st, 1),
	    num(st, 1) + num(st, 2), 'r', r & 2 ? '-' : 'w', r & 4 ? '-' : 'x',
	    num(st, 3), num(st, 4), col(st, 5, b2, sizeof(b2)));
}

static void
captype_line(FILE *f, sqlite3_stmt *st)
{
	char b1[32], b2[32];

	fprintf(f, "  %-9s in %-9s %6lld  (%lld invalid)\n",
	    col(st, 0, b1, sizeof(b1)), col(st, 1, b2, sizeof(b2)), num(st, 2),
	    num(st, 3));
}

static void
edge_line(FILE *f, sqlite3_stmt *st)
{
	char b1[80], b2[32], b3[32], b4[80], b5[16];

	fprintf(f, "  %-16s %-9s %-3lld %-9s -> %s %s%s\n",
	    col(st, 0, b1, sizeof(b1)), col(st, 1, b2, sizeof(b2)), num(st, 2),
	    col(st, 3, b3, sizeof(b3)), col(st, 4, b4, sizeof(b4)),
	    sqlite3_column_type(st, 5) == SQLITE_NULL ? "" :
	    col(st, 5, b5, sizeof(b5)), num(st, 6) ? "" : "  INVALID");
}

static const char q_gens[] =
	"SELECT slot, generation, time_ns, valid, current, why, used_blocks,"
	" pages, cappages, gpts, processes, endpoints, clock_ns FROM generations"
	" ORDER BY slot";
static const char q_procs[] =
	"SELECT oid, coalesce(name, '-'), coalesce(program, '-'), state, rip,"
	" coalesce(symbol, '?'), runnable, wait, wake_ns FROM processes"
	" ORDER BY oid";
static const char q_freed[] =
	"SELECT type, count(*), min(alloc_count), max(alloc_count) FROM freed"
	" GROUP BY type ORDER BY min(oid)";
static const char q_banks[] =
	"SELECT id, coalesce(name, '(unnamed)'), coalesce(parent, 0), objects,"
	" pages, stored_pages FROM banks ORDER BY id";
static const char q_segs[] =
	"SELECT coalesce(process, printf('%#x', space)), base, size, pages,"
	" stored_pages, name, 0, restr FROM segments ORDER BY process, base";
static const char q_captypes[] =
	"SELECT type, place, count(*), sum(valid = 0) FROM caps"
	" GROUP BY type, place ORDER BY type, place";
/* Caps outside address spaces: who holds what. */
static const char q_edges[] =
	"SELECT coalesce(h.name, printf('%s %#x', h.type, h.oid)), c.place,"
	" c.slot, c.type, CASE WHEN c.target IS NULL THEN '(kernel)' ELSE"
	"  coalesce(t.name, printf('%s %#x', t.type, c.target)) END, CASE WHEN c.type = 'ENTRY' THEN printf('payload %d', c.aux)"
	"  END, c.valid FROM caps c JOIN objects h ON h.oid = c.holder"
	" LEFT JOIN objects t ON t.oid = c.target WHERE c.place != 'gpt'"
	" ORDER BY c.holder, c.place, c.slot";

int
report_text(sqlite3 *db, FILE *f)
{
	int rc = 0;

	fputs("generations (* = the one shown):\n", f);
	rc |= lines(db, f, q_gens, NULL, gen_line);
	rc |= lines(db, f, q_procs, "processes:\n", proc_line);
	rc |= lines(db, f, q_freed, "free entries (allocation counts kept):\n",
	    freed_line);
	rc |= lines(db, f, q_banks, "banks and usage:\n", bank_line);
	rc |= lines(db, f, q_segs, "address spaces (segments):\n", seg_line);
	rc |= lines(db, f, q_captypes, "capability graph: caps by type and "
	    "place\n", captype_line);
	rc |= lines(db, f, q_edges, "capability graph: caps held outside "
	    "address spaces\n", edge_line);
	return rc;
}

int
report_json(sqlite3 *db, const struct problems *pr, FILE *f)
{
	static const struct {
		const char *key, *sql;
	} parts[] = {
		{ "image", "SELECT key, text, num FROM image ORDER BY key" },
		{ "generations", "SELECT * FROM generations ORDER BY slot" },
		{ "processes", "SELECT * FROM processes ORDER BY oid" },
		{ "programs", "SELECT * FROM programs ORDER BY idx" },
		{ "banks", "SELECT * FROM banks ORDER BY id" },
		{ "segments", "SELECT * FROM segments ORDER BY process, base" },
		{ "cap_summary", "SELECT type, place, count(*) AS count,"
		    " sum(valid = 0) AS invalid FROM caps GROUP BY type, place"
		    " ORDER BY type, place" },
		{ "cap_edges", "SELECT holder, place, slot, type, restr, aux,"
		    " target, valid FROM caps WHERE place != 'gpt'"
		    " ORDER BY holder, place, slot" },
	};
	int rc = 0;

	fputs("{", f);
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		fputs(i ? ",\n" : "\n", f);
		json_string(f, parts[i].key);
		fputs(": ", f);
		rc |= query_rows(db, parts[i].sql, 1, f, NULL);
	}
	fputs(",\n\"problems\": [", f);
	for (size_t i = 0; pr != NULL && i < pr->n; i++) {
		fputs(i ? ",\n " : "\n ", f);
		json_string(f, pr->msg[i]);
	}
	fputs("]\n}\n", f);
	return rc;
}

static void
dot_node(FILE *f, sqlite3_stmt *st)
{
	char b1[80], b2[16];
	const char *type = col(st, 2, b2, sizeof(b2));

	col(st, 1, b1, sizeof(b1));
	for (char *p = b1; *p; p++)
		if (*p == '"' || *p == '\\')
			*p = '_';

	fprintf(f, "  n%llx [label=\"%s\\n%s %#llx\" shape=%s];\n",
	    num(st, 0), b1, type, num(st, 0),
	    strcmp(type, "process") == 0 ? "box" :
	    strcmp(type, "endpoint") == 0 ? "ellipse" : "folder");
}

/* Capabilities to the kernel itself (KERNLOG, RANGE, ...). */
static void
dot_kernel(FILE *f, sqlite3_stmt *st)
{
	char b1[32];

	col(st, 0, b1, sizeof(b1));
	fprintf(f, "  k_%s [label=\"%s\" shape=diamond];\n", b1, b1);
}

static void
dot_edge(FILE *f, sqlite3_stmt *st)
{
	char b1[32], b2[32];

	if (sqlite3_column_type(st, 1) == SQLITE_NULL)
		fprintf(f, "  n%llx -> k_%s [label=\"%s %lld\"];\n",
		    num(st, 0), col(st, 2, b1, sizeof(b1)),
		    col(st, 3, b2, sizeof(b2)), num(st, 4));
	else
		fprintf(f, "  n%llx -> n%llx [label=\"%s %lld %s\"%s];\n",
		    num(st, 0), num(st, 1), col(st, 3, b2, sizeof(b2)),
		    num(st, 4), col(st, 2, b1, sizeof(b1)),
		    num(st, 5) ? "" : " color=red");
}

int
report_dot(sqlite3 *db, FILE *f)
{
	int rc = 0;

	fputs("digraph caps {\n  rankdir=LR;\n", f);
	rc |= lines(db, f, "SELECT oid, coalesce(name, ''), type FROM objects"
	    " WHERE type IN ('process', 'endpoint', 'cappage') OR oid IN"
	    " (SELECT target FROM caps WHERE place != 'gpt') ORDER BY oid",
	    NULL, dot_node);
	rc |= lines(db, f, "SELECT DISTINCT type FROM caps WHERE target IS"
	    " NULL", NULL, dot_kernel);
	rc |= lines(db, f, "SELECT holder, target, type, place, slot, valid"
	    " FROM caps WHERE place != 'gpt' ORDER BY holder, place, slot",
	    NULL, dot_edge);
	fputs("}\n", f);
	return rc;
}
