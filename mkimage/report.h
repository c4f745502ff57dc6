/*
 * report.h - printing a filled catalog: the text summary, JSON, the
 * capability graph in DOT, and the rows of an arbitrary query.
 */
#pragma once

#include <stdio.h>
#include <sqlite3.h>

#include "problems.h"

/* The human summary "mkimage inspect" prints. */
int	report_text(sqlite3 *db, FILE *f);

/* The same as one JSON object (problems included). */
int	report_json(sqlite3 *db, const struct problems *pr, FILE *f);

/* The capability graph, omitting caps inside address spaces. */
int	report_dot(sqlite3 *db, FILE *f);

/* Run sql and print its rows ("a|b|c" lines, or JSON). 0 or -1. */
int	report_query(sqlite3 *db, const char *sql, int json, FILE *f);

/* Print s as a JSON string. */
void	json_string(FILE *f, const char *s);
