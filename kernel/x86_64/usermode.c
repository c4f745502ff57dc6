/*
 * usermode.c - processes in ring 3: syscall MSRs, FPU/SSE state, the
 * return to user mode, and interrupts and exceptions from ring 3.
 *
 * Invariants: fpu_owner's user FPU state is in the FPU registers, not in
 * its d.fxsave (lazy switch: only a different process pays FXSAVE and
 * FXRSTOR); last_run's space and FS/GS bases are loaded in the MMU and
 * MSRs, and usermode_regs points at last_run's d.regs. The kernel itself
 * never touches the FPU (-mgeneral-regs-only).
 */
#include <stdint.h>

#include <fault.h>
#include <panic.h>
#include <sched.h>
#include <space.h>
#include <x86_64/cpu.h>
#include <x86_64/gdt.h>
#include <x86_64/pic.h>
#include <x86_64/stack.h>
#include <x86_64/usermode.h>

_Static_assert(SEL_UDATA == 0x1b && SEL_UCODE == 0x23, "syscall.S USER_SS/CS");
_Static_assert(SEL_UDATA == (SEL_KDATA | 3) + 8, "SYSRET: user data at base + 8");
_Static_assert(SEL_UCODE == (SEL_KDATA | 3) + 16, "SYSRET: user code at base + 16");
_Static_assert(__builtin_offsetof(struct proc_regs, rflags) == 136, "syscall.S");

#define MSR_STAR	0xC0000081u
#define MSR_LSTAR	0xC0000082u
#define MSR_SFMASK	0xC0000084u
#define MSR_FS_BASE	0xC0000100u
#define MSR_GS_BASE	0xC0000101u
#define EFER_SCE	(1ul << 0)

#define CR0_MP		(1ul << 1)
#define CR0_EM		(1ul << 2)
#define CR0_TS		(1ul << 3)
#define CR0_NE		(1ul << 5)
#define CR4_OSFXSR	(1ul << 9)
#define CR4_OSXMMEXCPT	(1ul << 10)

/* Cleared on syscall: IF, TF, DF, AC, and NT (iretq with NT set faults). */
#define SFMASK_BITS	(0x200ul | 0x100ul | 0x400ul | 0x40000ul | 0x4000ul)

#define FXSAVE_MXCSR_MASK_OFFSET	28

struct proc_regs	*usermode_regs;
uint64_t		usermode_scratch;	/* user RSP during entry */
uint64_t		usermode_kstack = (uint64_t)kstack_top;

static struct process	*fpu_owner;
static struct process	*last_run;
static uint32_t		mxcsr_mask;

static inline void
fxsave64(uint8_t *area)
{
	__asm__ volatile("fxsave64 %0" : "=m"(*(uint8_t (*)[FXSAVE_SIZE])area));
}

static inline void
fxrstor64(const uint8_t *area)
{
	__asm__ volatile("fxrstor64 %0" : :
	    "m"(*(const uint8_t (*)[FXSAVE_SIZE])area));
}

void
usermode_init(void)
{
	static uint8_t probe[FXSAVE_SIZE] __attribute__((aligned(16)));
	uint32_t mask;

	cpu_write_cr0((cpu_read_cr0() & ~(CR0_EM | CR0_TS)) | CR0_MP | CR0_NE);
	cpu_write_cr4(cpu_read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
	__asm__ volatile("fninit");
	fxsave64(probe);
	mask = (uint32_t)probe[FXSAVE_MXCSR_MASK_OFFSET] |
	    (uint32_t)probe[FXSAVE_MXCSR_MASK_OFFSET + 1] << 8 |
	    (uint32_t)probe[FXSAVE_MXCSR_MASK_OFFSET + 2] << 16 |
	    (uint32_t)probe[FXSAVE_MXCSR_MASK_OFFSET + 3] << 24;
	mxcsr_mask = mask != 0 ? mask : 0xffbf;	/* 0 means the default */

	cpu_wrmsr(MSR_EFER, cpu_rdmsr(MSR_EFER) | EFER_SCE);
	cpu_wrmsr(MSR_STAR, (uint64_t)(SEL_KDATA | 3) << 48 |
	    (uint64_t)SEL_KCODE << 32);
	cpu_wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
	cpu_wrmsr(MSR_SFMASK, SFMASK_BITS);
}

void
usermode_set_kstack(uint64_t top)
{
	usermode_kstack = top;
	gdt_set_kernel_stack(top);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

void
usermode_fxsave_sanitize(uint8_t *fx)
{
	unsigned i;

	for (i = 0; i < FXSAVE_SIZE && fx[i] == 0; i++)
		;
	if (i == FXSAVE_SIZE) {
		fx[FXSAVE_FCW_OFFSET] = FCW_DEFAULT & 0xff;
		fx[FXSAVE_FCW_OFFSET + 1] = FCW_DEFAULT >> 8;
		put32(fx + FXSAVE_MXCSR_OFFSET, MXCSR_DEFAULT);
	}
	put32(fx + FXSAVE_MXCSR_OFFSET,
	    get32(fx + FXSAVE_MXCSR_OFFSET) & mxcsr_mask);
}

void
usermode_fpu_flush(void)
{
	uint64_t flags = cpu_irq_save();

	if (fpu_owner != NULL)
		fxsave64(fpu_owner->d.fxsave);
	fpu_owner = NULL;
	last_run = NULL;
	cpu_irq_restore(flags);
}

void
usermode_forget(struct process *p)
{
	if (last_run == p)
		last_run = NULL;
	if (fpu_owner == p) {
		fxsave64(p->d.fxsave);
		fpu_owner = NULL;
	}
}

void
usermode_return(struct process *p)
{
	struct proc_regs *r = &p->d.regs;

	cpu_cli();
	if (p != last_run) {
		(void)space_activate(p);	/* failure: p faults, retried */
		cpu_wrmsr(MSR_FS_BASE, r->fs_base);
		cpu_wrmsr(MSR_GS_BASE, r->gs_base);
		usermode_regs = r;
		last_run = p;
	}
	if (p != fpu_owner) {
		if (fpu_owner != NULL)
			fxsave64(fpu_owner->d.fxsave);
		fxrstor64(p->d.fxsave);
		fpu_owner = p;
	}
	/*
	 * A trap frame always holds a canonical RIP, and every other writer
	 * checks for a user address; a RIP in the kernel half (a process
	 * that jumped there and is restarted) is safe for iretq: the fetch
	 * faults in ring 3. Only sysretq must never see such a RIP. RSP may
	 * be anything: neither instruction checks it.
	 */
	if ((uint64_t)((int64_t)(r->rip << 16) >> 16) != r->rip)
		panic("usermode_return: process %#lx has rip %#lx",
		    p->obj.oid, r->rip);
	r->rflags = usermode_rflags(r->rflags);
	if (p->k.sysret_ok && usermode_addr_ok(r->rip))
		usermode_sysret(r);
	usermode_iret(r);
}

void
usermode_trap(struct trapframe *tf)
{
	uint64_t cr2 = cpu_read_cr2();
	struct process *p = sched_current;
	struct proc_regs *r;

	if (p == NULL)
		panic("usermode_trap: vector %lu from ring 3 at %#lx, no process",
		    tf->vector, tf->rip);
	r = &p->d.regs;
	r->rax = tf->rax;
	r->rbx = tf->rbx;
	r->rcx = tf->rcx;
	r->rdx = tf->rdx;
	r->rsi = tf->rsi;
	r->rdi = tf->rdi;
	r->rbp = tf->rbp;
	r->rsp = tf->rsp;
	r->r8 = tf->r8;
	r->r9 = tf->r9;
	r->r10 = tf->r10;
	r->r11 = tf->r11;
	r->r12 = tf->r12;
	r->r13 = tf->r13;
	r->r14 = tf->r14;
	r->r15 = tf->r15;
	r->rip = tf->rip;
	r->rflags = tf->rflags;
	p->k.sysret_ok = 0;

	if (tf->vector < TRAP_EXCEPTIONS)
		fault_exception(p, tf->vector, tf->error, cr2);
	else {
		pic_dispatch((unsigned)(tf->vector - TRAP_IRQ_BASE));
		sched_tick();
	}
	sched_return();
}
