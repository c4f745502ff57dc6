/*
 * st_boot.c - self-tests of taking over the boot loader's data: the
 * bootinfo checks on damaged copies, the command-line word match, and
 * that the copy the kernel runs on passed them.
 */
#include <stdint.h>

#include <abi/err.h>
#include <boot.h>
#include <lib/string.h>
#include <selftest/selftest.h>

/* The copy the kernel booted with, damaged by one field. */
static struct bootinfo	damaged;

static int
check_damaged(void)
{
	char why[100];

	return boot_info_check(&damaged, why, sizeof(why));
}

static void
test_boot_info_check(void)
{
	char why[100];

	ST_CHECK_EQ(boot_info_check(&boot_info, why, sizeof(why)), 0);

	memcpy(&damaged, &boot_info, sizeof(damaged));
	damaged.magic ^= 1;
	ST_CHECK_EQ(check_damaged(), ERR_BAD_FORMAT);

	memcpy(&damaged, &boot_info, sizeof(damaged));
	damaged.version = BOOTINFO_VERSION + 1;
	ST_CHECK_EQ(check_damaged(), ERR_BAD_FORMAT);

	memcpy(&damaged, &boot_info, sizeof(damaged));
	damaged.e820_count = 0;
	ST_CHECK_EQ(check_damaged(), ERR_BAD_FORMAT);
	damaged.e820_count = BOOTINFO_E820_MAX + 1;
	ST_CHECK_EQ(check_damaged(), ERR_BAD_FORMAT);
	damaged.e820_count = BOOTINFO_E820_MAX;
	ST_CHECK_EQ(check_damaged(), 0);

	memcpy(&damaged, &boot_info, sizeof(damaged));
	damaged.kernel_phys_end = damaged.kernel_phys_start;
	ST_CHECK_EQ(check_damaged(), ERR_BAD_FORMAT);
	damaged.kernel_phys_end = UINT64_MAX;
	ST_CHECK_EQ(check_damaged(), ERR_BAD_FORMAT);

	/* The reason names the value. */
	memcpy(&damaged, &boot_info, sizeof(damaged));
	damaged.e820_count = 99;
	boot_info_check(&damaged, why, sizeof(why));
	ST_CHECK(strcmp(why, "e820_count 99 (want 1..64)") == 0);
}

static void
test_boot_cmdline_words(void)
{
	ST_CHECK(boot_cmdline_word("selftest", "selftest"));
	ST_CHECK(boot_cmdline_word("  a\tselftest b ", "selftest"));
	ST_CHECK(!boot_cmdline_word("selftests", "selftest"));
	ST_CHECK(!boot_cmdline_word("xselftest", "selftest"));
	ST_CHECK(!boot_cmdline_word("self test", "selftest"));
	ST_CHECK(!boot_cmdline_word("", "selftest"));
	ST_CHECK(!boot_cmdline_word("a b", ""));
	/* The word images/test/selftest.mki gives came through the loader. */
	ST_CHECK(boot_cmdline_has("st-boot-word"));
	ST_CHECK(!boot_cmdline_has("st-boot"));
}

ST_SUITE(st_boot,
	ST_CASE(boot_info_check),
	ST_CASE(boot_cmdline_words),
);
