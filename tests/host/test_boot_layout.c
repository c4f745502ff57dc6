/*
 * test_boot_layout.c - boot/bootpart.inc (numbers for NASM) must agree
 * with include/boot/bootpart.h and bootinfo.h (the C layouts the kernel
 * and mkimage use). Each constant is one test.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <boot/bootinfo.h>
#include <boot/bootpart.h>

#include "check.h"

#ifndef BOOTPART_INC
#error "build with -DBOOTPART_INC=\"path/to/boot/bootpart.inc\""
#endif

struct expect {
	const char	*name;
	uint64_t	value;
};

#define HDR(f)	offsetof(struct bootpart_header, f)
#define BI(f)	offsetof(struct bootinfo, f)

static const struct expect expects[] = {
	{ "BOOTPART_TYPE",	BOOTPART_TYPE },
	{ "STORE_PART_TYPE",	STORE_PART_TYPE },
	{ "STAGE2_LOAD_ADDR",	STAGE2_LOAD_ADDR },
	{ "STAGE2_MAX_SECTORS",	STAGE2_MAX_SECTORS },
	{ "HDR_VERSION",	HDR(version) },
	{ "HDR_STAGE2_OFFSET",	HDR(stage2_offset) },
	{ "HDR_STAGE2_SECTORS",	HDR(stage2_sectors) },
	{ "HDR_KERNEL_OFFSET",	HDR(kernel_offset) },
	{ "HDR_KERNEL_SECTORS",	HDR(kernel_sectors) },
	{ "HDR_KERNEL_BYTES",	HDR(kernel_bytes) },
	{ "HDR_CMDLINE",	HDR(cmdline) },
	{ "BOOTPART_VERSION",	BOOTPART_VERSION },
	{ "BOOTINFO_ADDR",	BOOTINFO_ADDR },
	{ "BOOTINFO_MAGIC_LO",	BOOTINFO_MAGIC & 0xffffffff },
	{ "BOOTINFO_MAGIC_HI",	BOOTINFO_MAGIC >> 32 },
	{ "BOOTINFO_VERSION",	BOOTINFO_VERSION },
	{ "BI_MAGIC",		BI(magic) },
	{ "BI_VERSION",		BI(version) },
	{ "BI_E820_COUNT",	BI(e820_count) },
	{ "BI_KERNEL_START",	BI(kernel_phys_start) },
	{ "BI_KERNEL_END",	BI(kernel_phys_end) },
	{ "BI_BOOTPART_LBA",	BI(bootpart_lba) },
	{ "BI_STORE_LBA",	BI(store_lba) },
	{ "BI_STORE_SECTORS",	BI(store_sectors) },
	{ "BI_DISK_SECTORS",	BI(disk_sectors) },
	{ "BI_STAGE2_TSC",	BI(stage2_tsc) },
	{ "BI_BOOT_DRIVE",	BI(boot_drive) },
	{ "BI_CMDLINE",		BI(cmdline) },
	{ "BI_E820",		BI(e820) },
	{ "BI_SIZE",		sizeof(struct bootinfo) },
	{ "BOOTINFO_E820_MAX",	BOOTINFO_E820_MAX },
	{ "CMDLINE_MAX",	BOOTINFO_CMDLINE_MAX },
	{ "E820_ENTRY_SIZE",	sizeof(struct e820_entry) },
};

#define NEXPECT	CHECK_COUNT(expects)

/*
 * Evaluate the right-hand side of "NAME equ EXPR" for the forms the file
 * uses: a number (decimal or 0x hex), or "a + b * c" in decimal.
 * Returns 0 and sets *out, or -1 if the expression is not understood.
 */
static int
eval_equ(const char *s, uint64_t *out)
{
	uint64_t acc = 0, term;
	char *end;

	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		term = strtoull(s, &end, 0);
		if (end == s)
			return -1;
		s = end;
		while (*s == ' ' || *s == '\t')
			s++;
		while (*s == '*') {
			uint64_t f = strtoull(s + 1, &end, 0);

			if (end == s + 1)
				return -1;
			term *= f;
			for (s = end; *s == ' ' || *s == '\t'; s++)
				;
		}
		acc += term;
		if (*s != '+')
			break;
		s++;
	}
	if (*s != '\0' && *s != ';' && *s != '\n')
		return -1;
	*out = acc;
	return 0;
}

/* Value of NAME in the .inc file; -1 if absent or not understood. */
static int
inc_lookup(const char *name, uint64_t *out)
{
	char line[256], want[80];
	FILE *f = fopen(BOOTPART_INC, "r");
	int rc = -1;

	if (f == NULL)
		return -1;
	snprintf(want, sizeof(want), "%s", name);
	while (fgets(line, sizeof(line), f) != NULL) {
		char *p = line;
		size_t n = strlen(want);

		if (strncmp(p, want, n) != 0 || (p[n] != ' ' && p[n] != '\t'))
			continue;
		p = strstr(p + n, "equ");
		if (p != NULL)
			rc = eval_equ(p + 3, out);
		break;
	}
	fclose(f);
	return rc;
}

/* check_run() calls the cases in order: case i checks expects[i]. */
static size_t next_expect;

static void
test_constant(void)
{
	const struct expect *e = &expects[next_expect++];
	uint64_t v;

	CHECK_MSG(inc_lookup(e->name, &v) == 0,
	    "%s missing from %s", e->name, BOOTPART_INC);
	CHECK_MSG(v == e->value, "%s is %#llx in bootpart.inc, %#llx in C",
	    e->name, (unsigned long long)v, (unsigned long long)e->value);
}

int
main(void)
{
	struct check_case cases[NEXPECT];
	size_t i;

	for (i = 0; i < NEXPECT; i++)
		cases[i] = (struct check_case){ expects[i].name, test_constant };
	return check_run("boot_layout", cases, NEXPECT);
}
