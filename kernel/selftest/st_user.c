/*
 * st_user.c - helpers to run ring-3 programs from self-tests (see
 * st_user.h). The kernel entries from ring 3 run on a stack region below
 * the test's own frames (usermode_set_kstack); the scheduler's idle hook
 * jumps back to the test when nothing is runnable.
 */
#include <stddef.h>
#include <stdint.h>

#include <lib/string.h>
#include <proc.h>
#include <sched.h>
#include <selftest/selftest.h>
#include <selftest/st_space.h>
#include <selftest/st_user.h>
#include <x86_64/kjmp.h>
#include <x86_64/stack.h>
#include <x86_64/usermode.h>

static struct kjmp	back;

struct process *
st_user_process(const char *start, const char *end, uint64_t count)
{
	struct gpt *g = st_gpt(PAGE_SHIFT, 0);
	struct page *code = st_page(), *stack = st_page();
	struct process *p = st_process();

	if (g == NULL || code == NULL || stack == NULL || p == NULL)
		return NULL;
	memcpy(page_data(code), start, (size_t)(end - start));
	g->d.slot[ST_USER_CODE >> PAGE_SHIFT] =
	    st_cap(&code->obj, CAP_R_RO, 0, 0);
	g->d.slot[(ST_USER_STACK >> PAGE_SHIFT) - 1] =
	    st_cap(&stack->obj, CAP_R_NX, 0, 0);
	p->d.space = st_cap(&g->obj, 0, 0, 0);
	p->d.regs.rip = ST_USER_CODE;
	p->d.regs.rsp = ST_USER_STACK;
	p->d.regs.rflags = RFLAGS_USER_DEFAULT;
	p->d.regs.r14 = count;
	usermode_fxsave_sanitize(p->d.fxsave);
	p->d.run_state = PS_STOPPED;
	return p;
}

static void
jump_back(void)
{
	kjmp_jump(&back, 1);
}

void
st_user_run(void)
{
	if (kjmp_set(&back) == 0) {
		/* Entries from ring 3 start well below this frame. */
		uint64_t top = ((uint64_t)__builtin_frame_address(0) - 1024) &
		    ~(uint64_t)15;

		usermode_set_kstack(top);
		sched_idle_hook = jump_back;
		sched_return();
	}
	sched_idle_hook = NULL;
	usermode_set_kstack((uint64_t)kstack_top);
}

void
st_user_stop(struct process *p)
{
	if (p != NULL)
		proc_stop(p);
}
