/*
 * kbd.h - the PS/2 keyboard of the VGA window (IRQ 1), scancode set 1 as
 * the i8042 controller translates it, turned into the bytes a terminal
 * would send: ASCII, Ctrl-letter as 1..26, arrows as ESC [ A..D.
 */
#pragma once

#include <stdint.h>

/* Take the keyboard interrupt if a controller answers. After pic_init(). */
void	kbd_init(void);

/*
 * The bytes for one scancode given the modifier state kept in *mods
 * (KBD_M_*), which it updates: writes up to 3 bytes to out and returns
 * how many. Pure, for tests.
 */
#define KBD_M_SHIFT	0x01
#define KBD_M_CTRL	0x02
#define KBD_M_CAPS	0x04
#define KBD_M_E0	0x08	/* an 0xE0 prefix came last */
unsigned	kbd_translate(uint8_t code, unsigned *mods, uint8_t out[3]);
