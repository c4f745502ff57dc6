/*
 * cmd_sys.c - the commands that look at the system through the SYSINFO,
 * CKPT and bank caps: ps, ckpt, gens, uptime, banks.
 */
#include <abi/err.h>
#include <abi/obj.h>
#include <abi/process.h>
#include <lib/fmt.h>
#include <user/bank.h>
#include <user/invoke.h>
#include <user/log.h>

#include "shell.h"

#define NS_PER_S	UINT64_C(1000000000)
#define GEN_SHOWN_MAX	8	/* the ring keeps 4; a bound for the loop */

static const char *
state_name(uint64_t s)
{
	switch (s) {
	case PS_RUNNING:	return "running";
	case PS_RECEIVING:	return "waiting";
	case PS_SENDING:	return "sending";
	case PS_FAULTED:	return "faulted";
	case PS_STOPPED:	return "stopped";
	default:		return "?";
	}
}

void
cmd_ps(int argc, char **argv)
{
	uint64_t w[MI_WORDS_MAX], oid = 0;
	unsigned n = 0;
	int rc;

	(void)argc, (void)argv;
	uprintf("  %-18s %-8s %5s %6s %s\n", "OID", "STATE", "FAULT", "BANK",
	    "RIP");
	while ((rc = kcall(CR_SYS, OC_SYS_PROC_NEXT, 1, oid, 0, 0, 0, w)) ==
	    0 && w[0] != 0) {
		oid = w[0];
		uprintf("  %#-18lx %-8s %5lu %6lu %#lx\n", (unsigned long)oid,
		    state_name(w[1] & 0xff), (unsigned long)(w[1] >> 8),
		    (unsigned long)w[3], (unsigned long)w[2]);
		n++;
	}
	if (rc != 0)
		uprintf("ps: error %d\n", rc);
	else
		uprintf("  %u processes\n", n);
}

void
cmd_ckpt(int argc, char **argv)
{
	uint64_t w[MI_WORDS_MAX];
	int rc;

	(void)argc, (void)argv;
	rc = kcall(CR_CKPT, OC_CKPT_TAKE, 0, 0, 0, 0, 0, w);
	if (rc != 0)
		uprintf("ckpt: failed (error %d); the last committed "
		    "generation stays\n", rc);
	else
		uprintf("ckpt: generation %lu committed\n",
		    (unsigned long)w[0]);
}

/* Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm). */
static void
civil(uint64_t days, unsigned *y, unsigned *m, unsigned *d)
{
	uint64_t z = days + 719468, era = z / 146097, doe = z - era * 146097;
	uint64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	uint64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp;

	mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = (unsigned)(yoe + era * 400 + (*m <= 2));
}

static void
fmt_wall(char *buf, unsigned size, uint64_t ns)
{
	uint64_t s = ns / NS_PER_S;
	unsigned y, mo, d;

	if (ns == 0) {
		fmt_snprintf(buf, size, "%-19s", "(time unknown)");
		return;
	}
	civil(s / 86400, &y, &mo, &d);
	fmt_snprintf(buf, size, "%04u-%02u-%02u %02lu:%02lu:%02lu", y, mo, d,
	    (unsigned long)(s % 86400 / 3600), (unsigned long)(s % 3600 / 60),
	    (unsigned long)(s % 60));
}

void
cmd_gens(int argc, char **argv)
{
	uint64_t w[MI_WORDS_MAX];
	char when[32];
	unsigned i;
	int rc = 0;

	(void)argc, (void)argv;
	uprintf("  %-10s %-19s %10s %10s\n", "GENERATION", "COMMITTED (UTC)",
	    "USED KiB", "STORE KiB");
	for (i = 0; i < GEN_SHOWN_MAX; i++) {
		if ((rc = kcall(CR_SYS, OC_SYS_GEN, 1, i, 0, 0, 0, w)) != 0)
			break;
		fmt_wall(when, sizeof(when), w[1]);
		uprintf("  %-10lu %s %10lu %10lu%s\n", (unsigned long)w[0],
		    when, (unsigned long)(w[2] * 4), (unsigned long)(w[3] * 4),
		    i == 0 ? "  (current)" : "");
	}
	if (rc != 0 && rc != ERR_NOT_FOUND)
		uprintf("gens: error %d\n", rc);
}

void
fmt_duration(char *buf, unsigned size, uint64_t ns)
{
	uint64_t s = ns / NS_PER_S;

	if (s < 60)
		fmt_snprintf(buf, size, "%lu.%01lu s", (unsigned long)s,
		    (unsigned long)(ns % NS_PER_S / (NS_PER_S / 10)));
	else if (s < 3600)
		fmt_snprintf(buf, size, "%lu min %lu s", (unsigned long)(s / 60),
		    (unsigned long)(s % 60));
	else
		fmt_snprintf(buf, size, "%lu h %lu min",
		    (unsigned long)(s / 3600), (unsigned long)(s % 3600 / 60));
}

void
cmd_uptime(int argc, char **argv)
{
	uint64_t w[MI_WORDS_MAX];
	char boot[32], first[32];
	int rc;

	(void)argc, (void)argv;
	if ((rc = kcall(CR_SYS, OC_SYS_TIME, 0, 0, 0, 0, 0, w)) != 0) {
		uprintf("uptime: error %d\n", rc);
		return;
	}
	fmt_duration(boot, sizeof(boot), w[1]);
	if (shell_first_wall_ns != 0 && w[0] >= shell_first_wall_ns)
		fmt_duration(first, sizeof(first), w[0] - shell_first_wall_ns);
	else
		fmt_snprintf(first, sizeof(first), "(unknown)");
	uprintf("up %s since this boot; %s since the first (wall clock), "
	    "%lu boots\n", boot, first, (unsigned long)shell_starts);
}

static const char *const type_name[] = {
	[OT_PAGE] = "pages", [OT_CAPPAGE] = "cap pages", [OT_GPT] = "GPTs",
	[OT_PROCESS] = "processes", [OT_ENDPOINT] = "endpoints",
};

/* One bank: its place in the tree, then per type what it holds. */
static void
show_bank(unsigned cr)
{
	uint64_t index, parent, restr, total, own, limit;
	unsigned t;
	int rc;

	if ((rc = bank_info(cr, &index, &parent, &restr)) != 0) {
		uprintf("banks: error %d\n", rc);
		return;
	}
	uprintf("  bank %lu (parent %lu%s)\n", (unsigned long)index,
	    (unsigned long)parent, restr ? ", restricted cap" : "");
	uprintf("    %-10s %10s %10s %12s\n", "TYPE", "HELD", "OWN", "LIMIT");
	for (t = OT_PAGE; t <= OT_ENDPOINT; t++) {
		if (bank_usage(cr, t, &total, &own) != 0 ||
		    bank_get_limit(cr, t, &limit) != 0)
			continue;
		if (limit == BANK_NO_LIMIT)
			uprintf("    %-10s %10lu %10lu %12s\n", type_name[t],
			    (unsigned long)total, (unsigned long)own, "none");
		else
			uprintf("    %-10s %10lu %10lu %12lu\n", type_name[t],
			    (unsigned long)total, (unsigned long)own,
			    (unsigned long)limit);
	}
}

void
cmd_banks(int argc, char **argv)
{
	(void)argc, (void)argv;
	show_bank(CR_BANK);
}
