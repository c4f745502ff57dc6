/*
 * st_cap.c - capability rules: validity (type, restriction bits, object
 * type, allocation count, rescind), weakening on fetch, every
 * restriction mask against PAGE, CAPPAGE, PROCESS and ENDPOINT
 * operations, OC_MEM_REDUCE only adding, and the decode's refusals.
 */
#include <stddef.h>
#include <stdint.h>

#include <abi/err.h>
#include <cap.h>
#include <proc.h>
#include <selftest/selftest.h>
#include <selftest/st_inv.h>
#include <selftest/st_space.h>

static void
check_rules_body(void)
{
	struct page *pg = st_page();
	struct cap c;
	struct obj *o;

	if (pg == NULL)
		return;
	cap_set_null(&c);
	ST_CHECK_EQ(cap_check(&c, &o), ERR_BAD_CAP);
	c = st_cap(&pg->obj, 0, 0, 0);
	ST_CHECK_EQ(cap_check(&c, &o), 0);
	ST_CHECK(o == &pg->obj);
	c.restr = 0x20;				/* unknown restriction */
	ST_CHECK_EQ(cap_check(&c, &o), ERR_BAD_CAP);
	c.restr = CAP_R_ALL;
	ST_CHECK_EQ(cap_check(&c, &o), 0);
	c.type = CT_MAX;
	ST_CHECK_EQ(cap_check(&c, &o), ERR_BAD_CAP);
	c.type = CT_GPT;			/* OID names a page */
	ST_CHECK_EQ(cap_check(&c, &o), ERR_BAD_CAP);
	c.type = CT_PAGE;
	c.alloc_count++;
	ST_CHECK_EQ(cap_check(&c, &o), ERR_BAD_CAP);
	c.alloc_count--;
	obj_rescind(&pg->obj);
	ST_CHECK_EQ(cap_check(&c, &o), ERR_BAD_CAP);
	cap_set_null(&c);
	c.type = CT_SLEEP;
	ST_CHECK_EQ(cap_check(&c, &o), 0);
	ST_CHECK(o == NULL);
}
ST_SPACE_CASE(check_rules)

static void
test_weaken(void)
{
	unsigned t;
	struct cap c;

	for (t = 0; t < CT_MAX; t++) {
		cap_set_null(&c);
		c.type = (uint8_t)t;
		c.oid = 1;
		cap_weaken(&c);
		if (cap_is_memory((uint8_t)t))
			ST_CHECK_EQ(c.restr, CAP_R_WEAK | CAP_R_RO);
		else if (t == CT_NULL || t == CT_DISCRIM || t == CT_SLEEP ||
		    t == CT_SYSINFO)
			ST_CHECK_EQ(c.type, t);
		else
			ST_CHECK(c.type == CT_NULL && c.oid == 0);
	}
}

/* Every restriction mask on a PAGE cap: write, erase, read, reduce. */
static void
page_masks_body(void)
{
	struct page *pg = st_page();
	struct process *p = st_process();
	unsigned m;
	uint64_t want;

	if (pg == NULL || p == NULL)
		return;
	for (m = 0; m <= CAP_R_ALL; m++) {
		p->d.cap_reg[0] = st_cap(&pg->obj, m, 0, 0);
		want = m & (CAP_R_RO | CAP_R_WEAK) ? ERR_NO_ACCESS : 0;
		ST_CHECK_EQ(st_kcall(p, 0, OC_PAGE_WRITE, 2, 8, m), want);
		ST_CHECK_EQ(st_kcall(p, 0, OC_PAGE_ERASE, 0, 0, 0), want);
		want = m & CAP_R_OPAQUE ? ERR_NO_ACCESS : 0;
		ST_CHECK_EQ(st_kcall(p, 0, OC_PAGE_READ, 1, 8, 0), want);
		ST_CHECK_EQ(st_kcall(p, 0, OC_TYPE, 0, 0, 0), 0);
		ST_CHECK_EQ(p->d.regs.r9, m);
		/* REDUCE answers the cap with more restrictions, never fewer. */
		p->d.regs.rdx = ~0ul;
		{
			struct st_msg r = { IC_MAKE(0, IC_CALL),
			    MI_MAKE(OC_MEM_REDUCE, 1, 0), 0,
			    CR_LIST(1, 0xff, 0xff, 0xff), { CAP_R_NX, 0, 0, 0 } };

			ST_CHECK_EQ(st_invoke(p, &r), 0);
		}
		ST_CHECK_EQ(p->d.cap_reg[1].restr, m | CAP_R_NX);
	}
	ST_CHECK_EQ(st_kcall(p, 0, OC_MEM_REDUCE, 1, 0x20, 0), ERR_BAD_ARG);
	ST_CHECK_EQ(st_kcall(p, 0, OC_PAGE_READ, 1, 3, 0), ERR_BAD_ARG);
	ST_CHECK_EQ(st_kcall(p, 0, OC_PAGE_READ, 1, 4096, 0), ERR_BAD_ARG);
	ST_CHECK_EQ(st_kcall(p, 0, 0x1ff, 0, 0, 0), ERR_BAD_REQUEST);
	proc_stop(p);
}
ST_SPACE_CASE(page_masks)

/* Fetching through a weak cap page: memory caps weakened, others null. */
static void
weak_fetch_body(void)
{
	struct process *p = st_process();
	struct page *pg = st_page();
	struct obj *o;
	struct cappage *d;
	oid_t oid = st_fresh_oid(OT_CAPPAGE);
	struct st_msg f = { IC_MAKE(0, IC_CALL), MI_MAKE(OC_CAPPAGE_FETCH,
	    1, 0), 0, CR_LIST(1, 0xff, 0xff, 0xff), { 0, 0, 0, 0 } };

	if (p == NULL || pg == NULL || obj_get(oid, &o) != 0)
		return;
	obj_pin(o);
	d = cappage_data(obj_cappage(o));
	d->slot[0] = st_cap(&pg->obj, 0, 0, 0);
	cap_make(&d->slot[1], CT_PROCESS, &p->obj);
	cap_make(&p->d.cap_reg[0], CT_CAPPAGE, o);
	p->d.cap_reg[0].restr = CAP_R_WEAK;
	ST_CHECK_EQ(st_invoke(p, &f), 0);
	ST_CHECK_EQ(p->d.cap_reg[1].type, CT_PAGE);
	ST_CHECK_EQ(p->d.cap_reg[1].restr, CAP_R_WEAK | CAP_R_RO);
	f.w[0] = 1;
	ST_CHECK_EQ(st_invoke(p, &f), 0);
	ST_CHECK_EQ(p->d.cap_reg[1].type, CT_NULL);
	/* A weak cap page refuses stores; OPAQUE refuses fetches. */
	ST_CHECK_EQ(st_kcall(p, 0, OC_CAPPAGE_ERASE, 0, 0, 0), ERR_NO_ACCESS);
	p->d.cap_reg[0].restr = CAP_R_OPAQUE;
	ST_CHECK_EQ(st_invoke(p, &f), ERR_NO_ACCESS);
	p->d.cap_reg[0].restr = 0;
	f.w[0] = 256;
	ST_CHECK_EQ(st_invoke(p, &f), ERR_BAD_SLOT);
	proc_stop(p);
	obj_unpin(o);
}
ST_SPACE_CASE(weak_fetch)

/* Weak PROCESS and ENDPOINT caps may only read. */
static void
weak_objects_body(void)
{
	struct process *p = st_process(), *t = st_process();
	struct endpoint *ep = st_endpoint();
	struct process *ps[2] = { p, t };

	if (p == NULL || t == NULL || ep == NULL)
		return;
	cap_make(&p->d.cap_reg[0], CT_PROCESS, &t->obj);
	cap_make(&p->d.cap_reg[1], CT_ENDPOINT, &ep->obj);
	t->d.regs.rip = 0x1000;
	ST_CHECK_EQ(st_kcall(p, 0, OC_PROC_SET_REGS, 2, 16, 0x2000), 0);
	ST_CHECK_EQ(t->d.regs.rip, 0x2000);
	ST_CHECK_EQ(st_kcall(p, 0, OC_PROC_SET_REGS, 2, 16, 1ul << 47),
	    ERR_BAD_ARG);
	ST_CHECK_EQ(st_kcall(p, 0, OC_PROC_SET_REGS, 2, 17, 0x3202),
	    ERR_BAD_ARG);			/* IOPL 3 */
	ST_CHECK_EQ(st_kcall(p, 0, OC_PROC_SET_REGS, 2, 20, 0), ERR_BAD_SLOT);
	ST_CHECK_EQ(st_kcall(p, 0, OC_PROC_GET_REGS, 1, 16, 0), 0);
	ST_CHECK_EQ(p->d.regs.r8, 0x2000);
	ST_CHECK_EQ(st_kcall(p, 1, OC_EP_MAKE_ENTRY, 1, 0x10000, 0),
	    ERR_BAD_ARG);
	ST_CHECK_EQ(st_kcall(p, 1, OC_EP_MAKE_ENTRY, 1, 5, 0), 0);
	p->d.cap_reg[0].restr = CAP_R_WEAK;
	p->d.cap_reg[1].restr = CAP_R_WEAK;
	ST_CHECK_EQ(st_kcall(p, 0, OC_PROC_SET_REGS, 2, 16, 0x3000),
	    ERR_NO_ACCESS);
	ST_CHECK_EQ(st_kcall(p, 0, OC_PROC_STOP, 0, 0, 0), ERR_NO_ACCESS);
	ST_CHECK_EQ(st_kcall(p, 0, OC_PROC_GET_STATE, 0, 0, 0), 0);
	ST_CHECK_EQ(st_kcall(p, 1, OC_EP_MAKE_ENTRY, 1, 5, 0), ERR_NO_ACCESS);
	st_inv_end(ps, 2);
}
ST_SPACE_CASE(weak_objects)

/* The decode refuses malformed calls before anything happens. */
static void
decode_body(void)
{
	struct process *p = st_process();
	struct st_msg m = { IC_MAKE(0, IC_CALL), MI_MAKE(OC_TYPE, 0, 0), 0,
	    ~0ul, { 0, 0, 0, 0 } };

	if (p == NULL)
		return;
	p->d.cap_reg[0].type = CT_KERNLOG;
	ST_CHECK_EQ(st_invoke(p, &m), 0);
	m.ctl |= 0x800;
	ST_CHECK_EQ(st_invoke(p, &m), ERR_BAD_REQUEST);
	m.ctl = 0;
	ST_CHECK_EQ(st_invoke(p, &m), ERR_BAD_REQUEST);
	m.ctl = IC_MAKE(0, IC_CALL);
	m.mi = MI_MAKE(OC_TYPE, 5, 0);
	ST_CHECK_EQ(st_invoke(p, &m), ERR_BAD_REQUEST);
	m.mi = MI_MAKE(OC_TYPE, 0, 1);
	m.send = 40;
	ST_CHECK_EQ(st_invoke(p, &m), ERR_BAD_SLOT);
	m.mi = MI_MAKE(OC_TYPE, 0, 0) | 1ul << 40;
	ST_CHECK_EQ(st_invoke(p, &m), ERR_BAD_REQUEST);
	m.mi = MI_MAKE(OC_TYPE, 0, 0);
	m.ctl = IC_MAKE(7, IC_CALL);		/* a null cap register */
	ST_CHECK_EQ(st_invoke(p, &m), ERR_BAD_CAP);
	/* KERNLOG: the count may not exceed the bytes sent. */
	ST_CHECK_EQ(st_kcall(p, 0, OC_LOG_WRITE, 1, 8, 0), ERR_BAD_ARG);
	ST_CHECK_EQ(st_kcall(p, 0, OC_LOG_WRITE, 1, 0, 0), 0);
	proc_stop(p);
}
ST_SPACE_CASE(decode)

ST_SUITE(st_cap,
    ST_CASE(check_rules),
    ST_CASE(weaken),
    ST_CASE(page_masks),
    ST_CASE(weak_fetch),
    ST_CASE(weak_objects),
    ST_CASE(decode));
