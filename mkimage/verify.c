/*
 * verify.c - invariants over a decoded generation's objects. The
 * structural checks of blocks (checksums, trees, accounting) happen in
 * decode.c; these are the ones the kernel relies on when it loads
 * objects: well-typed capabilities with live allocation counts, fields
 * in range, translatable address spaces; processes and the run list by
 * the kernel's own rules (lib/proccheck.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lib/capfmt.h>
#include <lib/proccheck.h>
#include <lib/storefmt.h>

#include "util.h"
#include "verify.h"

#define TREE_MAX_DEPTH	16

static int
zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i])
			return 0;
	return 1;
}

int
verify_cap(struct objset *os, const struct cap *c, const char *where,
    struct problems *pr)
{
	const char *why = cap_form_problem(c);
	uint64_t count;

	if (why != NULL) {
		prob_add(pr, "%s: %s capability (oid %#llx): %s", where,
		    store_ct_name(c->type), (unsigned long long)c->oid, why);
		return -1;
	}
	if (c->type == CT_NULL || cap_type_objtype(c->type) == OT_NONE)
		return 0;
	if (os_cap_count(os, c, &count) != 0) {
		prob_add(pr, "%s: %s capability names missing object %#llx",
		    where, store_ct_name(c->type), (unsigned long long)c->oid);
		return -1;
	}
	if (!cap_count_current(c, count) && (c->type == CT_REPLY ?
	    cap_reply_seq(c) < count : c->alloc_count < count)) {
		pr->stale_caps++;
		return 1;
	}
	if (!cap_count_current(c, count)) {
		prob_add(pr, "%s: %s capability to %#llx has count %llu, the "
		    "object %llu%s", where, store_ct_name(c->type),
		    (unsigned long long)c->oid, c->type == CT_REPLY ?
		    (unsigned long long)cap_reply_seq(c) :
		    (unsigned long long)c->alloc_count,
		    (unsigned long long)count,
		    count == ALLOC_COUNT_RETIRED && c->type != CT_REPLY ?
		    " (retired)" : os_freed_count(os, c->oid) >= 0 ?
		    " (free)" : "");
		return -1;
	}
	return 0;
}

/* Per-GPT memo: spans it was checked under, and "on the current path". */
struct tstate {
	struct objset	*os;
	struct problems	*pr;
	uint64_t	*seen;		/* per GPT: bit c = checked in span c */
	uint8_t		*onpath;
};

static ssize_t
gpt_pos(struct objset *os, oid_t oid)
{
	struct obj_gpt *g = os_gpt(os, oid);

	return g == NULL ? -1 : g - os->gpts;
}

/* Check the memory cap c sitting in a slot spanning 2^span bytes. */
static void
walk_space(struct tstate *ts, const struct cap *c, unsigned span,
    int depth, const char *where)
{
	unsigned l2g = CAP_GUARD_L2G(c), match = CAP_GUARD_MATCH(c), eff;
	struct obj_gpt *g;
	uint64_t count;
	ssize_t pos;

	if (c->type == CT_NULL)
		return;
	if (c->type != CT_PAGE && c->type != CT_GPT) {
		prob_add(ts->pr, "%s: %s capability where memory is mapped",
		    where, store_ct_name(c->type));
		return;
	}
	if (l2g != 0 && (l2g < PAGE_SHIFT || l2g > span ||
	    (span - l2g < 8 && (match >> (span - l2g)) != 0))) {
		prob_add(ts->pr, "%s: guard l2g %u match %u does not fit a "
		    "slot of 2^%u bytes", where, l2g, match, span);
		return;
	}
	eff = l2g ? l2g : span;
	if (c->type == CT_PAGE)
		return;
	if (depth >= TREE_MAX_DEPTH) {
		prob_add(ts->pr, "%s: address space deeper than %d levels",
		    where, TREE_MAX_DEPTH);
		return;
	}
	pos = gpt_pos(ts->os, c->oid);
	if (pos < 0 || os_cap_count(ts->os, c, &count) != 0 ||
	    !cap_count_current(c, count))
		return;		/* missing or stale: see verify_cap */
	g = &ts->os->gpts[pos];
	if (ts->onpath[pos]) {
		prob_add(ts->pr, "%s: GPT %#llx contains itself", where,
		    (unsigned long long)c->oid);
		return;
	}
	if (g->l2v < PAGE_SHIFT || g->l2v > GPT_L2V_MAX ||
	    (ts->seen[pos] >> (eff & 63) & 1))
		return;		/* unset, or bad l2v reported per object */
	ts->seen[pos] |= (uint64_t)1 << (eff & 63);
	ts->onpath[pos] = 1;
	for (unsigned i = 0; i < GPT_SLOTS; i++) {
		char w[96];

		if (((g->flags & GPT_F_KEEPER) && i == GPT_KEEPER_SLOT) ||
		    ((g->flags & GPT_F_BACKGROUND) && i == GPT_BACKGROUND_SLOT))
			continue;
		snprintf(w, sizeof(w), "GPT %#llx slot %u",
		    (unsigned long long)g->hdr.oid, i);
		walk_space(ts, &g->slot[i], g->l2v, depth + 1, w);
		g = &ts->os->gpts[pos];
	}
	ts->onpath[pos] = 0;
}

static void
check_gpt(struct objset *os, struct obj_gpt *g, struct problems *pr)
{
	char w[96];

	/* l2v 0 is unset, as OC_GPT_RESET leaves it: a walk faults there. */
	if (g->l2v != 0 && (g->l2v < PAGE_SHIFT || g->l2v > GPT_L2V_MAX))
		prob_add(pr, "GPT %#llx: l2v %u out of range %u..%u",
		    (unsigned long long)g->hdr.oid, g->l2v, PAGE_SHIFT,
		    GPT_L2V_MAX);
	if (g->flags & ~GPT_F_ALL)
		prob_add(pr, "GPT %#llx: unknown flags %#x",
		    (unsigned long long)g->hdr.oid, g->flags);
	if (!zero(g->reserved, sizeof(g->reserved)))
		prob_add(pr, "GPT %#llx: reserved bytes are not zero",
		    (unsigned long long)g->hdr.oid);
	for (unsigned i = 0; i < GPT_SLOTS; i++) {
		snprintf(w, sizeof(w), "GPT %#llx slot %u",
		    (unsigned long long)g->hdr.oid, i);
		if (verify_cap(os, &g->slot[i], w, pr) != 0)
			continue;
		if ((g->flags & GPT_F_KEEPER) && i == GPT_KEEPER_SLOT &&
		    g->slot[i].type != CT_ENTRY && g->slot[i].type != CT_NULL)
			prob_add(pr, "%s: keeper is a %s capability, not entry",
			    w, store_ct_name(g->slot[i].type));
	}
}

static void
check_process(struct objset *os, struct obj_process *p, struct problems *pr)
{
	unsigned long long oid = (unsigned long long)p->hdr.oid;
	const char *why;
	unsigned bad;
	uint64_t v;
	char w[96];

	/* The kernel refuses to load it (objcache_load). */
	if ((why = proc_state_problem(p)) != NULL)
		prob_add(pr, "process %#llx: %s", oid, why);
	/* The kernel parks it when the run list starts it (proc_start). */
	if ((why = proc_regs_problem(&p->regs, &bad)) != NULL) {
		memcpy(&v, (const uint8_t *)&p->regs + 8 * bad, 8);
		prob_add(pr, "process %#llx: %s %#llx %s", oid,
		    proc_reg_name(bad), (unsigned long long)v, why);
	}
	snprintf(w, sizeof(w), "process %#llx space", oid);
	if (verify_cap(os, &p->space, w, pr) != -1 &&
	    p->space.type != CT_NULL && p->space.type != CT_GPT &&
	    p->space.type != CT_PAGE)
		prob_add(pr, "%s: %s capability is not a space", w,
		    store_ct_name(p->space.type));
	snprintf(w, sizeof(w), "process %#llx fault handler", oid);
	if (verify_cap(os, &p->handler, w, pr) != -1 &&
	    p->handler.type != CT_NULL && p->handler.type != CT_ENTRY)
		prob_add(pr, "%s: %s capability, not entry", w,
		    store_ct_name(p->handler.type));
	for (unsigned i = 0; i < PROC_CAP_REGS; i++) {
		snprintf(w, sizeof(w), "process %#llx cap register %u", oid, i);
		verify_cap(os, &p->cap_reg[i], w, pr);
	}
	/* Stale is fine: the kernel then sends the fault to the handler. */
	snprintf(w, sizeof(w), "process %#llx fault's kept GPT", oid);
	verify_cap(os, &p->fault_gpt, w, pr);
}

static void
check_endpoint(struct objset *os, struct obj_endpoint *e, struct problems *pr)
{
	char w[96];

	snprintf(w, sizeof(w), "endpoint %#llx recipient",
	    (unsigned long long)e->hdr.oid);
	if (e->flags & ~EP_F_ALL)
		prob_add(pr, "endpoint %#llx: unknown flags %#x",
		    (unsigned long long)e->hdr.oid, e->flags);
	if (e->reserved != 0 || e->reserved2 != 0)
		prob_add(pr, "endpoint %#llx: reserved fields are not zero",
		    (unsigned long long)e->hdr.oid);
	if (verify_cap(os, &e->recipient, w, pr) != -1 &&
	    e->recipient.type != CT_NULL && e->recipient.type != CT_PROCESS)
		prob_add(pr, "%s: %s capability, not process", w,
		    store_ct_name(e->recipient.type));
}

/* The kernel's run list rules: it refuses each entry they refuse. */
static void
check_runlist(struct objset *os, struct problems *pr)
{
	for (size_t i = 0; i < os->nrun; i++) {
		oid_t oid = os->runlist[i];
		const char *why = proc_runlist_problem(os->runlist, i,
		    os_proc(os, oid) != NULL);

		if (why != NULL)
			prob_add(pr, "run list entry %zu (%#llx): %s", i,
			    (unsigned long long)oid, why);
		if (i >= PROC_RUNLIST_MAX)
			break;		/* one line for all the rest */
	}
}

void
verify_objects(struct decoded *dc, struct problems *pr)
{
	struct objset *os = &dc->os;
	struct tstate ts = { os, pr, NULL, NULL };
	char w[96];

	for (size_t i = 0; i < os->ngpts; i++)
		check_gpt(os, &os->gpts[i], pr);
	for (size_t i = 0; i < os->nprocs; i++)
		check_process(os, &os->procs[i], pr);
	for (size_t i = 0; i < os->neps; i++)
		check_endpoint(os, &os->eps[i], pr);
	for (size_t i = 0; i < os->ncpages; i++) {
		const struct cappage *cp = (const void *)os->cpages[i].data;

		for (unsigned s = 0; cp != NULL && s < CAPPAGE_SLOTS; s++) {
			snprintf(w, sizeof(w), "cap page %#llx slot %u",
			    (unsigned long long)os->cpages[i].oid, s);
			verify_cap(os, &cp->slot[s], w, pr);
		}
	}
	check_runlist(os, pr);
	ts.seen = mki_alloc((os->ngpts + 1) * sizeof(uint64_t));
	ts.onpath = mki_alloc(os->ngpts + 1);
	for (size_t i = 0; i < os->nprocs; i++) {
		snprintf(w, sizeof(w), "process %#llx space",
		    (unsigned long long)os->procs[i].hdr.oid);
		walk_space(&ts, &os->procs[i].space, 48, 0, w);
	}
	for (size_t i = 0; i < os->ngpts; i++) {
		snprintf(w, sizeof(w), "GPT %#llx", (unsigned long long)
		    os->gpts[i].hdr.oid);
		if (!ts.seen[i]) {
			struct cap c = os_cap(os, CT_GPT, os->gpts[i].hdr.oid,
			    0, 0);

			walk_space(&ts, &c, 64 - 1, 0, w);
		}
	}
	free(ts.seen);
	free(ts.onpath);
}
