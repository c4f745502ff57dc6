/*
 * pk_report.c - gathering and printing a fault report (pk_report.h).
 *
 * The faulted process's stack is read through a weak cap to its space
 * (OC_PROC_GET_SPACE), the symbol table through the cap mkimage made
 * (`cap N symbols PROGRAM`, abi/symtab.h), both by spacewalk.c's page
 * reads: a fault report is rare, so a few hundred system calls are
 * cheaper than mapping either into the keeper's own space.
 */
#include <stddef.h>

#include <abi/cap.h>
#include <abi/symtab.h>
#include <user/invoke.h>
#include <user/log.h>

#include "pk_report.h"
#include "spacewalk.h"

#define SPACE_SPAN	48	/* a process space is seen from 2^48 */
#define NREGS		(sizeof(struct proc_regs) / 8)

static const char *const fault_names[FC_MAX] = {
	[FC_NONE] = "FC_NONE", [FC_NO_MAPPING] = "FC_NO_MAPPING",
	[FC_WRITE_RO] = "FC_WRITE_RO", [FC_EXEC_NX] = "FC_EXEC_NX",
	[FC_GUARD] = "FC_GUARD", [FC_BAD_SPACE] = "FC_BAD_SPACE",
	[FC_GP] = "FC_GP", [FC_UD] = "FC_UD", [FC_DIV] = "FC_DIV",
	[FC_FPU] = "FC_FPU", [FC_BREAKPOINT] = "FC_BREAKPOINT",
	[FC_BAD_SYSCALL] = "FC_BAD_SYSCALL", [FC_STORE] = "FC_STORE",
	[FC_NO_SPACE] = "FC_NO_SPACE",
};

static const char *const reg_names[NREGS] = {
	"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
	"rip", "rflags", "fs_base", "gs_base",
};

const char *
pk_fault_name(uint64_t c)
{
	return c < FC_MAX && fault_names[c] != NULL ? fault_names[c] : "FC_?";
}

static int
sym_read(const struct pk_caps *c, uint64_t off, uint64_t *v)
{
	return sw_read64(c->symtab, SPACE_SPAN, off, c->tmp, v);
}

/* Copy the NUL-terminated name at table offset off into buf. */
static void
sym_name(const struct pk_caps *c, uint64_t off, char *buf)
{
	unsigned i = 0;
	uint64_t w;

	while (i + 1 < PK_NAME_MAX) {
		uint64_t at = off + i;

		if (sym_read(c, at & ~(uint64_t)7, &w) != 0)
			break;
		for (unsigned b = (unsigned)(at & 7); b < 8 &&
		    i + 1 < PK_NAME_MAX; b++, i++) {
			buf[i] = (char)(w >> (8 * b));
			if (buf[i] == 0)
				return;
		}
	}
	buf[i] = 0;
}

/*
 * The function holding address a: the last entry at or below a, or the
 * nearest function before it that spans a (a label inside a function
 * sorts after it). f->off is ~0 and the name empty if there is none.
 */
static void
sym_lookup(const struct pk_caps *c, uint64_t a, struct pk_frame *f)
{
	uint64_t magic, n, names, names_size, w, lo = 0, hi, best;
	int err;

	f->off = ~(uint64_t)0;
	f->name[0] = 0;
	if (sym_read(c, 0, &magic) != 0 || magic != SYMTAB_MAGIC ||
	    sym_read(c, offsetof(struct symtab_hdr, nsyms), &n) != 0 ||
	    sym_read(c, offsetof(struct symtab_hdr, names_size), &names_size)
	    != 0)
		return;
	names = n >> 32;
	n &= 0xffffffff;
	names_size &= 0xffffffff;
	/* Binary search: lo = entries at or below a. */
	hi = n;
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;

		err = sym_read(c, sizeof(struct symtab_hdr) +
		    mid * sizeof(struct symtab_ent), &w);
		if (err != 0)
			return;
		if (w <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return;
	best = lo - 1;
	for (uint64_t i = lo; i-- > 0 && lo - i <= 16;) {
		uint64_t e = sizeof(struct symtab_hdr) +
		    i * sizeof(struct symtab_ent), addr, sn, ty;

		if (sym_read(c, e, &addr) != 0 || sym_read(c, e + 8, &sn) != 0 ||
		    sym_read(c, e + 16, &ty) != 0)
			return;
		if ((ty & 0xff) == SYMTAB_FUNC && a - addr < (sn & 0xffffffff)) {
			best = i;
			break;
		}
	}
	w = sizeof(struct symtab_hdr) + best * sizeof(struct symtab_ent);
	if (sym_read(c, w, &f->off) != 0 || sym_read(c, w + 8, &w) != 0)
		return;
	f->off = a - f->off;
	if ((w >> 32) < names_size)
		sym_name(c, names + (w >> 32), f->name);
}

/* n <= 16 bytes of the faulted space at a into buf. Returns 0 or not. */
static int
read_bytes(const struct pk_caps *c, uint64_t a, unsigned n, uint8_t *buf)
{
	uint64_t w[3];

	for (unsigned i = 0; i < 3; i++)
		if (sw_read64(c->space, SPACE_SPAN, (a & ~(uint64_t)7) + 8 * i,
		    c->tmp, &w[i]) != 0)
			return -1;
	for (unsigned i = 0; i < n; i++) {
		unsigned b = (unsigned)(a & 7) + i;

		buf[i] = (uint8_t)(w[b / 8] >> (8 * (b % 8)));
	}
	return 0;
}

/*
 * Where the return address of the innermost function is: at fp + 8 once
 * its prologue (push %rbp; ... mov %rsp,%rbp) made fp its frame; before
 * that, or in a leaf that never makes one, on top of the stack. Sets
 * *ret and returns 1 if it was on the stack (fp is still the caller's),
 * 0 if fp is the function's own frame, -1 if unreadable.
 */
static int
innermost(const struct pk_caps *c, const struct pk_report *r, uint64_t *ret)
{
	const struct pk_frame *f = &r->frame[0];
	uint64_t fn = f->addr - f->off, rsp = r->regs.rsp, at;
	uint8_t code[16];
	unsigned set = 0;

	if (f->off == ~(uint64_t)0 || read_bytes(c, fn, sizeof(code), code) != 0)
		return 0;	/* no symbol: trust the frame pointer */
	for (unsigned i = 1; i + 3 <= sizeof(code) && set == 0; i++)
		if (code[i] == 0x48 && code[i + 1] == 0x89 &&
		    code[i + 2] == 0xe5)
			set = i + 3;
	if (code[0] == 0x55 && set != 0 && f->off >= set)
		return 0;
	at = code[0] == 0x55 && f->off > 0 ? rsp + 8 : rsp;
	if (sw_read64(c->space, SPACE_SPAN, at, c->tmp, ret) != 0)
		return -1;
	return 1;
}

/* Add frame ret: the function of ret - 1 (a call may end a function). */
static void
add_frame(const struct pk_caps *c, struct pk_report *r, uint64_t ret)
{
	struct pk_frame *f = &r->frame[r->nframes++];

	f->addr = ret;
	sym_lookup(c, ret - 1, f);
	if (f->off != ~(uint64_t)0)
		f->off++;
}

int
pk_collect(const struct pk_caps *c, uint64_t code, uint64_t addr,
    struct pk_report *r)
{
	uint64_t *regs = (uint64_t *)&r->regs, w[MI_WORDS_MAX], fp;
	int err, have_space;

	r->code = code;
	r->addr = addr;
	r->nframes = 0;
	for (unsigned i = 0; i < NREGS; i += 4) {
		err = kcall(c->restart, OC_RESTART_GET_REGS, 1, i, 0, 0, 0, w);
		if (err != 0)
			return err;
		for (unsigned k = 0; k < 4 && i + k < NREGS; k++)
			regs[i + k] = w[k];
	}
	have_space = kcall_cap(c->proc, OC_PROC_GET_SPACE, 0, 0, 0,
	    c->space) == 0 && kcall_cap(c->space, OC_MEM_REDUCE, 1,
	    CAP_R_WEAK | CAP_R_RO, 0, c->space) == 0;
	r->frame[0].addr = r->regs.rip;
	sym_lookup(c, r->regs.rip, &r->frame[0]);
	r->nframes = 1;
	fp = r->regs.rbp;
	if (have_space && innermost(c, r, &w[0]) == 1 && w[0] != 0)
		add_frame(c, r, w[0]);
	/* Each frame: [fp] the caller's fp, [fp + 8] the return address. */
	while (have_space && r->nframes < PK_FRAMES && fp != 0 &&
	    fp % 8 == 0) {
		uint64_t next, ret;

		if (sw_read64(c->space, SPACE_SPAN, fp, c->tmp, &next) != 0 ||
		    sw_read64(c->space, SPACE_SPAN, fp + 8, c->tmp, &ret) != 0 ||
		    ret == 0)
			break;
		add_frame(c, r, ret);
		if (next <= fp)		/* stacks grow down: callers above */
			break;
		fp = next;
	}
	return 0;
}

static void
print_frame(const char *prefix, unsigned i, const struct pk_frame *f)
{
	if (f->off == ~(uint64_t)0)
		uprintf("%s  #%u %#lx ?\n", prefix, i, (unsigned long)f->addr);
	else
		uprintf("%s  #%u %#lx %s+%#lx\n", prefix, i,
		    (unsigned long)f->addr, f->name, (unsigned long)f->off);
}

void
pk_print(const char *prefix, const struct pk_report *r)
{
	const uint64_t *regs = (const uint64_t *)&r->regs;

	uprintf("%s %s at %#lx\n", prefix, pk_fault_name(r->code),
	    (unsigned long)r->addr);
	for (unsigned i = 0; i < NREGS; i += 4)
		uprintf("%s  %-7s 0x%016lx %-7s 0x%016lx %-7s 0x%016lx %-7s "
		    "0x%016lx\n", prefix, reg_names[i], (unsigned long)regs[i],
		    reg_names[i + 1], (unsigned long)regs[i + 1],
		    reg_names[i + 2], (unsigned long)regs[i + 2],
		    reg_names[i + 3], (unsigned long)regs[i + 3]);
	for (unsigned i = 0; i < r->nframes; i++)
		print_frame(prefix, i, &r->frame[i]);
}
