/*
 * bankfuzz.c - the space bank's random-request fuzzer: seeded random
 * requests (valid and not) through live, restricted and dead bank caps,
 * each answer checked against a model of the tree, the limits and the
 * objects held, and the bank's usage compared with the model after
 * every step (the touched bank's chain) and in full every 32 steps.
 *
 * Start registers (bankfuzz.mki): rdi = seed, rsi = steps, rdx = a time
 * limit in seconds (0: none). Cap registers: 0 KERNLOG, 1 the root bank
 * (declared "fz"), 2 the bank "keep" (the fuzzer's own cap page comes
 * from it), 3 DISCRIM, 4 SLEEP, 5 the declared bank "foreign"; 6 the
 * cap page holding every cap the model names: objects in slots
 * 0..NOBJ-1, bank caps at SLOT_BANK + i, restricted ones at SLOT_RBANK
 * + i. A failure stops the run at the step that showed it; the seed and
 * step reproduce it.
 */
#include <stddef.h>

#include <user/bank.h>
#include <user/ipc.h>
#include <user/log.h>
#include <user/rt.h>
#include <user/test.h>

#define CR_ROOT		1
#define CR_KEEP		2
#define CR_DISCRIM	3
#define CR_SLEEP	4
#define CR_FOREIGN	5
#define CR_CP		6
#define CR_BANK		8	/* the bank cap a request goes through */
#define CR_ARG		9	/* the cap a request sends */
#define CR_GOT		10	/* the cap an answer brings */
#define CR_T0		11

#define NOBJ		96
#define NBANK		20
#define SLOT_BANK	128
#define SLOT_RBANK	160
#define NSEGS		64

struct mobj {
	int		state;		/* 0 empty, 1 live, 2 stale cap */
	unsigned	bank, type;
	uint64_t	oid;
};

struct mbank {
	int		state;		/* 0 empty, 1 live, 2 dead */
	int		has_rcap;
	unsigned	parent;
	uint64_t	index;
	uint64_t	limit[OT_MAX];
};

static struct mobj objs[NOBJ];
static struct mbank banks[NBANK];
static uint64_t segs[NSEGS][2];
static unsigned nsegs = 0;
static uint64_t rng = 0, step = 0;
static int failed = 0;

/* Answers seen per request kind: [kind][0] success, [1] refused. */
enum { K_ALLOC, K_FREE, K_CHILD, K_LIMIT, K_DESTROY, K_OTHER, K_MAX };
static const char *const kind_name[K_MAX] = {
	"alloc", "free", "child", "set_limit", "destroy", "other",
};
static uint64_t seen[K_MAX][2];
static unsigned kind = K_OTHER;

static uint64_t
below(uint64_t n)
{
	return rt_rand(&rng) % n;
}

static void
fail(const char *what, int got, int want)
{
	if (!failed)
		test_fail("step %lu: %s: got %d, want %d",
		    (unsigned long)step, what, got, want);
	failed = 1;
}

static void
check(int got, int want, const char *what)
{
	if (got != want)
		fail(what, got, want);
}

/* check() for a step's main request, counted by its answer. */
static void
check_req(int got, int want, const char *what)
{
	seen[kind][want != 0]++;
	check(got, want, what);
}

static int
within(unsigned inner, unsigned b)
{
	for (;;) {
		if (inner == b)
			return 1;
		if (inner == 0)
			return 0;
		inner = banks[inner].parent;
	}
}

static uint64_t
model_total(unsigned b, unsigned t, int own_only)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < NOBJ; i++)
		if (objs[i].state == 1 && objs[i].type == t &&
		    (own_only ? objs[i].bank == b : within(objs[i].bank, b)))
			n++;
	return n;
}

/* Bank i's cap (restricted if r) into CR_BANK. */
static void
bank_cap(unsigned i, int r)
{
	check(kcall_cap(CR_CP, OC_CAPPAGE_FETCH, 1,
	    (r ? SLOT_RBANK : SLOT_BANK) + i, 0, CR_BANK), 0,
	    "fetch a bank cap");
}

static void
keep(unsigned cr, unsigned slot)
{
	check(kcall_give(CR_CP, OC_CAPPAGE_STORE, 1, slot, 0, cr), 0,
	    "store a cap");
}

/* The bank's usage of bank i against the model, for type t. */
static void
check_usage(unsigned i, unsigned t)
{
	uint64_t total = 0, mine = 0;

	bank_cap(i, 0);
	check(bank_usage(CR_BANK, t, &total, &mine), 0, "usage");
	if (total != model_total(i, t, 0) || mine != model_total(i, t, 1)) {
		if (!failed)
			test_fail("step %lu: bank %u type %u usage %lu/%lu, "
			    "model %lu/%lu", (unsigned long)step, i, t,
			    (unsigned long)total, (unsigned long)mine,
			    (unsigned long)model_total(i, t, 0),
			    (unsigned long)model_total(i, t, 1));
		failed = 1;
	}
}

static void
check_chain(unsigned i, unsigned t)
{
	for (;;) {
		check_usage(i, t);
		if (i == 0)
			return;
		i = banks[i].parent;
	}
}

/* A bank of the model: live, or (one time in eight) dead as well. */
static unsigned
pick_bank(int live_only)
{
	if (below(8) != 0)
		live_only = 1;
	for (;;) {
		unsigned i = (unsigned)below(NBANK);

		if (banks[i].state == 1 || (!live_only && banks[i].state == 2))
			return i;
	}
}

/* An object slot: mostly a live one. */
static unsigned
pick_obj(void)
{
	unsigned slot = (unsigned)below(NOBJ);

	for (unsigned i = 0; i < 16 && objs[slot].state != 1 && below(4); i++)
		slot = (unsigned)below(NOBJ);
	return slot;
}

/* The answer the model expects for a type-taking request. */
static int
room(unsigned b, unsigned t)
{
	for (unsigned i = b;; i = banks[i].parent) {
		if (model_total(i, t, 0) >= banks[i].limit[t])
			return ERR_LIMIT;
		if (i == 0)
			return 0;
	}
}

static void
op_alloc(void)
{
	unsigned b = pick_bank(0), t = (unsigned)below(OT_MAX + 1), slot;
	int r = banks[b].has_rcap && below(3) == 0, want, err;
	uint64_t oid = 0, w[MI_WORDS_MAX];

	for (slot = 0; slot < NOBJ && objs[slot].state == 1; slot++)
		;
	if (slot == NOBJ)
		return;
	bank_cap(b, r);
	if (banks[b].state != 1)
		want = ERR_BAD_CAP;
	else if (t == OT_NONE || t >= OT_MAX)
		want = ERR_BAD_ARG;
	else
		want = room(b, t);
	err = bank_alloc(CR_BANK, t, CR_GOT, &oid);
	kind = K_ALLOC;
	check_req(err, want, "alloc");
	if (err != 0 || want != 0)
		return;
	if (t == OT_PAGE) {
		check(kcall(CR_GOT, OC_PAGE_READ, 1, 8 * below(512), 0, 0, 0,
		    w), 0, "read a fresh page");
		check(w[0] != 0, 0, "a fresh page is zero");
		check(kcall(CR_GOT, OC_PAGE_WRITE, 2, 8 * below(512), step | 1,
		    0, 0, 0), 0, "write");
	}
	keep(CR_GOT, slot);
	objs[slot].state = 1;
	objs[slot].bank = b;
	objs[slot].type = t;
	objs[slot].oid = oid;
	check_chain(b, t);
}

/*
 * FREE of a held or stale object, through any bank (how: 0 a read-only
 * copy, 1 a bank cap instead of the object, 2 through the foreign bank,
 * else as it is).
 */
static void
op_free(void)
{
	unsigned b = pick_bank(0), slot = pick_obj();
	int r = banks[b].has_rcap && below(3) == 0, want, how = (int)below(8);
	int live, stale = objs[slot].state == 2;
	unsigned t = objs[slot].type, cr = CR_BANK;

	if (objs[slot].state == 0)
		return;
	if (below(2) && banks[objs[slot].bank].state == 1) {
		b = objs[slot].bank;	/* its own bank or an ancestor */
		while (b != 0 && below(3) == 0)
			b = banks[b].parent;
		r = 0;
	}
	live = banks[b].state == 1;
	bank_cap(b, r);
	check(kcall_cap(CR_CP, OC_CAPPAGE_FETCH, 1, slot, 0, CR_ARG), 0,
	    "fetch");
	want = within(objs[slot].bank, b) ? 0 : ERR_NO_ACCESS;
	if (how == 1) {
		check(kcall_cap(CR_CP, OC_CAPPAGE_FETCH, 1, SLOT_BANK +
		    pick_bank(1), 0, CR_ARG), 0, "fetch a bank");
		want = ERR_BAD_ARG;
	} else if (how == 2) {
		cr = CR_FOREIGN;
		live = 1;
		want = stale ? ERR_BAD_CAP : ERR_NO_ACCESS;
	} else if (stale)
		want = ERR_BAD_CAP;
	else if (how == 0 && t <= OT_GPT) {
		check(kcall_cap(CR_ARG, OC_MEM_REDUCE, 1, CAP_R_RO, 0, CR_ARG),
		    0, "reduce");
		want = ERR_NO_ACCESS;
	}
	if (!live)
		want = ERR_BAD_CAP;
	kind = K_FREE;
	check_req(bank_free(cr, CR_ARG), want, "free");
	if (want == 0) {
		objs[slot].state = 2;
		check_chain(objs[slot].bank, t);
	}
}

static void
op_child(void)
{
	unsigned b = pick_bank(0), slot;
	int r = banks[b].has_rcap && below(3) == 0, err;
	uint64_t w[3] = { 0 };

	for (slot = 1; slot < NBANK && banks[slot].state == 1; slot++)
		;
	if (slot == NBANK)
		return;
	bank_cap(b, r);
	err = bank_child(CR_BANK, CR_GOT);
	kind = K_CHILD;
	check_req(err, banks[b].state == 1 ? 0 : ERR_BAD_CAP, "child");
	if (err != 0)
		return;
	check(bank_info(CR_GOT, &w[0], &w[1], &w[2]), 0, "info");
	check(w[1] == banks[b].index, 1, "the child's parent");
	check(w[2] == 0, 1, "the child is unrestricted");
	keep(CR_GOT, SLOT_BANK + slot);
	banks[slot].state = 1;
	banks[slot].has_rcap = 0;
	banks[slot].parent = b;
	banks[slot].index = w[0];
	for (unsigned t = 0; t < OT_MAX; t++)
		banks[slot].limit[t] = BANK_NO_LIMIT;
}

static void
op_limit(void)
{
	unsigned b = pick_bank(0), t = (unsigned)below(OT_MAX + 1);
	int r = banks[b].has_rcap && below(2) == 0, want;
	uint64_t v = BANK_NO_LIMIT, got = 0;

	if (t > OT_NONE && t < OT_MAX && below(2) != 0) {
		v = model_total(b, t, 0) + below(4);
		v = v > 0 ? v - 1 : 0;
	}
	bank_cap(b, r);
	if (banks[b].state != 1)
		want = ERR_BAD_CAP;
	else if (t == OT_NONE || t >= OT_MAX)
		want = ERR_BAD_ARG;
	else if (r)
		want = ERR_NO_ACCESS;
	else
		want = v < model_total(b, t, 0) ? ERR_LIMIT : 0;
	kind = K_LIMIT;
	check_req(bank_set_limit(CR_BANK, t, v), want, "set_limit");
	if (want == 0)
		banks[b].limit[t] = v;
	if (banks[b].state == 1 && t > OT_NONE && t < OT_MAX) {
		check(bank_get_limit(CR_BANK, t, &got), 0, "get_limit");
		check(got == banks[b].limit[t], 1, "the limit");
	}
}

/* Kill bank i's subtree in the model. */
static void
model_destroy(unsigned i)
{
	for (unsigned k = 0; k < NOBJ; k++)
		if (objs[k].state == 1 && within(objs[k].bank, i))
			objs[k].state = 2;
	for (unsigned k = 1; k < NBANK; k++)
		if (k != i && banks[k].state == 1 && within(k, i))
			banks[k].state = 2;
	banks[i].state = 2;
}

static void
op_destroy(void)
{
	unsigned b = pick_bank(0);
	int r = banks[b].has_rcap && below(2) == 0, want;

	if (b == 0 || below(2))
		return;
	bank_cap(b, r);
	want = banks[b].state != 1 ? ERR_BAD_CAP : r ? ERR_NO_ACCESS : 0;
	kind = K_DESTROY;
	check_req(bank_destroy(CR_BANK), want, "destroy");
	if (want == 0) {
		unsigned p = banks[b].parent;

		model_destroy(b);
		for (unsigned t = OT_NONE + 1; t < OT_MAX; t++)
			check_chain(p, t);
	}
}

static void
op_restrict(void)
{
	unsigned b = pick_bank(0);
	uint64_t w[3] = { 0 };
	int err;

	bank_cap(b, 0);
	kind = K_OTHER;
	err = bank_restrict(CR_BANK, CR_GOT);
	check_req(err, banks[b].state == 1 ? 0 : ERR_BAD_CAP, "restrict");
	if (err != 0)
		return;
	check(bank_info(CR_GOT, &w[0], &w[1], &w[2]), 0, "info");
	check(w[0] == banks[b].index && w[2] == 1, 1, "restricted info");
	keep(CR_GOT, SLOT_RBANK + b);
	banks[b].has_rcap = 1;
}

static void
op_misc(void)
{
	unsigned b = pick_bank(0);
	int live = banks[b].state == 1, err;
	uint64_t w[MI_WORDS_MAX] = { 0 }, size, base = 0;
	uint32_t op;

	bank_cap(b, banks[b].has_rcap && below(2) == 0);
	kind = K_OTHER;
	switch (below(3)) {
	case 0:
		op = (uint32_t)below(2) ? OC_BANK_INFO + 1 +
		    (uint32_t)below(0x100) : (uint32_t)rt_rand(&rng);
		if (op >= OC_BANK_ALLOC && op <= OC_BANK_INFO)
			op = 0;
		check(bank_call(CR_BANK, op, (unsigned)below(5), rt_rand(&rng),
		    0, below(2) ? CR_ROOT : CR_DISCARD, CR_GOT, w),
		    live ? ERR_BAD_REQUEST : ERR_BAD_CAP, "unknown opcode");
		break;
	case 1:
		size = below(8) == 0 ? rt_rand(&rng) :
		    UINT64_C(1) << (12 + below(20));
		err = bank_segment(CR_BANK, size, &base);
		if (!live) {
			check(err, ERR_BAD_CAP, "segment");
			break;
		}
		if (size == 0 || size > UINT64_C(1) << 45) {
			check(err, ERR_BAD_ARG, "segment size");
			break;
		}
		if (err == ERR_NO_SPACE)
			break;
		check(err, 0, "segment");
		while (size & (size - 1))
			size += size & -size;
		if (size < PAGE_SIZE)
			size = PAGE_SIZE;
		check(base % size == 0 && base >= BANK_SEGMENT_BASE &&
		    base + size <= BANK_SEGMENT_END, 1, "segment placed");
		for (unsigned i = 0; i < nsegs; i++)
			if (base < segs[i][0] + segs[i][1] &&
			    segs[i][0] < base + size)
				fail("segments overlap", (int)i, -1);
		segs[nsegs % NSEGS][0] = base;
		segs[nsegs % NSEGS][1] = size;
		if (nsegs < NSEGS)
			nsegs++;
		break;
	default:
		err = bank_info(CR_BANK, &w[0], &w[1], &w[2]);
		check_req(err, live ? 0 : ERR_BAD_CAP, "info");
		if (err == 0)
			check(w[0] == banks[b].index && w[1] ==
			    (b == 0 ? w[0] : banks[banks[b].parent].index), 1,
			    "info words");
		break;
	}
}

static void
check_all(void)
{
	for (unsigned i = 0; i < NBANK; i++)
		if (banks[i].state == 1)
			for (unsigned t = OT_NONE + 1; t < OT_MAX; t++)
				check_usage(i, t);
}

void
umain(uint64_t seed, uint64_t steps, uint64_t seconds, uint64_t a3)
{
	uint64_t w[3] = { 0 }, t0 = 0, now[MI_WORDS_MAX] = { 0 };

	(void)a3;
	rng = seed | 1;
	/* The bank prints its ready line before its first answer. */
	(void)bank_info(CR_ROOT, &w[0], &w[1], &w[2]);
	test_plan("bankfuzz", 1);
	uprintf("bankfuzz: seed %#lx, %lu steps, %lu s\n",
	    (unsigned long)seed, (unsigned long)steps,
	    (unsigned long)seconds);
	test_begin("random_requests");
	check(bank_alloc(CR_KEEP, OT_CAPPAGE, CR_CP, NULL), 0, "cap page");
	keep(CR_ROOT, SLOT_BANK);
	banks[0].state = 1;
	check(bank_info(CR_ROOT, &banks[0].index, &w[1], &w[2]), 0, "info");
	for (unsigned t = 0; t < OT_MAX; t++)
		banks[0].limit[t] = BANK_NO_LIMIT;
	kcall(CR_SLEEP, OC_SLEEP_NOW, 0, 0, 0, 0, 0, now);
	t0 = now[0];
	for (step = 0; step < steps && !failed; step++) {
		switch (below(16)) {
		case 0: case 1: case 2: case 3: case 4:
			op_alloc();
			break;
		case 5: case 6: case 7:
			op_free();
			break;
		case 8: case 9:
			op_child();
			break;
		case 10: case 11:
			op_limit();
			break;
		case 12:
			op_destroy();
			break;
		case 13:
			op_restrict();
			break;
		default:
			op_misc();
			break;
		}
		if (step % 32 == 31)
			check_all();
		if (step % 1024 == 1023) {
			kcall(CR_SLEEP, OC_SLEEP_NOW, 0, 0, 0, 0, 0, now);
			uprintf("bankfuzz: %lu steps\n",
			    (unsigned long)step + 1);
			if (seconds != 0 && now[0] - t0 > seconds *
			    1000000000) {
				step++;
				break;
			}
		}
	}
	check_all();
	/* The end: destroy every child of the root, free the root's own. */
	for (unsigned i = 1; i < NBANK; i++)
		if (banks[i].state == 1 && banks[i].parent == 0) {
			bank_cap(i, 0);
			check(bank_destroy(CR_BANK), 0, "final destroy");
			model_destroy(i);
		}
	for (unsigned i = 0; i < NOBJ; i++)
		if (objs[i].state == 1) {
			check(kcall_cap(CR_CP, OC_CAPPAGE_FETCH, 1, i, 0,
			    CR_ARG), 0, "fetch");
			check(bank_free(CR_ROOT, CR_ARG), 0, "final free");
			objs[i].state = 2;
		}
	check_all();
	uprintf("bankfuzz: %lu steps done%s\n", (unsigned long)step,
	    failed ? " (stopped by a failure)" : "");
	for (unsigned k = 0; k < K_MAX; k++)
		uprintf("bankfuzz: %s: %lu done, %lu refused\n", kind_name[k],
		    (unsigned long)seen[k][0], (unsigned long)seen[k][1]);
	if (failed)
		uprintf("bankfuzz: reproduce with seed %#lx\n",
		    (unsigned long)seed);
	test_end();
	test_done();
	rt_exit();
}
