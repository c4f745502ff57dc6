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
#include <lib/string.h>
#include <user/invoke.h>
#include <user/rt.h>

#include "fuzz.h"
#include "fuzz_gen.h"

#define PAGE		UINT64_C(4096)

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

uint64_t
xprog_rand(struct xprog *p)
{
	return rt_rand(&p->rng);
}

uint64_t
gen_below(struct gen *g, uint64_t n)
{
	return xprog_rand(g->p) % n;
}

/* A user page from the edges, a power-of-two boundary, or anywhere. */
uint64_t
gen_user_page(struct gen *g)
{
	uint64_t r = gen_below(g, 20), k;

	if (r < 12)
		return user_pages[gen_below(g, NUSER)];
	if (r < 17) {
		k = 13 + gen_below(g, 34);
		return (UINT64_C(1) << k) - (gen_below(g, 2) ? PAGE : 0);
	}
	return xprog_rand(g->p) & (USER_VA_END - 1) & ~(PAGE - 1);
}

/* A value for a register or an immediate: edges, pointers, numbers. */
uint64_t
gen_value(struct gen *g)
{
	static const uint64_t offs[] = { 0, 1, 8, 15, 4088, 4095, 4096 };
	uint64_t v;

	switch (gen_below(g, 12)) {
	case 0: case 1: case 2:
		if (g->nptr == 0)
			return gen_user_page(g);
		v = g->ptr[gen_below(g, g->nptr)];
		v += offs[gen_below(g, 7)];
		return gen_below(g, 4) == 0 ? v - 16 : v;
	case 3: case 4:
		v = gen_user_page(g);
		return v + offs[gen_below(g, 7)];
	case 5: case 6:
		v = far_addrs[gen_below(g, NFAR)];
		return v - gen_below(g, 3) * 8;
	case 7:
		return UINT64_C(0x7ffffffff000) + PAGE - 1 - gen_below(g, 16);
	case 8: case 9:
		return gen_below(g, 2) ? gen_below(g, 17) : -gen_below(g, 17);
	default:
		return xprog_rand(g->p);
	}
}

/* A control word and message info for the victim's cap registers 0..4:
   null, the nocall entry to the fuzzer, discrim, sleep, null. */
uint64_t
gen_sys_ctl(struct gen *g)
{
	static const uint64_t flags[] = { IC_CALL, IC_SEND, IC_RECV,
	    IC_CALL | IC_NONBLOCK, IC_SEND | IC_NONBLOCK,
	    IC_RECV | IC_NONBLOCK, 0 };

	uint64_t cr;

	if (gen_below(g, 8) == 0)
		return xprog_rand(g->p);
	cr = gen_below(g, 5);
	return IC_MAKE(cr, flags[gen_below(g, 7)]);
}

uint64_t
gen_sys_info(struct gen *g)
{
	static const uint32_t ops[] = { OC_TYPE, OC_DISCRIM_CLASSIFY,
	    OC_DISCRIM_SAME, OC_SLEEP_NOW, OC_SLEEP_FOR, OC_FAULT, 0x919 };

	uint64_t op, nw;

	if (gen_below(g, 8) == 0)
		return xprog_rand(g->p);
	op = ops[gen_below(g, 7)];
	nw = gen_below(g, 6);
	return MI_MAKE(op, nw, gen_below(g, 6));
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
	uint64_t x = gen_below(g, 100);

	if (x < (code ? 84 : 85))
		return 0;
	return r[gen_below(g, code ? 3 : 2)];
}

/* Where the bytes go: often ending at the page's end or running over. */
static void
place(struct gen *g, uint64_t page)
{
	struct xprog *p = g->p;
	uint64_t off, r = gen_below(g, 8);

	if (page + PAGE == USER_VA_END && r == 3)
		r = 0;
	if (r < 3 || (r == 3 && p->len < 2))
		off = PAGE - p->len;
	else if (r == 3)
		off = PAGE - p->len + 1 + gen_below(g, p->len - 1);
	else if (r == 4)
		off = 0;
	else
		off = gen_below(g, PAGE - p->len + 1);
	p->addr = page + off;
	add_page(p, page, restr(g, 1), 0);
	if (off + p->len > PAGE && gen_below(g, 4) != 0)
		add_page(p, page + PAGE, restr(g, 1), 0);
}

static void
registers(struct gen *g, uint64_t stack)
{
	struct xprog *p = g->p;

	for (unsigned i = 0; i < 16; i++)
		p->regs[i] = gen_value(g);
	if (gen_below(g, 4) == 0) {
		p->regs[0] = gen_sys_ctl(g);
		p->regs[5] = gen_sys_info(g);
		p->regs[4] = gen_below(g, 2) ? CR_LIST(1, 2, 3, 0) :
		    gen_value(g);
		p->regs[3] = gen_below(g, 2) ? UMSG_RCV_NONE : gen_value(g);
		p->regs[8] = gen_below(g, 2) ? gen_below(g, 100000) :
		    gen_value(g);
	}
	switch (gen_below(g, 5)) {
	case 0: case 1: case 2:
		p->regs[XREG_RSP] = stack + PAGE - (gen_below(g, 4) == 0 ?
		    gen_below(g, 64) : 0);
		break;
	case 3:
		p->regs[XREG_RSP] = stack + gen_below(g, PAGE);
		break;
	default:
		p->regs[XREG_RSP] = gen_value(g);	/* anything at all */
		break;
	}
	p->regs[XREG_RIP] = p->addr;
	p->regs[XREG_RFLAGS] = RFLAGS_USER_DEFAULT;
	if (gen_below(g, 2)) {
		static const uint64_t ok[] = { 0x100, 0x400, 0x40000, 0x10000,
		    0x200000, 0x8d5, 0x1 };

		unsigned n = 1 + (unsigned)gen_below(g, 3);

		for (unsigned i = 0; i < n; i++)
			p->regs[XREG_RFLAGS] |= ok[gen_below(g, 7)];
	}
	for (unsigned r = XREG_FS; r <= XREG_GS; r++)
		p->regs[r] = gen_below(g, 2) ? 0 :
		    gen_value(g) & (USER_VA_END - 1);
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

	nchunks = 1 + (unsigned)gen_below(&g, 4);
	for (unsigned i = 0; i < nchunks && p->len + CHUNK_MAX <= XPROG_MAX;
	    i++)
		gen_chunk(&g);

	p->space = gen_below(&g, 32) == 0 ? XSPACE_PAGE :
	    gen_below(&g, 32) == 0 ? XSPACE_NULL : XSPACE_GPT;
	code = p->space == XSPACE_PAGE ? 0 : gen_user_page(&g);
	place(&g, code);
	if (p->space == XSPACE_PAGE) {
		p->npages = 1;			/* one page: nothing else */
		p->page[0].restr = 0;
		if (p->addr + p->len > PAGE)
			p->addr = PAGE - p->len;
		stack = 0;
	} else {
		if (gen_below(&g, 20) < 17) {
			stack = gen_below(&g, 4) == 0 && code >= PAGE ?
			    code - PAGE : gen_user_page(&g);
			add_page(p, stack, restr(&g, 0), 0);
		} else
			stack = gen_user_page(&g);	/* unmapped */
		if (gen_below(&g, 5) < 3)
			add_page(p, gen_user_page(&g), restr(&g, 0), 1);
	}
	for (unsigned i = 0; i < p->npages; i++)
		g.ptr[g.nptr++] = p->page[i].va;
	registers(&g, stack);
	if (gen_below(&g, 4) == 0)
		p->keepers = (uint8_t)(2 + gen_below(&g, 4));
	p->junk = gen_below(&g, 16) == 0 ? 4 : 0;
	p->hostile = gen_below(&g, 4) == 0;
}
