# images/rules.mk - disk images built by mkimage from the *.mki
# descriptions: build/default.img (make run) and build/selftest.img (the
# kernel's in-guest unit tests).

IMAGE_BOOT_FILES := $(BUILD)/boot/stage1.bin $(BUILD)/boot/stage2.bin \
		    $(BUILD)/kernel/kernel-boot.elf

# Demo programs: static position-independent executables, no libc.
$(BUILD)/images/demo/%.elf: images/demo/%.S | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) -nostdlib -static-pie -Wl,--build-id=none -o $@ $<

$(BUILD)/default.img: images/default.mki $(IMAGE_BOOT_FILES) \
		$(BUILD)/images/demo/idle.elf $(BUILD)/mkimage | $(DEPS_STAMP)
	$(BUILD)/mkimage build $< -o $@ --boot-dir $(BUILD)

$(BUILD)/selftest.img: images/test/selftest.mki images/test/objcache.txt \
		$(IMAGE_BOOT_FILES) \
		$(BUILD)/mkimage | $(DEPS_STAMP)
	$(BUILD)/mkimage build $< -o $@ --boot-dir $(BUILD)

ALL		+= $(BUILD)/default.img $(BUILD)/selftest.img

# User-level test images and the benchmark image (their own rules files).
include images/test/rules.mk
include images/bench/rules.mk
