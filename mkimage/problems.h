/*
 * problems.h - a list of problems found while decoding or verifying an
 * image, each one line naming the block or object concerned.
 */
#pragma once

#include <stddef.h>

struct problems {
	char	**msg;
	size_t	n, cap;
	size_t	dropped;	/* beyond PROBLEMS_MAX, counted only */
	size_t	stale_caps;	/* rescinded caps seen: not problems */
};

#define PROBLEMS_MAX	1000

void	prob_add(struct problems *pr, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	prob_free(struct problems *pr);
