/*
 * scrub.h - the idle-time scrub: when nothing is runnable, read every
 * block the current generation references from the disk and check it,
 * reporting damage (scrub: block N (kind): why, or store_read_data()'s
 * line for a data block) and one line per pass:
 *   scrub: generation N: B blocks read, D damaged, in T ms
 * A pass runs at the first idle moments after boot, then every
 * SCRUB_PERIOD_S seconds. It only reports: damage found by a later load
 * is handled there (docs/kernel.md "Restart", FC_STORE).
 */
#pragma once

#include <stdbool.h>

#define SCRUB_PERIOD_S	600

/*
 * Take the scrub's memory (13 frames) if a store is mounted; without
 * one, or without memory (a scrub: line), it stays off. Once, after the
 * generation to resume is chosen.
 */
void	store_scrub_init(void);

/*
 * One step of the scrub: at most one block read and checked. From the
 * scheduler when nothing is runnable, interrupts off. Returns false when
 * there is nothing to do (off, or no pass due): then idle.
 */
bool	store_scrub_step(void);
