# lib/rules.mk - lib/: freestanding code shared by the kernel and (later)
# the user runtime, and its host unit tests.
#
# LIB_KERNEL_SRCS are compiled into the kernel by kernel/rules.mk with
# KERNEL_CFLAGS; the host tests compile the same files with HOST_CFLAGS
# and the sanitizers.

LIB_KERNEL_SRCS	:= lib/fmt.c lib/string.c

# string.c must not have its loops turned back into memset/memcpy calls.
$(BUILD)/kernel/obj/lib/string.o: KERNEL_EXTRA_CFLAGS := \
	-fno-tree-loop-distribute-patterns

LIB_HOST_OBJ	:= $(BUILD)/lib/host
HOST_TEST_OBJ	:= $(BUILD)/tests/host/obj

$(LIB_HOST_OBJ)/%.o: lib/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(HOST_SANITIZE) -c $< -o $@

$(HOST_TEST_OBJ)/test_fmt.o: tests/host/test_fmt.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(HOST_SANITIZE) -c $< -o $@

$(BUILD)/tests/host/test_fmt: $(HOST_TEST_OBJ)/test_fmt.o \
		$(LIB_HOST_OBJ)/fmt.o | $(DEPS_STAMP)
	$(CC) $(HOST_SANITIZE) -o $@ $^

TEST_DEPS	+= $(BUILD)/tests/host/test_fmt
