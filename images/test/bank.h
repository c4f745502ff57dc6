/*
 * bank.h - the bank suite's cap registers and helpers (bank.c,
 * bank_life.c). The suite's process (bank.mki) holds caps to three
 * declared banks: prime, sub (prime's child) and other (a separate
 * root); every test works in child banks it makes and destroys, and
 * checks that prime's usage is back to zero at its end.
 */
#pragma once

#include <stdint.h>

#include <user/bank.h>
#include <user/test.h>

#define CR_LOG		0
#define CR_PRIME	1
#define CR_SUB		2
#define CR_OTHER	3
#define CR_DISCRIM	4
#define CR_SLEEP	5
#define CR_SPACE	6	/* this process's own space */
#define CR_A		8	/* banks the tests make */
#define CR_B		9
#define CR_C		10
#define CR_R		11	/* a restricted bank cap */
#define CR_O0		12	/* objects: CR_O0 .. CR_O0 + 7 */
#define CR_T0		20	/* scratch */
#define CR_T1		21
#define CR_NULL		31	/* never written */

#define EXPECT(got, want, what)	TEST_EQ((got), (want), (what))

/* Total usage of type t in the bank in cr (UINT64_MAX on error). */
uint64_t	usage(unsigned cr, unsigned t);

/* Own usage of type t (UINT64_MAX on error). */
uint64_t	own(unsigned cr, unsigned t);

/* Fail the current test unless every type's total in cr is zero. */
void	expect_empty(unsigned cr, const char *what);

/* The type of the cap in cr through DISCRIM (CT_NULL if invalid). */
uint64_t	classify(unsigned cr);

void	test_restricted(void);
void	test_destroy_running(void);
void	test_destroy_declared(void);
void	test_segments(void);
