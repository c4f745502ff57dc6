# images/rules.mk - disk images built by mkimage from the *.mki
# descriptions: build/default.img (make run) and build/selftest.img (the
# kernel's in-guest unit tests). Every image boots the production kernel
# (IMAGE_BOOT_FILES), except build/selftest.img: it boots the test kernel
# (kernel/rules.mk), which mkimage's --kernel puts in its place.

IMAGE_LOADER_FILES := $(BUILD)/boot/stage1.bin $(BUILD)/boot/stage2.bin
IMAGE_BOOT_FILES := $(IMAGE_LOADER_FILES) $(KERNEL_BOOT_ELF)

# Demo programs, linked with the user runtime (lib/user/rules.mk), and
# the shell (images/shell/rules.mk).
include images/shell/rules.mk
$(eval $(call USER_PROG,$(BUILD)/images/demo/hello.elf,images/demo/hello.c))

# build/default.img is the machine's disk: make run writes checkpoints
# into it, which only makes it newer than its inputs, so it is rebuilt
# (and its store discarded, with a line saying so) only when an input
# changed. make reset builds a fresh one on purpose.
$(BUILD)/default.img: images/default.mki $(IMAGE_BOOT_FILES) \
		$(BUILD)/images/demo/hello.elf $(SHELL_ELF) \
		$(SPACEBANK_OUT)/spacebank.elf $(BUILD)/mkimage \
		| $(DEPS_STAMP)
	@if [ -e $@ ]; then echo "default.img: inputs changed, building a" \
	    "fresh image (the old store is discarded)"; fi
	$(BUILD)/mkimage build $< -o $@ --boot-dir $(BUILD)

.PHONY: reset
reset:
	rm -f $(BUILD)/default.img
	$(MAKE) $(BUILD)/default.img

$(BUILD)/selftest.img: images/test/selftest.mki images/test/objcache.txt \
		$(IMAGE_LOADER_FILES) $(KERNEL_TEST_BOOT_ELF) \
		$(BUILD)/mkimage | $(DEPS_STAMP)
	$(BUILD)/mkimage build $< -o $@ --boot-dir $(BUILD) \
		--kernel $(KERNEL_TEST_BOOT_ELF)

ALL		+= $(BUILD)/default.img $(BUILD)/selftest.img

# User-level test images and the benchmark image (their own rules files).
include images/test/rules.mk
include images/bench/rules.mk
