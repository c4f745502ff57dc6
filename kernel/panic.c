/*
 * panic.c - the fatal path: report, backtrace, stop.
 * Invariant: once panicking, interrupts stay off and a second panic (for
 * example a fault while printing) prints one fixed line and stops,
 * without formatting anything.
 */
#include <stdarg.h>
#include <stdint.h>

#include <console.h>
#include <panic.h>
#include <printf.h>
#include <x86_64/cpu.h>
#include <x86_64/stack.h>

#define BACKTRACE_MAX	32

static volatile int	panicking;

void
panic_stop(void)
{
	cpu_cli();
	kprintf("panic: halted\n");
	cpu_halt_forever();
}

void
panic_backtrace(uint64_t rbp)
{
	unsigned i;

	kprintf("backtrace:");
	for (i = 0; i < BACKTRACE_MAX && rbp != 0; i++) {
		const uint64_t *frame = (const uint64_t *)rbp;

		/* frame[0] is the caller's rbp, frame[1] our return address. */
		if ((rbp & 7) != 0 || !stack_contains(rbp, rbp + 16)) {
			kprintf(" (frame %#lx is off the stacks)", rbp);
			break;
		}
		kprintf(" %#lx", frame[1]);
		if (frame[0] != 0 && frame[0] <= rbp) {
			kprintf(" (frame chain goes down at %#lx)", frame[0]);
			break;
		}
		rbp = frame[0];
	}
	kprintf("\n");
}

void
panic(const char *fmt, ...)
{
	static const char again[] = "\npanic: panic while panicking\n";
	uint64_t rsp, rbp;
	va_list ap;

	cpu_cli();
	if (panicking++) {
		console_write(again, sizeof(again) - 1);
		panic_stop();
	}
	kprintf("panic: ");
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");

	__asm__ volatile("mov %%rsp, %0; mov %%rbp, %1" : "=r"(rsp), "=r"(rbp));
	kprintf("  caller=%#lx rsp=%#lx rbp=%#lx rflags=%#lx\n",
	    (uint64_t)__builtin_return_address(0), rsp, rbp,
	    cpu_read_rflags());
	kprintf("  cr0=%#lx cr2=%#lx cr3=%#lx cr4=%#lx\n", cpu_read_cr0(),
	    cpu_read_cr2(), cpu_read_cr3(), cpu_read_cr4());
	panic_backtrace(rbp);
	panic_stop();
}

void
assert_fail(const char *expr, const char *file, int line, const char *func)
{
	panic("assertion \"%s\" failed in %s() at %s:%d", expr, func, file,
	    line);
}
