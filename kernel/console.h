/*
 * console.h - the kernel console: every byte goes to COM1 (what tests
 * read) and to the VGA text screen (what a person sees).
 */
#pragma once

#include <stddef.h>

/* Set up COM1 and clear the screen. First thing kernel_init() does. */
void	console_init(void);

/* Write n bytes to both outputs. Callable with interrupts on or off. */
void	console_write(const char *s, size_t n);
