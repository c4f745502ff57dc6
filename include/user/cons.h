/*
 * cons.h - the terminal for user programs, through a CONSOLE cap
 * (OC_CONS_READ, OC_CONS_WRITE in abi/invoke.h), and a line editor over
 * it (user/edit.h).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/*
 * Read up to CONS_READ_MAX typed bytes into buf (size at least that),
 * waiting for input unless nowait. Returns the count (> 0) or -ERR_*
 * (-ERR_WOULD_BLOCK: nowait and nothing typed; -ERR_RESTART: the machine
 * restarted while this waited).
 */
int	cons_read(unsigned cr, uint8_t *buf, int nowait);

/* Write n bytes; \r and \b move the cursor. Returns 0 or ERR_*. */
int	cons_write(unsigned cr, const char *s, size_t n);
