/*
 * vga.c - VGA text mode output with scrolling and a hardware cursor.
 * The frame buffer is reached through phys_to_virt() on every call, so
 * it keeps working when vm_init() replaces the boot mapping.
 * Invariant: 0 <= vga_row < VGA_ROWS and 0 <= vga_col < VGA_COLS.
 */
#include <stddef.h>
#include <stdint.h>

#include <x86_64/io.h>
#include <x86_64/vga.h>
#include <x86_64/vm.h>

#define VGA_PHYS	0xB8000
#define VGA_COLS	80
#define VGA_ROWS	25
#define VGA_ATTR	0x0700		/* light grey on black */
#define VGA_CRTC_INDEX	0x3D4
#define VGA_CRTC_DATA	0x3D5

static unsigned	vga_row, vga_col;

static volatile uint16_t *
vga_cells(void)
{
	return phys_to_virt(VGA_PHYS);
}

static void
vga_cursor(void)
{
	uint16_t pos = (uint16_t)(vga_row * VGA_COLS + vga_col);

	outb(VGA_CRTC_INDEX, 0x0F);
	outb(VGA_CRTC_DATA, pos & 0xff);
	outb(VGA_CRTC_INDEX, 0x0E);
	outb(VGA_CRTC_DATA, pos >> 8);
}

static void
vga_scroll(volatile uint16_t *cells)
{
	unsigned i;

	for (i = 0; i < (VGA_ROWS - 1) * VGA_COLS; i++)
		cells[i] = cells[i + VGA_COLS];
	for (; i < VGA_ROWS * VGA_COLS; i++)
		cells[i] = VGA_ATTR | ' ';
}

void
vga_init(void)
{
	volatile uint16_t *cells = vga_cells();
	unsigned i;

	for (i = 0; i < VGA_ROWS * VGA_COLS; i++)
		cells[i] = VGA_ATTR | ' ';
	vga_row = vga_col = 0;
	vga_cursor();
}

void
vga_write(const char *s, size_t n)
{
	volatile uint16_t *cells = vga_cells();
	size_t i;

	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c == '\n') {
			vga_col = 0;
			vga_row++;
		} else if (c == '\r') {
			vga_col = 0;
		} else if (c == '\t') {
			vga_col = (vga_col + 8) & ~7u;
		} else if (c == '\b') {
			if (vga_col > 0)
				vga_col--;
		} else {
			cells[vga_row * VGA_COLS + vga_col] =
			    (uint16_t)(VGA_ATTR | (uint8_t)c);
			vga_col++;
		}
		if (vga_col >= VGA_COLS) {
			vga_col = 0;
			vga_row++;
		}
		if (vga_row >= VGA_ROWS) {
			vga_scroll(cells);
			vga_row = VGA_ROWS - 1;
		}
	}
	vga_cursor();
}
