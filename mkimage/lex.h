/*
 * lex.h - splits one line of a .mki file into words. A word is a run of
 * non-blank characters or a "quoted string" (with \" and \\ escapes);
 * # starts a comment outside quotes.
 */
#pragma once

#include <stddef.h>

#define LEX_MAX_WORDS	32
#define LEX_MAX_LINE	4096

struct lex_line {
	int	indented;		/* line starts with a blank */
	int	nwords;
	char	*word[LEX_MAX_WORDS];	/* point into buf */
	int	quoted[LEX_MAX_WORDS];	/* word was a quoted string */
	char	buf[LEX_MAX_LINE + LEX_MAX_WORDS];
};

/*
 * Split line[0..len) (no newline) into out. Returns NULL, or a message
 * (static string) for an unterminated quote, a line too long, too many
 * words, or a control character.
 */
const char *lex_split(const char *line, size_t len, struct lex_line *out);
