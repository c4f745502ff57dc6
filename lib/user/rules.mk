# lib/user/rules.mk - the user runtime (lib/user/ and the freestanding
# lib/ files) and the rule that links user programs. Included from the
# end of lib/rules.mk.
#
# User programs are static position-independent ELF executables without
# libc: mkimage gives each a program slot and applies its relocations
# once, at build time (docs/mkimage.md). SSE is allowed in user code (the
# kernel saves FXSAVE state); the red zone too (the kernel never pushes
# on a user stack). Functions keep frame pointers for keepers/prockeep's
# backtraces; gcc 12 still leaves them out of leaf functions that need
# no stack (even with -mno-omit-leaf-frame-pointer), which prockeep
# finds by reading the function's prologue.
#
# A kept process gets no BSS pages from mkimage (they are left to its
# keeper), and keepers/vcopy only fills space it built itself, never the
# program's part of the tree. So the runtime and every program that runs
# kept initialize their statics: with -fno-zero-initialized-in-bss even
# "= 0" lands in .data. $(call USER_NO_BSS,ELF) checks a linked program.

USER_OBJ	:= $(BUILD)/user/obj
USER_CFLAGS	:= $(WARN) -std=c11 -O2 -g -ffreestanding -fno-stack-protector \
		   -fpie -fno-plt -fno-asynchronous-unwind-tables \
		   -fno-omit-frame-pointer -fno-zero-initialized-in-bss \
		   -Iinclude -MMD -MP
USER_LDFLAGS	:= -nostdlib -static-pie -Wl,--build-id=none \
		   -Wl,-z,max-page-size=0x1000 -Wl,-z,noexecstack

USER_LIB_SRCS	:= lib/user/rt.c lib/user/log.c lib/user/test.c lib/user/cons.c \
		   lib/user/edit.c lib/user/bank.c lib/user/ctor.c lib/fmt.c \
		   lib/string.c
USER_LIB	:= $(BUILD)/user/libuser.a
USER_CRT0	:= $(USER_OBJ)/lib/user/crt0.o

# string.c must not have its loops turned back into memset/memcpy calls.
$(USER_OBJ)/lib/string.o: USER_EXTRA_CFLAGS := \
	-fno-tree-loop-distribute-patterns

$(USER_OBJ)/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) $(USER_EXTRA_CFLAGS) -c $< -o $@

$(USER_OBJ)/%.o: %.S | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -c $< -o $@

$(USER_LIB): $(patsubst %.c,$(USER_OBJ)/%.o,$(USER_LIB_SRCS)) \
		| $(DEPS_STAMP)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

# $(call USER_PROG,OUT.elf,SOURCES): link a user program from its .c and
# .S sources, the start code and the runtime. Use with $(eval ...).
USER_OBJS_OF	= $(patsubst %,$(USER_OBJ)/%.o,$(basename $(1)))
define USER_PROG
$(1): $(call USER_OBJS_OF,$(2)) $(USER_CRT0) $(USER_LIB) | $(DEPS_STAMP)
	@mkdir -p $$(@D)
	$$(CC) $(USER_LDFLAGS) -o $$@ $(USER_CRT0) \
		$(call USER_OBJS_OF,$(2)) $(USER_LIB) -lgcc
endef

# Fail if ELF has an allocated .bss section of nonzero size.
USER_NO_BSS	= size -A $(1) | awk '$$1 ~ /^\.bss/ && $$2 > 0 { \
		  print "$(1): " $$1 " of " $$2 " bytes: a kept program must " \
		  "initialize its statics (lib/user/rules.mk)"; bad = 1 } \
		  END { exit bad }'

# The keepers and the space bank are user programs too.
include keepers/rules.mk
include spacebank/rules.mk
