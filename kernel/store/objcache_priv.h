/*
 * objcache_priv.h - between objcache.c (the cache) and objcache_load.c
 * (turning stored entries into objects). Not for use elsewhere.
 */
#pragma once

#include <obj.h>

/*
 * Fill o (type, oid set; struct and frame zeroed) from the mounted
 * store: alloc_count, bank and contents. Returns 0 if o was stored;
 * ERR_NOT_FOUND if the store holds no such object (o stays zero: a
 * fresh object; but for a free entry, abi/store.h, o->alloc_count is
 * the count it kept); ERR_IO or ERR_CORRUPT (a block, or the object breaks
 * an invariant of its type: o must not be used), with a message.
 */
int	objcache_load(struct obj *o);
