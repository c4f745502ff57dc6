# images/rules.mk - disk images built by mkimage from the *.mki
# descriptions: build/default.img (make run) and build/selftest.img (the
# kernel's in-guest unit tests). Every image boots the production kernel
# (IMAGE_BOOT_FILES), except build/selftest.img: it boots the test kernel
# (kernel/rules.mk), which mkimage's --kernel puts in its place.

IMAGE_LOADER_FILES := $(BUILD)/boot/stage1.bin $(BUILD)/boot/stage2.bin
IMAGE_BOOT_FILES := $(IMAGE_LOADER_FILES) $(KERNEL_BOOT_ELF)

# Demo programs, linked with the user runtime (lib/user/rules.mk).
$(eval $(call USER_PROG,$(BUILD)/images/demo/hello.elf,images/demo/hello.c))

$(BUILD)/default.img: images/default.mki $(IMAGE_BOOT_FILES) \
		$(BUILD)/images/demo/hello.elf $(BUILD)/mkimage | $(DEPS_STAMP)
	$(BUILD)/mkimage build $< -o $@ --boot-dir $(BUILD)

$(BUILD)/selftest.img: images/test/selftest.mki images/test/objcache.txt \
		$(IMAGE_LOADER_FILES) $(KERNEL_TEST_BOOT_ELF) \
		$(BUILD)/mkimage | $(DEPS_STAMP)
	$(BUILD)/mkimage build $< -o $@ --boot-dir $(BUILD) \
		--kernel $(KERNEL_TEST_BOOT_ELF)

ALL		+= $(BUILD)/default.img $(BUILD)/selftest.img

# User-level test images and the benchmark image (their own rules files).
include images/test/rules.mk
include images/bench/rules.mk
