/*
 * console.c - the console suite's guest (tests/harness/console.py): a
 * line editor on the CONSOLE cap that reports every line it gets, and
 * (role 1) a chatter process printing log lines while a line is being
 * typed, so the harness can check that a log line never lands inside
 * the typed line.
 *
 * Role 0 first checks the cap's errors, then prints `console: ready` and
 * `console: line N [TEXT]` for each line; `quit` powers the machine off.
 * Cap registers: 0 KERNLOG, 1 CONSOLE, 2 SLEEP, 3 CKPT.
 */
#include <lib/string.h>
#include <user/cons.h>
#include <user/edit.h>
#include <user/invoke.h>
#include <user/log.h>
#include <user/rt.h>

#define CR_CONS		1
#define CR_SLEEP	2
#define CR_CKPT		3

static struct edit	ed;

static void
expect(const char *what, int got, int want)
{
	if (got != want)
		uprintf("console: FAIL %s: got %d, want %d\n", what, got, want);
}

static void
check_errors(void)
{
	uint8_t b[CONS_READ_MAX];
	uint64_t type;

	expect("nowait read of nothing", cons_read(CR_CONS, b, 1),
	    -ERR_WOULD_BLOCK);
	expect("read flag 2", kcall(CR_CONS, OC_CONS_READ, 1, 2, 0, 0, 0,
	    NULL), ERR_BAD_ARG);
	expect("write count past words", kcall(CR_CONS, OC_CONS_WRITE, 1, 9,
	    0, 0, 0, NULL), ERR_BAD_ARG);
	expect("write no words", kcall(CR_CONS, OC_CONS_WRITE, 0, 0, 0, 0, 0,
	    NULL), ERR_BAD_REQUEST);
	expect("unknown opcode", kcall(CR_CONS, OC_CONS_READ + 7, 0, 0, 0, 0,
	    0, NULL), ERR_BAD_REQUEST);
	expect("type", cap_type(CR_CONS, &type, NULL), 0);
	expect("type is CONSOLE", (int)type, CT_CONSOLE);
}

static void
chatter(void)
{
	uint64_t k;

	for (k = 0;; k++) {
		uprintf("chatter: tick %lu\n", (unsigned long)k);
		kcall(CR_SLEEP, OC_SLEEP_FOR, 1, 200000000, 0, 0, 0, NULL);
	}
}

void
umain(uint64_t role, uint64_t a1, uint64_t a2, uint64_t a3)
{
	char line[EDIT_LINE_MAX];
	uint64_t n = 0;
	int len;

	(void)a1, (void)a2, (void)a3;
	if (role == 1)
		chatter();
	check_errors();
	edit_init(&ed, CR_CONS);
	uprintf("console: ready\n");
	for (;;) {
		len = edit_line(&ed, "> ", line, sizeof(line));
		if (len == -ERR_RESTART)
			continue;
		if (len < 0) {
			uprintf("console: FAIL edit_line: error %d\n", -len);
			rt_exit();
		}
		uprintf("console: line %lu [%s]\n", (unsigned long)++n, line);
		if (strcmp(line, "quit") == 0)
			kcall(CR_CKPT, OC_CKPT_POWEROFF, 1, 0, 0, 0, 0, NULL);
	}
}
