/*
 * fault.c - exceptions from ring 3 become fault messages (see fault.h).
 *
 * Delivery reads everything it needs from the process (fault_code,
 * fault_addr, fault_err, a cap to the kept GPT, the address relative to
 * it), so a delivery that stalls can be repeated exactly when the keeper
 * next waits, or after a restart. At most one object pointer besides
 * held processes is used at a time (obj_get may evict unpinned objects).
 *
 * Invariant: a keeper is sent a fault only through the keeper slot of a
 * GPT that the stored cap (fault_gpt) still validly names, and is handed
 * that cap; a kept GPT rescinded since the fault (freed, its OID perhaps
 * reused for another client) is no longer the fault's, and the fault
 * goes to the handler as if the space had no keeper.
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
#include <store/objcache.h>
#include <store/store.h>
#include <x86_64/trap.h>

/* A fault short of memory reclaims and retries this often at most. */
#define FAULT_RECLAIM_TRIES	3

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
	[FC_STORE] = "FC_STORE",
	[FC_NO_SPACE] = "FC_NO_SPACE",
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

/*
 * The store could not load object oid for p's address translation:
 * name the block (b, 0 when the object's own checks refused it) so that
 * the operator can find it; the fault goes to p's keeper as FC_STORE.
 */
static void
report_damage(const struct process *p, oid_t oid, uint64_t b)
{
	if (b != 0)
		kprintf("store: damaged block %lu while loading object %#lx "
		    "for process %#lx\n", b, oid, p->obj.oid);
	else
		kprintf("store: damaged object %#lx while loading it for "
		    "process %#lx\n", oid, p->obj.oid);
}

/*
 * Note p's fault in p: kept is the innermost kept GPT the walk met (NULL:
 * none) and kept_addr the address relative to it. Delivery (deliver)
 * decides p's wait state.
 */
static void
record(struct process *p, uint32_t fc, uint64_t addr, uint64_t err,
    const struct gpt *kept, uint64_t kept_addr)
{
	if (fc == FC_NONE || fc >= FC_MAX)
		fc = FC_GP;
	proc_modify(p);
	p->d.fault_code = fc;
	p->d.fault_addr = addr;
	p->d.fault_err = err;
	if (kept != NULL)
		cap_make(&p->d.fault_gpt, CT_GPT, &kept->obj);
	else
		cap_set_null(&p->d.fault_gpt);
	p->d.fault_kept_addr = kept_addr;
}

/*
 * p's fault message to r, in an open wait: OC_FAULT with words fault
 * code, w1, error code, RIP; caps a RESTART cap to p, then *c1; a REPLY
 * cap to p if call; the entry's payload.
 */
static void
put_message(struct process *r, struct process *p, uint64_t payload,
    uint64_t w1, const struct cap *c1, bool call)
{
	const uint64_t w[4] = { p->d.fault_code, w1, p->d.fault_err,
	    p->d.regs.rip };
	struct cap caps[2], reply;

	cap_make(&caps[0], CT_RESTART, &p->obj);
	caps[1] = *c1;
	if (call)
		cap_make_reply(&reply, p);
	ipc_deliver(r, OC_FAULT, payload, w, 4, caps, 2, call ? &reply : NULL);
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
	if ((rc = cap_check_cached_as(&ecap, CT_ENTRY, &o)) != 0 &&
	    (rc != CAP_ABSENT || (rc = cap_check(&ecap, &o)) != 0))
		return rc;
	ep = obj_endpoint(o);
	rcap = ep->d.recipient;
	ep_oid = o->oid;
	if (rcap.type != CT_PROCESS)
		return ERR_NOT_FOUND;
	if ((rc = cap_check_cached_as(&rcap, CT_PROCESS, &o)) != 0 &&
	    (rc != CAP_ABSENT || (rc = cap_check(&rcap, &o)) != 0))
		return rc;
	r = obj_process(o);
	if (r == p)
		return ERR_NOT_FOUND;
	if (!ipc_open(r)) {
		proc_block(p, PS_FAULTED, W_FAULT_STALL, ep_oid);
		sched_stall(p, r);
		return 0;
	}
	/* Past REPLY_SEQ_LIMIT, a send: the keeper answers by RESTART. */
	put_message(r, p, ecap.aux, w1, c1, !(ecap.restr & CAP_R_NOCALL) &&
	    cap_may_reply(p));
	proc_block(p, PS_FAULTED, W_FAULT, 0);
	ipc_wake(r, true);
	return 0;
}

/*
 * Deliver p's recorded fault: to the keeper of its kept GPT with the cap
 * p->d.fault_gpt, else to p's handler, else park p and log. g is that
 * GPT when the walk that recorded the fault just found it (nothing ran
 * since: the cap is current), else NULL: the cap is checked then, and a
 * stale one (ERR_BAD_CAP: the GPT was rescinded) or an object that
 * cannot be loaded sends the fault to the handler.
 */
static void
deliver(struct process *p, struct gpt *g)
{
	struct cap null;
	struct obj *o;

	if (g == NULL && p->d.fault_gpt.type == CT_GPT &&
	    cap_check(&p->d.fault_gpt, &o) == 0)
		g = obj_gpt(o);
	if (g != NULL && (g->d.flags & GPT_F_KEEPER) &&
	    send_fault(p, &g->d.slot[GPT_KEEPER_SLOT], p->d.fault_kept_addr,
	    &p->d.fault_gpt) == 0)
		return;
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
	unsigned tries;
	int ret;

	if (vector != T_PF) {
		fault_raise(p, fault_code_of_vector(vector), 0, err);
		return;
	}
	f.code = FC_NO_MAPPING;
	f.addr = cr2;
	f.keeper_gpt = NULL;
	f.kept_addr = 0;
	f.bad_oid = 0;
	(void)store_take_bad_block();	/* only this walk's damage counts */
	for (tries = 0; (ret = space_handle_fault(p, cr2, err, &f)) ==
	    ERR_NO_SPACE && f.code != FC_STORE; tries++) {
		/* Nothing held: a safe point to make room, then try again. */
		(void)objcache_reclaim(0);
		if (tries == FAULT_RECLAIM_TRIES || objcache_short()) {
			f.code = FC_NO_SPACE;
			break;
		}
	}
	if (ret == 0)
		return;				/* mapped: retry */
	if (f.code == FC_STORE)
		report_damage(p, f.bad_oid, store_take_bad_block());
	record(p, f.code, cr2, err, f.keeper_gpt, f.kept_addr);
	deliver(p, f.keeper_gpt);	/* in memory: nothing ran since */
}

void
fault_raise(struct process *p, uint32_t fc, uint64_t addr, uint64_t err)
{
	record(p, fc, addr, err, NULL, 0);
	deliver(p, NULL);
}

