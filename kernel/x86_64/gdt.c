/*
 * gdt.c - segment descriptors and the task state segment. In long mode
 * segments are flat; the GDT matters for the privilege levels and the
 * TSS matters for the stacks the CPU switches to (rsp0, IST).
 * Invariant: the GDT and TSS are static and never move once loaded; the
 * LDT register holds the null selector, so every selector with TI set
 * faults (#GP) instead of reading descriptors from linear address 0,
 * which is user memory (its reset value: base 0).
 */
#include <stdint.h>

#include <x86_64/gdt.h>
#include <x86_64/stack.h>

struct tss {
	uint32_t	reserved0;
	uint64_t	rsp[3];		/* stack for a switch to ring 0..2 */
	uint64_t	reserved1;
	uint64_t	ist[7];		/* IST1..IST7 */
	uint64_t	reserved2;
	uint16_t	reserved3;
	uint16_t	iomap_base;	/* beyond the limit: no I/O bitmap */
} __attribute__((packed));
_Static_assert(sizeof(struct tss) == 104, "hardware TSS layout");

struct gdt_pointer {
	uint16_t	limit;
	uint64_t	base;
} __attribute__((packed));

/* Access byte and flags of a code/data descriptor. */
#define DESC_P		(1ul << 47)
#define DESC_S		(1ul << 44)	/* code or data (not system) */
#define DESC_CODE	(1ul << 43)
#define DESC_RW		(1ul << 41)	/* readable code / writable data */
#define DESC_DPL3	(3ul << 45)
#define DESC_L		(1ul << 53)	/* 64-bit code */
#define DESC_TSS_TYPE	(9ul << 40)	/* available 64-bit TSS */

static uint64_t		gdt[7] __attribute__((aligned(16)));
static struct tss	tss __attribute__((aligned(16)));

static void
set_tss_descriptor(void)
{
	uint64_t base = (uint64_t)&tss, limit = sizeof(tss) - 1;

	gdt[SEL_TSS / 8] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
	    DESC_TSS_TYPE | DESC_P | ((limit >> 16 & 0xf) << 48) |
	    ((base >> 24 & 0xff) << 56);
	gdt[SEL_TSS / 8 + 1] = base >> 32;
}

void
gdt_init(void)
{
	struct gdt_pointer gp;
	unsigned i;

	gdt[0] = 0;
	gdt[SEL_KCODE / 8] = DESC_P | DESC_S | DESC_CODE | DESC_RW | DESC_L;
	gdt[SEL_KDATA / 8] = DESC_P | DESC_S | DESC_RW;
	gdt[SEL_UDATA / 8] = DESC_P | DESC_S | DESC_RW | DESC_DPL3;
	gdt[SEL_UCODE / 8] = DESC_P | DESC_S | DESC_CODE | DESC_RW | DESC_L |
	    DESC_DPL3;
	for (i = 1; i <= IST_COUNT; i++)
		tss.ist[i - 1] = stack_ist_top(i);
	tss.rsp[0] = (uint64_t)kstack_top;
	tss.iomap_base = sizeof(tss);
	set_tss_descriptor();

	gp.limit = sizeof(gdt) - 1;
	gp.base = (uint64_t)gdt;
	/* CS can only be reloaded by a far transfer: push CS:RIP, lretq. */
	__asm__ volatile(
	    "lgdt %0\n\t"
	    "pushq %1\n\t"
	    "leaq 1f(%%rip), %%rax\n\t"
	    "pushq %%rax\n\t"
	    "lretq\n"
	    "1:\n\t"
	    "movw %w2, %%ds\n\t"
	    "movw %w2, %%es\n\t"
	    "movw %w2, %%ss\n\t"
	    "xorl %%eax, %%eax\n\t"
	    "movw %%ax, %%fs\n\t"
	    "movw %%ax, %%gs\n\t"
	    "lldt %%ax\n\t"
	    "ltr %w3"
	    : : "m"(gp), "i"(SEL_KCODE), "r"(SEL_KDATA), "r"(SEL_TSS)
	    : "rax", "memory");
}

void
gdt_set_kernel_stack(uint64_t rsp0)
{
	tss.rsp[0] = rsp0;
}
