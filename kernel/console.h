/*
 * console.h - the kernel console: every byte goes to COM1 (what tests
 * read) and to the VGA text screen (what a person sees).
 */
#pragma once

#include <stddef.h>

/* Set up COM1 and clear the screen. First thing kernel_init() does. */
void	console_init(void);

/*
 * Write n bytes of log (kprintf, KERNLOG) to both outputs. A line the
 * terminal has not finished is blanked first and drawn again after the
 * log's line ends. Callable with interrupts on or off.
 */
void	console_write(const char *s, size_t n);

/* Write n bytes for the terminal (CONSOLE caps): \r and \b move the
   cursor on the terminal's own line. */
void	console_term_write(const char *s, size_t n);
