/*
 * parse.h - internals shared by parse.c (statements) and resolve.c
 * (cross-reference checks) of the .mki reader.
 */
#pragma once

#include <stdarg.h>

#include "mki.h"

#define PARSE_MAX_ERRORS	30

struct parser {
	struct mki_desc	*d;
	int		line;
	int		errors;
	/* the open block that indented lines belong to */
	struct mki_process *proc;
	struct mki_cappage *cpage;
};

/* Print "file:line: message" and count it. */
void	parse_error(struct parser *p, int line, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/* A valid name: letter or _, then letters, digits, _ - . ; at most 63. */
int	parse_valid_name(const char *s);

struct lex_line;

/*
 * The value of the option whose key is word *i of l (advancing *i), or
 * NULL after reporting that it is missing.
 */
const char *parse_opt_value(struct parser *p, struct lex_line *l, int *i);

/* An indented line: cap, reg or map in the open block. */
void	parse_sub_statement(struct parser *p, struct lex_line *l);

/* Check every cross-reference once the whole file is read. */
void	resolve_desc(struct parser *p);
