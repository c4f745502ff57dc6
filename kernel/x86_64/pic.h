/*
 * pic.h - the two 8259 interrupt controllers, remapped to vectors
 * TRAP_IRQ_BASE..+15 (away from the CPU exceptions) with every line
 * masked until a handler is set.
 */
#pragma once

#include <stdint.h>

#define PIC_IRQS	16

/* Remap and mask everything (the cascade line IRQ 2 stays open). */
void	pic_init(void);

/*
 * Call fn (interrupts off) for each interrupt on line irq, then unmask
 * the line. One handler per line; setting a second panics.
 */
void	pic_set_handler(unsigned irq, void (*fn)(void));

void	pic_mask(unsigned irq);
void	pic_unmask(unsigned irq);

/*
 * From trap_dispatch: filter spurious IRQ 7/15, run the handler, EOI.
 * A line without a handler is logged once and masked.
 */
void	pic_dispatch(unsigned irq);

/* Spurious interrupts seen (IRQ 7/15 with no bit in the ISR). */
uint64_t	pic_spurious(void);
