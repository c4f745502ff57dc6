# boot/rules.mk - stage 1 (the MBR) and stage 2, flat binaries from NASM.

BOOT_OUT	:= $(BUILD)/boot

$(BOOT_OUT)/%.bin: boot/%.asm boot/bootpart.inc | $(DEPS_STAMP)
	@mkdir -p $(@D)
	nasm -f bin -Iboot/ -Werror -MD $(BOOT_OUT)/$*.d -MT $@ -o $@ $<

# The MBR must be exactly one sector ending in 0x55AA.
$(BOOT_OUT)/stage1.ok: $(BOOT_OUT)/stage1.bin
	@size=$$(stat -c %s $<); sig=$$(od -An -tx1 -j510 -N2 $< | tr -d ' '); \
	if [ "$$size" != 512 ] || [ "$$sig" != 55aa ]; then \
		echo "boot: stage1.bin is $$size bytes, signature $$sig" >&2; exit 1; fi
	@touch $@

ALL		+= $(BOOT_OUT)/stage1.bin $(BOOT_OUT)/stage1.ok $(BOOT_OUT)/stage2.bin

# Host check that boot/bootpart.inc agrees with the C headers.
$(BUILD)/tests/host/test_boot_layout: tests/host/test_boot_layout.c \
    include/boot/bootinfo.h include/boot/bootpart.h | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(HOST_SANITIZE) -DBOOTPART_INC='"$(CURDIR)/boot/bootpart.inc"' \
		-o $@ $<
TEST_DEPS	+= $(BUILD)/tests/host/test_boot_layout
