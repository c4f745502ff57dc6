/*
 * fuzz_exec.c - the exec victim (fuzz.h): loads one program into the
 * victim's pages and space, sets its registers through the PROCESS cap
 * (and tries registers ring 3 may not hold, which must be refused), runs
 * it, and waits as its handler and keeper for what it does. Each fault
 * must arrive as a well-formed fault message (c0 a RESTART cap, c1 the
 * kept GPT or null, the victim PS_FAULTED with that code); the fuzzer
 * then restarts it unchanged, maps the page it missed, or moves on. A
 * program that neither faults nor sends within two pings of the pinger
 * (10-20 ms) is stopped, sometimes after its space was taken apart
 * under it (and the fault that brings).
 *
 * The victim is a fresh process (OID_XV) with no cap to anything but
 * the fuzzer's nocall entry, a DISCRIM and a SLEEP cap (registers 1-3),
 * so its system calls reach real objects and cannot wreck the fuzzer.
 */
#include <stdarg.h>

#include <abi/gpt.h>
#include <lib/fmt.h>
#include <lib/string.h>
#include <user/ipc.h>
#include <user/log.h>
#include <user/test.h>

#include "fuzz.h"

#define MSGS_MAX	64	/* victim sends before it counts as stuck */

struct xstats	xs;
static int	verbose;

static const char *const fc_names[FC_MAX + 1] = {
	"none", "no_mapping", "write_ro", "exec_nx", "guard", "bad_space",
	"gp", "ud", "div", "fpu", "breakpoint", "bad_syscall", "store",
	"no_space", "other",
};

void
xfail(const char *fmt, ...)
{
	va_list ap;
	size_t n;

	if (xs.failures++ != 0 && !verbose)
		return;
	if (xs.failures == 1) {
		va_start(ap, fmt);
		fmt_vsnprintf(xs.first_failure, sizeof(xs.first_failure), fmt,
		    ap);
		va_end(ap);
		n = strlen(xs.first_failure);
		fmt_snprintf(xs.first_failure + n,
		    sizeof(xs.first_failure) - n, " (program %lu)",
		    (unsigned long)xs.programs);
	}
	if (verbose) {
		uprintf("fuzz: FAILURE: ");
		va_start(ap, fmt);
		uvprintf(fmt, ap);
		va_end(ap);
		uprintf("\n");
	}
}

int
xcall(unsigned cr, uint32_t op, unsigned nw, uint64_t w0, uint64_t w1,
    uint64_t w2, uint64_t w3, uint64_t *out)
{
	int rc = kcall(cr, op, nw, w0, w1, w2, w3, out);

	xs.invocations++;
	fuzz_record(rc);
	return rc;
}

int
xcap(unsigned cr, uint32_t op, unsigned nw, uint64_t w0, uint64_t w1,
    unsigned dst)
{
	int rc = kcall_cap(cr, op, nw, w0, w1, dst);

	xs.invocations++;
	fuzz_record(rc);
	return rc;
}

int
xgive(unsigned cr, uint32_t op, unsigned nw, uint64_t w0, uint64_t w1,
    unsigned src)
{
	int rc = kcall_give(cr, op, nw, w0, w1, src);

	xs.invocations++;
	fuzz_record(rc);
	return rc;
}

/* Erase pool page pi and write what p puts in it (code, random words). */
static int
fill_page(struct xprog *p, unsigned pi)
{
	const struct xpage *pg = &p->page[pi];
	int err;

	if ((err = xcap(CR_RANGE, OC_RANGE_GET, 1,
	    OID_MAKE(OT_PAGE, XBASE + pi), 0, CR_XC)) != 0 ||
	    (err = xcall(CR_XC, OC_PAGE_ERASE, 0, 0, 0, 0, 0, 0)) != 0)
		return err;
	for (uint64_t off = 0; pg->data && off < 4096; off += 8) {
		if (off == 64)
			off = 4096 - 32;
		err = xcall(CR_XC, OC_PAGE_WRITE, 2, off, xprog_rand(p), 0, 0,
		    0);
		if (err != 0)
			return err;
	}
	for (uint64_t a = p->addr & ~UINT64_C(7); a < p->addr + p->len;
	    a += 8) {
		uint64_t v = 0;

		if (a < pg->va || a >= pg->va + 4096)
			continue;
		for (unsigned i = 0; i < 8; i++) {
			uint64_t k = a + i - p->addr;

			if (a + i >= p->addr && k < p->len)
				v |= (uint64_t)p->code[k] << (8 * i);
		}
		err = xcall(CR_XC, OC_PAGE_WRITE, 2, a - pg->va, v, 0, 0, 0);
		if (err != 0)
			return err;
	}
	return 0;
}

int
xexec_load(struct xprog *p)
{
	int err;

	if ((err = xspace_clear()) != 0)
		return err;
	for (unsigned i = 0; i < p->npages; i++) {
		if ((err = fill_page(p, i)) != 0)
			return err;
		if (p->space != XSPACE_GPT)
			continue;
		err = xspace_map(&p->page[i], i);
		if (err == ERR_LIMIT || err == ERR_BAD_ARG)
			xs.unmapped++;
		else if (err != 0)
			return err;
	}
	if (p->space == XSPACE_GPT) {
		if ((err = xspace_decorate(p)) != 0 ||
		    (err = xspace_root(CR_XC)) != 0)
			return err;
	} else if (p->space == XSPACE_PAGE) {
		if ((err = xcap(CR_RANGE, OC_RANGE_GET, 1,
		    OID_MAKE(OT_PAGE, XBASE), 0, CR_XC)) != 0)
			return err;
	}
	if ((err = xgive(CR_XV, OC_PROC_SET_SPACE, 0, 0, 0,
	    p->space == XSPACE_NULL ? CR_XNULL : CR_XC)) != 0)
		return err;
	for (unsigned i = 0; i < PROC_NREGS_U; i += 3) {
		unsigned n = PROC_NREGS_U - i < 3 ? PROC_NREGS_U - i : 3;

		if ((err = xcall(CR_XV, OC_PROC_SET_REGS, 1 + n, i,
		    p->regs[i], p->regs[i + 1],
		    n > 2 ? p->regs[i + 2] : 0, 0)) != 0)
			return err;
	}
	return 0;
}

/*
 * Registers ring 3 cannot take: each must be refused with ERR_BAD_ARG
 * and leave every register as it was, including a good value sent
 * with it in the same call.
 */
static void
hostile(struct xprog *p)
{
	static const uint64_t addrs[] = { USER_VA_END, UINT64_C(1) << 63,
	    UINT64_MAX, UINT64_C(0xffff800000000000), USER_VA_END + 4096 };
	static const uint64_t flags[] = { RFLAGS_USER_DEFAULT | 0x3000,
	    0x2, RFLAGS_IF, 0, RFLAGS_USER_DEFAULT | 0x20000,
	    RFLAGS_USER_DEFAULT | 0x4000,
	    RFLAGS_USER_DEFAULT | UINT64_C(1) << 63 };
	static const unsigned which[] = { XREG_RIP, XREG_RFLAGS, XREG_FS,
	    XREG_GS };
	unsigned r = which[xprog_rand(p) % 4];
	uint64_t bad, good, w[MI_WORDS_MAX] = { 0 };
	int err;

	bad = r == XREG_RFLAGS ? flags[xprog_rand(p) % 7] :
	    addrs[xprog_rand(p) % 5];
	/* a value the register before r may hold, unlike the one it has */
	good = p->regs[r - 1];
	good = r - 1 < 16 ? ~good : r - 1 == XREG_RFLAGS ? good ^ 0x400 :
	    good ^ 8;
	err = xcall(CR_XV, OC_PROC_SET_REGS, 3, r - 1, good, bad, 0, 0);
	if (err != ERR_BAD_ARG) {
		xfail("register %u = %#lx: answer %d, not ERR_BAD_ARG", r,
		    (unsigned long)bad, err);
		return;
	}
	xs.hostile_refused++;
	if (xcall(CR_XV, OC_PROC_GET_REGS, 1, r - 1, 0, 0, 0, w) != 0 ||
	    w[0] != p->regs[r - 1] || w[1] != p->regs[r])
		xfail("refused register %u changed registers: %#lx %#lx", r,
		    (unsigned long)w[0], (unsigned long)w[1]);
}

/*
 * Wait as the victim's handler and keeper: returns with o->fault 1 and
 * the message, or 0 once two pings passed (a fault whose delivery
 * stalled meanwhile is still taken, without blocking).
 */
static void
wait_fault(struct xoutcome *o)
{
	unsigned pings = 0, msgs = 0;
	struct umsg m;
	int err;

	o->fault = 0;
	for (;;) {
		uint64_t ctl = IC_RECV | (pings >= 2 ? IC_NONBLOCK : 0);

		umsg_init(&m, 0, 0, 0, 0, 0, 0);
		m.rcv = CR_WITH_REPLY(CR_LIST(CR_XRESTART, CR_XGPT,
		    CR_DISCARD, CR_DISCARD), CR_DISCARD);
		err = invoke(IC_MAKE(0, ctl), &m);
		xs.invocations++;
		fuzz_record(err);
		if (err == ERR_WOULD_BLOCK && pings >= 2)
			return;
		if (err != 0) {
			xfail("open wait: error %d", err);
			return;
		}
		if ((m.payload == PAY_XFAULT || m.payload == PAY_XKEEP) &&
		    MI_OPCODE(m.info) == OC_FAULT) {
			o->fault = 1;
			o->payload = m.payload;
			for (unsigned i = 0; i < MI_WORDS_MAX; i++)
				o->w[i] = m.w[i];
			return;
		}
		if (m.payload == PAY_PING)
			pings++;
		else if (m.payload == PAY_XMSG && ++msgs < MSGS_MAX)
			xs.victim_msgs++;
		else if (m.payload == PAY_XMSG)
			pings = 2;
		else
			xs.others++;
	}
}

/* Check a fault message and the victim's state against each other. */
static void
check_fault(struct xoutcome *o)
{
	uint64_t fc = o->w[0], t[MI_WORDS_MAX], want;
	int err;

	xs.faults[fc < FC_MAX ? fc : FC_MAX]++;
	if (o->payload == PAY_XKEEP)
		xs.kept_faults++;
	if (fc == FC_NONE || fc >= FC_MAX)
		xfail("fault code %lu", (unsigned long)fc);
	err = cap_classify(CR_DISCRIM, CR_XRESTART, t, 0);
	fuzz_record(err);
	if (err != 0 || t[0] != CT_RESTART)
		xfail("fault message c0: type %lu", (unsigned long)t[0]);
	want = o->payload == PAY_XKEEP ? CT_GPT : CT_NULL;
	err = cap_classify(CR_DISCRIM, CR_XGPT, t, 0);
	fuzz_record(err);
	if (err != 0 || t[0] != want)
		xfail("fault message c1: type %lu, want %lu",
		    (unsigned long)t[0], (unsigned long)want);
	xs.invocations += 2;
	if (xcall(CR_XV, OC_PROC_GET_STATE, 0, 0, 0, 0, 0, o->state) != 0 ||
	    o->state[0] != PS_FAULTED || o->state[1] != fc)
		xfail("after fault %lu the victim is in state %lu, fault %lu",
		    (unsigned long)fc, (unsigned long)o->state[0],
		    (unsigned long)o->state[1]);
}

static void
print_outcome(const struct xprog *p, unsigned run, const struct xoutcome *o)
{
	if (!o->fault) {
		uprintf("fuzz: program %lu run %u: no fault, state %lu\n",
		    (unsigned long)p->number, run,
		    (unsigned long)o->state[0]);
		return;
	}
	uprintf("fuzz: program %lu run %u: %s %s addr %#lx err %#lx "
	    "rip %#lx\n", (unsigned long)p->number, run,
	    o->payload == PAY_XKEEP ? "keeper" : "handler",
	    fc_names[o->w[0] < FC_MAX ? o->w[0] : FC_MAX],
	    (unsigned long)o->w[1], (unsigned long)o->w[2],
	    (unsigned long)o->w[3]);
}

static void
print_program(const struct xprog *p)
{
	static const char *const spaces[] = { "gpt", "page", "null" };
	static const char *const names[] = { "rax", "rbx", "rcx", "rdx",
	    "rsi", "rdi", "rbp", "rsp", "r8", "r9", "r10", "r11", "r12",
	    "r13", "r14", "r15", "rip", "rflags", "fs_base", "gs_base" };

	uprintf("fuzz: program %lu at %#lx, %u bytes (%s), space %s:",
	    (unsigned long)p->number, (unsigned long)p->addr, p->len,
	    p->what, spaces[p->space]);
	for (unsigned i = 0; i < p->len; i++)
		uprintf(" %02x", p->code[i]);
	uprintf("\nfuzz:  pages");
	for (unsigned i = 0; i < p->npages; i++)
		uprintf(" %#lx/%x%s", (unsigned long)p->page[i].va,
		    p->page[i].restr, p->page[i].data ? "d" : "");
	uprintf("; keepers 1/%u junk 1/%u hostile %u\nfuzz:  regs",
	    p->keepers, p->junk, p->hostile);
	for (unsigned i = 0; i < PROC_NREGS_U; i++)
		uprintf(" %s=%#lx", names[i], (unsigned long)p->regs[i]);
	uprintf("\n");
}

/* Map a fresh page where the victim missed one; 0 if it was mapped. */
static int
remap(struct xprog *p, uint64_t addr)
{
	unsigned pi = p->npages;
	int err;

	if (p->space != XSPACE_GPT || addr >= USER_VA_END || pi == XPAGE_N)
		return -1;
	p->page[pi] = (struct xpage){ .va = addr & ~UINT64_C(4095) };
	p->npages++;
	if ((err = fill_page(p, pi)) != 0) {
		xfail("fresh page: error %d", err);
		return -1;
	}
	err = xspace_map(&p->page[pi], pi);
	if (err == ERR_LIMIT || err == ERR_BAD_ARG) {
		xs.unmapped++;
		return -1;
	}
	if (err != 0) {
		xfail("mapping %#lx: error %d", (unsigned long)addr, err);
		return -1;
	}
	xs.remaps++;
	return 0;
}

unsigned
xexec_go(struct xprog *p, int again, struct xoutcome *out)
{
	unsigned runs = 0, cleared = 0;
	int err;

	if ((err = xcall(CR_XV, OC_PROC_RESUME, 0, 0, 0, 0, 0, 0)) != 0) {
		xfail("resume: error %d", err);
		return 0;
	}
	while (runs < XRUNS_MAX) {
		struct xoutcome *o = &out[runs++];
		uint64_t r;

		xs.runs++;
		wait_fault(o);
		if (!o->fault) {
			xs.timeouts++;
			(void)xcall(CR_XV, OC_PROC_GET_STATE, 0, 0, 0, 0, 0,
			    o->state);
		} else
			check_fault(o);
		if (verbose)
			print_outcome(p, runs - 1, o);
		r = again ? 0 : xprog_rand(p) % 8;
		if (!o->fault) {
			/* Still going: sometimes take its space apart under
			   it (its next access must fault) and wait again. */
			if (again || cleared || p->space != XSPACE_GPT ||
			    r >= 4)
				break;
			if ((err = xspace_clear()) != 0) {
				xfail("clearing the space: error %d", err);
				break;
			}
			cleared = 1;
			xs.cleared_live++;
			continue;
		}
		if (r == 2 && o->w[0] == FC_NO_MAPPING && !cleared &&
		    remap(p, o->state[2]) == 0)
			;
		else if (r >= 2)
			break;
		else
			xs.restarts++;
		if ((err = xcall(CR_XRESTART, OC_RESTART_RESUME, 0, 0, 0, 0,
		    0, 0)) != 0) {
			xfail("restart: error %d", err);
			break;
		}
	}
	if ((err = xexec_stop()) != 0)
		xfail("stop: error %d", err);
	return runs;
}

int
xexec_stop(void)
{
	return xcall(CR_XV, OC_PROC_STOP, 0, 0, 0, 0, 0, 0);
}

void
xexec_run(uint64_t seed, uint64_t n, int verb)
{
	struct xoutcome out[XRUNS_MAX];
	struct xprog p;
	int err;

	verbose = verb;
	xprog_make(&p, seed, n);
	if (verbose)
		print_program(&p);
	xs.programs++;
	if ((err = xexec_load(&p)) != 0) {
		xfail("loading program %lu: error %d", (unsigned long)n, err);
		return;
	}
	if (p.hostile)
		hostile(&p);
	(void)xexec_go(&p, 0, out);
}

int
xexec_init(void)
{
	int err;

	if ((err = xcap(CR_RANGE, OC_RANGE_GET, 1, OID_XV, 0, CR_XV)) != 0 ||
	    (err = xexec_stop()) != 0 ||
	    (err = xgive(CR_XV, OC_PROC_STORE_CAP, 1, 1, 0, CR_XMSG)) != 0 ||
	    (err = xgive(CR_XV, OC_PROC_STORE_CAP, 1, 2, 0, CR_DISCRIM)) != 0 ||
	    (err = xgive(CR_XV, OC_PROC_STORE_CAP, 1, 3, 0, CR_SLEEP)) != 0 ||
	    (err = xgive(CR_XV, OC_PROC_SET_HANDLER, 0, 0, 0,
	    CR_XHANDLER)) != 0)
		return err;
	return xspace_init();
}

void
xexec_print(const char *prefix)
{
	uprintf("%s%lu programs, %lu runs (%lu restarted unchanged, %lu "
	    "after mapping the page), %lu stopped without a fault; faults:",
	    prefix, (unsigned long)xs.programs, (unsigned long)xs.runs,
	    (unsigned long)xs.restarts, (unsigned long)xs.remaps,
	    (unsigned long)xs.timeouts);
	for (unsigned i = 1; i <= FC_MAX; i++)
		if (xs.faults[i] != 0)
			uprintf(" %s:%lu", fc_names[i],
			    (unsigned long)xs.faults[i]);
	uprintf("; %lu to keepers, %lu victim messages, %lu hostile "
	    "registers refused, %lu pages not mappable, %lu spaces taken "
	    "apart under a running victim\n",
	    (unsigned long)xs.kept_faults, (unsigned long)xs.victim_msgs,
	    (unsigned long)xs.hostile_refused, (unsigned long)xs.unmapped,
	    (unsigned long)xs.cleared_live);
}
