/*
 * usermode.c - processes in ring 3: syscall MSRs, FPU/SSE state, the
 * return to user mode, and interrupts and exceptions from ring 3.
 *
 * FPU/SSE state is switched lazily. fpu_owner's user state is in the FPU
 * registers, not in its d.fxsave; with no owner the registers hold
 * fpu_reset, nobody's state. A process other than the owner runs with
 * CR0.TS set, and its first FPU/SSE instruction (#NM) loads its state
 * (fpu_trap). Switching away from the owner saves its state and scrubs
 * the registers, so a process never runs while another's values sit in
 * them (speculative reads past #NM, "LazyFP", find nothing). A process
 * whose state had to be loaded on #NM gets it loaded eagerly for its next
 * USERMODE_FPU_CREDIT runs (k.fpu_credit), so FPU users pay no trap per
 * switch.
 *
 * Invariants: fpu_owner is NULL while CR0.TS is set (ts_on); last_run's
 * space is in CR3 and usermode_regs points at its d.regs; the FS/GS base
 * MSRs hold fs_loaded/gs_loaded, or 0 (load_base says why). The kernel
 * itself never touches the FPU (-mgeneral-regs-only), and every
 * FXSAVE/FXRSTOR of its own clears TS first.
 */
#include <stdbool.h>
#include <stdint.h>

#include <fault.h>
#include <lib/proccheck.h>
#include <lib/string.h>
#include <panic.h>
#include <proc.h>
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
#define VEC_NM		7	/* #NM: device not available */

struct proc_regs	*usermode_regs;
uint64_t		usermode_scratch;	/* user RSP during entry */
uint64_t		usermode_kstack = (uint64_t)kstack_top;
uint64_t		usermode_fpu_traps;

static struct process	*fpu_owner;
static struct process	*last_run;
static uint32_t		mxcsr_mask;
static bool		ts_on;		/* CR0.TS as last written */
static uint64_t		cr0_user;	/* CR0 for ring 3, TS clear */
static uint64_t		fs_loaded, gs_loaded;
static uint8_t		fpu_reset[FXSAVE_SIZE]
			    __attribute__((aligned(16)));

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

	cr0_user = (cpu_read_cr0() & ~(CR0_EM | CR0_TS)) | CR0_MP | CR0_NE;
	cpu_write_cr0(cr0_user);
	ts_on = false;
	cpu_write_cr4(cpu_read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
	__asm__ volatile("fninit");
	fxsave64(probe);
	mask = (uint32_t)probe[FXSAVE_MXCSR_MASK_OFFSET] |
	    (uint32_t)probe[FXSAVE_MXCSR_MASK_OFFSET + 1] << 8 |
	    (uint32_t)probe[FXSAVE_MXCSR_MASK_OFFSET + 2] << 16 |
	    (uint32_t)probe[FXSAVE_MXCSR_MASK_OFFSET + 3] << 24;
	mxcsr_mask = mask != 0 ? mask : 0xffbf;	/* 0 means the default */
	memset(fpu_reset, 0, sizeof(fpu_reset));
	usermode_fxsave_sanitize(fpu_reset);	/* the reset defaults */
	fxrstor64(fpu_reset);
	cpu_wrmsr(MSR_FS_BASE, 0);
	cpu_wrmsr(MSR_GS_BASE, 0);
	fs_loaded = gs_loaded = 0;

	cpu_wrmsr(MSR_EFER, cpu_rdmsr(MSR_EFER) | EFER_SCE);
	cpu_wrmsr(MSR_STAR, (uint64_t)(SEL_KDATA | 3) << 48 |
	    (uint64_t)SEL_KCODE << 32);
	cpu_wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
	cpu_wrmsr(MSR_SFMASK, SFMASK_BITS);
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

static inline void
ts_clear(void)
{
	if (ts_on) {
		__asm__ volatile("clts" : : : "memory");
		ts_on = false;
	}
}

static inline void
ts_set(void)
{
	if (!ts_on) {
		cpu_write_cr0(cr0_user | CR0_TS);
		ts_on = true;
	}
}

/* Put the owner's FPU state into its d.fxsave and scrub the registers. */
static void
fpu_save_owner(void)
{
	ts_clear();
	fxsave64(fpu_owner->d.fxsave);
	fxrstor64(fpu_reset);
	fpu_owner = NULL;
}

/* p runs next: its FPU state now (while it has credit) or on first use. */
static inline void
fpu_switch(struct process *p)
{
	if (p == fpu_owner) {
		ts_clear();
		return;
	}
	if (p->k.fpu_credit != 0) {
		p->k.fpu_credit--;
		ts_clear();
		if (fpu_owner != NULL)
			fxsave64(fpu_owner->d.fxsave);
		fxrstor64(p->d.fxsave);
		fpu_owner = p;
		return;
	}
	if (fpu_owner != NULL)
		fpu_save_owner();
	ts_set();
}

/*
 * #NM from ring 3 as p. Returns true if it was the lazy switch (TS was
 * ours): p's state is loaded and p owns the FPU. False: a real #NM.
 */
static bool
fpu_trap(struct process *p)
{
	if (!ts_on)
		return false;
	ts_clear();
	if (fpu_owner != NULL)		/* never, while TS was set */
		fxsave64(fpu_owner->d.fxsave);
	fxrstor64(p->d.fxsave);
	fpu_owner = p;
	p->k.fpu_credit = USERMODE_FPU_CREDIT;
	usermode_fpu_traps++;
	return true;
}

static inline bool
canonical(uint64_t va)
{
	return (uint64_t)((int64_t)(va << 16) >> 16) == va;
}

/*
 * Write v into an FS/GS base MSR that holds *loaded or 0: ring 3 can
 * zero the base behind the kernel's back by loading a selector into FS
 * or GS (every descriptor it may load has base 0; a null selector clears
 * the base or keeps it, depending on the CPU), but cannot set any other
 * value. So the write can be skipped only when v and *loaded are both 0,
 * which is the common case. Returns false, writing nothing, if v is not
 * canonical (wrmsr would #GP in ring 0).
 */
static inline bool
load_base(uint32_t msr, uint64_t *loaded, uint64_t v)
{
	if ((v | *loaded) != 0) {
		if (!canonical(v))
			return false;
		cpu_wrmsr(msr, v);
		*loaded = v;
	}
	return true;
}

void
usermode_fpu_flush(void)
{
	uint64_t flags = cpu_irq_save();

	if (fpu_owner != NULL)
		fpu_save_owner();
	last_run = NULL;
	cpu_irq_restore(flags);
}

void
usermode_forget(struct process *p)
{
	if (last_run == p)
		last_run = NULL;
	if (fpu_owner == p)
		fpu_save_owner();
}

bool
usermode_fpu_owned(const struct process *p)
{
	return p == fpu_owner;
}

void
usermode_return(struct process *p)
{
	struct proc_regs *r = &p->d.regs;

	cpu_cli();
	/*
	 * The write hook for everything that changes p without kernel code
	 * asking first: ring 3 itself, the syscall and trap entries that
	 * save its registers into d.regs, and the lazy FPU saves into
	 * d.fxsave (a process's FPU state is in the registers only after
	 * it was dispatched here). One compare unless a checkpoint's
	 * snapshot came since p last ran (docs/persistence.md).
	 */
	proc_modify(p);
	/*
	 * A RIP that is not canonical comes from ring 3 itself: a jump out
	 * of the user half saves the target in the #GP frame (QEMU does),
	 * and code that ends at its top would return past it (the last page
	 * is never mapped, abi/types.h, but the check costs nothing).
	 * Neither sysretq nor iretq may see one (they would #GP in ring 0),
	 * so the process takes the #GP its next fetch would raise, with the
	 * message a fetch there gives: FC_GP, address 0, error code 0. A
	 * RIP in the kernel half is canonical and left to the fetch, which
	 * faults in ring 3. RSP may be anything: neither instruction checks
	 * it, and the first use in ring 3 faults. FS/GS bases are written
	 * to MSRs, where a value that is not canonical would #GP in ring 0:
	 * SET_REGS and proc_start refuse one, but a stored process that is
	 * resumed through a cap was never started, so they are checked
	 * here too, whenever they are loaded.
	 */
	if (!canonical(r->rip))
		goto refuse;
	if (p != last_run) {
		(void)space_activate(p);	/* failure: p faults, retried */
		if (!load_base(MSR_FS_BASE, &fs_loaded, r->fs_base) ||
		    !load_base(MSR_GS_BASE, &gs_loaded, r->gs_base)) {
			last_run = NULL;	/* CR3 is p's now */
			goto refuse;
		}
		usermode_regs = r;
		last_run = p;
	}
	fpu_switch(p);
	r->rflags = usermode_rflags(r->rflags);
	if (p->k.sysret_ok && proc_user_addr(r->rip))
		usermode_sysret(r);
	usermode_iret(r);
refuse:
	p->k.sysret_ok = 0;
	fault_raise(p, FC_GP, 0, 0);
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

	if (tf->vector == VEC_NM && fpu_trap(p))
		;				/* state loaded: retry */
	else if (tf->vector < TRAP_EXCEPTIONS)
		fault_exception(p, tf->vector, tf->error, cr2);
	else {
		pic_dispatch((unsigned)(tf->vector - TRAP_IRQ_BASE));
		sched_tick();
	}
	sched_return();
}
