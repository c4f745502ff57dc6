/*
 * fault.c - exceptions from ring 3 become fault messages (see fault.h).
 *
 * Delivery reads everything it needs from the process (fault_code,
 * fault_addr) and its kernel state (error code, kept GPT's OID, relative
 * address), so a delivery that stalls can be repeated exactly when the
 * keeper next waits. At most one object pointer besides held processes
 * is used at a time (obj_get may evict unpinned objects).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <abi/err.h>
#include <abi/invoke.h>
#include <cap.h>
#include <fault.h>
#include <ipc.h>
#include <printf.h>
#include <proc.h>
#include <sched.h>
#include <space.h>
#include <x86_64/trap.h>

static const char *const fc_names[FC_MAX] = {
	[FC_NONE] = "FC_NONE",
	[FC_NO_MAPPING] = "FC_NO_MAPPING",
	[FC_WRITE_RO] = "FC_WRITE_RO",
	[FC_EXEC_NX] = "FC_EXEC_NX",
	[FC_GUARD] = "FC_GUARD",
	[FC_BAD_SPACE] = "FC_BAD_SPACE",
	[FC_GP] = "FC_GP",
	[FC_UD] = "FC_UD",
	[FC_DIV] = "FC_DIV",
	[FC_FPU] = "FC_FPU",
	[FC_BREAKPOINT] = "FC_BREAKPOINT",
	[FC_BAD_SYSCALL] = "FC_BAD_SYSCALL",
};

const char *
fault_name(uint32_t fc)
{
	return fc < FC_MAX ? fc_names[fc] : "FC_?";
}

uint32_t
fault_code_of_vector(uint64_t vector)
{
	switch (vector) {
	case T_DE:
		return FC_DIV;
	case 1:			/* #DB: single step, debug registers */
	case T_BP:
		return FC_BREAKPOINT;
	case T_UD:
		return FC_UD;
	case 7:			/* #NM */
	case 16:		/* #MF */
	case 19:		/* #XM */
		return FC_FPU;
	default:		/* #GP, #SS, #NP, #TS, #AC, #OF, #BR, ... */
		return FC_GP;
	}
}

void
fault_premap(struct process *p, uint32_t fc, uint64_t addr, uint64_t err)
{
	switch (fc) {
	case FC_NO_MAPPING:
	case FC_WRITE_RO:
	case FC_EXEC_NX:
	case FC_GUARD:
	case FC_BAD_SPACE:
		(void)space_premap(p, addr, err);
		break;
	default:
		break;
	}
}

/* Note p's fault in p; delivery (deliver) decides p's wait state. */
static void
record(struct process *p, uint32_t fc, uint64_t addr, uint64_t err,
    oid_t kept_gpt, uint64_t kept_addr)
{
	if (fc == FC_NONE || fc >= FC_MAX)
		fc = FC_GP;
	p->d.fault_code = fc;
	p->d.fault_addr = addr;
	p->k.fault_err = err;
	p->k.fault_gpt = kept_gpt;
	p->k.fault_kept_addr = kept_addr;
	proc_dirty(p);
}

/*
 * cap_check() for the caps a fault travels through, ENTRY and PROCESS
 * (type t, object type ot): objects in memory are checked here, as
 * cap_check() would, without its general dispatch; anything else goes
 * to cap_check().
 */
static inline int
check(const struct cap *c, unsigned t, unsigned ot, struct obj **out)
{
	struct obj *o;

	if (c->type != t || (c->restr & ~CAP_R_ALL) != 0 ||
	    OID_TYPE(c->oid) != ot || (o = cap_lookup(c->oid)) == NULL)
		return cap_check(c, out);
	if (c->alloc_count != o->alloc_count)
		return ERR_BAD_CAP;
	if (t == CT_ENTRY &&
	    (((struct endpoint *)o)->d.flags & EP_F_PAYLOAD_MATCH) &&
	    c->aux != ((struct endpoint *)o)->d.match_payload)
		return ERR_BAD_CAP;
	*out = o;
	return 0;
}

/*
 * p's fault message into r's registers, r being in an open wait: what
 * ipc_deliver() would write for this OC_FAULT call (words: fault code,
 * w1, error code, RIP; caps: a RESTART cap to p, then *c1; a REPLY cap
 * to p if call; payload), without staging words and caps first.
 */
static void
put_message(struct process *r, struct process *p, uint64_t payload,
    uint64_t w1, const struct cap *c1, bool call)
{
	struct proc_regs *x = &r->d.regs;
	unsigned dst;

	x->rax = 0;
	x->rdi = MI_MAKE(OC_FAULT, 4, 2);
	x->rsi = payload;
	x->r8 = p->d.fault_code;
	x->r9 = w1;
	x->r10 = p->k.fault_err;
	x->r12 = p->d.regs.rip;
	if ((dst = CR_LIST_GET(x->rdx, 0)) < PROC_CAP_REGS)
		cap_make(&r->d.cap_reg[dst], CT_RESTART, &p->obj);
	if ((dst = CR_LIST_GET(x->rdx, 1)) < PROC_CAP_REGS)
		r->d.cap_reg[dst] = *c1;
	dst = (unsigned)(x->rdx >> CR_REPLY_SHIFT) & 0xff;
	if (call && dst < PROC_CAP_REGS)
		cap_make_reply(&r->d.cap_reg[dst], p);
	r->d.run_state = PS_RUNNING;
	r->d.wait_oid = 0;
	r->k.wait = W_NONE;
	proc_dirty(r);
}

/*
 * Send p's fault through entry (an ENTRY cap) with w1 and c1 as given.
 * Returns 0 when delivered or stalled, ERR_* when entry leads nowhere.
 */
static int
send_fault(struct process *p, const struct cap *entry, uint64_t w1,
    const struct cap *c1)
{
	struct cap ecap = *entry, rcap;
	struct endpoint *ep;
	struct process *r;
	struct obj *o;
	oid_t ep_oid;
	int rc;

	if (ecap.type != CT_ENTRY)
		return ERR_BAD_CAP;
	if ((rc = check(&ecap, CT_ENTRY, OT_ENDPOINT, &o)) != 0)
		return rc;
	ep = obj_endpoint(o);
	rcap = ep->d.recipient;
	ep_oid = o->oid;
	if (rcap.type != CT_PROCESS)
		return ERR_NOT_FOUND;
	if ((rc = check(&rcap, CT_PROCESS, OT_PROCESS, &o)) != 0)
		return rc;
	r = obj_process(o);
	if (r == p)
		return ERR_NOT_FOUND;
	if (!ipc_open(r)) {
		proc_block(p, PS_FAULTED, W_FAULT_STALL, ep_oid);
		sched_stall(p, r);
		return 0;
	}
	put_message(r, p, ecap.aux, w1, c1, !(ecap.restr & CAP_R_NOCALL));
	proc_block(p, PS_FAULTED, W_FAULT, 0);
	ipc_wake(r, true);
	return 0;
}

/*
 * Deliver p's recorded fault: to the keeper of kept GPT g (NULL: look
 * it up by p->k.fault_gpt), else to p's handler, else park p and log.
 */
static void
deliver(struct process *p, struct gpt *g)
{
	struct cap gcap, null;
	struct obj *o;

	if (g == NULL && p->k.fault_gpt != 0 &&
	    ((o = cap_lookup(p->k.fault_gpt)) != NULL ||
	    obj_get(p->k.fault_gpt, &o) == 0))
		g = obj_gpt(o);
	if (g != NULL && (g->d.flags & GPT_F_KEEPER)) {
		cap_make(&gcap, CT_GPT, &g->obj);
		if (send_fault(p, &g->d.slot[GPT_KEEPER_SLOT],
		    p->k.fault_kept_addr, &gcap) == 0)
			return;
	}
	cap_set_null(&null);
	if (send_fault(p, &p->d.handler, p->d.fault_addr, &null) == 0)
		return;
	proc_block(p, PS_FAULTED, W_NONE, 0);
	kprintf("fault: process %#lx: %s at %#lx rip %#lx\n", p->obj.oid,
	    fault_name(p->d.fault_code), p->d.fault_addr, p->d.regs.rip);
}

void
fault_deliver(struct process *p)
{
	deliver(p, NULL);
}

void
fault_exception(struct process *p, uint64_t vector, uint64_t err,
    uint64_t cr2)
{
	struct space_fault f;

	if (vector != T_PF) {
		fault_raise(p, fault_code_of_vector(vector), 0, err, 0, 0);
		return;
	}
	f.code = FC_NO_MAPPING;
	f.addr = cr2;
	f.keeper_gpt = NULL;
	f.kept_addr = 0;
	if (space_handle_fault(p, cr2, err, &f) == 0)
		return;				/* mapped: retry */
	record(p, f.code, cr2, err, f.keeper_gpt != NULL ?
	    f.keeper_gpt->obj.oid : 0, f.kept_addr);
	deliver(p, f.keeper_gpt);	/* in memory: nothing ran since */
}

void
fault_raise(struct process *p, uint32_t fc, uint64_t addr, uint64_t err,
    oid_t kept_gpt, uint64_t kept_addr)
{
	record(p, fc, addr, err, kept_gpt, kept_addr);
	deliver(p, NULL);
}

