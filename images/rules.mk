# images/rules.mk - disk images built by mkimage from the *.mki
# descriptions: build/default.img (make run) and build/selftest.img (the
# kernel's in-guest unit tests).

IMAGE_BOOT_FILES := $(BUILD)/boot/stage1.bin $(BUILD)/boot/stage2.bin \
		    $(BUILD)/kernel/kernel-boot.elf

# Demo programs, linked with the user runtime (lib/user/rules.mk).
$(eval $(call USER_PROG,$(BUILD)/images/demo/hello.elf,images/demo/hello.c))

$(BUILD)/default.img: images/default.mki $(IMAGE_BOOT_FILES) \
		$(BUILD)/images/demo/hello.elf $(BUILD)/mkimage | $(DEPS_STAMP)
	$(BUILD)/mkimage build $< -o $@ --boot-dir $(BUILD)

$(BUILD)/selftest.img: images/test/selftest.mki images/test/objcache.txt \
		$(IMAGE_BOOT_FILES) \
		$(BUILD)/mkimage | $(DEPS_STAMP)
	$(BUILD)/mkimage build $< -o $@ --boot-dir $(BUILD)

ALL		+= $(BUILD)/default.img $(BUILD)/selftest.img

# User-level test images and the benchmark image (their own rules files).
include images/test/rules.mk
include images/bench/rules.mk
