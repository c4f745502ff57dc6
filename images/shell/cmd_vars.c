/*
 * cmd_vars.c - the shell's variables: a small table in the shell's own
 * memory (so kept across power-off like everything else), set, get,
 * unset, vars.
 *
 * Invariant: an entry is in use iff name[0] != 0; names are unique and
 * both strings NUL-terminated within their arrays.
 */
#include <lib/string.h>
#include <user/log.h>

#include "shell.h"

#define VARS_MAX	64
#define NAME_MAX	32
#define VALUE_MAX	96

struct var {
	char	name[NAME_MAX];
	char	value[VALUE_MAX];
};

static struct var	vars[VARS_MAX];

static struct var *
find(const char *name)
{
	unsigned i;

	for (i = 0; i < VARS_MAX; i++)
		if (vars[i].name[0] != 0 && strcmp(vars[i].name, name) == 0)
			return &vars[i];
	return NULL;
}

void
cmd_set(int argc, char **argv)
{
	struct var *v = find(argv[1]);
	size_t len = 0, n;
	unsigned i;
	int a;

	if (strlen(argv[1]) >= NAME_MAX) {
		uprintf("set: name longer than %d bytes\n", NAME_MAX - 1);
		return;
	}
	for (a = 2; a < argc; a++)
		len += strlen(argv[a]) + (a > 2);
	if (len >= VALUE_MAX) {
		uprintf("set: value longer than %d bytes\n", VALUE_MAX - 1);
		return;
	}
	for (i = 0; v == NULL && i < VARS_MAX; i++)
		if (vars[i].name[0] == 0)
			v = &vars[i];
	if (v == NULL) {
		uprintf("set: all %d variables in use (unset one)\n",
		    VARS_MAX);
		return;
	}
	memcpy(v->name, argv[1], strlen(argv[1]) + 1);
	for (a = 2, len = 0; a < argc; a++) {
		if (a > 2)
			v->value[len++] = ' ';
		n = strlen(argv[a]);
		memcpy(v->value + len, argv[a], n);
		len += n;
	}
	v->value[len] = 0;
}

void
cmd_get(int argc, char **argv)
{
	struct var *v = find(argv[1]);

	(void)argc;
	if (v == NULL)
		uprintf("get: %.32s: not set\n", argv[1]);
	else
		uprintf("%s\n", v->value);
}

void
cmd_unset(int argc, char **argv)
{
	struct var *v = find(argv[1]);

	(void)argc;
	if (v == NULL)
		uprintf("unset: %.32s: not set\n", argv[1]);
	else
		memset(v, 0, sizeof(*v));
}

void
cmd_vars(int argc, char **argv)
{
	unsigned i, n = 0;

	(void)argc, (void)argv;
	for (i = 0; i < VARS_MAX; i++)
		if (vars[i].name[0] != 0) {
			uprintf("  %s = %s\n", vars[i].name, vars[i].value);
			n++;
		}
	uprintf("  %u variables\n", n);
}
