/*
 * edit.h - a line editor on the terminal (user/cons.h) with history.
 *
 * Keys: printable ASCII inserts at the cursor; Backspace (^H or DEL)
 * deletes before it; ^U clears the line; left/right arrows, ^A and ^E
 * move; up/down arrows walk the history; ^C abandons the line; Enter
 * (CR or LF) ends it. Other control bytes and unknown escape sequences
 * are ignored, so any byte stream leaves the editor in a usable state.
 *
 * The struct holds everything, history included: a program that keeps
 * it in its (persistent) memory keeps its history across restarts.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <abi/invoke.h>

#define EDIT_LINE_MAX	128	/* bytes per line, terminator included */
#define EDIT_HIST	32	/* lines of history kept */

struct edit {
	unsigned	cr;			/* CONSOLE cap register */
	char		line[EDIT_LINE_MAX];
	size_t		len, cur;		/* line length, cursor */
	size_t		shown;			/* bytes on screen after the
						   prompt */
	char		hist[EDIT_HIST][EDIT_LINE_MAX];
	uint64_t	nhist;			/* lines ever added */
	uint64_t	browse;			/* nhist - lines walked back */
	uint8_t		in[CONS_READ_MAX];	/* typed, not yet handled */
	unsigned	in_n, in_at;
	unsigned	esc;			/* escape sequence state */
};

/* Start an editor on CONSOLE cap register cr, history empty. */
void	edit_init(struct edit *e, unsigned cr);

/*
 * Show prompt, edit one line, copy it (NUL-terminated) into out and add
 * it to the history if not empty. Returns its length, or -ERR_* when the
 * console fails (-ERR_RESTART: the machine restarted while waiting;
 * calling again redraws the prompt and goes on).
 */
int	edit_line(struct edit *e, const char *prompt, char *out, size_t size);

/* History line i (0 oldest kept) or NULL; *count = lines kept. */
const char	*edit_history(const struct edit *e, unsigned i);
unsigned	edit_history_count(const struct edit *e);

/* Lines ever entered (numbering for a `history` listing). */
uint64_t	edit_history_total(const struct edit *e);
