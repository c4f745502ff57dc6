/*
 * fuzz_prog.c - random programs for the exec victim (fuzz.h): where the
 * bytes go, what they are, which pages are mapped and what the
 * registers hold. docs/testing.md lists the states a process can reach
 * and which template below reaches each.
 *
 * Program n of a seed comes from its own generator, seeded from (seed,
 * n) alone, so a replay of one program needs nothing else. The bytes
 * are 1-4 chunks, each either fully random bytes or a template of an
 * instruction that traps, changes the CPU's user state, or sends
 * control somewhere hostile, with hostile immediates. Addresses come
 * mostly from the edges of the global address map (docs/mkimage.md) and
 * of power-of-two boundaries, where the program often ends exactly at
 * the end of its page or runs into the next one.
 */
#include <abi/cap.h>
#include <abi/invoke.h>
#include <lib/fmt.h>
#include <lib/string.h>
#include <user/invoke.h>
#include <user/rt.h>

#include "fuzz.h"

#define PAGE	UINT64_C(4096)
#define CHUNK_MAX	44	/* longest template */

/* First and last pages of every region of the user half's map. */
static const uint64_t user_pages[] = {
	0x0, 0x1000, 0x3ff000,				/* never mapped */
	0x400000, 0x401000, 0xffffffff000,		/* fixed programs */
	0x100000000000, 0x1000fffff000, 0x100100000000,	/* PIE slots */
	0x1ffffffff000,
	0x200000000000, 0x200000fff000, 0x200001000000,	/* stacks */
	0x2ffffffff000,
	0x300000000000, 0x3ffffffff000,			/* .mki segments */
	0x400000000000, 0x7fffffffe000, 0x7ffffffff000,	/* bank segments */
};
#define NUSER	(sizeof(user_pages) / sizeof(user_pages[0]))

/* Addresses no user page can have: the canonical gap, the kernel. */
static const uint64_t far_addrs[] = {
	0x0000800000000000, 0x0000800000001000, 0x0000fffffffff000,
	0x7fffffffffffffff, 0x8000000000000000, 0xffff000000000000,
	0xffff7ffffffff000, 0xffff7fffffffffff, 0xffff800000000000,
	0xffff800000100000, 0xffffc00000000000, 0xffffffff80000000,
	0xffffffff80100000, 0xfffffffffffff000, 0xffffffffffffffff,
};
#define NFAR	(sizeof(far_addrs) / sizeof(far_addrs[0]))

/* Selectors: null, every GDT entry at every RPL, the TSS, past the end,
   LDT bit. */
static const uint16_t selectors[] = {
	0x00, 0x01, 0x03, 0x08, 0x0b, 0x10, 0x13, 0x18, 0x1b, 0x20, 0x23,
	0x28, 0x2b, 0x30, 0x33, 0x38, 0x3b, 0x04, 0x1f, 0x27, 0xfffb, 0xffff,
};
#define NSEL	(sizeof(selectors) / sizeof(selectors[0]))

/* Instructions ring 3 may not run, or that only exist in ring 0. */
static const struct {
	uint8_t	n, b[5];
} privileged[] = {
	{ 1, { 0xf4 } }, { 1, { 0xfa } }, { 1, { 0xfb } },	/* hlt cli sti */
	{ 1, { 0xec } }, { 1, { 0xef } }, { 2, { 0xe4, 0x60 } },	/* in out */
	{ 2, { 0xe6, 0x80 } }, { 1, { 0x6c } }, { 1, { 0x6f } },
	{ 2, { 0x0f, 0x32 } }, { 2, { 0x0f, 0x30 } },		/* rdmsr wrmsr */
	{ 2, { 0x0f, 0x33 } }, { 2, { 0x0f, 0x31 } },		/* rdpmc rdtsc */
	{ 3, { 0x0f, 0x01, 0xf9 } }, { 2, { 0x0f, 0xa2 } },	/* rdtscp cpuid */
	{ 2, { 0x0f, 0x06 } }, { 2, { 0x0f, 0x08 } },		/* clts invd */
	{ 2, { 0x0f, 0x09 } }, { 3, { 0x0f, 0x01, 0x38 } },	/* wbinvd invlpg */
	{ 3, { 0x0f, 0x01, 0x10 } }, { 3, { 0x0f, 0x01, 0x18 } }, /* lgdt lidt */
	{ 3, { 0x0f, 0x00, 0xd0 } }, { 3, { 0x0f, 0x00, 0xd8 } }, /* lldt ltr */
	{ 3, { 0x0f, 0x22, 0xc0 } }, { 3, { 0x0f, 0x22, 0xd8 } }, /* mov cr */
	{ 3, { 0x0f, 0x20, 0xc0 } }, { 3, { 0x0f, 0x23, 0xf8 } }, /* mov dr */
	{ 3, { 0x0f, 0x21, 0xc0 } }, { 3, { 0x0f, 0x01, 0xf8 } }, /* swapgs */
	{ 3, { 0x48, 0x0f, 0x07 } }, { 2, { 0x0f, 0x07 } },	/* sysret */
	{ 2, { 0x0f, 0x35 } }, { 2, { 0x0f, 0x34 } },		/* sysexit/enter */
	{ 2, { 0x48, 0xcf } }, { 1, { 0xcf } },			/* iretq iret */
	{ 3, { 0x0f, 0x01, 0xd1 } }, { 3, { 0x0f, 0x01, 0xd0 } }, /* xsetbv */
	{ 3, { 0x0f, 0x01, 0xc8 } }, { 3, { 0x0f, 0x01, 0xc9 } }, /* monitor */
	{ 3, { 0x0f, 0x01, 0xca } }, { 3, { 0x0f, 0x01, 0xcb } }, /* clac stac */
	{ 3, { 0x0f, 0x01, 0xc1 } }, { 3, { 0x0f, 0x01, 0xd9 } }, /* vmcall */
	{ 3, { 0x0f, 0x01, 0xe0 } }, { 3, { 0x0f, 0x01, 0x00 } }, /* smsw sgdt */
	{ 3, { 0x0f, 0x00, 0xc0 } }, { 3, { 0x0f, 0x00, 0xc8 } }, /* sldt str */
	{ 5, { 0xf3, 0x48, 0x0f, 0xae, 0xd0 } },		/* wrfsbase */
	{ 5, { 0xf3, 0x48, 0x0f, 0xae, 0xd8 } },		/* wrgsbase */
	{ 5, { 0xf3, 0x48, 0x0f, 0xae, 0xc0 } },		/* rdfsbase */
	{ 2, { 0x0f, 0x0b } }, { 2, { 0x0f, 0xb9 } },		/* ud2 ud1 */
	{ 2, { 0x0f, 0xff } }, { 2, { 0x0f, 0xaa } },		/* ud0 rsm */
	{ 2, { 0xf0, 0x90 } }, { 3, { 0x0f, 0x01, 0xd4 } },	/* lock nop */
	{ 2, { 0x0f, 0x37 } }, { 3, { 0x0f, 0xc7, 0xf0 } },	/* getsec */
	{ 3, { 0x0f, 0x01, 0xee } }, { 3, { 0x0f, 0x01, 0xef } }, /* pkru */
	{ 3, { 0x0f, 0x01, 0xfc } }, { 3, { 0x0f, 0x00, 0xe0 } }, /* verr */
	{ 3, { 0x0f, 0x02, 0xc0 } }, { 3, { 0x0f, 0x03, 0xc0 } }, /* lar lsl */
};
#define NPRIV	(sizeof(privileged) / sizeof(privileged[0]))

/* A whole interesting RFLAGS image: every bit ring 3 may or may not
   change (TF DF AC NT IOPL RF VM VIF VIP ID), IF and bit 1 or not. */
static const uint64_t flag_bits[] = {
	0x100, 0x400, 0x40000, 0x4000, 0x3000, 0x10000, 0x20000, 0x80000,
	0x100000, 0x200000, 0x200, 0x2, 0x8d5,
};
#define NFLAG	(sizeof(flag_bits) / sizeof(flag_bits[0]))

struct gen {
	struct xprog	*p;
	uint64_t	ptr[XPAGES + 1];	/* pointers into mapped pages */
	unsigned	nptr;
};

uint64_t
xprog_rand(struct xprog *p)
{
	return rt_rand(&p->rng);
}

static uint64_t
below(struct gen *g, uint64_t n)
{
	return xprog_rand(g->p) % n;
}

static void
note(struct gen *g, const char *what)
{
	size_t n = strlen(g->p->what);

	fmt_snprintf(g->p->what + n, sizeof(g->p->what) - n, "%s%s",
	    n != 0 ? "," : "", what);
}

static void
emit(struct gen *g, const uint8_t *b, unsigned n)
{
	struct xprog *p = g->p;

	for (unsigned i = 0; i < n && p->len < XPROG_MAX; i++)
		p->code[p->len++] = b[i];
}

static void
byte(struct gen *g, uint8_t b)
{
	emit(g, &b, 1);
}

static void
bytes2(struct gen *g, uint8_t a, uint8_t b)
{
	byte(g, a);
	byte(g, b);
}

static void
imm(struct gen *g, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		byte(g, (uint8_t)(v >> (8 * i)));
}

/* movabs $v, %reg (x86 register number 0..15) */
static void
movabs(struct gen *g, unsigned reg, uint64_t v)
{
	bytes2(g, (uint8_t)(0x48 | (reg >> 3)), (uint8_t)(0xb8 | (reg & 7)));
	imm(g, v, 8);
}

/* push $v (imm32, sign-extended) */
static void
push32(struct gen *g, uint32_t v)
{
	byte(g, 0x68);
	imm(g, v, 4);
}

/* push a 64-bit value through %rax */
static void
push64(struct gen *g, uint64_t v)
{
	movabs(g, 0, v);
	byte(g, 0x50);
}

/* A user page from the edges, a power-of-two boundary, or anywhere. */
static uint64_t
user_page(struct gen *g)
{
	uint64_t r = below(g, 20), k;

	if (r < 12)
		return user_pages[below(g, NUSER)];
	if (r < 17) {
		k = 13 + below(g, 34);
		return (UINT64_C(1) << k) - (below(g, 2) ? PAGE : 0);
	}
	return xprog_rand(g->p) & (USER_VA_END - 1) & ~(PAGE - 1);
}

/* A value for a register or an immediate: edges, pointers, numbers. */
static uint64_t
value(struct gen *g)
{
	static const uint64_t offs[] = { 0, 1, 8, 15, 4088, 4095, 4096 };

	switch (below(g, 12)) {
	case 0: case 1: case 2:
		if (g->nptr != 0)
			return g->ptr[below(g, g->nptr)] +
			    offs[below(g, 7)] - (below(g, 4) == 0 ? 16 : 0);
		return user_page(g);
	case 3: case 4:
		return user_page(g) + offs[below(g, 7)];
	case 5: case 6:
		return far_addrs[below(g, NFAR)] - below(g, 3) * 8;
	case 7:
		return UINT64_C(0x7ffffffff000) + PAGE - 1 - below(g, 16);
	case 8: case 9:
		return below(g, 2) ? below(g, 17) : -below(g, 17);
	default:
		return xprog_rand(g->p);
	}
}

/* A control word and message info for the victim's cap registers 0..4:
   null, the nocall entry to the fuzzer, discrim, sleep, null. */
static uint64_t
sys_ctl(struct gen *g)
{
	static const uint64_t flags[] = { IC_CALL, IC_SEND, IC_RECV,
	    IC_CALL | IC_NONBLOCK, IC_SEND | IC_NONBLOCK,
	    IC_RECV | IC_NONBLOCK, 0 };

	if (below(g, 8) == 0)
		return xprog_rand(g->p);
	return IC_MAKE(below(g, 5), flags[below(g, 7)]);
}

static uint64_t
sys_info(struct gen *g)
{
	static const uint32_t ops[] = { OC_TYPE, OC_DISCRIM_CLASSIFY,
	    OC_DISCRIM_SAME, OC_SLEEP_NOW, OC_SLEEP_FOR, OC_FAULT, 0x919 };

	if (below(g, 8) == 0)
		return xprog_rand(g->p);
	return MI_MAKE(ops[below(g, 7)], below(g, 6), below(g, 6));
}

static void
t_random(struct gen *g)
{
	unsigned n = 1 + (unsigned)below(g, 16);

	note(g, "rand");
	for (unsigned i = 0; i < n; i++)
		byte(g, (uint8_t)xprog_rand(g->p));
}

static void
t_syscall(struct gen *g)
{
	static const uint8_t other[][3] = { { 0x0f, 0x34 }, { 0xcd, 0x80 },
	    { 0x0f, 0x07 }, { 0xcd, 0x2e } };

	note(g, "sys");
	if (below(g, 2)) {
		movabs(g, 0, sys_ctl(g));
		movabs(g, 7, sys_info(g));
	}
	if (below(g, 10) != 0)
		bytes2(g, 0x0f, 0x05);
	else
		emit(g, other[below(g, 4)], 2);
}

static void
t_int(struct gen *g)
{
	static const uint8_t one[] = { 0xcc, 0xf1, 0xce };

	note(g, "int");
	if (below(g, 3) == 0)
		byte(g, one[below(g, 3)]);
	else
		bytes2(g, 0xcd, (uint8_t)below(g, 256));
}

static void
t_priv(struct gen *g)
{
	unsigned i = (unsigned)below(g, NPRIV);

	note(g, "priv");
	emit(g, privileged[i].b, privileged[i].n);
}

/* Load a random selector into a segment register, then use it. */
static void
t_seg(struct gen *g)
{
	static const uint8_t movsr[] = { 0xd8, 0xc0, 0xe0, 0xe8, 0xd0 };
	static const uint8_t lxs[] = { 0xb2, 0xb4, 0xb5 };
	static const uint8_t pfx[] = { 0x64, 0x65, 0x2e, 0x36, 0x3e, 0x26 };
	uint16_t sel = below(g, 4) ? selectors[below(g, NSEL)] :
	    (uint16_t)xprog_rand(g->p);

	note(g, "seg");
	switch (below(g, 3)) {
	case 0:
		bytes2(g, 0x66, 0xb8);
		imm(g, sel, 2);
		bytes2(g, 0x8e, movsr[below(g, 5)]);
		break;
	case 1:
		push32(g, sel);
		bytes2(g, 0x0f, below(g, 2) ? 0xa1 : 0xa9);	/* pop fs/gs */
		break;
	default:
		/* lss/lfs/lgs m16:64 from (%rsp): offset, then selector */
		push32(g, sel);
		push64(g, value(g));
		bytes2(g, 0x48, 0x0f);
		bytes2(g, lxs[below(g, 3)], 0x04);
		byte(g, 0x24);
		break;
	}
	if (below(g, 2)) {
		byte(g, pfx[below(g, 6)]);
		movabs(g, 3, value(g));
		bytes2(g, 0x48, 0x8b);
		byte(g, 0x03);			/* mov (%rbx), %rax */
	}
}

static uint64_t
flags_value(struct gen *g)
{
	uint64_t f = RFLAGS_USER_DEFAULT;
	unsigned n = 1 + (unsigned)below(g, 3);

	for (unsigned i = 0; i < n; i++)
		f ^= flag_bits[below(g, NFLAG)];
	return below(g, 8) ? f : xprog_rand(g->p);
}

static void
t_flags(struct gen *g)
{
	note(g, "flags");
	switch (below(g, 4)) {
	case 0:
		byte(g, 0xfd);			/* std */
		break;
	case 1:
		push32(g, (uint32_t)flags_value(g));
		bytes2(g, 0x66, 0x9d);		/* popf (16 bits) */
		break;
	default:
		push64(g, flags_value(g));
		byte(g, 0x9d);			/* popfq */
		break;
	}
}

/* FXRSTOR of random bytes, LDMXCSR with reserved bits, and the x87 and
   SSE exceptions once they are unmasked. */
static void
t_fpu(struct gen *g)
{
	static const uint8_t fx[][5] = {
		{ 4, 0x48, 0x0f, 0xae, 0x0b },	/* fxrstor64 (%rbx) */
		{ 4, 0x48, 0x0f, 0xae, 0x03 },	/* fxsave64 (%rbx) */
		{ 3, 0x0f, 0xae, 0x13 },	/* ldmxcsr (%rbx) */
		{ 3, 0x0f, 0xae, 0x23 },	/* xsave (%rbx) */
		{ 3, 0x0f, 0xae, 0x2b },	/* xrstor (%rbx) */
		{ 4, 0x0f, 0x28, 0x43, 0x01 },	/* movaps 1(%rbx), %xmm0 */
		{ 2, 0x0f, 0x77 },		/* emms */
		{ 2, 0xdb, 0xe3 },		/* fninit */
	};
	uint64_t r = below(g, 4);

	note(g, "fpu");
	if (r == 0) {
		unsigned i = (unsigned)below(g, 8);

		movabs(g, 3, value(g));
		emit(g, &fx[i][1], fx[i][0]);
	} else if (r == 1) {
		/* ldmxcsr (%rsp) of a value with masks off or reserved bits */
		push32(g, below(g, 2) ? (uint32_t)below(g, 0x80) :
		    (uint32_t)xprog_rand(g->p));
		bytes2(g, 0x0f, 0xae);
		bytes2(g, 0x14, 0x24);
		bytes2(g, 0x0f, 0x57);
		byte(g, 0xc0);			/* xorps %xmm0, %xmm0 */
		bytes2(g, 0x0f, 0x5e);
		byte(g, 0xc0);			/* divps %xmm0, %xmm0 */
	} else if (r == 2) {
		/* fldcw (%rsp) unmasking, then 1/0 and fwait */
		push32(g, (uint32_t)below(g, 0x10000) & 0xffc0);
		bytes2(g, 0xd9, 0x2c);
		byte(g, 0x24);
		bytes2(g, 0xd9, 0xee);		/* fldz */
		bytes2(g, 0xd9, 0xe8);		/* fld1 */
		bytes2(g, 0xde, 0xf1);		/* fdivrp */
		byte(g, 0x9b);			/* fwait */
	} else {
		/* fxrstor64 of a random image built on the stack */
		for (unsigned i = 0; i < 4; i++)
			push64(g, xprog_rand(g->p));
		bytes2(g, 0x48, 0x0f);
		bytes2(g, 0xae, 0x0c);
		byte(g, 0x24);
	}
}

/* ljmp, lcall, lret, iretq through a frame of random selectors and
   targets built on the stack. */
static void
t_far(struct gen *g)
{
	uint16_t cs = selectors[below(g, NSEL)];
	uint64_t r = below(g, 4);

	note(g, "far");
	if (r == 3) {
		push32(g, selectors[below(g, NSEL)]);		/* ss */
		push64(g, value(g));				/* rsp */
		push64(g, flags_value(g));			/* rflags */
		push32(g, cs);
		push64(g, value(g));				/* rip */
		bytes2(g, 0x48, 0xcf);				/* iretq */
		return;
	}
	push32(g, cs);
	push64(g, value(g));
	if (r == 0) {
		bytes2(g, 0x48, 0xff);
		bytes2(g, 0x2c, 0x24);		/* rex.w ljmp *(%rsp) */
	} else if (r == 1) {
		bytes2(g, 0x48, 0xff);
		bytes2(g, 0x1c, 0x24);		/* rex.w lcall *(%rsp) */
	} else
		bytes2(g, 0x48, 0xcb);		/* lretq */
}

/* A stack ring 3 cannot push on, then something that pushes. */
static void
t_stack(struct gen *g)
{
	static const uint8_t use[][4] = {
		{ 1, 0x50 }, { 1, 0xcc }, { 2, 0x0f, 0x05 }, { 2, 0xcd, 0x80 },
		{ 1, 0x9c }, { 1, 0xc3 }, { 2, 0x0f, 0x0b }, { 1, 0xf1 },
		{ 2, 0x48, 0xcf }, { 3, 0xc8, 0x10, 0x00 },
	};
	unsigned i = (unsigned)below(g, 10);

	note(g, "stack");
	movabs(g, 4, value(g));
	emit(g, &use[i][1], use[i][0]);
}

/* Control to a hostile address. */
static void
t_jmp(struct gen *g)
{
	static const uint8_t how[][3] = { { 2, 0xff, 0xe0 }, { 2, 0xff, 0xd0 },
	    { 2, 0x50, 0xc3 } };
	unsigned i = (unsigned)below(g, 3);

	note(g, "jmp");
	movabs(g, 0, value(g));
	emit(g, &how[i][1], how[i][0]);
}

/* mov to SS (with TF set or not), then a trap or kernel entry in its
   shadow. */
static void
t_movss(struct gen *g)
{
	static const uint8_t next[][3] = {
		{ 2, 0x0f, 0x05 }, { 1, 0xcc }, { 2, 0xcd, 0x80 }, { 1, 0xf1 },
		{ 2, 0x0f, 0x0b }, { 1, 0xf4 }, { 2, 0x0f, 0x34 }, { 1, 0x9c },
		{ 2, 0xcd, 0x01 },
	};
	unsigned i = (unsigned)below(g, 9);

	note(g, "movss");
	if (below(g, 2)) {
		push64(g, RFLAGS_USER_DEFAULT | 0x100);	/* TF */
		byte(g, 0x9d);
	}
	bytes2(g, 0x66, 0xb8);
	imm(g, below(g, 4) ? 0x1b : selectors[below(g, NSEL)], 2);
	bytes2(g, 0x8e, 0xd0);			/* mov %ax, %ss */
	emit(g, &next[i][1], next[i][0]);
}

/* String instructions across page edges, long enough to be preempted. */
static void
t_string(struct gen *g)
{
	static const uint8_t op[][4] = {
		{ 2, 0xf3, 0xa4 }, { 2, 0xf3, 0xaa }, { 3, 0xf3, 0x48, 0xab },
		{ 2, 0xf3, 0xac }, { 2, 0xf3, 0xa6 }, { 2, 0xf2, 0xae },
		{ 2, 0xf3, 0x6c }, { 3, 0xf3, 0x48, 0xa5 },
	};
	unsigned i = (unsigned)below(g, 8);

	note(g, "str");
	movabs(g, 1, below(g, 2) ? below(g, 1u << 20) : value(g));
	movabs(g, 7, value(g));
	movabs(g, 6, value(g));
	if (below(g, 4) == 0)
		byte(g, 0xfd);			/* std */
	emit(g, &op[i][1], op[i][0]);
}

/* Spin: for good, or for a while (a timer tick lands mid-program). */
static void
t_loop(struct gen *g)
{
	note(g, "loop");
	switch (below(g, 3)) {
	case 0:
		bytes2(g, 0xeb, 0xfe);		/* jmp . */
		break;
	case 1:
		bytes2(g, 0xf3, 0x90);
		bytes2(g, 0xe2, 0xfc);		/* pause; loop */
		break;
	default:
		movabs(g, 1, 1 + below(g, 1u << 22));
		bytes2(g, 0xe2, 0xfe);		/* loop . */
		break;
	}
}

static void
t_div(struct gen *g)
{
	note(g, "div");
	if (below(g, 2)) {
		movabs(g, 1, below(g, 2) ? 0 : value(g));
		bytes2(g, 0x48, 0xf7);
		byte(g, below(g, 2) ? 0xf1 : 0xf9);	/* div/idiv %rcx */
	} else {
		movabs(g, 0, UINT64_C(1) << 63);
		bytes2(g, 0x48, 0x99);			/* cqo */
		movabs(g, 1, UINT64_MAX);
		bytes2(g, 0x48, 0xf7);
		byte(g, 0xf9);				/* idiv: overflow */
	}
}

/* An instruction longer than 15 bytes, or prefixes that do not fit. */
static void
t_long(struct gen *g)
{
	static const uint8_t pfx[] = { 0x66, 0x67, 0xf2, 0xf3, 0x2e, 0x3e,
	    0x26, 0x64, 0x65, 0x36, 0xf0, 0x48, 0x41 };
	unsigned n = 12 + (unsigned)below(g, 6);

	note(g, "long");
	for (unsigned i = 0; i < n; i++)
		byte(g, pfx[below(g, 13)]);
	byte(g, 0x90);
}

/* A load, store or locked access at a hostile address. */
static void
t_mem(struct gen *g)
{
	static const uint8_t op[][6] = {
		{ 3, 0x48, 0x8b, 0x00 }, { 3, 0x48, 0x89, 0x00 },
		{ 4, 0x48, 0x0f, 0xc7, 0x08 }, { 3, 0x0f, 0x18, 0x00 },
		{ 3, 0x0f, 0xae, 0x38 }, { 5, 0xf0, 0x48, 0x0f, 0xb1, 0x08 },
		{ 3, 0x48, 0xff, 0x00 }, { 4, 0x48, 0x0f, 0xae, 0x08 },
	};
	unsigned i = (unsigned)below(g, 8);

	note(g, "mem");
	movabs(g, 0, value(g));
	emit(g, &op[i][1], op[i][0]);
}

/* Write a random byte just ahead of itself, then run it. */
static void
t_self(struct gen *g)
{
	note(g, "self");
	bytes2(g, 0x48, 0x8d);
	byte(g, 0x05);
	imm(g, 3, 4);				/* lea 3(%rip), %rax */
	bytes2(g, 0xc6, 0x00);
	byte(g, (uint8_t)xprog_rand(g->p));	/* movb $x, (%rax) */
	byte(g, 0x90);				/* replaced */
}

static const struct {
	void		(*fn)(struct gen *);
	unsigned	weight;
} templates[] = {
	{ t_random, 20 }, { t_syscall, 10 }, { t_int, 6 }, { t_priv, 10 },
	{ t_seg, 6 }, { t_flags, 6 }, { t_fpu, 6 }, { t_far, 5 },
	{ t_stack, 5 }, { t_jmp, 6 }, { t_movss, 4 }, { t_string, 4 },
	{ t_loop, 1 }, { t_div, 3 }, { t_long, 2 }, { t_mem, 5 },
	{ t_self, 2 },
};
#define NTEMPLATES	(sizeof(templates) / sizeof(templates[0]))

static void
chunk(struct gen *g)
{
	unsigned total = 0, r;

	for (unsigned i = 0; i < NTEMPLATES; i++)
		total += templates[i].weight;
	r = (unsigned)below(g, total);
	for (unsigned i = 0; i < NTEMPLATES; i++) {
		if (r < templates[i].weight) {
			templates[i].fn(g);
			return;
		}
		r -= templates[i].weight;
	}
}

/* Add a page unless it is there already; returns its index. */
static unsigned
add_page(struct xprog *p, uint64_t va, uint8_t restr, uint8_t data)
{
	for (unsigned i = 0; i < p->npages; i++)
		if (p->page[i].va == va)
			return i;
	p->page[p->npages] = (struct xpage){ .va = va, .restr = restr,
	    .data = data };
	return p->npages++;
}

static uint8_t
restr(struct gen *g, int code)
{
	static const uint8_t r[] = { CAP_R_RO, CAP_R_NX, CAP_R_WEAK };
	uint64_t x = below(g, 100);

	if (x < (code ? 84 : 85))
		return 0;
	return r[below(g, code ? 3 : 2)];
}

/* Where the bytes go: often ending at the page's end or running over. */
static void
place(struct gen *g, uint64_t page)
{
	struct xprog *p = g->p;
	uint64_t off, r = below(g, 8);

	if (page + PAGE == USER_VA_END && r == 3)
		r = 0;
	if (r < 3 || (r == 3 && p->len < 2))
		off = PAGE - p->len;
	else if (r == 3)
		off = PAGE - p->len + 1 + below(g, p->len - 1);
	else if (r == 4)
		off = 0;
	else
		off = below(g, PAGE - p->len + 1);
	p->addr = page + off;
	add_page(p, page, restr(g, 1), 0);
	if (off + p->len > PAGE && below(g, 4) != 0)
		add_page(p, page + PAGE, restr(g, 1), 0);
}

static void
registers(struct gen *g, uint64_t stack)
{
	struct xprog *p = g->p;

	for (unsigned i = 0; i < 16; i++)
		p->regs[i] = value(g);
	if (below(g, 4) == 0) {
		p->regs[0] = sys_ctl(g);
		p->regs[5] = sys_info(g);
		p->regs[4] = below(g, 2) ? CR_LIST(1, 2, 3, 0) : value(g);
		p->regs[3] = below(g, 2) ? UMSG_RCV_NONE : value(g);
		p->regs[8] = below(g, 2) ? below(g, 100000) : value(g);
	}
	switch (below(g, 5)) {
	case 0: case 1: case 2:
		p->regs[XREG_RSP] = stack + PAGE - (below(g, 4) == 0 ?
		    below(g, 64) : 0);
		break;
	case 3:
		p->regs[XREG_RSP] = stack + below(g, PAGE);
		break;
	default:
		p->regs[XREG_RSP] = value(g) & (USER_VA_END - 1);
		break;
	}
	if (p->regs[XREG_RSP] >= USER_VA_END)	/* the top of the top page */
		p->regs[XREG_RSP] = USER_VA_END - 8;
	p->regs[XREG_RIP] = p->addr;
	p->regs[XREG_RFLAGS] = RFLAGS_USER_DEFAULT;
	if (below(g, 2)) {
		static const uint64_t ok[] = { 0x100, 0x400, 0x40000, 0x10000,
		    0x200000, 0x8d5, 0x1 };

		for (unsigned i = 0, n = 1 + (unsigned)below(g, 3); i < n; i++)
			p->regs[XREG_RFLAGS] |= ok[below(g, 7)];
	}
	p->regs[XREG_FS] = below(g, 2) ? 0 : value(g) & (USER_VA_END - 1);
	p->regs[XREG_GS] = below(g, 2) ? 0 : value(g) & (USER_VA_END - 1);
}

void
xprog_make(struct xprog *p, uint64_t seed, uint64_t n)
{
	struct gen g = { .p = p };
	uint64_t z = seed + (n + 1) * UINT64_C(0x9e3779b97f4a7c15), code;
	uint64_t stack = 0;
	unsigned nchunks;

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	memset(p, 0, sizeof(*p));
	p->number = n;
	p->rng = (z ^ (z >> 31)) | 1;

	nchunks = 1 + (unsigned)below(&g, 4);
	for (unsigned i = 0; i < nchunks && p->len + CHUNK_MAX <= XPROG_MAX;
	    i++)
		chunk(&g);

	p->space = below(&g, 32) == 0 ? XSPACE_PAGE :
	    below(&g, 32) == 0 ? XSPACE_NULL : XSPACE_GPT;
	code = p->space == XSPACE_PAGE ? 0 : user_page(&g);
	place(&g, code);
	if (p->space == XSPACE_PAGE) {
		p->npages = 1;			/* one page: nothing else */
		p->page[0].restr = 0;
		if (p->addr + p->len > PAGE)
			p->addr = PAGE - p->len;
		stack = 0;
	} else {
		if (below(&g, 20) < 17) {
			stack = below(&g, 4) == 0 && code >= PAGE ?
			    code - PAGE : user_page(&g);
			add_page(p, stack, restr(&g, 0), 0);
		} else
			stack = user_page(&g);	/* unmapped */
		if (below(&g, 5) < 3)
			add_page(p, user_page(&g), restr(&g, 0), 1);
	}
	for (unsigned i = 0; i < p->npages; i++)
		g.ptr[g.nptr++] = p->page[i].va;
	registers(&g, stack);
	p->keepers = below(&g, 4) == 0 ? (uint8_t)(2 + below(&g, 4)) : 0;
	p->junk = below(&g, 16) == 0 ? 4 : 0;
	p->hostile = below(&g, 4) == 0;
}
