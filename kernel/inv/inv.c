/*
 * inv.c - the invoke system call: decode the registers, check the
 * invoked cap, dispatch to the handler of its type, write the answer.
 *
 * Register use is abi/invoke.h. The decode rejects, before anything
 * changes: unknown control bits (ERR_BAD_REQUEST), neither SEND nor RECV
 * (ERR_BAD_REQUEST), message info with reserved bits or more than
 * MI_WORDS_MAX words or MI_CAPS_MAX caps (ERR_BAD_REQUEST), a sent cap
 * register beyond PROC_CAP_REGS (ERR_BAD_SLOT), an invalid invoked cap
 * (ERR_BAD_CAP). OC_TYPE is answered here for every type except ENTRY
 * and REPLY, whose every opcode is a message to a process.
 */
#include <stddef.h>
#include <stdint.h>

#include <cap.h>
#include <inv/inv.h>
#include <ipc.h>
#include <proc.h>
#include <store/objcache.h>
#include <sched.h>

#define IC_VALID	(IC_CAP_MASK | IC_SEND | IC_RECV | IC_NONBLOCK)
#define MI_VALID	(UINT64_C(0xffffffff) | UINT64_C(7) << 32 | \
			 UINT64_C(7) << 36)

static int (*const inv_handlers[CT_MAX])(struct inv *) = {
	[CT_NULL] = inv_null,
	[CT_PAGE] = inv_page,
	[CT_CAPPAGE] = inv_cappage,
	[CT_GPT] = inv_gpt,
	[CT_PROCESS] = inv_process,
	[CT_ENDPOINT] = inv_endpoint,
	[CT_ENTRY] = inv_entry,
	[CT_RESTART] = inv_restart,
	[CT_RANGE] = inv_range,
	[CT_KERNLOG] = inv_kernlog,
	[CT_CKPT] = inv_ckpt,
	[CT_REPLY] = inv_reply,
	[CT_DISCRIM] = inv_discrim,
	[CT_SLEEP] = inv_sleep,
	[CT_CONSOLE] = inv_console,
	[CT_SYSINFO] = inv_sysinfo,
};

/* Every type in captype.def has a handler. */
#define CAPTYPE(name, code, ot)	+ 1
_Static_assert(0
#include <abi/captype.def>
    == CT_MAX, "captype.def: codes must be dense");
#undef CAPTYPE

static int
decode(struct process *p, struct inv *inv)
{
	struct proc_regs *r = &p->d.regs;
	uint64_t mi = r->rdi;
	unsigned i, reg;

	inv->p = p;
	inv->ctl = r->rax;
	inv->opcode = MI_OPCODE(mi);
	inv->nwords = MI_NWORDS(mi);
	inv->ncaps = MI_NCAPS(mi);
	inv->rnwords = inv->rncaps = 0;
	if ((mi & ~MI_VALID) != 0 || inv->nwords > MI_WORDS_MAX ||
	    inv->ncaps > MI_CAPS_MAX)
		return ERR_BAD_REQUEST;
	inv->w[0] = inv->nwords > 0 ? r->r8 : 0;
	inv->w[1] = inv->nwords > 1 ? r->r9 : 0;
	inv->w[2] = inv->nwords > 2 ? r->r10 : 0;
	inv->w[3] = inv->nwords > 3 ? r->r12 : 0;
	for (i = 0; i < inv->ncaps; i++) {
		reg = CR_LIST_GET(r->rsi, i);
		if (reg >= PROC_CAP_REGS)
			return ERR_BAD_SLOT;
		inv->c[i] = p->d.cap_reg[reg];
	}
	inv->cap = p->d.cap_reg[inv->ctl & IC_CAP_MASK];
	return 0;
}

/* inv_answer(), inline in inv_syscall(): every system call ends here. */
static inline void
answer(struct inv *inv, int rc)
{
	struct process *p = inv->p;
	struct proc_regs *r = &p->d.regs;
	uint64_t w[MI_WORDS_MAX] = { 0, 0, 0, 0 };
	unsigned i, dst;

	/*
	 * A kernel answer carries no REPLY cap: byte 4 of rdx is unused.
	 * No write hook: p, the invoker, was dispatched in this epoch
	 * (usermode_return) and OC_CKPT_TAKE, the one invocation that
	 * takes a snapshot, calls it again (docs/persistence.md).
	 */
	r->rax = (uint64_t)rc;
	if (rc != 0 || !(inv->ctl & IC_RECV))
		return;
	for (i = 0; i < inv->rnwords; i++)
		w[i] = inv->rw[i];
	r->rdi = MI_MAKE(0, inv->rnwords, inv->rncaps);
	r->rsi = 0;
	r->r8 = w[0];
	r->r9 = w[1];
	r->r10 = w[2];
	r->r12 = w[3];
	for (i = 0; i < inv->rncaps; i++) {
		dst = CR_LIST_GET(r->rdx, i);
		if (dst < PROC_CAP_REGS)
			p->d.cap_reg[dst] = inv->rc[i];
	}
}

/*
 * The invocation of p failed for want of memory for an object, changing
 * nothing (check-then-commit): at this safe point, reclaim, and if that
 * brought free frames back above the low watermark, make p execute its
 * syscall again rather than see the error. False: answer ERR_NO_SPACE.
 */
static bool
retry_for_memory(struct process *p)
{
	if (!objcache_starved)
		return false;
	objcache_starved = false;
	(void)objcache_reclaim(0);
	if (objcache_short())
		return false;
	proc_modify(p);
	p->d.regs.rip -= 2;		/* back to the syscall */
	return true;
}

int
inv_syscall(struct process *p)
{
	struct inv inv;
	int rc;

	inv.p = p;
	inv.ctl = p->d.regs.rax;
	objcache_starved = false;
	if ((inv.ctl & ~(uint64_t)IC_VALID) != 0)
		rc = ERR_BAD_REQUEST;
	else if (!(inv.ctl & IC_SEND)) {
		if (!(inv.ctl & IC_RECV))
			rc = ERR_BAD_REQUEST;
		else if ((inv.ctl & IC_NONBLOCK) && p->k.stalled == NULL)
			rc = ERR_WOULD_BLOCK;	/* poll: no sender pending */
		else {
			ipc_wait(p);
			return INV_DONE;
		}
	} else if ((rc = decode(p, &inv)) == 0 &&
	    (rc = cap_check(&inv.cap, &inv.obj)) == 0) {
		if (inv.opcode == OC_TYPE && inv.cap.type != CT_ENTRY &&
		    inv.cap.type != CT_REPLY) {
			inv.rw[0] = inv.cap.type;
			inv.rw[1] = inv.cap.restr;
			inv.rnwords = 2;
		} else
			rc = inv_handlers[inv.cap.type](&inv);
	}
	if (rc == INV_DONE)
		return rc;
	if (rc == ERR_NO_SPACE && retry_for_memory(p))
		return INV_DONE;
	answer(&inv, rc);
	return rc;
}

void
inv_answer(struct inv *inv, int rc)
{
	answer(inv, rc);
}

void
syscall_handle(void)
{
	struct process *p = sched_current, *to;

	p->k.sysret_ok = 1;
	if (ipc_fast_wanted(p) && (to = ipc_fast(p)) != NULL)
		sched_handoff(to);
	inv_syscall(p);
	sched_return();
}
