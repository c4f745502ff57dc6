/*
 * blk_priv.h - what virtio_blk.c shares with blk_sync.c, and nothing
 * else includes.
 */
#pragma once

#include <stdint.h>

/* 0 if the driver is up; ERR_IO if it failed; ERR_NOT_FOUND if never up. */
int	blk_ready(void);

/* 0 if nsect >= 1 sectors at lba lie inside the disk, else ERR_BAD_ARG. */
int	blk_check_range(uint64_t lba, uint64_t nsect);
