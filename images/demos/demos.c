/*
 * demos.c - the user-level demos of issue 10 (`make run-prog P=demos`,
 * images/demos/demos.mki), one program in five roles (rdi):
 *   0  main: runs the demos in order, then powers off;
 *   3  walker: walks a linked list another process built in a shared
 *      segment, at the same address in both spaces;
 *   4  crasher: on a message, a bad instruction three calls deep, which
 *      the process keeper (keepers/prockeep) reports with names;
 *   10 an instance (constructor "work"): writes a pages, then waits;
 *   11 an instance: touches a 64 MiB heap page by page, then waits;
 *   12 an instance: the crasher's bad instruction, which its
 *      constructor reports the same way.
 */
#include <stddef.h>

#include <abi/process.h>
#include <user/bank.h>
#include <user/ctor.h>
#include <user/ipc.h>
#include <user/log.h>
#include <user/rt.h>

/* main's cap registers (demos.mki). */
#define CR_WORK		1	/* constructor "work": this program */
#define CR_USER		2	/* bank "user" */
#define CR_CKPT		3
#define CR_SLEEP	4
#define CR_WALK		5	/* entry to the walker */
#define CR_CRASH	6	/* entry to the crasher */
#define CR_SUB		7	/* a child bank: the subsystem */
#define CR_PROC0	8	/* the first instance's PROCESS cap */

#define LIST_BASE	UINT64_C(0x300000000000)	/* segment "list" */
#define HEAP		UINT64_C(0x500000000000)	/* an instance's */
#define HEAP_BYTES	(UINT64_C(64) << 20)
#define PAGE		4096
#define NSPAWN		100

extern const char __ehdr_start[], _end[];

struct node {
	struct node	*next;
	uint64_t	value;
};

static uint64_t
usage(unsigned cr, unsigned t)
{
	uint64_t total = 0, own;

	(void)bank_usage(cr, t, &total, &own);
	return total;
}

static void
sleep_ms(uint64_t ms)
{
	(void)kcall(CR_SLEEP, OC_SLEEP_FOR, 1, ms * 1000000, 0, 0, 0, 0);
}

/* Wait until bank cr holds at least n pages (or about 60 s). */
static uint64_t
pages_reach(unsigned cr, uint64_t n)
{
	uint64_t p = 0;

	for (unsigned k = 0; k < 600 && (p = usage(cr, OT_PAGE)) < n; k++)
		sleep_ms(100);
	return p;
}

static void
spawner(void)
{
	uint64_t prog = (uint64_t)(_end - __ehdr_start + PAGE - 1) / PAGE;
	uint64_t p0, p1, id, ok, bad;
	unsigned made = 0;
	int err = 0;

	uprintf("\n== spawner: %u instances of one program from its "
	    "constructor\n", NSPAWN);
	(void)ctor_is_discreet(CR_WORK, &ok, &bad);
	uprintf("constructor 'work' is %sdiscreet\n", ok ? "" : "not ");
	if (bank_child(CR_USER, CR_SUB) != 0)
		return;
	p0 = usage(CR_SUB, OT_PAGE);
	while (made < NSPAWN && (err = ctor_create(CR_WORK, CR_SUB, NULL, 0,
	    10, 2, 0, made == 0 ? CR_PROC0 : CR_DISCARD, &id)) == 0)
		made++;
	if (err != 0)
		uprintf("create %u: error %d\n", made, err);
	p1 = pages_reach(CR_SUB, (uint64_t)made * 3);
	uprintf("bank pages before: %lu, with %u instances running: %lu "
	    "(each wrote 2 heap pages and its stack page)\n",
	    (unsigned long)p0, made, (unsigned long)p1);
	uprintf("the program is %lu pages: %u copies would be %lu pages; "
	    "GPTs: %lu, processes: %lu\n", (unsigned long)prog, made,
	    (unsigned long)(prog * made), (unsigned long)usage(CR_SUB,
	    OT_GPT), (unsigned long)usage(CR_SUB, OT_PROCESS));
}

static void
destroy_subsystem(void)
{
	uint64_t w[MI_WORDS_MAX], info[MI_WORDS_MAX] = { 0 };
	int err;

	uprintf("\n== destroy: the bank that owns the %u running instances\n",
	    NSPAWN);
	uprintf("bank 'user' pages before: %lu\n",
	    (unsigned long)usage(CR_USER, OT_PAGE));
	err = bank_destroy(CR_SUB);
	uprintf("destroy: %d; first instance's PROCESS cap now: error %d; "
	    "the bank's cap: error %d\n", err,
	    kcall(CR_PROC0, OC_PROC_GET_STATE, 0, 0, 0, 0, 0, w),
	    bank_usage(CR_SUB, OT_PAGE, &w[0], &w[1]));
	(void)ctor_info(CR_WORK, info);
	uprintf("bank 'user' pages after: %lu, GPTs %lu, processes %lu; "
	    "instances alive: %lu\n", (unsigned long)usage(CR_USER, OT_PAGE),
	    (unsigned long)usage(CR_USER, OT_GPT),
	    (unsigned long)usage(CR_USER, OT_PROCESS),
	    (unsigned long)info[0]);
	for (uint64_t k = 0; k < NSPAWN; k++)
		(void)ctor_wait(CR_WORK, k, &w[0]);
}

static void
shared_list(void)
{
	struct node *n = (struct node *)(uintptr_t)LIST_BASE;
	struct umsg m;

	uprintf("\n== shared segment: a list built here, walked by "
	    "another process\n");
	for (unsigned i = 0; i < 5; i++) {
		/* Out of order in the segment: the links carry the order. */
		struct node *at = &n[(i * 3) % 5];

		at->value = 100 + i;
		at->next = i < 4 ? &n[((i + 1) * 3) % 5] : NULL;
	}
	uprintf("main: list head at %p\n", (void *)&n[0]);
	umsg_init(&m, 1, 1, (uint64_t)(uintptr_t)&n[0], 0, 0, 0);
	if (ipc_call(CR_WALK, &m) == 0)
		uprintf("main: the walker's sum is %lu\n",
		    (unsigned long)m.w[0]);
}

static void
heap64(void)
{
	uint64_t id, p;

	uprintf("\n== heap: an instance touches 64 MiB, one write per "
	    "page\n");
	if (bank_child(CR_USER, CR_SUB) != 0 || ctor_create(CR_WORK, CR_SUB,
	    NULL, 0, 11, 0, 0, CR_DISCARD, &id) != 0)
		return;
	p = pages_reach(CR_SUB, HEAP_BYTES / PAGE);
	uprintf("its bank: %lu pages, %lu GPTs (64 MiB is %lu pages)\n",
	    (unsigned long)p, (unsigned long)usage(CR_SUB, OT_GPT),
	    (unsigned long)(HEAP_BYTES / PAGE));
	(void)bank_destroy(CR_SUB);
	(void)ctor_wait(CR_WORK, id, &p);
	uprintf("bank destroyed: 'user' holds %lu pages\n",
	    (unsigned long)usage(CR_USER, OT_PAGE));
}

static void
crash(void)
{
	uint64_t id, st = 0;
	struct umsg m;

	uprintf("\n== bad instruction: reported by the process keeper\n");
	umsg_init(&m, 1, 0, 0, 0, 0, 0);
	(void)ipc_send(CR_CRASH, &m);
	sleep_ms(2000);		/* the report: a few hundred calls */
	uprintf("\n== the same in an instance: reported by its "
	    "constructor\n");
	if (ctor_create(CR_WORK, CR_USER, NULL, 0, 12, 0, 0, CR_DISCARD,
	    &id) == 0 && ctor_wait(CR_WORK, id, &st) == 0)
		uprintf("instance ended with status %#lx (CTOR_STATUS_FAULT | "
		    "FC_UD)\n", (unsigned long)st);
}

static void
walker(void)
{
	struct umsg m;

	umsg_init(&m, 0, 0, 0, 0, 0, 0);
	m.rcv = CR_WITH_REPLY(CR_LIST(CR_DISCARD, CR_DISCARD, CR_DISCARD,
	    CR_DISCARD), 7);
	for (int err = ipc_recv(&m); ; err = ipc_reply_wait(7, &m)) {
		uint64_t sum = 0;

		if (err != 0)
			continue;
		for (const struct node *n = (const struct node *)(uintptr_t)
		    m.w[0]; n != NULL; n = n->next) {
			uprintf("walker: node at %p value %lu\n",
			    (const void *)n, (unsigned long)n->value);
			sum += n->value;
		}
		umsg_init(&m, 0, 1, sum, 0, 0, 0);
	}
}

static void __attribute__((noinline))
crash_c(void)
{
	__asm__ volatile("ud2");
}

static void __attribute__((noinline))
crash_b(void)
{
	crash_c();
	__asm__ volatile("");
}

static void __attribute__((noinline))
crash_a(void)
{
	crash_b();
	__asm__ volatile("");
}

void
umain(uint64_t role, uint64_t a1, uint64_t a2, uint64_t a3)
{
	struct umsg m;

	(void)a2;
	(void)a3;
	switch (role) {
	case 3:
		walker();
		break;
	case 4:
		umsg_init(&m, 0, 0, 0, 0, 0, 0);
		(void)ipc_recv(&m);
		crash_a();
		break;
	case 10:
		for (uint64_t i = 0; i < a1; i++)
			*(volatile uint64_t *)(uintptr_t)(HEAP + i * PAGE) = i;
		rt_exit();
	case 11:
		for (uint64_t off = 0; off < HEAP_BYTES; off += PAGE)
			*(volatile uint8_t *)(uintptr_t)(HEAP + off) = 1;
		rt_exit();
	case 12:
		crash_a();
		rt_exit();
	default:
		break;
	}
	spawner();
	destroy_subsystem();
	shared_list();
	heap64();
	crash();
	uprintf("\n== demos done\n");
	(void)kcall(CR_CKPT, OC_CKPT_POWEROFF, 1, 0, 0, 0, 0, 0);
	rt_exit();
}
