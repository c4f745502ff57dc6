/*
 * objset.h - a whole generation's objects in host memory: what build.c
 * produces and store_write() writes, and what the decoder reads back.
 * The array index of an object is its OID index; its OID is
 * OID_MAKE(type, index).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <abi/store.h>

/* A free map entry (abi/store.h): its object's kept allocation count. */
struct os_freed {
	oid_t		oid;
	uint32_t	alloc_count;
};

/* A page or cap page: data is STORE_BLOCK_SIZE bytes, or NULL for zero. */
struct os_page {
	oid_t		oid;		/* own OID */
	uint8_t		*data;		/* owned */
	uint32_t	alloc_count;
	uint32_t	bank;
	uint32_t	flags;		/* STORE_REF_* */
	uint32_t	crc;		/* filled by store_write / decoder */
	uint64_t	block;		/* filled by store_write / decoder */
};

struct objset {
	struct os_page	*pages;
	size_t		npages, cappages_;
	struct os_page	*cpages;	/* cap pages */
	size_t		ncpages, capcpages_;
	struct obj_gpt	*gpts;
	size_t		ngpts, capgpts_;
	struct obj_process *procs;
	size_t		nprocs, capprocs_;
	struct obj_endpoint *eps;
	size_t		neps, capeps_;
	struct os_freed	*freed;		/* free entries, by OID (decoder) */
	size_t		nfreed, capfreed_;
	oid_t		*runlist;	/* processes to resume */
	size_t		nrun, caprun_;
	uint8_t		*manifest;	/* manifest bytes (manifest.h) */
	size_t		manifest_len;
};

/*
 * Append a new object of each kind, with hdr.oid (or flags) set, the
 * given bank and alloc count 1. They return the new OID. Pointers into
 * the arrays are invalidated by the next append of the same kind.
 */
oid_t	os_new_page(struct objset *os, uint32_t bank, uint8_t *data);
oid_t	os_new_cpage(struct objset *os, uint32_t bank, uint8_t *data);
oid_t	os_new_gpt(struct objset *os, uint32_t bank, uint8_t l2v);
oid_t	os_new_proc(struct objset *os, uint32_t bank);
oid_t	os_new_ep(struct objset *os, uint32_t bank);

/* The object named by oid, or NULL if out of range or of another kind. */
struct os_page		*os_page(struct objset *os, oid_t oid);
struct os_page		*os_cpage(struct objset *os, oid_t oid);
struct obj_gpt		*os_gpt(struct objset *os, oid_t oid);
struct obj_process	*os_proc(struct objset *os, oid_t oid);
struct obj_endpoint	*os_ep(struct objset *os, oid_t oid);

/*
 * Allocation count of the object oid names, or -1 if it does not exist
 * (out of range or an unused slot). A free entry's kept count counts:
 * the kernel reads it as a fresh object with that count.
 */
int64_t	os_alloc_count(struct objset *os, oid_t oid);

/* The kept count of oid's free entry (os->freed), or -1 if none. */
int64_t	os_freed_count(struct objset *os, oid_t oid);

/*
 * The count capability c (naming an object) must carry to be current
 * (lib/capfmt.h, cap_count_current): its object's allocation count, or
 * for a REPLY cap its process's reply_seq. Returns 0, or -1 if the
 * object does not exist.
 */
int	os_cap_count(struct objset *os, const struct cap *c, uint64_t *count);

/* A capability to object oid with its current allocation count. */
struct cap os_cap(struct objset *os, unsigned ct, oid_t oid, uint8_t restr,
	    uint16_t aux);

/* Release everything an objset owns (not os itself). */
void	os_free(struct objset *os);

/* True if buf (STORE_BLOCK_SIZE bytes) is all zero. */
int	os_is_zero(const uint8_t *buf);
