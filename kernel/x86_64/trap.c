/*
 * trap.c - what happens on an interrupt or exception (see trap.h).
 *
 * Invariants: CR2 is read before anything else can fault; an exception
 * raised while reporting one is not reported again (one fixed line, then
 * stop), so a broken console cannot loop.
 */
#include <stddef.h>
#include <stdint.h>

#include <console.h>
#include <lib/fmt.h>
#include <panic.h>
#include <printf.h>
#include <x86_64/cpu.h>
#include <x86_64/gdt.h>
#include <x86_64/pic.h>
#include <x86_64/trap.h>
#include <x86_64/usermode.h>

static int			report_depth;	/* exceptions being reported */
static uint64_t			unexpected;	/* stray vectors seen */

static const char *const names[TRAP_EXCEPTIONS] = {
	"#DE", "#DB", "#NMI", "#BP", "#OF", "#BR", "#UD", "#NM",
	"#DF", "#CSO", "#TS", "#NP", "#SS", "#GP", "#PF", "#RES15",
	"#MF", "#AC", "#MC", "#XM", "#VE", "#CP", "#RES22", "#RES23",
	"#RES24", "#RES25", "#RES26", "#RES27", "#HV", "#VC", "#SX", "#RES31",
};

const char *
trap_name(uint64_t vector)
{
	return vector < TRAP_EXCEPTIONS ? names[vector] : "#??";
}

void
trap_describe(char *buf, size_t size, uint64_t vector, uint64_t error,
    uint64_t rip, uint64_t cr2)
{
	fmt_snprintf(buf, size, "exception %s (%lu) err=0x%lx rip=0x%lx "
	    "cr2=0x%lx", trap_name(vector), vector, error, rip, cr2);
}

static void
print_registers(const struct trapframe *tf)
{
	kprintf("  rax=%016lx rbx=%016lx rcx=%016lx rdx=%016lx\n",
	    tf->rax, tf->rbx, tf->rcx, tf->rdx);
	kprintf("  rsi=%016lx rdi=%016lx rbp=%016lx rsp=%016lx\n",
	    tf->rsi, tf->rdi, tf->rbp, tf->rsp);
	kprintf("  r8 =%016lx r9 =%016lx r10=%016lx r11=%016lx\n",
	    tf->r8, tf->r9, tf->r10, tf->r11);
	kprintf("  r12=%016lx r13=%016lx r14=%016lx r15=%016lx\n",
	    tf->r12, tf->r13, tf->r14, tf->r15);
	kprintf("  rip=%016lx rflags=%08lx cs=%04lx ss=%04lx cr3=%016lx\n",
	    tf->rip, tf->rflags, tf->cs, tf->ss, cpu_read_cr3());
}

static void
exception(struct trapframe *tf)
{
	static const char nested[] =
	    "\nexception while reporting an exception: stopping\n";
	uint64_t cr2 = cpu_read_cr2();
	char line[128];

	if (tf->vector == T_NMI) {
		trap_describe(line, sizeof(line), tf->vector, tf->error,
		    tf->rip, cr2);
		kprintf("%s: non-maskable interrupt, resuming\n", line);
		return;
	}
	if (report_depth++ > 0) {
		console_write(nested, sizeof(nested) - 1);
		panic_stop();
	}
	trap_describe(line, sizeof(line), tf->vector, tf->error, tf->rip, cr2);
	kprintf("%s\n", line);
	print_registers(tf);
	panic_backtrace(tf->rbp);
	kprintf("panic: unhandled exception %s (%lu) in the kernel\n",
	    trap_name(tf->vector), tf->vector);
	panic_stop();
}

void
trap_dispatch(struct trapframe *tf)
{
	/*
	 * From ring 3: the process's state goes into its object and the
	 * scheduler decides who runs next (usermode.c). NMI, #DF and #MC
	 * stay kernel matters; stray vectors are only logged. The kernel
	 * runs only with CS = SEL_KCODE, so any other CS is a process's,
	 * whatever its low bits say: QEMU's TCG lets a 32-bit iret in ring
	 * 3 enter virtual-8086 mode (hardware ignores EFLAGS.VM in long
	 * mode), and the next trap then carries the CS that iret popped.
	 * Returning to the process through usermode_return() puts it back
	 * in 64-bit mode (USER_CS, no VM flag).
	 */
	if (tf->cs != SEL_KCODE && tf->vector != T_NMI && tf->vector != T_DF &&
	    tf->vector != T_MC && tf->vector < TRAP_IRQ_BASE + PIC_IRQS)
		usermode_trap(tf);
	if (tf->vector < TRAP_EXCEPTIONS)
		exception(tf);
	else if (tf->vector < TRAP_IRQ_BASE + PIC_IRQS)
		pic_dispatch((unsigned)(tf->vector - TRAP_IRQ_BASE));
	else {
		unexpected++;
		kprintf("interrupt: unexpected vector %lu at rip=0x%lx\n",
		    tf->vector, tf->rip);
	}
}

uint64_t
trap_unexpected(void)
{
	return unexpected;
}
