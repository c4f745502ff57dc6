/*
 * qemu.h - leaving QEMU through the isa-debug-exit device
 * (-device isa-debug-exit,iobase=0xf4,iosize=0x04), which makes QEMU
 * exit with status (code << 1) | 1. docs/testing.md: 0 = all passed,
 * 1 = something failed.
 */
#pragma once

#include <stdint.h>

#include <x86_64/io.h>

#define QEMU_EXIT_PORT		0xf4
#define QEMU_EXIT_PASS		0
#define QEMU_EXIT_FAIL		1

/* Returns only if the device is absent (not QEMU, or no -device). */
static inline void
qemu_exit(uint32_t code)
{
	outl(QEMU_EXIT_PORT, code);
}
