/*
 * problems.c - collecting problem lines. The list is bounded so that a
 * thoroughly broken image cannot make mkimage use unbounded memory.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "problems.h"
#include "util.h"

void
prob_add(struct problems *pr, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (pr->n >= PROBLEMS_MAX) {
		pr->dropped++;
		return;
	}
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = mki_strdup("(out of memory formatting a problem)");
	va_end(ap);
	mki_grow(&pr->msg, &pr->cap, pr->n + 1, sizeof(*pr->msg));
	pr->msg[pr->n++] = s;
}

void
prob_free(struct problems *pr)
{
	for (size_t i = 0; i < pr->n; i++)
		free(pr->msg[i]);
	free(pr->msg);
	pr->msg = NULL;
	pr->n = pr->cap = pr->dropped = 0;
}
