/*
 * main.c - mkimage: builds bootable disk images from image descriptions,
 * and opens any disk image to inspect or verify it.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"

static const char usage[] =
"usage: mkimage COMMAND [options]\n"
"\n"
"  build FILE.mki -o OUT.img   build a bootable disk image\n"
"  inspect IMAGE               explain what an image holds\n"
"  verify IMAGE                check every checksum and invariant\n"
"  diff IMAGE A B              objects changed between generations A and B\n"
"  rollback IMAGE --generation N   make generation N the one that boots\n"
"\n"
"'mkimage COMMAND --help' describes each command.\n";

int
main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage, stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		fputs(usage, stdout);
		return 0;
	}
	if (strcmp(argv[1], "build") == 0)
		return cmd_build(argc - 1, argv + 1);
	if (strcmp(argv[1], "inspect") == 0)
		return cmd_inspect(argc - 1, argv + 1);
	if (strcmp(argv[1], "verify") == 0)
		return cmd_verify(argc - 1, argv + 1);
	if (strcmp(argv[1], "diff") == 0)
		return cmd_diff(argc - 1, argv + 1);
	if (strcmp(argv[1], "rollback") == 0)
		return cmd_rollback(argc - 1, argv + 1);
	fprintf(stderr, "mkimage: unknown command '%s'\n", argv[1]);
	fputs(usage, stderr);
	return 2;
}
