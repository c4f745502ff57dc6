# lib/rules.mk - lib/: freestanding code shared by the kernel, mkimage and
# (later) the user runtime, and its host unit tests.
#
# LIB_KERNEL_SRCS are compiled into the kernel by kernel/rules.mk with
# KERNEL_CFLAGS; the host tests compile the same files with HOST_CFLAGS
# and the sanitizers.

LIB_KERNEL_SRCS	:= lib/crc32c.c lib/fmt.c lib/proccheck.c lib/storefmt.c \
		   lib/string.c

# The store format's checksum, pure helpers and process rules, one copy
# for the kernel and the host tools (mkimage/rules.mk, tests/fuzz/rules.mk).
LIB_STORE_SRCS	:= lib/crc32c.c lib/proccheck.c lib/storefmt.c

# string.c must not have its loops turned back into memset/memcpy calls.
$(BUILD)/kernel/obj/lib/string.o: KERNEL_EXTRA_CFLAGS := \
	-fno-tree-loop-distribute-patterns

LIB_HOST_OBJ	:= $(BUILD)/lib/host
HOST_TEST_OBJ	:= $(BUILD)/tests/host/obj

$(LIB_HOST_OBJ)/%.o: lib/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(HOST_SANITIZE) -c $< -o $@

# Each tests/host/test_NAME.c of lib/ links with the lib/ files it tests.
LIB_HOST_TESTS	:= test_fmt test_fmt_api test_proccheck

$(LIB_HOST_TESTS:%=$(HOST_TEST_OBJ)/%.o): $(HOST_TEST_OBJ)/%.o: \
		tests/host/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(HOST_SANITIZE) -c $< -o $@

$(LIB_HOST_TESTS:%=$(BUILD)/tests/host/%): $(BUILD)/tests/host/%: \
		$(HOST_TEST_OBJ)/%.o | $(DEPS_STAMP)
	$(CC) $(HOST_SANITIZE) -o $@ $(filter %.o,$^)

$(BUILD)/tests/host/test_fmt $(BUILD)/tests/host/test_fmt_api: \
		$(LIB_HOST_OBJ)/fmt.o
$(BUILD)/tests/host/test_proccheck: $(LIB_HOST_OBJ)/proccheck.o

TEST_DEPS	+= $(addprefix $(BUILD)/tests/host/,$(LIB_HOST_TESTS))

# --- the user runtime (lib/user/, owned with the user-level tests) ---
include lib/user/rules.mk
