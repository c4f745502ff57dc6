/*
 * boot.c - taking over the boot loader's struct bootinfo.
 * The loader's data is input from outside the kernel: it is copied
 * before the low memory holding it can be reused, and every field the
 * kernel relies on is checked before use. A bad bootinfo is a panic that
 * shows the values (nothing sensible can run without a memory map).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <boot.h>
#include <lib/string.h>
#include <panic.h>
#include <x86_64/vm.h>

struct bootinfo	boot_info;
static bool	selftest_mode;

void
boot_info_init(uint64_t phys)
{
	const struct bootinfo *bi;

	if (phys == 0 || (phys & 7) != 0 || phys >= BOOT_MAP_LIMIT ||
	    BOOT_MAP_LIMIT - phys < sizeof(*bi))
		panic("bootinfo: bad address %#lx", phys);
	bi = phys_to_virt(phys);
	if (bi->magic != BOOTINFO_MAGIC)
		panic("bootinfo: bad magic %#lx at %#lx (want %#llx)",
		    bi->magic, phys, BOOTINFO_MAGIC);
	if (bi->version != BOOTINFO_VERSION)
		panic("bootinfo: version %u, this kernel knows %u",
		    bi->version, BOOTINFO_VERSION);
	if (bi->e820_count == 0 || bi->e820_count > BOOTINFO_E820_MAX)
		panic("bootinfo: e820_count %u (want 1..%u)", bi->e820_count,
		    BOOTINFO_E820_MAX);
	if (bi->kernel_phys_start >= bi->kernel_phys_end ||
	    bi->kernel_phys_end > BOOT_MAP_LIMIT)
		panic("bootinfo: kernel range [%#lx, %#lx) is not sane",
		    bi->kernel_phys_start, bi->kernel_phys_end);
	memcpy(&boot_info, bi, sizeof(boot_info));
	boot_info.cmdline[BOOTINFO_CMDLINE_MAX - 1] = '\0';
	selftest_mode = boot_cmdline_has("selftest");
}

bool
boot_cmdline_has(const char *word)
{
	const char *p = boot_info.cmdline;
	size_t wlen = strlen(word);

	while (*p != '\0') {
		size_t n = 0;

		while (*p == ' ' || *p == '\t')
			p++;
		while (p[n] != '\0' && p[n] != ' ' && p[n] != '\t')
			n++;
		if (n == wlen && n > 0 && memcmp(p, word, n) == 0)
			return true;
		p += n;
	}
	return false;
}

bool
boot_selftest(void)
{
	return selftest_mode;
}
