/*
 * pagezero.h - zeroing whole frames (pagezero.S).
 */
#pragma once

/*
 * Zero the 4 KiB frame at kernel virtual address va (4 KiB aligned, in
 * the direct map). Uses SSE (enabled by usermode_init()) with xmm0 saved
 * and CR0.TS as found: callable from any kernel context, interrupts on
 * or off.
 */
void	page_zero(void *va);
