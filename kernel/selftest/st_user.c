/*
 * st_user.c - helpers to run ring-3 programs from self-tests (see
 * st_user.h). The kernel entries from ring 3 run on a stack region below
 * the test's own frames (usermode_kstack and TSS.RSP0 moved there); when
 * the scheduler idles, which the test kernel sees as a call of
 * timer_idle() (wrapped at link time, kernel/rules.mk), it jumps back to
 * the test.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <lib/string.h>
#include <proc.h>
#include <sched.h>
#include <selftest/selftest.h>
#include <selftest/st_space.h>
#include <selftest/st_user.h>
#include <x86_64/gdt.h>
#include <x86_64/st_kjmp.h>
#include <x86_64/stack.h>
#include <x86_64/timer.h>
#include <x86_64/usermode.h>

void	__real_timer_idle(void);
void	__wrap_timer_idle(void);

static struct kjmp	back;
static bool		running;	/* st_user_run() has user code going */

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

/* Where ring-3 entries start the kernel stack (usermode.h). */
static void
set_kstack(uint64_t top)
{
	usermode_kstack = top;
	gdt_set_kernel_stack(top);
}

/* The scheduler has nothing to run: back to st_user_run(), if running. */
void
__wrap_timer_idle(void)
{
	if (running)
		kjmp_jump(&back, 1);
	__real_timer_idle();
}

void
st_user_run(void)
{
	if (kjmp_set(&back) == 0) {
		/* Entries from ring 3 start well below this frame. */
		uint64_t top = ((uint64_t)__builtin_frame_address(0) - 1024) &
		    ~(uint64_t)15;

		set_kstack(top);
		running = true;
		sched_return();
	}
	running = false;
	set_kstack((uint64_t)kstack_top);
}

void
st_user_stop(struct process *p)
{
	if (p != NULL)
		proc_stop(p);
}
