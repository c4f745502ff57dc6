/*
 * kbd.c - the PS/2 keyboard (kbd.h). The firmware leaves the i8042 with
 * translation on (scancode set 1) and the keyboard enabled; kbd_init
 * checks that a controller answers, turns on its IRQ 1 and translation,
 * and takes the interrupt. Each interrupt reads one scancode.
 *
 * Invariant: every wait on the controller is bounded, so a machine
 * without one (status 0xFF) never hangs the kernel.
 */
#include <stdint.h>

#include <console_in.h>
#include <x86_64/io.h>
#include <x86_64/kbd.h>
#include <x86_64/pic.h>

#define KBD_DATA	0x60
#define KBD_STATUS	0x64	/* read: status; write: command */
#define ST_OUT_FULL	0x01
#define ST_IN_FULL	0x02
#define CMD_READ_CFG	0x20
#define CMD_WRITE_CFG	0x60
#define CFG_IRQ1	0x01
#define CFG_TRANSLATE	0x40
#define IRQ_KBD		1
#define SPINS		100000

#define SC_RELEASE	0x80
#define SC_E0		0xE0
#define SC_LSHIFT	0x2A
#define SC_RSHIFT	0x36
#define SC_CTRL		0x1D
#define SC_CAPS		0x3A
#define SC_UP		0x48
#define SC_LEFT		0x4B
#define SC_RIGHT	0x4D
#define SC_DOWN		0x50

/* Set 1 make codes 0x00..0x39 without and with shift (0: no byte). */
static const char plain[0x3A] =
    "\0\033" "1234567890-=\b\t" "qwertyuiop[]\r\0" "asdfghjkl;'`\0\\"
    "zxcvbnm,./\0*\0 ";
static const char shifted[0x3A] =
    "\0\033" "!@#$%^&*()_+\b\t" "QWERTYUIOP{}\r\0" "ASDFGHJKL:\"~\0|"
    "ZXCVBNM<>?\0*\0 ";
_Static_assert(sizeof(plain) == 0x3A && sizeof(shifted) == 0x3A, "");

static unsigned	mods;

static int
wait_status(uint8_t mask, uint8_t want)
{
	unsigned i;

	for (i = 0; i < SPINS; i++)
		if ((inb(KBD_STATUS) & mask) == want)
			return 0;
	return -1;
}

static unsigned
arrow(uint8_t code, uint8_t out[3])
{
	char c = code == SC_UP ? 'A' : code == SC_DOWN ? 'B' :
	    code == SC_RIGHT ? 'C' : code == SC_LEFT ? 'D' : 0;

	if (c == 0)
		return 0;
	out[0] = '\033';
	out[1] = '[';
	out[2] = (uint8_t)c;
	return 3;
}

unsigned
kbd_translate(uint8_t code, unsigned *m, uint8_t out[3])
{
	uint8_t key = code & (uint8_t)~SC_RELEASE;
	int down = !(code & SC_RELEASE), e0 = (*m & KBD_M_E0) != 0, shift;
	char c;

	*m &= ~(unsigned)KBD_M_E0;
	if (code == SC_E0) {
		*m |= KBD_M_E0;
		return 0;
	}
	if (key == SC_LSHIFT || key == SC_RSHIFT) {
		if (!e0)	/* E0 2A is a fake shift of some keys */
			*m = down ? *m | KBD_M_SHIFT : *m & ~(unsigned)KBD_M_SHIFT;
		return 0;
	}
	if (key == SC_CTRL) {
		*m = down ? *m | KBD_M_CTRL : *m & ~(unsigned)KBD_M_CTRL;
		return 0;
	}
	if (!down)
		return 0;
	if (e0)
		return arrow(key, out);
	if (key == SC_CAPS) {
		*m ^= KBD_M_CAPS;
		return 0;
	}
	if (key >= sizeof(plain))
		return 0;
	shift = (*m & KBD_M_SHIFT) != 0;
	c = shift ? shifted[key] : plain[key];
	if ((*m & KBD_M_CAPS) && ((c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z')))
		c = shift ? plain[key] : shifted[key];
	if (c == 0)
		return 0;
	if ((*m & KBD_M_CTRL) && ((c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z')))
		c = (char)((c & 0x1f));
	out[0] = (uint8_t)c;
	return 1;
}

static void
kbd_irq(void)
{
	uint8_t out[3];
	unsigned n, i;

	if (!(inb(KBD_STATUS) & ST_OUT_FULL))
		return;
	n = kbd_translate(inb(KBD_DATA), &mods, out);
	for (i = 0; i < n; i++)
		console_in_put(out[i]);
	console_in_wake();
}

void
kbd_init(void)
{
	uint8_t cfg;
	unsigned i;

	if (inb(KBD_STATUS) == 0xFF)
		return;			/* no controller */
	for (i = 0; i < 16 && (inb(KBD_STATUS) & ST_OUT_FULL); i++)
		(void)inb(KBD_DATA);	/* keys pressed before the kernel */
	if (wait_status(ST_IN_FULL, 0) != 0)
		return;
	outb(KBD_STATUS, CMD_READ_CFG);
	if (wait_status(ST_OUT_FULL, ST_OUT_FULL) != 0)
		return;
	cfg = inb(KBD_DATA) | CFG_IRQ1 | CFG_TRANSLATE;
	if (wait_status(ST_IN_FULL, 0) != 0)
		return;
	outb(KBD_STATUS, CMD_WRITE_CFG);
	if (wait_status(ST_IN_FULL, 0) != 0)
		return;
	outb(KBD_DATA, cfg);
	pic_set_handler(IRQ_KBD, kbd_irq);
}
