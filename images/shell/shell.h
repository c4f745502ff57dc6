/*
 * shell.h - the console shell (images/shell/): a persistent process that
 * reads command lines on the CONSOLE cap and answers on the log. Its
 * state (variables, history, the time of its first start) is ordinary
 * memory of the process, so it survives power-off with no saving.
 */
#pragma once

#include <stdint.h>

#include <user/edit.h>

/* Cap registers (images/default.mki). */
#define CR_LOG		0
#define CR_CONS		1
#define CR_SLEEP	2
#define CR_CKPT		3
#define CR_SYS		4
#define CR_BANK		5	/* the shell's own bank */
#define CR_CTOR_TICKER	6	/* constructor of images/demo/ticker.c */
#define CR_DISCRIM	7

#define ARGS_MAX	8

/* A command: argv[0] is its name; returns nothing, prints its answer. */
struct command {
	const char	*name;
	const char	*usage;		/* arguments, "" if none */
	const char	*help;		/* one line */
	int		minargs, maxargs;	/* beyond the name */
	void		(*run)(int argc, char **argv);
};

extern const struct command	cmd_table[];
extern const unsigned		cmd_count;

/* The shell's persistent state. */
extern struct edit	shell_edit;
extern uint64_t		shell_first_wall_ns;	/* wall clock at first start */
extern uint64_t		shell_starts;		/* boots it has seen */

/* Commands, by file: cmd_sys.c, cmd_vars.c, cmd_jobs.c, shell.c. */
void	cmd_ps(int argc, char **argv);
void	cmd_ckpt(int argc, char **argv);
void	cmd_gens(int argc, char **argv);
void	cmd_uptime(int argc, char **argv);
void	cmd_banks(int argc, char **argv);
void	cmd_run(int argc, char **argv);
void	cmd_jobs(int argc, char **argv);
void	cmd_kill(int argc, char **argv);
void	cmd_caps(int argc, char **argv);
void	cmd_set(int argc, char **argv);
void	cmd_get(int argc, char **argv);
void	cmd_unset(int argc, char **argv);
void	cmd_vars(int argc, char **argv);
void	cmd_help(int argc, char **argv);
void	cmd_history(int argc, char **argv);

/* "12.3 s", "4 min 5 s", ... into buf. */
void	fmt_duration(char *buf, unsigned size, uint64_t ns);
