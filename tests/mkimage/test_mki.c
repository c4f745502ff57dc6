/*
 * test_mki.c - the .mki language and the build step: every error case
 * prints its expected "file:line: message"; a full description builds
 * into the objects it describes (registers, caps, spaces, keepers, run
 * list, manifest).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mkimage/addrmap.h"
#include "mkimage/build.h"
#include "mkimage/elf.h"
#include "mkimage/tree.h"
#include "mkimage/verify.h"
#include "tests/host/check.h"

#ifndef ELF_DIR
#error "build with -DELF_DIR (tests/mkimage/rules.mk)"
#endif

/* Run f(arg) with stderr captured into buf. */
static void
capture(void (*f)(void *), void *arg, char *buf, size_t len)
{
	FILE *tmp = tmpfile();
	int saved = dup(2);
	size_t n;

	fflush(stderr);
	dup2(fileno(tmp), 2);
	f(arg);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	n = fread(buf, 1, len - 1, tmp);
	buf[n] = 0;
	fclose(tmp);
}

struct parse_job {
	const char	*text;
	struct mki_desc	*d;
	int		built;
};

static void
do_parse(void *arg)
{
	struct parse_job *j = arg;

	j->d = mki_parse("t.mki", j->text, strlen(j->text));
}

/* A text one byte over the limit: refused before it is read. */
static void
do_parse_huge(void *arg)
{
	struct parse_job *j = arg;

	j->d = mki_parse("t.mki", j->text, MKI_MAX_FILE + 1);
}

static void
do_build(void *arg)
{
	struct parse_job *j = arg;
	struct build b;

	j->d = mki_parse("t.mki", j->text, strlen(j->text));
	if (j->d != NULL) {
		j->built = build_image(&b, j->d, ELF_DIR) == 0;
		build_free(&b);
	}
	mki_desc_free(j->d);
	j->d = NULL;
}

static const struct {
	const char *text, *want;
} parse_errors[] = {
	{ "bogus x\n", "t.mki:1: unknown statement 'bogus'" },
	{ "cmdline\n", "t.mki:1: usage: cmdline \"TEXT\"" },
	{ "cmdline \"a\"\ncmdline \"b\"\n",
	    "t.mki:2: cmdline already given on line 1" },
	{ "checkpoint\n",
	    "t.mki:1: usage: checkpoint SECONDS (0 = off, at most 86400)" },
	{ "checkpoint 86401\n",
	    "t.mki:1: usage: checkpoint SECONDS (0 = off, at most 86400)" },
	{ "checkpoint 1\ncheckpoint 2\n",
	    "t.mki:2: checkpoint already given on line 1" },
	{ "cmdline \"x ckpt=3\"\ncheckpoint 2\n", "t.mki:2: checkpoint and "
	    "a ckpt= word in the cmdline (line 1) both set the period" },
	{ "store 12Q\n", "t.mki:1: usage: store SIZE" },
	{ "bank a\nbank a\n", "t.mki:2: bank 'a' already declared on line 1" },
	{ "bank b parent nope\n", "t.mki:1: no bank named 'nope'" },
	{ "bank 9x\n", "t.mki:1: bad bank name '9x'" },
	{ "bank b\nbank a parent c\nbank c\n",
	    "t.mki:2: parent bank 'c' must be declared before bank 'a'" },
	{ "program p\n", "t.mki:1: usage: program NAME \"PATH\"" },
	{ "segment s at 0x300000000000\n",
	    "t.mki:1: segment needs 'at ADDRESS' and 'size SIZE'" },
	{ "segment s at 0x300000000001 size 4K\n", "t.mki:1: segment 's': "
	    "address and size must be non-zero multiples of 4K" },
	{ "segment s at 0x7ffffffff000 size 8K\n",
	    "t.mki:1: segment 's' does not fit in user space" },
	{ "segment a at 0x300000000000 size 8K\n"
	    "segment b at 0x300000001000 size 4K\n",
	    "t.mki:2: segment 'b' overlaps segment 'a' (line 1)" },
	{ "segment a at 0x300000000000 size 8K frob\n",
	    "t.mki:1: unknown segment option 'frob'" },
	{ "process p\n", "t.mki:1: process needs 'program PROGRAM'" },
	{ "process p program nope\n", "t.mki:1: no program named 'nope'" },
	{ "  cap 0 null\n", "t.mki:1: indented line outside a process, "
	    "constructor or cappage" },
	{ "program x \"x.elf\"\nprocess p program x\n  cap 32 null\n",
	    "t.mki:3: cap slot 32 out of range 0..31" },
	{ "cappage c\n  cap 256 null\n",
	    "t.mki:2: cap slot 256 out of range 0..255" },
	{ "program x \"x.elf\"\nprocess p program x\n  cap 0 frob\n",
	    "t.mki:3: unknown cap kind 'frob'" },
	{ "program x \"x.elf\"\nprocess p program x\n  cap 0 endpoint nope\n",
	    "t.mki:3: no endpoint named 'nope'" },
	{ "bank b\nprogram x \"x.elf\"\nprocess p program x\n  cap 0 bank b\n",
	    "t.mki:4: cap names bank 'b' but no 'bankserver' endpoint is "
	    "declared" },
	{ "program x \"x.elf\"\nprocess p program x\n  cap 0 kernlog\n"
	    "  cap 0 null\n", "t.mki:4: cap slot 0 already set on line 3" },
	{ "program x \"x.elf\"\nprocess p program x\n  reg rzz 1\n",
	    "t.mki:3: unknown register 'rzz'" },
	{ "program x \"x.elf\"\nprocess p program x\n  reg rip 1\n"
	    "  reg rip 2\n", "t.mki:4: register rip already set on line 3" },
	{ "endpoint e\nprogram x \"x.elf\"\nprocess p program x\n"
	    "  cap 1 endpoint e payload 3\n",
	    "t.mki:4: only entry caps carry a payload" },
	{ "endpoint e\nprogram x \"x.elf\"\nprocess p program x\n"
	    "  cap 1 entry e payload 70000\n",
	    "t.mki:4: payload '70000' is not a number in 0..65535" },
	{ "endpoint e\nprogram x \"x.elf\"\nprocess p program x\n"
	    "  cap 1 entry e frob\n", "t.mki:4: unknown cap option 'frob'" },
	{ "cmdline \"abc\n", "t.mki:1: unterminated string" },
	{ "program x \"x.elf\"\nprocess p program x stack 3K\n",
	    "t.mki:2: stack size '3K' must be a multiple of 4K up to 8M" },
	{ "program x \"x.elf\"\nconstructor c program x\n",
	    "t.mki:2: constructor needs 'server PROGRAM'" },
	{ "endpoint e recipient nobody\n",
	    "t.mki:1: recipient 'nobody' is not a declared process" },
	{ "program x \"x.elf\"\nprocess p program x keeper nope\n",
	    "t.mki:2: keeper 'nope' is not a declared endpoint" },
	{ "program x \"x.elf\"\nprocess p program x\n  map nope\n",
	    "t.mki:3: no segment named 'nope'" },
	{ "program x \"x.elf\"\nprocess p program x\n  frob\n",
	    "t.mki:3: unknown statement 'frob' in process" },
	{ "program x \"x.elf\"\nprocess p program x\n  cap 0 image p\n",
	    "t.mki:3: no constructor named 'p'" },
	{ "program x \"x.elf\"\nprocess p program x\n  cap 0 symbols nope\n",
	    "t.mki:3: no program named 'nope'" },
	{ "bankserver nope\n",
	    "t.mki:1: bankserver 'nope' is not a declared endpoint" },
	{ "endpoint e match 99999\n",
	    "t.mki:1: match payload '99999' is not a number in 0..65535" },
	{ "cmdline \"a\x01\"\n", "t.mki:1: control character in string" },
	{ "store 12K\n", "t.mki:1: store size '12K' must be at least 1M" },
	{ "store 1000000\n",
	    "t.mki:1: store size '1000000' must be a multiple of 4K" },
	{ "store 4T\n", "t.mki:1: store size '4T' must be at most 2T" },
	{ "segment s at 0x300000000000 size 4K\nprogram x \"x.elf\"\n"
	    "process p program x\n  map s\n  map s ro\n",
	    "t.mki:5: segment 's' already mapped on line 4" },
	{ "segment a at 0x300000002000 size 4K\n"
	    "segment b at 0x300000000000 size 64K\n",
	    "t.mki:2: segment 'b' overlaps segment 'a' (line 1)" },
	{ "segment s at 0x7ffffff00000 size 1M\n",
	    "t.mki:1: segment 's' does not fit in user space (below "
	    "0x7ffffffff000)" },
};

static void
test_parse_errors(void)
{
	char out[4096];

	for (size_t i = 0; i < sizeof(parse_errors) / sizeof(parse_errors[0]);
	    i++) {
		struct parse_job j = { parse_errors[i].text, NULL, 0 };

		capture(do_parse, &j, out, sizeof(out));
		CHECK_MSG(j.d == NULL, "case %zu parsed", i);
		CHECK_MSG(strstr(out, parse_errors[i].want) != NULL,
		    "case %zu: want \"%s\", got \"%s\"", i,
		    parse_errors[i].want, out);
	}
}

static void
test_errors_keep_going(void)
{
	char out[4096];
	struct parse_job j = { "bogus\nstore x\nbank 1\n", NULL, 0 };

	capture(do_parse, &j, out, sizeof(out));
	CHECK(j.d == NULL);
	CHECK(strstr(out, "t.mki:1:") && strstr(out, "t.mki:2:") &&
	    strstr(out, "t.mki:3:"));
}

static const struct {
	const char *text, *want;
} build_errors[] = {
	{ "program p \"/nonexistent.elf\"\n",
	    "t.mki:1: program 'p': /nonexistent.elf: No such file" },
	{ "program p \"object.elf\"\n", "t.mki:1: program 'p': " },
	{ "program a \"static.elf\"\nprogram b \"static.elf\"\n",
	    "t.mki:2: program 'b' overlaps program 'a' (line 1) in the "
	    "global address map" },
	{ "program h \"high.elf\"\n", "t.mki:1: program 'h' is linked at "
	    "0xffffffff80000000..0x" },
	{ "program h \"high.elf\"\n", "outside the fixed-address region "
	    "0x400000..0x100000000000 (link it there or build it -pie)" },
	{ "segment s at 0x100000000000 size 4K\n",
	    "t.mki:1: segment 's' must lie in the shared region" },
	{ "segment s at 0x300000000000 size 4K file \"pie.elf\"\n",
	    "t.mki:1: segment 's': " ELF_DIR "/pie.elf: file of " },
	{ "segment s at 0x300000000000 size 4K file \"nope\"\n",
	    "t.mki:1: segment 's': " ELF_DIR "/nope: No such file" },
	{ "program p \"pie.elf\"\nprocess q program p\n  reg rflags 0x2\n",
	    "t.mki:2: process 'q': rflags 0x2 lacks IF or bit 1" },
	{ "program p \"pie.elf\"\nprocess q program p\n"
	    "  reg rip 0x800000000000\n",
	    "t.mki:2: process 'q': rip 0x800000000000 is not a canonical "
	    "user-half address" },
	/* Sizes are checked against the store before anything is made. */
	{ "segment s at 0x300000000000 size 1T\n",
	    "t.mki:1: segment 's' does not fit: with its 268435456 new "
	    "objects the store needs at least 1597836 blocks, it has 16384 "
	    "(64 MiB)" },
	{ "store 2T\nsegment s at 0x300000000000 size 1T\n",
	    "t.mki:2: segment 's' does not fit: with its 268435456 new "
	    "objects the image needs at least 1597831 blocks, more than "
	    "mkimage builds (524288)" },
	{ "store 1M\nprogram p \"pie.elf\"\n"
	    "segment s at 0x300000000000 size 128M\nprocess q program p\n"
	    "  map s\n", "t.mki:4: process 'q' does not fit: " },
	{ "store 1M\nprogram p \"pie.elf\"\n"
	    "segment s at 0x300000000000 size 128M\nprocess q program p\n"
	    "  cap 0 segment s\n", "t.mki:5: segment space 's' does not fit" },
};

static void
test_build_errors(void)
{
	char out[4096];

	for (size_t i = 0; i < sizeof(build_errors) / sizeof(build_errors[0]);
	    i++) {
		struct parse_job j = { build_errors[i].text, NULL, 1 };

		capture(do_build, &j, out, sizeof(out));
		CHECK_MSG(!j.built, "case %zu built", i);
		CHECK_MSG(strstr(out, build_errors[i].want) != NULL,
		    "case %zu: want \"%s\", got \"%s\"", i,
		    build_errors[i].want, out);
	}
}

/* Text of head then n lines made by line(i, buf) (each under 100 bytes). */
static char *
lines(const char *head, size_t n, void (*line)(size_t, char *))
{
	char *text = malloc(strlen(head) + n * 100 + 1), *o = text;

	o += sprintf(o, "%s", head);
	for (size_t i = 0; i < n; i++) {
		line(i, o);
		o += strlen(o);
	}
	return text;
}

static void
far_segment(size_t i, char *buf)
{
	sprintf(buf, "segment s%zu at 0x%llx size 4K\n", i,
	    0x100000000000ull + i * 4096);
}

static void
bank_line(size_t i, char *buf)
{
	sprintf(buf, "bank b%zu parent b%zu\n", i + 1, i);
}

/*
 * Errors stop printing after PARSE_MAX_ERRORS, with a count of the rest;
 * a bank id beyond a cap payload is refused; an oversized text is not
 * read.
 */
static void
test_limits(void)
{
	char out[8192], *text;
	struct parse_job j = { NULL, NULL, 0 };
	size_t n = 0;

	text = lines("", 40, far_segment);
	j.text = text;
	capture(do_build, &j, out, sizeof(out));
	CHECK(!j.built);
	for (char *p = out; (p = strstr(p, "must lie in the shared")) != NULL;
	    p++)
		n++;
	CHECK_MSG(n == 30 && strstr(out, "t.mki: 10 more errors not shown"),
	    "%zu errors shown: %s", n, out);
	free(text);

	text = lines("endpoint e\nbankserver e\nprogram x \"x.elf\"\n"
	    "process p program x\n  cap 0 bank b32766\n  cap 1 bank b32767\n"
	    "bank b0\n", 32767, bank_line);
	j.text = text;
	capture(do_parse, &j, out, sizeof(out));
	CHECK(j.d == NULL);
	CHECK_MSG(strstr(out, "t.mki:6: bank 'b32767' has id 32768: a bank "
	    "cap's payload holds ids up to 32767") && !strstr(out, "t.mki:5"),
	    "%s", out);
	free(text);

	j.text = text = calloc(1, MKI_MAX_FILE + 1);
	capture(do_parse_huge, &j, out, sizeof(out));
	CHECK(j.d == NULL);
	CHECK_MSG(strstr(out, "t.mki: 67108865 bytes, more than a description "
	    "may have"), "%s", out);
	free(text);
}

/* "checkpoint N" reaches the kernel as the command line word ckpt=N. */
static void
test_checkpoint(void)
{
	static const struct {
		const char *text, *cmdline;
	} cases[] = {
		{ "checkpoint 0\n", "ckpt=0" },
		{ "cmdline \"a b\"\ncheckpoint 7\n", "a b ckpt=7" },
		{ "checkpoint 5\ncmdline \"xckpt=1\"\n", "xckpt=1 ckpt=5" },
		{ "cmdline \"ckpt=2\"\n", "ckpt=2" },
	};
	struct mki_desc *d;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		d = mki_parse("t.mki", cases[i].text, strlen(cases[i].text));
		CHECK(d != NULL);
		if (d == NULL)
			continue;
		CHECK_MSG(d->cmdline != NULL &&
		    strcmp(d->cmdline, cases[i].cmdline) == 0, "%s: %s",
		    cases[i].text, d->cmdline ? d->cmdline : "(null)");
		mki_desc_free(d);
	}
}

static const char full[] =
    "cmdline \"hello world\"\n"
    "store 8M\n"
    "bank prime\n"
    "bank user parent prime\n"
    "program pie \"pie.elf\"\n"
    "program stat \"static.elf\"\n"
    "program relr \"pie_relr.elf\"\n"
    "segment buf at 0x300000000000 size 16K bank user nx\n"
    "endpoint sb recipient p1\n"
    "endpoint kp match 9\n"
    "bankserver sb\n"
    "process p1 program pie bank prime\n"
    "  cap 0 kernlog\n"
    "  cap 1 bank user\n"
    "  cap 2 entry kp payload 7 nocall\n"
    "  cap 3 segment buf ro\n"
    "  cap 4 restart p2\n"
    "  cap 5 sleep\n"
    "  cap 6 discrim\n"
    "  reg rdi 42\n"
    "  map buf\n"
    "process p2 program stat keeper kp handler kp stopped stack 8K\n"
    "  cap 0 space p1 weak\n"
    "constructor c1 program relr server pie\n"
    "cappage cp bank user\n"
    "  cap 7 constructor c1\n";

static void
test_full_build(void)
{
	struct mki_desc *d = mki_parse("t.mki", full, strlen(full));
	struct problems pr = { 0 };
	struct decoded dc = { 0 };
	struct build b;
	struct obj_process *p1, *p2, *c1;
	struct cap c;
	uint8_t r;

	CHECK(d != NULL);
	CHECK(build_image(&b, d, ELF_DIR) == 0);
	CHECK(b.os.nprocs == 3 && b.os.neps == 3 && b.os.ncpages == 1);
	p1 = os_proc(&b.os, b.proc_oid[0]);
	p2 = os_proc(&b.os, b.proc_oid[1]);
	c1 = os_proc(&b.os, b.proc_oid[2]);
	/* Registers: entry, stack top, user values. */
	CHECK(p1->regs.rip == b.progs[0].elf->entry &&
	    p1->regs.rip >= AM_PROG_BASE && p1->regs.rip < AM_PROG_END);
	CHECK(p1->regs.rsp == AM_STACK_BASE + AM_STACK_SLOT);
	CHECK(p1->regs.rdi == 42 && p1->run_state == PS_RUNNING);
	CHECK(p2->run_state == PS_STOPPED && p2->regs.rip == 0x401000);
	CHECK(c1->regs.rdi == b.progs[2].elf->entry &&
	    c1->regs.rsi == b.progs[2].lo);
	/* Caps. */
	CHECK(p1->cap_reg[0].type == CT_KERNLOG);
	CHECK(p1->cap_reg[1].type == CT_ENTRY && p1->cap_reg[1].aux == 2 &&
	    p1->cap_reg[1].oid == b.ep_oid[0]);
	CHECK(p1->cap_reg[2].aux == 7 &&
	    p1->cap_reg[2].restr == CAP_R_NOCALL);
	CHECK(p1->cap_reg[3].type == CT_GPT &&
	    (p1->cap_reg[3].restr & CAP_R_RO));
	CHECK(p1->cap_reg[4].type == CT_RESTART &&
	    p1->cap_reg[4].oid == b.proc_oid[1]);
	CHECK(p1->cap_reg[5].type == CT_SLEEP && p1->cap_reg[5].oid == 0 &&
	    p1->cap_reg[6].type == CT_DISCRIM);
	CHECK(p2->cap_reg[0].oid == p1->space.oid &&
	    (p2->cap_reg[0].restr & CAP_R_WEAK));
	CHECK(p2->handler.type == CT_ENTRY && p2->handler.oid == b.ep_oid[1]);
	CHECK((c1->cap_reg[1].restr & (CAP_R_WEAK | CAP_R_RO)) ==
	    (CAP_R_WEAK | CAP_R_RO));
	CHECK(((struct cappage *)b.os.cpages[0].data)->slot[7].oid ==
	    b.ctor_ep[2]);
	CHECK(os_ep(&b.os, b.ep_oid[1])->flags == EP_F_PAYLOAD_MATCH &&
	    os_ep(&b.os, b.ep_oid[1])->match_payload == 9);
	CHECK(os_ep(&b.os, b.ep_oid[0])->recipient.oid == b.proc_oid[0]);
	/* Spaces: text RO+X, data RW+NX, stack, segment NX, no BSS for p2. */
	c = tree_lookup(&b.os, &p1->space, p1->regs.rip, &r);
	CHECK(c.type == CT_PAGE && (r & CAP_R_RO) && !(r & CAP_R_NX));
	c = tree_lookup(&b.os, &p1->space, p1->regs.rsp - 8, &r);
	CHECK(c.type == CT_PAGE && !(r & CAP_R_RO) && (r & CAP_R_NX));
	c = tree_lookup(&b.os, &p1->space, 0x300000003000, &r);
	CHECK(c.type == CT_PAGE && (r & CAP_R_NX) && !(r & CAP_R_RO));
	c = tree_lookup(&b.os, &p2->space, 0x401000, &r);
	CHECK(c.type == CT_PAGE);
	c = tree_lookup(&b.os, &p2->space, p2->regs.rsp - 8, &r);
	CHECK(c.type == CT_NULL);	/* the keeper supplies the stack */
	CHECK(os_gpt(&b.os, p2->space.oid)->flags == GPT_F_KEEPER &&
	    os_gpt(&b.os, p2->space.oid)->slot[15].oid == b.ep_oid[1]);
	/* Text pages are shared between the process and the image. */
	c = tree_lookup(&b.os, &c1->space, c1->regs.rip, &r);
	CHECK(c.oid == tree_lookup(&b.os, &p1->space, p1->regs.rip, &r).oid);
	/* Run list and manifest. */
	CHECK(b.os.nrun == 2 && b.os.runlist[0] == b.proc_oid[0] &&
	    b.os.runlist[1] == b.proc_oid[2]);
	CHECK(b.mf.nprograms == 3 && b.mf.nbanks == 2 &&
	    b.mf.banks[1].parent == 1);
	CHECK(mf_symbol_at(&b.mf, p1->regs.rip) != NULL);
	/* Every invariant verify checks holds for what build made. */
	dc.os = b.os;
	verify_objects(&dc, &pr);
	CHECK_MSG(pr.n == 0, "%s", pr.msg[0]);
	prob_free(&pr);
	build_free(&b);
	mki_desc_free(d);
}

static void
test_same_input_same_objects(void)
{
	struct mki_desc *d = mki_parse("t.mki", full, strlen(full));
	struct build a, b;

	CHECK(d != NULL);
	CHECK(build_image(&a, d, ELF_DIR) == 0);
	CHECK(build_image(&b, d, ELF_DIR) == 0);
	CHECK(a.os.ngpts == b.os.ngpts && a.os.npages == b.os.npages);
	CHECK(memcmp(a.os.gpts, b.os.gpts, a.os.ngpts * sizeof(*a.os.gpts))
	    == 0);
	CHECK(memcmp(a.os.procs, b.os.procs, a.os.nprocs *
	    sizeof(*a.os.procs)) == 0);
	CHECK(a.os.manifest_len == b.os.manifest_len && memcmp(a.os.manifest,
	    b.os.manifest, a.os.manifest_len) == 0);
	build_free(&a);
	build_free(&b);
	mki_desc_free(d);
}

/*
 * cap N banktable: a weak read-only cap page of read-only pages holding
 * each declared bank's parent (abi/bank.h), made once; a description
 * with more banks than a bank cap can name is refused.
 */
static void
test_banktable(void)
{
	static const char text[] = "bank a\nbank b parent a\n"
	    "bank c parent b\nbank d\nprogram pie \"pie.elf\"\n"
	    "process p program pie\n  cap 0 banktable\n  cap 1 banktable\n";
	struct mki_desc *d = mki_parse("t.mki", text, strlen(text));
	const uint16_t want[] = { 0, 0, 1, 2, 0 };
	struct parse_job j = { NULL, NULL, 0 };
	struct problems pr = { 0 };
	struct decoded dc = { 0 };
	const struct cappage *cp;
	struct bank_table h;
	struct obj_process *p;
	const uint8_t *page;
	struct os_page *pg;
	char out[4096], *big;
	struct build b;
	uint16_t v;

	CHECK(d != NULL);
	CHECK(build_image(&b, d, ELF_DIR) == 0);
	p = os_proc(&b.os, b.proc_oid[0]);
	CHECK(p->cap_reg[0].type == CT_CAPPAGE &&
	    p->cap_reg[0].restr == (CAP_R_WEAK | CAP_R_RO));
	CHECK(p->cap_reg[1].oid == p->cap_reg[0].oid);
	cp = (const struct cappage *)os_cpage(&b.os, p->cap_reg[0].oid)->data;
	CHECK(cp->slot[0].type == CT_PAGE &&
	    cp->slot[0].restr == (CAP_R_RO | CAP_R_NX) &&
	    cp->slot[1].type == CT_NULL);
	pg = os_page(&b.os, cp->slot[0].oid);
	CHECK(pg != NULL && pg->data != NULL);
	page = pg->data;
	memcpy(&h, page, sizeof(h));
	CHECK(h.magic == BANK_TABLE_MAGIC && h.nbanks == 4);
	for (unsigned i = 0; i <= 4; i++) {
		memcpy(&v, page + BANK_TABLE_PARENT(i), 2);
		CHECK_MSG(v == want[i], "bank %u's parent %u", i, v);
	}
	dc.os = b.os;
	verify_objects(&dc, &pr);
	CHECK_MSG(pr.n == 0, "%s", pr.msg[0]);
	prob_free(&pr);
	build_free(&b);
	mki_desc_free(d);

	big = lines("program pie \"pie.elf\"\nprocess p program pie\n"
	    "  cap 0 banktable\nbank b0\n", 32767, bank_line);
	j.text = big;
	capture(do_build, &j, out, sizeof(out));
	CHECK(!j.built);
	CHECK_MSG(strstr(out, "t.mki:3: banktable: 32768 banks, a bank table "
	    "holds at most 32767"), "%s", out);
	free(big);
}

static const struct check_case cases[] = {
	CHECK_CASE(test_parse_errors),
	CHECK_CASE(test_errors_keep_going),
	CHECK_CASE(test_build_errors),
	CHECK_CASE(test_limits),
	CHECK_CASE(test_checkpoint),
	CHECK_CASE(test_full_build),
	CHECK_CASE(test_banktable),
	CHECK_CASE(test_same_input_same_objects),
};

int
main(void)
{
	return check_run("mki", cases, CHECK_COUNT(cases));
}
