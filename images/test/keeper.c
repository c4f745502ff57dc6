/*
 * keeper.c - the keeper suite: a process whose whole stack and run-time
 * memory come from the demand-zero keeper (keepers/vcopy over no
 * background), and two more
 * kept processes whose faults the keeper cannot resolve. The main
 * process is kept too: that it runs at all means its stack faults were
 * resolved. Roles (rdi): 0 main, 1 writes its own code, 2 touches more
 * pages than its keeper may hand out.
 */
#include <abi/process.h>
#include <user/ipc.h>
#include <user/rt.h>
#include <user/test.h>

#include "../../keepers/vcopy.h"

#define CR_DZ		1	/* entry to main's keeper (stats) */
#define CR_SLEEP	2
#define CR_WRITER	3	/* PROCESS, role 1 */
#define CR_HOG		4	/* PROCESS, role 2 */

#define DENSE		UINT64_C(0x400000000000)
#define DENSE_PAGES	256
#define HOG_BASE	UINT64_C(0x400000000000)
#define HOG_PAGES	64
#define STACK_BYTES	(128 * 1024)
#define ZREAD		UINT64_C(0x500000000000)	/* never written */
#define ZREAD_PAGES	200

/* Spread over windows of every size the keeper splits. */
static const uint64_t sparse[] = {
	UINT64_C(0x400000100000), UINT64_C(0x400000110000),
	UINT64_C(0x400001000000), UINT64_C(0x400010000000),
	UINT64_C(0x400100000000), UINT64_C(0x401000000000),
	UINT64_C(0x410000000000), UINT64_C(0x4f0000000000),
	UINT64_C(0x600000000000),
	UINT64_C(0x7fffffffe000),	/* the last page one may map */
};
#define NSPARSE	(sizeof(sparse) / sizeof(sparse[0]))

/* A deep stack frame: every byte must read zero the first time. */
static __attribute__((noinline)) uint64_t
deep_stack(void)
{
	uint64_t space[STACK_BYTES / 8];
	volatile uint64_t *buf = space;
	uint64_t nonzero = 0;

	/* Reading what was never written is the point: hide it from gcc. */
	__asm__ volatile("" : "+r"(buf) : : "memory");

	for (unsigned i = 0; i < STACK_BYTES / 8; i++)
		nonzero += buf[i] != 0;
	for (unsigned i = 0; i < STACK_BYTES / 8; i++)
		buf[i] = i * 3;
	for (unsigned i = 0; i < STACK_BYTES / 8; i++)
		nonzero += buf[i] != i * 3;
	return nonzero;
}

static void
main_tests(void)
{
	volatile uint64_t *p;
	uint64_t w[MI_WORDS_MAX], w2[MI_WORDS_MAX], w3[MI_WORDS_MAX], bad, deep;

	deep = deep_stack();	/* first: nothing used that stack yet */
	test_plan("keeper", 8);

	test_begin("stack_came_from_the_keeper");
	TEST_EQ(ipc_ask(CR_DZ, VC_OC_STATS, w), 0, "stats call");
	TEST_TRUE(w[0] >= STACK_BYTES / 4096 && w[3] >= w[0],
	    "pages handed out for the stack");
	test_end();

	test_begin("deep_stack_reads_zero");
	TEST_EQ(deep, 0, "nonzero or lost words");
	test_end();

	test_begin("dense_region_reads_zero_then_keeps_data");
	bad = 0;
	for (unsigned i = 0; i < DENSE_PAGES; i++) {
		p = (volatile uint64_t *)(uintptr_t)(DENSE + i * 4096ull);
		bad += p[0] != 0 || p[511] != 0;
		p[0] = i + 1;
		p[511] = ~(uint64_t)i;
	}
	for (unsigned i = 0; i < DENSE_PAGES; i++) {
		p = (volatile uint64_t *)(uintptr_t)(DENSE + i * 4096ull);
		bad += p[0] != i + 1 || p[511] != ~(uint64_t)i;
	}
	TEST_EQ(bad, 0, "pages wrong");
	test_end();

	test_begin("sparse_addresses_split_guards");
	bad = 0;
	for (unsigned i = 0; i < NSPARSE; i++) {
		p = (volatile uint64_t *)(uintptr_t)sparse[i];
		bad += *p != 0;
		*p = sparse[i];
	}
	for (unsigned i = 0; i < NSPARSE; i++) {
		p = (volatile uint64_t *)(uintptr_t)sparse[i];
		bad += *p != sparse[i];
	}
	for (unsigned i = 0; i < DENSE_PAGES; i++) {
		p = (volatile uint64_t *)(uintptr_t)(DENSE + i * 4096ull);
		bad += p[0] != i + 1;
	}
	TEST_EQ(bad, 0, "words wrong");
	test_end();

	test_begin("every_fault_at_most_one_page");
	TEST_EQ(ipc_ask(CR_DZ, VC_OC_STATS, w2), 0, "stats call");
	TEST_TRUE(w2[0] <= w2[3], "pages handed out <= faults resolved");
	TEST_TRUE(w2[0] >= w[0] + DENSE_PAGES + NSPARSE,
	    "at least the pages touched");
	TEST_TRUE(w2[2] > 0, "some guard was split");
	TEST_EQ(ipc_ask(CR_DZ, VC_OC_MAPS, w3), 0, "maps call");
	TEST_TRUE(w3[2] > 0, "first reads mapped the zero tree");
	TEST_EQ(w3[0], 0, "copies without a background");
	test_end();

	test_begin("untouched_zero_space_buys_nothing");
	bad = 0;
	for (unsigned i = 0; i < ZREAD_PAGES; i++)
		bad += *(volatile uint64_t *)(uintptr_t)(ZREAD +
		    i * UINT64_C(0x1234000)) != 0;
	TEST_EQ(bad, 0, "nonzero words");
	TEST_EQ(ipc_ask(CR_DZ, VC_OC_STATS, w), 0, "stats call");
	TEST_EQ(w[0], w2[0], "pages bought by reads");
	TEST_EQ(w[1], w2[1], "GPTs bought by reads");
	TEST_TRUE(w[3] > w2[3], "the reads faulted");
	test_end();

	test_begin("unresolvable_fault_stays_faulted");
	TEST_EQ(kcall(CR_WRITER, OC_PROC_RESUME, 0, 0, 0, 0, 0, 0), 0,
	    "start the writer");
	TEST_EQ(test_poll_state(CR_WRITER, CR_SLEEP, PS_FAULTED, w), 0,
	    "faulted");
	TEST_EQ(w[1], FC_WRITE_RO, "fault code");
	test_end();

	test_begin("keeper_out_of_pages");
	TEST_EQ(kcall(CR_HOG, OC_PROC_RESUME, 0, 0, 0, 0, 0, 0), 0,
	    "start the hog");
	TEST_EQ(test_poll_state(CR_HOG, CR_SLEEP, PS_FAULTED, w), 0, "faulted");
	TEST_EQ(w[1], FC_NO_MAPPING, "fault code");
	TEST_TRUE(w[2] >= HOG_BASE && w[2] < HOG_BASE + HOG_PAGES * 4096ull,
	    "in the hog's region");
	test_end();
	test_done();
}

void
umain(uint64_t role, uint64_t a1, uint64_t a2, uint64_t a3)
{
	(void)a1;
	(void)a2;
	(void)a3;
	if (role == 1)
		*(volatile uint8_t *)(uintptr_t)&umain = 0xcc;
	if (role == 2)
		for (unsigned i = 0; i < HOG_PAGES; i++)
			*(volatile uint64_t *)(uintptr_t)(HOG_BASE +
			    i * 4096ull) = i;
	if (role == 0)
		main_tests();
	rt_exit();
}
