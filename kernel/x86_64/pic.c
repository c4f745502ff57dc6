/*
 * pic.c - 8259A pair: initialisation, masks, EOI, spurious filtering.
 * Invariant: a line is unmasked only while it has a handler (or is the
 * cascade, IRQ 2), so no interrupt arrives that nobody handles.
 */
#include <stddef.h>
#include <stdint.h>

#include <panic.h>
#include <printf.h>
#include <x86_64/cpu.h>
#include <x86_64/io.h>
#include <x86_64/pic.h>
#include <x86_64/trap.h>

#define PIC1_CMD	0x20
#define PIC1_DATA	0x21
#define PIC2_CMD	0xA0
#define PIC2_DATA	0xA1

#define ICW1_INIT_ICW4	0x11	/* edge triggered, cascade, ICW4 follows */
#define ICW4_8086	0x01
#define OCW2_EOI	0x20
#define OCW3_READ_ISR	0x0B
#define IRQ_CASCADE	2

static void		(*handlers[PIC_IRQS])(void);
static uint64_t		spurious;

void
pic_init(void)
{
	outb(PIC1_CMD, ICW1_INIT_ICW4);
	io_wait();
	outb(PIC2_CMD, ICW1_INIT_ICW4);
	io_wait();
	outb(PIC1_DATA, TRAP_IRQ_BASE);		/* ICW2: vector offsets */
	io_wait();
	outb(PIC2_DATA, TRAP_IRQ_BASE + 8);
	io_wait();
	outb(PIC1_DATA, 1 << IRQ_CASCADE);	/* ICW3: slave on IRQ 2 */
	io_wait();
	outb(PIC2_DATA, IRQ_CASCADE);
	io_wait();
	outb(PIC1_DATA, ICW4_8086);
	io_wait();
	outb(PIC2_DATA, ICW4_8086);
	io_wait();
	outb(PIC1_DATA, (uint8_t)~(1 << IRQ_CASCADE));
	outb(PIC2_DATA, 0xFF);
}

static uint16_t
port_of(unsigned irq)
{
	return irq < 8 ? PIC1_DATA : PIC2_DATA;
}

void
pic_mask(unsigned irq)
{
	uint64_t flags = cpu_irq_save();

	assert(irq < PIC_IRQS);
	outb(port_of(irq), inb(port_of(irq)) | (uint8_t)(1 << (irq & 7)));
	cpu_irq_restore(flags);
}

void
pic_unmask(unsigned irq)
{
	uint64_t flags = cpu_irq_save();

	assert(irq < PIC_IRQS);
	outb(port_of(irq), inb(port_of(irq)) & (uint8_t)~(1 << (irq & 7)));
	cpu_irq_restore(flags);
}

void
pic_set_handler(unsigned irq, void (*fn)(void))
{
	if (irq >= PIC_IRQS || irq == IRQ_CASCADE || handlers[irq] != NULL)
		panic("pic_set_handler: IRQ %u is invalid or taken", irq);
	handlers[irq] = fn;
	pic_unmask(irq);
}

static void
eoi(unsigned irq)
{
	if (irq >= 8)
		outb(PIC2_CMD, OCW2_EOI);
	outb(PIC1_CMD, OCW2_EOI);
}

/* A spurious IRQ 7/15 has no bit in the in-service register. */
static int
is_spurious(unsigned irq)
{
	uint16_t cmd = irq < 8 ? PIC1_CMD : PIC2_CMD;

	outb(cmd, OCW3_READ_ISR);
	return !(inb(cmd) & 0x80);
}

void
pic_dispatch(unsigned irq)
{
	assert(irq < PIC_IRQS);
	if ((irq == 7 || irq == 15) && is_spurious(irq)) {
		spurious++;
		if (irq == 15)
			outb(PIC1_CMD, OCW2_EOI);  /* the master saw IRQ 2 */
		return;
	}
	if (handlers[irq] != NULL)
		handlers[irq]();
	else {
		kprintf("interrupt: unexpected IRQ %u (vector %u), masking it\n",
		    irq, irq + TRAP_IRQ_BASE);
		pic_mask(irq);
	}
	eoi(irq);
}

uint64_t
pic_spurious(void)
{
	return spurious;
}
