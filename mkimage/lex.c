/*
 * lex.c - the word splitter for .mki lines. Input is untrusted text:
 * every byte is checked, nothing is read past len.
 */
#include <string.h>

#include "lex.h"

const char *
lex_split(const char *line, size_t len, struct lex_line *out)
{
	size_t i = 0, o = 0;

	memset(out, 0, sizeof(*out) - sizeof(out->buf));
	if (len > LEX_MAX_LINE)
		return "line too long";
	out->indented = len > 0 && (line[0] == ' ' || line[0] == '\t');
	for (;;) {
		while (i < len && (line[i] == ' ' || line[i] == '\t' ||
		    line[i] == '\r'))
			i++;
		if (i >= len || line[i] == '#')
			return NULL;
		if (out->nwords == LEX_MAX_WORDS)
			return "too many words on one line";
		out->word[out->nwords] = &out->buf[o];
		if (line[i] == '"') {
			out->quoted[out->nwords] = 1;
			i++;
			for (;;) {
				if (i >= len)
					return "unterminated string";
				if (line[i] == '"')
					break;
				if (line[i] == '\\' && i + 1 < len &&
				    (line[i + 1] == '"' || line[i + 1] == '\\'))
					i++;
				if ((unsigned char)line[i] < 0x20)
					return "control character in string";
				out->buf[o++] = line[i++];
			}
			i++;
			if (i < len && line[i] != ' ' && line[i] != '\t' &&
			    line[i] != '\r' && line[i] != '#')
				return "text directly after a closing quote";
		} else {
			while (i < len && line[i] != ' ' && line[i] != '\t' &&
			    line[i] != '\r' && line[i] != '#') {
				if ((unsigned char)line[i] < 0x20 ||
				    line[i] == '"')
					return line[i] == '"' ?
					    "quote inside a word" :
					    "control character";
				out->buf[o++] = line[i++];
			}
		}
		out->buf[o++] = 0;
		out->nwords++;
	}
}
