/*
 * vga.h - VGA text mode console (80x25 at physical 0xB8000), what a
 * person at the machine sees. Output only; scrolls at the bottom.
 */
#pragma once

#include <stddef.h>

/* Clear the screen. Needs phys_to_virt() to reach 0xB8000. */
void	vga_init(void);

/* Write n characters; handles \n \r \t \b. */
void	vga_write(const char *s, size_t n);
