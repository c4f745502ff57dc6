/*
 * shell.c - the shell's loop: read a line with the line editor, split it
 * into words, run the command named by the first (shell.h).
 *
 * Invariants: a command gets between its minargs and maxargs arguments
 * (the loop checks, with one usage line otherwise); no input line, of
 * any bytes, ends the loop; an interrupted read (ERR_RESTART: the
 * machine restarted while the shell waited) just prompts again.
 */
#include <abi/err.h>
#include <lib/fmt.h>
#include <lib/string.h>
#include <user/invoke.h>
#include <user/log.h>
#include <user/rt.h>

#include "shell.h"

struct edit	shell_edit;
uint64_t	shell_first_wall_ns = 0;
uint64_t	shell_starts = 0;
static int	started = 0;
static uint64_t	boot_gen = 0;	/* the generation this boot resumed */

const struct command cmd_table[] = {
	{ "help", "", "list the commands", 0, 0, cmd_help },
	{ "ps", "", "the processes the kernel holds: state, bank, rip",
	    0, 0, cmd_ps },
	{ "ckpt", "", "checkpoint now and print the generation committed",
	    0, 0, cmd_ckpt },
	{ "gens", "", "the kept generations: number, time, size", 0, 0,
	    cmd_gens },
	{ "set", "NAME VALUE...", "set a variable (kept across power-off)",
	    2, ARGS_MAX - 1, cmd_set },
	{ "get", "NAME", "print a variable", 1, 1, cmd_get },
	{ "unset", "NAME", "remove a variable", 1, 1, cmd_unset },
	{ "vars", "", "list the variables", 0, 0, cmd_vars },
	{ "history", "", "the lines typed, oldest first", 0, 0,
	    cmd_history },
	{ "uptime", "", "time since this boot and since the first", 0, 0,
	    cmd_uptime },
	{ "banks", "", "the shell's bank: objects held and limits", 0, 0,
	    cmd_banks },
	{ "run", "PROGRAM", "start a program from its constructor, in a "
	    "bank of its own", 1, 1, cmd_run },
	{ "jobs", "", "the programs run started: state, pages", 0, 0,
	    cmd_jobs },
	{ "kill", "JOB", "end a job: destroy its bank", 1, 1, cmd_kill },
	{ "caps", "JOB", "a job's cap registers: type, restrictions", 1, 1,
	    cmd_caps },
};
const unsigned cmd_count = sizeof(cmd_table) / sizeof(cmd_table[0]);

void
cmd_help(int argc, char **argv)
{
	unsigned i;

	(void)argc, (void)argv;
	for (i = 0; i < cmd_count; i++)
		uprintf("  %-8s %-14s %s\n", cmd_table[i].name,
		    cmd_table[i].usage, cmd_table[i].help);
}

void
cmd_history(int argc, char **argv)
{
	unsigned i, n = edit_history_count(&shell_edit);
	uint64_t first = edit_history_total(&shell_edit) - n;

	(void)argc, (void)argv;
	for (i = 0; i < n; i++)
		uprintf("  %4lu  %s\n", (unsigned long)(first + i + 1),
		    edit_history(&shell_edit, i));
}

/* Split line in place at spaces and tabs. Returns the word count, or -1
   if there are more than max. */
static int
split(char *line, char **argv, int max)
{
	int n = 0;

	for (;;) {
		while (*line == ' ' || *line == '\t')
			*line++ = 0;
		if (*line == 0)
			return n;
		if (n == max)
			return -1;
		argv[n++] = line;
		while (*line != 0 && *line != ' ' && *line != '\t')
			line++;
	}
}

static void
run(char *line)
{
	char *argv[ARGS_MAX];
	const struct command *c;
	unsigned i;
	int argc = split(line, argv, ARGS_MAX);

	if (argc == 0)
		return;
	if (argc < 0) {
		uprintf("shell: too many words (at most %d)\n", ARGS_MAX);
		return;
	}
	for (i = 0; i < cmd_count; i++) {
		c = &cmd_table[i];
		if (strcmp(argv[0], c->name) != 0)
			continue;
		if (argc - 1 < c->minargs || argc - 1 > c->maxargs)
			uprintf("usage: %s %s\n", c->name, c->usage);
		else
			c->run(argc, argv);
		return;
	}
	uprintf("shell: %.32s: no such command (try help)\n", argv[0]);
}

/*
 * Notice a new boot: the generation the kernel resumed is not the one
 * noted at the last look (a boot resumes only generations older than
 * those it commits, so the memory of this process, which comes from one
 * of those, holds an older number). Count it; the first time ever, note
 * the wall clock. Returns 1 on a new boot.
 */
static int
boot_seen(void)
{
	uint64_t w[MI_WORDS_MAX];

	if (kcall(CR_SYS, OC_SYS_TIME, 0, 0, 0, 0, 0, w) != 0 ||
	    (shell_starts > 0 && w[2] == boot_gen))
		return 0;
	boot_gen = w[2];
	shell_starts++;
	if (shell_first_wall_ns == 0)
		shell_first_wall_ns = w[0];
	return 1;
}

void
umain(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
	char line[EDIT_LINE_MAX];
	int n;

	(void)a0, (void)a1, (void)a2, (void)a3;
	if (!started) {
		edit_init(&shell_edit, CR_CONS);
		started = 1;
		boot_seen();
		uprintf("shell: ready (type help)\n");
	}
	for (;;) {
		if (boot_seen())
			uprintf("shell: the machine restarted; variables, "
			    "history and programs are as they were\n");
		n = edit_line(&shell_edit, "shell> ", line, sizeof(line));
		if (n == -ERR_RESTART)
			continue;
		if (n < 0) {
			uprintf("shell: console read failed (error %d)\n", -n);
			rt_exit();
		}
		run(line);
	}
}
