/*
 * objcache_load.c - turning a stored object into an object in memory:
 * its map entry (and data block) through the store reader, then the
 * checks of its type's format invariants, since the disk is untrusted.
 *
 * Only what the kernel itself never writes is rejected: malformed
 * capabilities (unknown type or restrictions, a null cap that is not
 * zero, an OID of the wrong type, stray fields), unknown flags, a
 * process state breaking lib/proccheck.c's state rules (run state, fault
 * code and wait_oid out of step, MXCSR reserved bits, which would make
 * FXRSTOR fault in the kernel), and non-zero reserved fields. Semantic
 * states a running system can reach (an unset GPT l2v, a keeper slot
 * holding something else) load as they are; their users check them.
 * Registers are checked by proc.c when the run list starts a process.
 */
#include <stdbool.h>
#include <stdint.h>

#include <abi/err.h>
#include <lib/capfmt.h>
#include <lib/proccheck.h>
#include <lib/string.h>
#include <obj.h>
#include <store/objcache_priv.h>
#include <printf.h>
#include <store/store.h>

static bool
all_zero(const void *p, uint64_t n)
{
	const uint8_t *b = p;

	for (uint64_t i = 0; i < n; i++)
		if (b[i] != 0)
			return false;
	return true;
}

/* Check n caps at c; print and return false at the first bad one. */
static bool
caps_ok(const struct obj *o, const struct cap *c, unsigned n,
    const char *where)
{
	for (unsigned i = 0; i < n; i++) {
		const char *why = cap_form_problem(&c[i]);

		if (why != NULL) {
			kprintf("store: object %#lx: %s %u: %s (type %u, oid "
			    "%#lx)\n", o->oid, where, i, why, c[i].type,
			    c[i].oid);
			return false;
		}
	}
	return true;
}

static const char *
gpt_problem(const struct obj_gpt *g)
{
	if (g->flags & ~GPT_F_ALL)
		return "unknown GPT flags";
	if (!all_zero(g->reserved, sizeof(g->reserved)))
		return "reserved GPT bytes are not zero";
	return NULL;
}

static const char *
endpoint_problem(const struct obj_endpoint *e)
{
	if (e->flags & ~EP_F_ALL)
		return "unknown endpoint flags";
	if (e->reserved != 0 || e->reserved2 != 0)
		return "reserved endpoint fields are not zero";
	return NULL;
}

/* Check o's loaded contents; ERR_CORRUPT with a message if bad. */
static int
check_object(struct obj *o)
{
	const char *why = NULL;
	bool ok = true;

	switch (o->type) {
	case OT_CAPPAGE:
		ok = caps_ok(o, cappage_data(obj_cappage(o))->slot,
		    CAPPAGE_SLOTS, "slot");
		break;
	case OT_GPT: {
		struct obj_gpt *g = &obj_gpt(o)->d;

		why = gpt_problem(g);
		ok = why != NULL || caps_ok(o, g->slot, GPT_SLOTS, "slot");
		break;
	}
	case OT_PROCESS: {
		struct obj_process *p = &obj_process(o)->d;

		why = proc_state_problem(p);
		ok = why != NULL || (caps_ok(o, &p->space, 1, "space cap") &&
		    caps_ok(o, &p->handler, 1, "handler cap") &&
		    caps_ok(o, p->cap_reg, PROC_CAP_REGS, "cap register"));
		break;
	}
	case OT_ENDPOINT: {
		struct obj_endpoint *e = &obj_endpoint(o)->d;

		why = endpoint_problem(e);
		ok = why != NULL || caps_ok(o, &e->recipient, 1, "recipient");
		break;
	}
	default:
		break;
	}
	if (why != NULL)
		kprintf("store: object %#lx: %s\n", o->oid, why);
	return why == NULL && ok ? 0 : ERR_CORRUPT;
}

int
objcache_load(struct obj *o)
{
	const struct obj_hdr *h;
	struct store_ref ref = { 0 };
	int err;

	/*
	 * A free entry (abi/store.h) reads as a fresh object, but with the
	 * allocation count it kept: ERR_NOT_FOUND with o->alloc_count set,
	 * so no cap from before the free matches it again.
	 */
	switch (o->type) {
	case OT_PAGE:
	case OT_CAPPAGE:
		err = store_get_entry(o->oid, &ref);
		if (err == ERR_NOT_FOUND)
			o->alloc_count = ref.alloc_count;
		if (err != 0)
			return err;
		err = store_read_data(o->oid, &ref, o->type == OT_PAGE ?
		    page_data(obj_page(o)) :
		    (void *)cappage_data(obj_cappage(o)));
		if (err != 0)
			return err;
		o->alloc_count = ref.alloc_count;
		o->bank = ref.bank;
		return check_object(o);
	case OT_GPT:
		err = store_get_entry(o->oid, &obj_gpt(o)->d);
		h = &obj_gpt(o)->d.hdr;
		break;
	case OT_PROCESS:
		err = store_get_entry(o->oid, &obj_process(o)->d);
		h = &obj_process(o)->d.hdr;
		break;
	case OT_ENDPOINT:
		err = store_get_entry(o->oid, &obj_endpoint(o)->d);
		h = &obj_endpoint(o)->d.hdr;
		break;
	default:
		return ERR_BAD_ARG;
	}
	if (err == ERR_NOT_FOUND)
		o->alloc_count = h->alloc_count;	/* the struct was zero */
	if (err != 0)
		return err;
	o->alloc_count = h->alloc_count;
	o->bank = h->bank;
	return check_object(o);
}
