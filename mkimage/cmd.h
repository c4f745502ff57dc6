/*
 * cmd.h - the subcommands of mkimage (main.c dispatches) and what they
 * share.
 */
#pragma once

#include "build.h"
#include "disk.h"

int	cmd_build(int argc, char **argv);
int	cmd_inspect(int argc, char **argv);
int	cmd_verify(int argc, char **argv);

/* out with its .img suffix replaced by ext (malloc'd). */
char	*mki_sibling(const char *out, const char *ext);

/*
 * Write the catalog (.db) and gdb script (.gdb) beside the image out.
 * Returns 0, or -1 after printing why.
 */
int	build_outputs(struct build *b, const struct disk_params *dp,
	    const struct disk_layout *lay, const char *out);
