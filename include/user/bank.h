/*
 * bank.h - the client side of the space bank (abi/bank.h): one call per
 * request through a bank cap in a cap register. Each returns the
 * kernel's error for the invocation if it failed (ERR_BAD_CAP for a cap
 * to a destroyed run-time bank, whose endpoint is rescinded), else the
 * bank's answer: 0 or its ERR_*. Results are written only on success.
 */
#pragma once

#include <stdint.h>

#include <abi/bank.h>
#include <user/invoke.h>

/*
 * The general form: opcode op with nw words w0, w1, the cap in register
 * give sent as c0 (CR_DISCARD: none), the answer's c0 into register dst
 * (CR_DISCARD: dropped) and its words into out[0..3] (if not NULL).
 */
int	bank_call(unsigned cr, uint32_t op, unsigned nw, uint64_t w0,
	    uint64_t w1, unsigned give, unsigned dst, uint64_t *out);

/* A fresh object of type t (OT_*) into register dst; *oid its OID. */
int	bank_alloc(unsigned cr, unsigned t, unsigned dst, uint64_t *oid);

/* Free the object whose full cap is in register src. */
int	bank_free(unsigned cr, unsigned src);

/* A new child bank's cap into register dst. */
int	bank_child(unsigned cr, unsigned dst);

int	bank_set_limit(unsigned cr, unsigned t, uint64_t limit);
int	bank_get_limit(unsigned cr, unsigned t, uint64_t *limit);

/* Objects of type t held by the bank and its descendants, and by it. */
int	bank_usage(unsigned cr, unsigned t, uint64_t *total, uint64_t *own);

int	bank_destroy(unsigned cr);

/* A restricted cap to the same bank into register dst. */
int	bank_restrict(unsigned cr, unsigned dst);

/* A fresh run-time segment of size bytes: *base. */
int	bank_segment(unsigned cr, uint64_t size, uint64_t *base);

/* The bank's index, its parent's (its own for a root), restricted. */
int	bank_info(unsigned cr, uint64_t *index, uint64_t *parent,
	    uint64_t *restricted);
