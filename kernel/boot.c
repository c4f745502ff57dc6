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

#include <abi/err.h>
#include <boot.h>
#include <lib/fmt.h>
#include <lib/string.h>
#include <panic.h>
#include <x86_64/vm.h>

struct bootinfo	boot_info;
uint64_t	boot_init_tsc;
uint64_t	boot_ready_tsc;

int
boot_info_check(const struct bootinfo *bi, char *why, size_t size)
{
	if (bi->magic != BOOTINFO_MAGIC)
		fmt_snprintf(why, size, "bad magic %#lx (want %#llx)",
		    bi->magic, BOOTINFO_MAGIC);
	else if (bi->version != BOOTINFO_VERSION)
		fmt_snprintf(why, size, "version %u, this kernel knows %u",
		    bi->version, BOOTINFO_VERSION);
	else if (bi->e820_count == 0 || bi->e820_count > BOOTINFO_E820_MAX)
		fmt_snprintf(why, size, "e820_count %u (want 1..%u)",
		    bi->e820_count, BOOTINFO_E820_MAX);
	else if (bi->kernel_phys_start >= bi->kernel_phys_end ||
	    bi->kernel_phys_end > BOOT_MAP_LIMIT)
		fmt_snprintf(why, size, "kernel range [%#lx, %#lx) is not sane",
		    bi->kernel_phys_start, bi->kernel_phys_end);
	else
		return 0;
	return ERR_BAD_FORMAT;
}

void
boot_info_init(uint64_t phys)
{
	const struct bootinfo *bi;
	char why[100];

	if (phys == 0 || (phys & 7) != 0 || phys >= BOOT_MAP_LIMIT ||
	    BOOT_MAP_LIMIT - phys < sizeof(*bi))
		panic("bootinfo: bad address %#lx", phys);
	bi = phys_to_virt(phys);
	if (boot_info_check(bi, why, sizeof(why)) != 0)
		panic("bootinfo at %#lx: %s", phys, why);
	memcpy(&boot_info, bi, sizeof(boot_info));
	boot_info.cmdline[BOOTINFO_CMDLINE_MAX - 1] = '\0';
}

bool
boot_cmdline_word(const char *cmdline, const char *word)
{
	const char *p = cmdline;
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

int
boot_cmdline_uint(const char *cmdline, const char *key, uint32_t *value)
{
	const char *p = cmdline;
	size_t klen = strlen(key);
	uint64_t v;

	while (*p != '\0') {
		size_t n = 0, i;

		while (*p == ' ' || *p == '\t')
			p++;
		while (p[n] != '\0' && p[n] != ' ' && p[n] != '\t')
			n++;
		if (n > klen && memcmp(p, key, klen) == 0 && p[klen] == '=') {
			if (n == klen + 1)
				return ERR_BAD_ARG;
			for (v = 0, i = klen + 1; i < n; i++) {
				if (p[i] < '0' || p[i] > '9')
					return ERR_BAD_ARG;
				v = v * 10 + (uint64_t)(p[i] - '0');
				if (v > UINT32_MAX)
					return ERR_BAD_ARG;
			}
			*value = (uint32_t)v;
			return 0;
		}
		p += n;
	}
	return ERR_NOT_FOUND;
}

bool
boot_cmdline_has(const char *word)
{
	return boot_cmdline_word(boot_info.cmdline, word);
}
