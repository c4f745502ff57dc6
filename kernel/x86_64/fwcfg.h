/*
 * fwcfg.h - QEMU's firmware configuration device (I/O ports 0x510 and
 * 0x511): named files the host passes to the guest (-fw_cfg
 * name=opt/...,string=...). Used for run-time settings of test and
 * benchmark images; absent on real hardware, which the calls report.
 */
#pragma once

#include <stdint.h>

/*
 * Copy up to max - 1 bytes of the fw_cfg file `name` into buf, NUL-
 * terminated. Returns the file's size (which may exceed what was
 * copied), or -1 if there is no fw_cfg device or no such file.
 */
long	fwcfg_read_file(const char *name, char *buf, uint32_t max);
