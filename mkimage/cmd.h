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
int	cmd_diff(int argc, char **argv);
int	cmd_rollback(int argc, char **argv);

/* out with its .img suffix replaced by ext (malloc'd). */
char	*mki_sibling(const char *out, const char *ext);

/*
 * Write the catalog (.db) and gdb script (.gdb) beside the image out.
 * Returns 0, or -1 after printing why.
 */
int	build_outputs(struct build *b, const struct disk_params *dp,
	    const struct disk_layout *lay, const char *out);

struct img;
struct problems;

/*
 * The ring slot the next commit writes ((newest + 1) % STORE_SB_RING), or
 * -1 with no valid generation. A superblock there that fails its checks
 * is what a commit cut short leaves (the kernel skips it at mount), so
 * verify notes it instead of counting it a problem; a bad superblock in
 * any other slot is damage to a kept generation.
 */
int	verify_commit_slot(const struct img *im);

/*
 * Verify every valid generation of im (or only generation gen if not 0),
 * adding problems to pr. Returns the number of generations checked.
 */
int	verify_image(const struct img *im, uint64_t gen, struct problems *pr);

/*
 * Parse a --generation argument (a number above 0) into *gen. Returns 0,
 * or -1 after telling stderr ("mkimage cmd: bad generation 'arg'").
 */
int	cmd_parse_gen(const char *cmd, const char *arg, uint64_t *gen);

/*
 * Ring slot of valid generation gen of im, or -1 after telling stderr
 * ("mkimage cmd: path: ...") that it is not kept, listing those that are.
 */
int	cmd_find_gen(const struct img *im, const char *cmd, const char *path,
	    uint64_t gen);

#include <sqlite3.h>

/*
 * Fill the catalog db from generation slot of im (image facts, every
 * superblock slot, the decoded objects), adding problems found to pr.
 * Returns 0, or -1 on an SQLite error.
 */
int	inspect_catalog(const struct img *im, int slot, sqlite3 *db,
	    struct problems *pr);
