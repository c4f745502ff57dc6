# tests/kernel/rules.mk - build/tests/kernel/test_kernel_split, the host
# test that the production kernel holds no self-test code and that each
# disk image boots the kernel it should (kernel/rules.mk builds both).

KERNEL_SPLIT_TEST := $(BUILD)/tests/kernel/test_kernel_split

$(KERNEL_SPLIT_TEST): tests/kernel/test_kernel_split.sh tests/kernel/rules.mk \
		| $(DEPS_STAMP)
	@mkdir -p $(@D)
	sed -e 's|@BUILD@|$(abspath $(BUILD))|' \
	    -e 's|@TEST_OBJS@|$(abspath $(call kernel_objs,$(KERNEL_TEST_SRCS)))|' \
	    $< > $@.tmp
	chmod +x $@.tmp
	mv $@.tmp $@

TEST_DEPS	+= $(KERNEL_SPLIT_TEST)
