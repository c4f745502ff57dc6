/*
 * cmd_jobs.c - programs the shell starts: run, jobs, kill, caps.
 *
 * `run NAME` gives the program a bank of its own (a child of the
 * shell's), so `kill` ends it and reclaims everything it held in one
 * OC_BANK_DESTROY. The job table, like everything of the shell, is its
 * own memory: jobs survive power-off.
 *
 * Invariants: job j is in use iff jobs[j].id != 0; its bank cap is in
 * cap register CR_JOB_BANK0 + j and its PROCESS cap in CR_JOB_PROC0 + j.
 */
#include <abi/cap.h>
#include <abi/err.h>
#include <lib/string.h>
#include <user/bank.h>
#include <user/ctor.h>
#include <user/invoke.h>
#include <user/log.h>

#include "shell.h"

#define JOBS_MAX	8
#define CR_JOB_BANK0	16	/* 16..23 */
#define CR_JOB_PROC0	24	/* 24..31 */
#define CR_SCRATCH	15

/* The constructors the shell may run (images/default.mki). */
static const struct {
	const char	*name;
	unsigned	cr;
} programs[] = {
	{ "ticker", CR_CTOR_TICKER },
};
#define NPROGRAMS	(sizeof(programs) / sizeof(programs[0]))

static struct {
	uint64_t	id;		/* the job number shown; 0: free */
	uint64_t	instance;	/* the constructor's instance id */
	unsigned	prog;		/* index in programs[] */
} jobs[JOBS_MAX];
static uint64_t	next_id = 1;

void
cmd_run(int argc, char **argv)
{
	unsigned p, j;
	uint64_t inst;
	int rc;

	(void)argc;
	for (p = 0; p < NPROGRAMS; p++)
		if (strcmp(argv[1], programs[p].name) == 0)
			break;
	if (p == NPROGRAMS) {
		uprintf("run: %.32s: no such program (there is: ticker)\n",
		    argv[1]);
		return;
	}
	for (j = 0; j < JOBS_MAX && jobs[j].id != 0; j++)
		;
	if (j == JOBS_MAX) {
		uprintf("run: all %d jobs in use (kill one)\n", JOBS_MAX);
		return;
	}
	if ((rc = bank_child(CR_BANK, CR_JOB_BANK0 + j)) != 0) {
		uprintf("run: no bank for it (error %d)\n", rc);
		return;
	}
	rc = ctor_create(programs[p].cr, CR_JOB_BANK0 + j, NULL, 0, next_id,
	    0, 0, CR_JOB_PROC0 + j, &inst);
	if (rc != 0) {
		(void)bank_destroy(CR_JOB_BANK0 + j);
		uprintf("run: %s did not start (error %d)\n", argv[1], rc);
		return;
	}
	jobs[j].id = next_id++;
	jobs[j].instance = inst;
	jobs[j].prog = p;
	uprintf("run: job %lu: %s\n", (unsigned long)jobs[j].id,
	    programs[p].name);
}

/* The job numbered by the string s, or -1 with a line said. */
static int
find_job(const char *cmd, const char *s)
{
	const char *d = s;
	uint64_t id = 0;
	unsigned j;

	for (; *d >= '0' && *d <= '9' && id < 1000000; d++)
		id = id * 10 + (uint64_t)(*d - '0');
	for (j = 0; *d == 0 && id != 0 && j < JOBS_MAX; j++)
		if (jobs[j].id == id)
			return (int)j;
	uprintf("%s: no job %.16s (see jobs)\n", cmd, s);
	return -1;
}

void
cmd_jobs(int argc, char **argv)
{
	uint64_t w[MI_WORDS_MAX], pages, own;
	unsigned j, n = 0;

	(void)argc, (void)argv;
	for (j = 0; j < JOBS_MAX; j++) {
		if (jobs[j].id == 0)
			continue;
		n++;
		if (kcall(CR_JOB_PROC0 + j, OC_PROC_GET_STATE, 0, 0, 0, 0, 0,
		    w) != 0) {
			uprintf("  %2lu  %-8s ended\n", (unsigned long)jobs[j].id,
			    programs[jobs[j].prog].name);
			continue;
		}
		if (bank_usage(CR_JOB_BANK0 + j, OT_PAGE, &pages, &own) != 0)
			pages = 0;
		uprintf("  %2lu  %-8s state %lu, %lu pages\n",
		    (unsigned long)jobs[j].id, programs[jobs[j].prog].name,
		    (unsigned long)w[0], (unsigned long)pages);
	}
	uprintf("  %u jobs\n", n);
}

void
cmd_kill(int argc, char **argv)
{
	int j = find_job("kill", argv[1]);
	uint64_t status;
	int rc;

	(void)argc;
	if (j < 0)
		return;
	rc = bank_destroy(CR_JOB_BANK0 + (unsigned)j);
	if (rc != 0 && rc != ERR_BAD_CAP)
		uprintf("kill: error %d\n", rc);
	else
		uprintf("kill: job %lu ended, its bank destroyed\n",
		    (unsigned long)jobs[j].id);
	(void)ctor_wait(programs[jobs[j].prog].cr, jobs[j].instance,
	    &status);
	jobs[j].id = 0;
}

static const char *
type_name(uint64_t t)
{
	static const char *const names[] = {
#define CAPTYPE(name, code, objtype)	[code] = #name,
#include <abi/captype.def>
#undef CAPTYPE
	};

	return t < sizeof(names) / sizeof(names[0]) && names[t] != NULL ?
	    names[t] : "?";
}

void
cmd_caps(int argc, char **argv)
{
	uint64_t type, restr;
	unsigned r;
	int j = find_job("caps", argv[1]);

	(void)argc;
	if (j < 0)
		return;
	for (r = 0; r < 32; r++) {
		if (kcall_cap(CR_JOB_PROC0 + (unsigned)j, OC_PROC_FETCH_CAP, 1,
		    r, 0, CR_SCRATCH) != 0) {
			uprintf("caps: job %lu has ended\n",
			    (unsigned long)jobs[j].id);
			return;
		}
		/* DISCRIM, not OC_TYPE: that would call an entry cap's server. */
		if (cap_classify(CR_DISCRIM, CR_SCRATCH, &type, &restr) != 0 ||
		    type == CT_NULL)
			continue;
		uprintf("  %2u  %-9s%s%s%s%s%s\n", r, type_name(type),
		    restr & CAP_R_WEAK ? " weak" : "",
		    restr & CAP_R_RO ? " ro" : "",
		    restr & CAP_R_NX ? " nx" : "",
		    restr & CAP_R_OPAQUE ? " opaque" : "",
		    restr & CAP_R_NOCALL ? " nocall" : "");
	}
}
