# images/shell/rules.mk - the console shell, a user program in the
# default image (docs/shell.md). Included from images/rules.mk.

SHELL_ELF	:= $(BUILD)/images/shell/shell.elf

$(eval $(call USER_PROG,$(SHELL_ELF),images/shell/shell.c \
	images/shell/cmd_sys.c images/shell/cmd_vars.c images/shell/cmd_jobs.c))

$(eval $(call USER_PROG,$(BUILD)/images/demo/ticker.elf,images/demo/ticker.c))
