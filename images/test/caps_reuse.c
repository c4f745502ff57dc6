/*
 * caps_reuse.c - the caps suite's reuse tests (caps.h): the operations a
 * space bank, a process keeper and a virtual-copy keeper need, checked
 * end to end on victim, a process of this program whose code below is
 * assembly so that no compiler code touches the FPU between the values
 * it loads and the system call that follows.
 *
 * victim starts in caps_victim_reset_self: it fills every XMM register,
 * MXCSR, the x87 control word and stack with values no reset state has,
 * then resets itself while it owns the FPU registers. caps_victim_wait
 * does the same but waits instead, for main to reset it. After either,
 * main points it at caps_victim_report, which copies what the FPU holds
 * into general registers and stops at a ud2 (no handler: parked), where
 * main reads them through the RESTART cap.
 */
#include <stddef.h>

#include <abi/gpt.h>
#include <abi/process.h>
#include <abi/symtab.h>
#include <user/ipc.h>
#include <user/test.h>

#include "caps.h"

#define REG_RSP		7
#define REG_R13		13
#define REG_R15		15
#define REG_RIP		16
#define REG_RFLAGS	17
#define PROC_NREGS	20

#define FTW_EMPTY	0xffff		/* fnstenv: all x87 registers empty */

_Static_assert(OC_PROC_RESET == 0x40a && IC_CALL == 0x300 &&
    IC_RECV == 0x200, "the victim's system calls below");

uint64_t	victim_stack[VICTIM_STACK] __attribute__((aligned(16)));

/*
 * victim_dirty_fpu: every XMM register 0x5a..., MXCSR 0x7f80 (round
 * toward zero), x87 control word 0x027f (53-bit precision), two values
 * on the x87 stack.
 */
__asm__(
"	.text\n"
"victim_dirty_fpu:\n"
"	movabs	$0x5a5a5a5a5a5a5a5a, %rax\n"
"	movq	%rax, %xmm0\n"
"	punpcklqdq %xmm0, %xmm0\n"
"	movdqa	%xmm0, %xmm1\n"
"	movdqa	%xmm0, %xmm2\n"
"	movdqa	%xmm0, %xmm3\n"
"	movdqa	%xmm0, %xmm4\n"
"	movdqa	%xmm0, %xmm5\n"
"	movdqa	%xmm0, %xmm6\n"
"	movdqa	%xmm0, %xmm7\n"
"	movdqa	%xmm0, %xmm8\n"
"	movdqa	%xmm0, %xmm9\n"
"	movdqa	%xmm0, %xmm10\n"
"	movdqa	%xmm0, %xmm11\n"
"	movdqa	%xmm0, %xmm12\n"
"	movdqa	%xmm0, %xmm13\n"
"	movdqa	%xmm0, %xmm14\n"
"	movdqa	%xmm0, %xmm15\n"
"	pushq	$0x7f80\n"
"	ldmxcsr	(%rsp)\n"
"	movq	$0x027f, (%rsp)\n"
"	fldcw	(%rsp)\n"
"	popq	%rax\n"
"	fld1\n"
"	fldpi\n"
"	ret\n"
"\n"
/* Reset through cap register 0 (PROCESS victim): never returns. */
"	.globl	caps_victim_reset_self\n"
"caps_victim_reset_self:\n"
"	call	victim_dirty_fpu\n"
"	movl	$0x300, %eax\n"
"	movl	$0x40a, %edi\n"
"	xorl	%esi, %esi\n"
"	movq	$-1, %rdx\n"
"	syscall\n"
"	ud2\n"
"\n"
"	.globl	caps_victim_wait\n"
"caps_victim_wait:\n"
"	call	victim_dirty_fpu\n"
"1:	movl	$0x200, %eax\n"
"	xorl	%edi, %edi\n"
"	xorl	%esi, %esi\n"
"	movq	$-1, %rdx\n"
"	syscall\n"
"	jmp	1b\n"
"\n"
/* rax xmm0 low, rbx xmm15 low, rcx xmm7 high, rdx MXCSR, rsi FCW,
   rdi the x87 tag word; every other register as it was. */
"	.globl	caps_victim_report\n"
"caps_victim_report:\n"
"	movq	%xmm0, %rax\n"
"	movq	%xmm15, %rbx\n"
"	movhlps	%xmm7, %xmm7\n"
"	movq	%xmm7, %rcx\n"
"	subq	$32, %rsp\n"
"	stmxcsr	(%rsp)\n"
"	movl	(%rsp), %edx\n"
"	fnstcw	4(%rsp)\n"
"	movzwl	4(%rsp), %esi\n"
"	fnstenv	(%rsp)\n"
"	movzwl	8(%rsp), %edi\n"
"	addq	$32, %rsp\n"
"	.globl	caps_victim_ud2\n"
"caps_victim_ud2:\n"
"	ud2\n"
"	ud2\n"
"\n"
/* rax = the word at rdi, then stop at a ud2 (a load that faults stops
   at the load instead). */
"	.globl	caps_victim_load\n"
"caps_victim_load:\n"
"	movq	(%rdi), %rax\n"
"	ud2\n"
);

#define STACK_TOP	((uint64_t)&victim_stack[VICTIM_STACK])

int
wait_state(unsigned cr, uint64_t state, uint64_t *w)
{
	int err = 0;

	for (unsigned i = 0; i < 2000; i++) {
		if ((err = kcall(cr, OC_PROC_GET_STATE, 0, 0, 0, 0, 0, w)) !=
		    0 || w[0] == state)
			return err;
		kcall(CR_SLEEP, OC_SLEEP_FOR, 1, 1000000, 0, 0, 0, 0);
	}
	return ERR_WOULD_BLOCK;
}

/*
 * Run victim from rip on its own stack until it reaches want_state.
 * Its space is set only if it has none: setting it drops its mappings,
 * which would hide a GPT reset that failed to (gpt_reset_drops_mappings).
 */
static void
victim_run(uint64_t rip, uint64_t want_state, const char *what)
{
	uint64_t w[MI_WORDS_MAX], t = 0;

	EXPECT(kcall_cap(CR_VICTIM, OC_PROC_GET_SPACE, 0, 0, 0, CR_T3), 0,
	    "get_space");
	if (cap_classify(CR_DISCRIM, CR_T3, &t, 0) != 0 || t == CT_NULL)
		EXPECT(kcall_give(CR_VICTIM, OC_PROC_SET_SPACE, 0, 0, 0,
		    CR_VSPACE), 0, "victim's space back");
	EXPECT(kcall(CR_VICTIM, OC_PROC_SET_REGS, 2, REG_RSP, STACK_TOP, 0, 0,
	    0), 0, "rsp");
	EXPECT(kcall(CR_VICTIM, OC_PROC_SET_REGS, 2, REG_RIP, rip, 0, 0, 0),
	    0, "rip");
	EXPECT(kcall(CR_VICTIM, OC_PROC_RESUME, 0, 0, 0, 0, 0, 0), 0,
	    "resume");
	if (wait_state(CR_VICTIM, want_state, w) != 0)
		test_fail("%s: victim never reached state %lu (state %lu, "
		    "fault %lu)", what, (unsigned long)want_state,
		    (unsigned long)w[0], (unsigned long)w[1]);
}

void
victim_fault(void)
{
	uint64_t w[MI_WORDS_MAX];

	if (kcall(CR_VICTIM, OC_PROC_GET_STATE, 0, 0, 0, 0, 0, w) == 0 &&
	    w[0] == PS_FAULTED)
		return;
	victim_run((uint64_t)caps_victim_ud2, PS_FAULTED, "victim_fault");
}

/* Every register 0 but rflags, every cap null, stopped, no fault. */
static void
expect_fresh(const char *what)
{
	uint64_t w[MI_WORDS_MAX], t = 0;

	for (unsigned first = 0; first < PROC_NREGS; first += 4) {
		EXPECT(kcall(CR_VICTIM, OC_PROC_GET_REGS, 1, first, 0, 0, 0,
		    w), 0, "get_regs");
		for (unsigned i = 0; i < 4; i++)
			if (w[i] != (first + i == REG_RFLAGS ?
			    RFLAGS_USER_DEFAULT : 0))
				test_fail("%s: register %u is %#lx", what,
				    first + i, (unsigned long)w[i]);
	}
	for (unsigned i = 0; i < PROC_CAP_REGS; i++) {
		EXPECT(kcall_cap(CR_VICTIM, OC_PROC_FETCH_CAP, 1, i, 0, CR_T0),
		    0, "fetch_cap");
		EXPECT(cap_classify(CR_DISCRIM, CR_T0, &t, 0), 0, "classify");
		if (t != CT_NULL)
			test_fail("%s: cap register %u has type %lu", what, i,
			    (unsigned long)t);
	}
	EXPECT(kcall_cap(CR_VICTIM, OC_PROC_GET_SPACE, 0, 0, 0, CR_T0), 0,
	    "get_space");
	expect_class(CR_T0, CT_NULL, 0, "space after reset");
	EXPECT(kcall(CR_VICTIM, OC_PROC_GET_STATE, 0, 0, 0, 0, 0, w), 0,
	    "get_state");
	EXPECT(w[0], PS_STOPPED, "stopped");
	EXPECT(w[1], FC_NONE, "no fault code");
	EXPECT(w[2], 0, "no fault address");
}

/*
 * Run caps_victim_report and check what the FPU held: the reset state.
 * Its ud2 must park it: the handler (vh, whose recipient is main) was
 * reset too, so no fault message waits for main.
 */
static void
expect_fpu_reset(const char *what)
{
	uint64_t w[MI_WORDS_MAX];
	struct umsg m;

	victim_run((uint64_t)caps_victim_report, PS_FAULTED, what);
	EXPECT(kcall(CR_VICTIM, OC_PROC_GET_STATE, 0, 0, 0, 0, 0, w), 0,
	    "state");
	EXPECT(w[1], FC_UD, "stopped at its ud2");
	umsg_init(&m, 0, 0, 0, 0, 0, 0);
	EXPECT(ipc_recv_nb(&m), ERR_WOULD_BLOCK,
	    "no fault message: the handler is null");
	EXPECT(kcall(CR_VRESTART, OC_RESTART_GET_REGS, 1, 0, 0, 0, 0, w), 0,
	    "restart get_regs 0");
	EXPECT(w[0], 0, "xmm0");
	EXPECT(w[1], 0, "xmm15");
	EXPECT(w[2], 0, "xmm7 high half");
	EXPECT(w[3], MXCSR_DEFAULT, "mxcsr");
	EXPECT(kcall(CR_VRESTART, OC_RESTART_GET_REGS, 1, 4, 0, 0, 0, w), 0,
	    "restart get_regs 4");
	EXPECT(w[0], FCW_DEFAULT, "x87 control word");
	EXPECT(w[1], FTW_EMPTY, "x87 stack empty");
	EXPECT(w[2], 0, "rbp");
	EXPECT(w[3], STACK_TOP, "rsp");
	for (unsigned first = 8; first < 16; first += 4) {
		EXPECT(kcall(CR_VRESTART, OC_RESTART_GET_REGS, 1, first, 0, 0,
		    0, w), 0, "restart get_regs r8..r15");
		for (unsigned i = 0; i < 4; i++)
			if (w[i] != 0)
				test_fail("%s: r%u is %#lx", what, first + i,
				    (unsigned long)w[i]);
	}
}

/* victim reset itself, owning the FPU registers as it did. */
static void
reset_self(void)
{
	uint64_t w[MI_WORDS_MAX];

	if (wait_state(CR_VICTIM, PS_STOPPED, w) != 0) {
		test_fail("victim never stopped: state %lu, fault %lu",
		    (unsigned long)w[0], (unsigned long)w[1]);
		return;
	}
	expect_fresh("self reset");
	expect_fpu_reset("self reset");
}

/* victim waits in IPC, its FPU values loaded; main resets it. */
static void
reset_waiting(void)
{
	uint64_t w[MI_WORDS_MAX];

	victim_run((uint64_t)caps_victim_wait, PS_RECEIVING, "wait");
	EXPECT(kcall(CR_VICTIM, OC_PROC_SET_REGS, 2, REG_R13, 0x1313, 0, 0,
	    0), 0, "r13");
	EXPECT(kcall_give(CR_VICTIM, OC_PROC_STORE_CAP, 1, 5, 0, CR_LOG), 0,
	    "cap 5");
	EXPECT(kcall_give(CR_VICTIM, OC_PROC_SET_HANDLER, 0, 0, 0, CR_VH), 0,
	    "handler vh");
	EXPECT(kcall(CR_VICTIM, OC_PROC_RESET, 0, 0, 0, 0, 0, 0), 0, "reset");
	EXPECT(kcall(CR_VICTIM, OC_PROC_GET_STATE, 0, 0, 0, 0, 0, w), 0,
	    "state");
	EXPECT(w[0], PS_STOPPED, "stopped by the reset");
	expect_fresh("reset while waiting");
	expect_fpu_reset("reset while waiting");
}

/* A keeper's RESTART cap reads and repairs the faulted victim. */
static void
restart_regs(void)
{
	uint64_t w[MI_WORDS_MAX], ud2 = (uint64_t)caps_victim_ud2;

	victim_fault();
	EXPECT(kcall(CR_VRESTART, OC_RESTART_GET_REGS, 1, REG_RIP, 0, 0, 0,
	    w), 0, "get rip");
	EXPECT(w[0], ud2, "rip at the ud2");
	EXPECT(kcall(CR_VRESTART, OC_RESTART_SET_REGS, 2, REG_RIP,
	    UINT64_C(0xffffffff80100000), 0, 0, 0), ERR_BAD_ARG,
	    "rip in the kernel");
	EXPECT(kcall(CR_VRESTART, OC_RESTART_SET_REGS, 4, 14, 1, 2,
	    UINT64_C(0x800000000000), 0), ERR_BAD_ARG,
	    "r14, r15 fine, rip not canonical: none written");
	EXPECT(kcall(CR_VRESTART, OC_RESTART_GET_REGS, 1, 14, 0, 0, 0, w), 0,
	    "get r14..rflags");
	EXPECT(w[0], 0, "r14 unchanged");
	EXPECT(w[2], ud2, "rip unchanged");
	EXPECT(kcall(CR_VRESTART, OC_RESTART_SET_REGS, 3, REG_R15, 0x1515,
	    ud2 + 2, 0, 0), 0, "r15 and rip past the ud2");
	EXPECT(kcall(CR_VRESTART, OC_RESTART_RESUME, 0, 0, 0, 0, 0, 0), 0,
	    "resume");
	if (wait_state(CR_VICTIM, PS_FAULTED, w) != 0)
		test_fail("victim did not fault again");
	EXPECT(w[1], FC_UD, "faulted at the second ud2");
	EXPECT(kcall(CR_VRESTART, OC_RESTART_GET_REGS, 1, REG_R15, 0, 0, 0,
	    w), 0, "get r15, rip");
	EXPECT(w[0], 0x1515, "r15 as set");
	EXPECT(w[1], ud2 + 2, "rip as set");
}

/*
 * A free slot of the space root in register root, spanning at least
 * 2^16 bytes of the run-time region (abi/types.h's map): *slot, and
 * the address it starts at; 0 if there is none.
 */
static uint64_t
free_slot(unsigned root, unsigned *slot)
{
	uint64_t w[MI_WORDS_MAX], guard[MI_WORDS_MAX], t = 0, va, off;
	unsigned l2v, l2g;

	EXPECT(kcall(root, OC_MEM_GET_GUARD, 0, 0, 0, 0, 0, guard), 0,
	    "root guard");
	EXPECT(kcall(root, OC_GPT_GET_L2V, 0, 0, 0, 0, 0, w), 0, "root l2v");
	l2g = (unsigned)guard[0];
	l2v = (unsigned)w[0];
	for (va = UINT64_C(0x700000000000); va >= UINT64_C(0x400000000000);
	    va -= UINT64_C(0x100000000000)) {
		off = va;
		if (l2g != 0) {
			if (l2g < 64 && va >> l2g != guard[1])
				continue;
			off = va & ((UINT64_C(1) << l2g) - 1);
		}
		if (off >> l2v >= GPT_SLOTS || (off & ((UINT64_C(1) << l2v) -
		    1)) != 0 || l2v < 16)
			continue;
		*slot = (unsigned)(off >> l2v);
		if (kcall_cap(root, OC_GPT_FETCH, 1, *slot, 0, CR_T3) == 0 &&
		    cap_classify(CR_DISCRIM, CR_T3, &t, 0) == 0 &&
		    t == CT_NULL)
			return va;
	}
	test_fail("no free slot in space %u (root l2v %u, l2g %u)", root, l2v,
	    l2g);
	return 0;
}

/*
 * Map a fresh GPT g (l2v 12, guard 16/0) at a free slot of the space
 * root in register root, with page a in its slot 0. Returns the
 * address, 0 if there is no free slot.
 */
static uint64_t
map_gpt(unsigned root, unsigned g, unsigned a, unsigned *slot)
{
	uint64_t va;

	if ((va = free_slot(root, slot)) == 0)
		return 0;
	EXPECT(kcall(g, OC_GPT_SET_L2V, 2, PAGE_SHIFT, 0, 0, 0, 0), 0,
	    "l2v 12");
	EXPECT(kcall_give(g, OC_GPT_STORE, 1, 0, 0, a), 0, "page");
	EXPECT(kcall_cap(g, OC_MEM_GUARD, 2, 16, 0, CR_T3), 0, "guard");
	EXPECT(kcall_give(root, OC_GPT_STORE, 1, *slot, 0, CR_T3), 0,
	    "into the space");
	return va;
}

static int
fresh(unsigned type, uint64_t index, unsigned dst)
{
	return kcall_cap(CR_RANGE, OC_RANGE_GET, 1, OID_MAKE(type, index), 0,
	    dst);
}

/* victim loads the word at va: 0 with *word, or the fault code. */
static uint64_t
victim_load(uint64_t va, uint64_t *word)
{
	uint64_t w[MI_WORDS_MAX];

	EXPECT(kcall(CR_VICTIM, OC_PROC_SET_REGS, 2, 5, va, 0, 0, 0), 0,
	    "rdi");
	victim_run((uint64_t)caps_victim_load, PS_FAULTED, "load");
	EXPECT(kcall(CR_VICTIM, OC_PROC_GET_STATE, 0, 0, 0, 0, 0, w), 0,
	    "state");
	if (w[1] != FC_UD)
		return w[1];
	EXPECT(kcall(CR_VICTIM, OC_PROC_GET_REGS, 1, 0, 0, 0, 0, w), 0,
	    "rax");
	*word = w[0];
	return 0;
}

/*
 * Through main's own mapping of page A, copying B into A shows at once
 * (one frame). Through victim's mapping of A by GPT G, a load works
 * until G is reset, and then faults: the reset dropped the mapping
 * (nothing else ran that would have).
 */
static void
mapped(void)
{
	volatile uint64_t *p;
	uint64_t w[MI_WORDS_MAX], t = 0, va, word = 0;
	unsigned slot = 0, vslot = 0;
	const unsigned a = CR_T0, b = CR_T1, c = CR_T2, g = CR_PAGE;

	test_begin("page_copy_shows_in_mapping");
	EXPECT(fresh(OT_PAGE, FRESH_REUSE, a), 0, "page a");
	EXPECT(fresh(OT_PAGE, FRESH_REUSE + 1, b), 0, "page b");
	EXPECT(fresh(OT_PAGE, FRESH_REUSE + 2, c), 0, "page c");
	EXPECT(fresh(OT_GPT, FRESH_REUSE, g), 0, "gpt");
	EXPECT(kcall(a, OC_PAGE_WRITE, 2, 0, 0xaaaa, 0, 0, 0), 0, "a[0]");
	EXPECT(kcall(b, OC_PAGE_WRITE, 2, 0, 0xbbbb, 0, 0, 0), 0, "b[0]");
	EXPECT(kcall(b, OC_PAGE_WRITE, 2, 4088, 0xb4088, 0, 0, 0), 0,
	    "b[4088]");
	EXPECT(kcall(c, OC_PAGE_WRITE, 2, 0, 0xcccc, 0, 0, 0), 0, "c[0]");
	p = (volatile uint64_t *)map_gpt(CR_MSPACE, g, a, &slot);
	if (p != NULL) {
		EXPECT(p[0], 0xaaaa, "a through the mapping");
		EXPECT(kcall_give(a, OC_PAGE_COPY_FROM, 0, 0, 0, b), 0,
		    "copy b to a");
		EXPECT(p[0], 0xbbbb, "b's first word through a's mapping");
		EXPECT(p[511], 0xb4088, "b's last word through a's mapping");
		EXPECT(kcall_give(CR_MSPACE, OC_GPT_STORE, 1, slot, 0,
		    CR_NULL), 0, "unmap");
	}
	test_end();

	test_begin("gpt_reset_drops_mappings");
	EXPECT(fresh(OT_GPT, FRESH_REUSE + 1, g), 0, "gpt");
	victim_fault();			/* its space set */
	if ((va = map_gpt(CR_VSPACE, g, a, &vslot)) == 0) {
		test_end();
		return;
	}
	EXPECT(victim_load(va, &word), 0, "load before the reset");
	EXPECT(word, 0xbbbb, "a's word");
	EXPECT(kcall(g, OC_GPT_RESET, 0, 0, 0, 0, 0, 0), 0, "reset");
	EXPECT(kcall(g, OC_GPT_GET_L2V, 0, 0, 0, 0, 0, w), 0, "get_l2v");
	EXPECT(w[0], 0, "l2v unset");
	EXPECT(w[1], 0, "no flags");
	for (unsigned i = 0; i < GPT_SLOTS; i++) {
		EXPECT(kcall_cap(g, OC_GPT_FETCH, 1, i, 0, CR_T3), 0, "fetch");
		EXPECT(cap_classify(CR_DISCRIM, CR_T3, &t, 0), 0, "classify");
		if (t != CT_NULL)
			test_fail("slot %u has type %lu", i, (unsigned long)t);
	}
	EXPECT(victim_load(va, &word), FC_GUARD,
	    "load after the reset: l2v unset");
	EXPECT(kcall(g, OC_GPT_SET_L2V, 2, PAGE_SHIFT, 0, 0, 0, 0), 0,
	    "l2v 12 again");
	EXPECT(kcall_give(g, OC_GPT_STORE, 1, 0, 0, c), 0, "page c");
	EXPECT(victim_load(va, &word), 0, "load of c");
	EXPECT(word, 0xcccc, "c's word");
	EXPECT(kcall_give(CR_VSPACE, OC_GPT_STORE, 1, vslot, 0, CR_NULL), 0,
	    "unmap");
	test_end();
}

static int
str_eq(const char *a, const char *b)
{
	while (*a != 0 && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

/*
 * The entry naming addr in the table at h: the last one at or below it
 * (binary search: entries are sorted), or NULL.
 */
static const struct symtab_ent *
sym_lookup(const struct symtab_hdr *h, uint64_t addr)
{
	const struct symtab_ent *e = (const struct symtab_ent *)(h + 1);
	size_t lo = 0, hi = h->nsyms;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (e[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo == 0 ? NULL : &e[lo - 1];
}

static void
expect_symbol(const struct symtab_hdr *h, uint64_t addr, const char *name,
    uint64_t off)
{
	const struct symtab_ent *e = sym_lookup(h, addr);
	const char *n;

	if (e == NULL) {
		test_fail("no symbol at or below %#lx", (unsigned long)addr);
		return;
	}
	n = (const char *)h + h->names + e->name;
	if (!str_eq(n, name) || addr - e->addr != off)
		test_fail("%#lx is %s+%#lx, want %s+%#lx", (unsigned long)addr,
		    n, (unsigned long)(addr - e->addr), name,
		    (unsigned long)off);
}

/*
 * The table `cap 23 symbols caps` names: mapped read-only into main's
 * space as a keeper would map it, it names this program's functions at
 * the addresses they run at.
 */
static void
symbols(void)
{
	const struct symtab_hdr *h;
	const struct symtab_ent *e;
	uint64_t va, t = 0, r = 0;
	unsigned slot = 0;

	test_begin("symbol_table_names_functions");
	EXPECT(cap_classify(CR_DISCRIM, CR_SYMS, &t, &r), 0, "classify");
	TEST_TRUE(t == CT_GPT || t == CT_PAGE, "a memory cap");
	EXPECT(r & (CAP_R_WEAK | CAP_R_RO | CAP_R_NX),
	    CAP_R_WEAK | CAP_R_RO | CAP_R_NX, "weak, read-only, no-execute");
	if ((va = free_slot(CR_MSPACE, &slot)) == 0) {
		test_end();
		return;
	}
	EXPECT(kcall_give(CR_MSPACE, OC_GPT_STORE, 1, slot, 0, CR_SYMS), 0,
	    "map it");
	h = (const struct symtab_hdr *)va;
	EXPECT(h->magic, SYMTAB_MAGIC, "magic");
	TEST_TRUE(h->lo <= (uint64_t)test_reuse &&
	    (uint64_t)test_reuse < h->hi, "the program's span");
	TEST_TRUE(h->nsyms > 10 && h->names == sizeof(*h) + h->nsyms *
	    sizeof(*e) && h->size == h->names + h->names_size, "its layout");
	e = (const struct symtab_ent *)(h + 1);
	for (uint32_t i = 1; i < h->nsyms; i++)
		if (e[i].addr < e[i - 1].addr)
			test_fail("entry %u out of order", i);
	expect_symbol(h, (uint64_t)test_reuse, "test_reuse", 0);
	expect_symbol(h, (uint64_t)test_reuse + 5, "test_reuse", 5);
	expect_symbol(h, (uint64_t)caps_victim_report, "caps_victim_report",
	    0);
	expect_symbol(h, (uint64_t)caps_victim_ud2 + 1, "caps_victim_ud2", 1);
	expect_symbol(h, (uint64_t)&victim_stack[3], "victim_stack", 24);
	e = sym_lookup(h, (uint64_t)test_reuse);
	if (e != NULL) {
		EXPECT(e->type, SYMTAB_FUNC, "test_reuse is a function");
		TEST_TRUE(e->size > 0, "with a size");
	}
	EXPECT(kcall_give(CR_MSPACE, OC_GPT_STORE, 1, slot, 0, CR_NULL), 0,
	    "unmap");
	test_end();
}

void
test_reuse(void)
{
	test_begin("process_reset_by_itself");
	reset_self();
	test_end();
	test_begin("process_reset_while_waiting");
	reset_waiting();
	test_end();
	test_begin("restart_reads_and_repairs");
	restart_regs();
	test_end();
	mapped();
	symbols();
}
