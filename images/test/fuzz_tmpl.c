/*
 * fuzz_tmpl.c - the instruction templates of the exec fuzzer's programs
 * (fuzz_gen.h): fully random bytes, or an instruction that traps,
 * changes ring 3's CPU state or sends control somewhere hostile, with
 * hostile immediates. docs/testing.md lists which template reaches
 * which state.
 */
#include <abi/invoke.h>
#include <lib/fmt.h>
#include <lib/string.h>

#include "fuzz.h"
#include "fuzz_gen.h"

/* Selectors: null, every GDT entry at every RPL, the TSS, past the end,
   LDT bit. */
static const uint16_t selectors[] = {
	0x00, 0x01, 0x03, 0x08, 0x0b, 0x10, 0x13, 0x18, 0x1b, 0x20, 0x23,
	0x28, 0x2b, 0x30, 0x33, 0x38, 0x3b, 0x04, 0x1f, 0x27, 0xfffb, 0xffff,
};
#define NSEL	(sizeof(selectors) / sizeof(selectors[0]))

/*
 * Instructions ring 3 may not run, that only exist in ring 0 or that
 * need a feature the kernel leaves off, a line each: hlt cli sti; in
 * out; ins outs; rdmsr wrmsr; rdpmc rdtsc; rdtscp cpuid; clts invd;
 * wbinvd invlpg; lgdt lidt; lldt ltr; mov to cr0 cr3; mov from cr0, to
 * dr7; mov from dr0, swapgs; sysretq sysret; sysexit sysenter; iretq
 * iret; xsetbv xgetbv; monitor mwait; clac stac; vmcall vmmcall; smsw
 * sgdt; sldt str; wrfsbase; wrgsbase; rdfsbase; ud2 ud1; ud0 rsm; lock
 * nop, vmfunc; getsec rdrand; rdpkru wrpkru; clzero verr; lar lsl.
 */
static const struct {
	uint8_t	n, b[5];
} privileged[] = {
	{ 1, { 0xf4 } }, { 1, { 0xfa } }, { 1, { 0xfb } },
	{ 1, { 0xec } }, { 1, { 0xef } }, { 2, { 0xe4, 0x60 } },
	{ 2, { 0xe6, 0x80 } }, { 1, { 0x6c } }, { 1, { 0x6f } },
	{ 2, { 0x0f, 0x32 } }, { 2, { 0x0f, 0x30 } },
	{ 2, { 0x0f, 0x33 } }, { 2, { 0x0f, 0x31 } },
	{ 3, { 0x0f, 0x01, 0xf9 } }, { 2, { 0x0f, 0xa2 } },
	{ 2, { 0x0f, 0x06 } }, { 2, { 0x0f, 0x08 } },
	{ 2, { 0x0f, 0x09 } }, { 3, { 0x0f, 0x01, 0x38 } },
	{ 3, { 0x0f, 0x01, 0x10 } }, { 3, { 0x0f, 0x01, 0x18 } },
	{ 3, { 0x0f, 0x00, 0xd0 } }, { 3, { 0x0f, 0x00, 0xd8 } },
	{ 3, { 0x0f, 0x22, 0xc0 } }, { 3, { 0x0f, 0x22, 0xd8 } },
	{ 3, { 0x0f, 0x20, 0xc0 } }, { 3, { 0x0f, 0x23, 0xf8 } },
	{ 3, { 0x0f, 0x21, 0xc0 } }, { 3, { 0x0f, 0x01, 0xf8 } },
	{ 3, { 0x48, 0x0f, 0x07 } }, { 2, { 0x0f, 0x07 } },
	{ 2, { 0x0f, 0x35 } }, { 2, { 0x0f, 0x34 } },
	{ 2, { 0x48, 0xcf } }, { 1, { 0xcf } },
	{ 3, { 0x0f, 0x01, 0xd1 } }, { 3, { 0x0f, 0x01, 0xd0 } },
	{ 3, { 0x0f, 0x01, 0xc8 } }, { 3, { 0x0f, 0x01, 0xc9 } },
	{ 3, { 0x0f, 0x01, 0xca } }, { 3, { 0x0f, 0x01, 0xcb } },
	{ 3, { 0x0f, 0x01, 0xc1 } }, { 3, { 0x0f, 0x01, 0xd9 } },
	{ 3, { 0x0f, 0x01, 0xe0 } }, { 3, { 0x0f, 0x01, 0x00 } },
	{ 3, { 0x0f, 0x00, 0xc0 } }, { 3, { 0x0f, 0x00, 0xc8 } },
	{ 5, { 0xf3, 0x48, 0x0f, 0xae, 0xd0 } },
	{ 5, { 0xf3, 0x48, 0x0f, 0xae, 0xd8 } },
	{ 5, { 0xf3, 0x48, 0x0f, 0xae, 0xc0 } },
	{ 2, { 0x0f, 0x0b } }, { 2, { 0x0f, 0xb9 } },
	{ 2, { 0x0f, 0xff } }, { 2, { 0x0f, 0xaa } },
	{ 2, { 0xf0, 0x90 } }, { 3, { 0x0f, 0x01, 0xd4 } },
	{ 2, { 0x0f, 0x37 } }, { 3, { 0x0f, 0xc7, 0xf0 } },
	{ 3, { 0x0f, 0x01, 0xee } }, { 3, { 0x0f, 0x01, 0xef } },
	{ 3, { 0x0f, 0x01, 0xfc } }, { 3, { 0x0f, 0x00, 0xe0 } },
	{ 3, { 0x0f, 0x02, 0xc0 } }, { 3, { 0x0f, 0x03, 0xc0 } },
};
#define NPRIV	(sizeof(privileged) / sizeof(privileged[0]))

/* A whole interesting RFLAGS image: every bit ring 3 may or may not
   change (TF DF AC NT IOPL RF VM VIF VIP ID), IF and bit 1 or not. */
static const uint64_t flag_bits[] = {
	0x100, 0x400, 0x40000, 0x4000, 0x3000, 0x10000, 0x20000, 0x80000,
	0x100000, 0x200000, 0x200, 0x2, 0x8d5,
};
#define NFLAG	(sizeof(flag_bits) / sizeof(flag_bits[0]))

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

static uint64_t
flags_value(struct gen *g)
{
	uint64_t f = RFLAGS_USER_DEFAULT;
	unsigned n = 1 + (unsigned)gen_below(g, 3);

	for (unsigned i = 0; i < n; i++)
		f ^= flag_bits[gen_below(g, NFLAG)];
	return gen_below(g, 8) ? f : xprog_rand(g->p);
}

static void
t_random(struct gen *g)
{
	unsigned n = 1 + (unsigned)gen_below(g, 16);

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
	if (gen_below(g, 2)) {
		movabs(g, 0, gen_sys_ctl(g));
		movabs(g, 7, gen_sys_info(g));
	}
	if (gen_below(g, 10) != 0)
		bytes2(g, 0x0f, 0x05);
	else
		emit(g, other[gen_below(g, 4)], 2);
}

static void
t_int(struct gen *g)
{
	static const uint8_t one[] = { 0xcc, 0xf1, 0xce };

	note(g, "int");
	if (gen_below(g, 3) == 0)
		byte(g, one[gen_below(g, 3)]);
	else
		bytes2(g, 0xcd, (uint8_t)gen_below(g, 256));
}

static void
t_priv(struct gen *g)
{
	unsigned i = (unsigned)gen_below(g, NPRIV);

	note(g, "priv");
	emit(g, privileged[i].b, privileged[i].n);
}

/* Load a random selector into a segment register, then use it. */
static void
t_seg(struct gen *g)
{
	static const uint8_t movsr[] = { 0xd8, 0xc0, 0xe0, 0xe8, 0xd0, 0xc8 };
	static const uint8_t lxs[] = { 0xb2, 0xb4, 0xb5 };
	static const uint8_t pfx[] = { 0x64, 0x65, 0x2e, 0x36, 0x3e, 0x26 };
	uint16_t sel = gen_below(g, 4) ? selectors[gen_below(g, NSEL)] :
	    (uint16_t)xprog_rand(g->p);

	note(g, "seg");
	switch (gen_below(g, 3)) {
	case 0:
		bytes2(g, 0x66, 0xb8);
		imm(g, sel, 2);
		bytes2(g, 0x8e, movsr[gen_below(g, 6)]);
		break;
	case 1:
		push32(g, sel);
		bytes2(g, 0x0f, gen_below(g, 2) ? 0xa1 : 0xa9);	/* pop fs/gs */
		break;
	default:
		/* lss/lfs/lgs m16:64 from (%rsp): offset, then selector */
		push32(g, sel);
		push64(g, gen_value(g));
		bytes2(g, 0x48, 0x0f);
		bytes2(g, lxs[gen_below(g, 3)], 0x04);
		byte(g, 0x24);
		break;
	}
	if (gen_below(g, 2)) {
		byte(g, pfx[gen_below(g, 6)]);
		movabs(g, 3, gen_value(g));
		bytes2(g, 0x48, 0x8b);
		byte(g, 0x03);			/* mov (%rbx), %rax */
	}
}

static void
t_flags(struct gen *g)
{
	note(g, "flags");
	switch (gen_below(g, 4)) {
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
	uint64_t r = gen_below(g, 4);

	note(g, "fpu");
	if (r == 0) {
		unsigned i = (unsigned)gen_below(g, 8);

		movabs(g, 3, gen_value(g));
		emit(g, &fx[i][1], fx[i][0]);
	} else if (r == 1) {
		/* ldmxcsr (%rsp) of a value with masks off or reserved bits */
		push32(g, gen_below(g, 2) ? (uint32_t)gen_below(g, 0x80) :
		    (uint32_t)xprog_rand(g->p));
		bytes2(g, 0x0f, 0xae);
		bytes2(g, 0x14, 0x24);
		bytes2(g, 0x0f, 0x57);
		byte(g, 0xc0);			/* xorps %xmm0, %xmm0 */
		bytes2(g, 0x0f, 0x5e);
		byte(g, 0xc0);			/* divps %xmm0, %xmm0 */
	} else if (r == 2) {
		/* fldcw (%rsp) unmasking, then 1/0 and fwait */
		push32(g, (uint32_t)gen_below(g, 0x10000) & 0xffc0);
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
	uint16_t cs = selectors[gen_below(g, NSEL)];
	uint64_t r = gen_below(g, 4);

	note(g, "far");
	if (r == 3) {
		/* ss, rsp, rflags, cs, rip; iretq */
		push32(g, selectors[gen_below(g, NSEL)]);
		push64(g, gen_value(g));
		push64(g, flags_value(g));
		push32(g, cs);
		push64(g, gen_value(g));
		bytes2(g, 0x48, 0xcf);
		return;
	}
	push32(g, cs);
	push64(g, gen_value(g));
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
	unsigned i = (unsigned)gen_below(g, 10);

	note(g, "stack");
	movabs(g, 4, gen_value(g));
	emit(g, &use[i][1], use[i][0]);
}

/* Control to a hostile address. */
static void
t_jmp(struct gen *g)
{
	static const uint8_t how[][3] = { { 2, 0xff, 0xe0 }, { 2, 0xff, 0xd0 },
	    { 2, 0x50, 0xc3 } };
	unsigned i = (unsigned)gen_below(g, 3);

	note(g, "jmp");
	movabs(g, 0, gen_value(g));
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
	unsigned i = (unsigned)gen_below(g, 9);

	note(g, "movss");
	if (gen_below(g, 2)) {
		push64(g, RFLAGS_USER_DEFAULT | 0x100);	/* TF */
		byte(g, 0x9d);
	}
	bytes2(g, 0x66, 0xb8);
	imm(g, gen_below(g, 4) ? 0x1b : selectors[gen_below(g, NSEL)], 2);
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
	unsigned i = (unsigned)gen_below(g, 8);

	note(g, "str");
	movabs(g, 1, gen_below(g, 2) ? gen_below(g, 1u << 20) : gen_value(g));
	movabs(g, 7, gen_value(g));
	movabs(g, 6, gen_value(g));
	if (gen_below(g, 4) == 0)
		byte(g, 0xfd);			/* std */
	emit(g, &op[i][1], op[i][0]);
}

/* Spin: for good, or for a while (a timer tick lands mid-program). */
static void
t_loop(struct gen *g)
{
	note(g, "loop");
	switch (gen_below(g, 3)) {
	case 0:
		bytes2(g, 0xeb, 0xfe);		/* jmp . */
		break;
	case 1:
		bytes2(g, 0xf3, 0x90);
		bytes2(g, 0xe2, 0xfc);		/* pause; loop */
		break;
	default:
		movabs(g, 1, 1 + gen_below(g, 1u << 22));
		bytes2(g, 0xe2, 0xfe);		/* loop . */
		break;
	}
}

static void
t_div(struct gen *g)
{
	note(g, "div");
	if (gen_below(g, 2)) {
		movabs(g, 1, gen_below(g, 2) ? 0 : gen_value(g));
		bytes2(g, 0x48, 0xf7);
		byte(g, gen_below(g, 2) ? 0xf1 : 0xf9);	/* div/idiv %rcx */
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
	unsigned n = 12 + (unsigned)gen_below(g, 6);

	note(g, "long");
	for (unsigned i = 0; i < n; i++)
		byte(g, pfx[gen_below(g, 13)]);
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
	unsigned i = (unsigned)gen_below(g, 8);

	note(g, "mem");
	movabs(g, 0, gen_value(g));
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

void
gen_chunk(struct gen *g)
{
	unsigned total = 0, r;

	for (unsigned i = 0; i < NTEMPLATES; i++)
		total += templates[i].weight;
	r = (unsigned)gen_below(g, total);
	for (unsigned i = 0; i < NTEMPLATES; i++) {
		if (r < templates[i].weight) {
			templates[i].fn(g);
			return;
		}
		r -= templates[i].weight;
	}
}

