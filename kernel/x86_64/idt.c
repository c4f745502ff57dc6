/*
 * idt.c - the interrupt descriptor table: every vector enters through
 * its stub in isr.S. All gates are interrupt gates (interrupts off on
 * entry) with DPL 0, except #BP (DPL 3), so that int3 in a user process
 * is a breakpoint rather than a #GP. #DF, NMI and #MC switch to their own IST stacks, so
 * they are reported even when the kernel stack is exhausted or corrupt.
 */
#include <stdint.h>

#include <panic.h>
#include <x86_64/gdt.h>
#include <x86_64/stack.h>
#include <x86_64/trap.h>

struct idt_gate {
	uint16_t	offset_lo;
	uint16_t	selector;
	uint8_t		ist;
	uint8_t		type;		/* P, DPL, gate type */
	uint16_t	offset_mid;
	uint32_t	offset_hi;
	uint32_t	reserved;
} __attribute__((packed));
_Static_assert(sizeof(struct idt_gate) == 16, "hardware gate layout");

struct idt_pointer {
	uint16_t	limit;
	uint64_t	base;
} __attribute__((packed));

#define GATE_INTERRUPT	0x8E	/* present, DPL 0, 64-bit interrupt gate */
#define GATE_DPL3	0x60	/* ring 3 may use `int` on it */
#define ISR_STUB_SIZE	16

extern char	isr_stubs[], isr_stubs_end[];

static struct idt_gate	idt[256] __attribute__((aligned(16)));

static unsigned
gate_ist(unsigned vector)
{
	switch (vector) {
	case T_DF:
		return IST_DF;
	case T_NMI:
		return IST_NMI;
	case T_MC:
		return IST_MC;
	default:
		return 0;
	}
}

void
idt_init(void)
{
	struct idt_pointer ip;
	unsigned v;

	assert(isr_stubs_end - isr_stubs == 256 * ISR_STUB_SIZE);
	for (v = 0; v < 256; v++) {
		uint64_t entry = (uint64_t)isr_stubs + v * ISR_STUB_SIZE;

		idt[v].offset_lo = entry & 0xffff;
		idt[v].selector = SEL_KCODE;
		idt[v].ist = (uint8_t)gate_ist(v);
		idt[v].type = GATE_INTERRUPT | (v == T_BP ? GATE_DPL3 : 0);
		idt[v].offset_mid = (entry >> 16) & 0xffff;
		idt[v].offset_hi = (uint32_t)(entry >> 32);
		idt[v].reserved = 0;
	}
	ip.limit = sizeof(idt) - 1;
	ip.base = (uint64_t)idt;
	__asm__ volatile("lidt %0" : : "m"(ip) : "memory");
}
