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
		$(BUILD)/images/demo/hello.elf $(BUILD)/images/demo/ticker.elf \
		$(SHELL_ELF) $(KEEPERS_OUT)/ctor.elf \
		$(SPACEBANK_OUT)/spacebank.elf $(BUILD)/mkimage \
		| $(DEPS_STAMP)
	@if [ -e $@ ]; then echo "default.img: inputs changed, building a" \
	    "fresh image (the old store is discarded)"; fi
	$(BUILD)/mkimage build $< -o $@ --boot-dir $(BUILD)

.PHONY: reset
reset:
	rm -f $(BUILD)/default.img $(BUILD)/bigmem.img
	$(MAKE) $(BUILD)/default.img

# build/bigmem.img, make run-bigmem's disk (the single-level store's
# demo, README): images/test/bigmem.c writes BIGMEM_MIB MiB, commits a
# checkpoint and reads it all back, kept by the demand-zero keeper; the
# description is the slstore suite's own (tests/harness/slstore.py).
# Like default.img it is the machine's disk and rebuilt only when an
# input changed.
BIGMEM_MIB	?= 64
$(BUILD)/bigmem.img: tests/harness/slstore.py $(IMAGE_BOOT_FILES) \
		$(BUILD)/images/test/bigmem.elf $(KEEPERS_OUT)/vcopy.elf \
		$(BUILD)/mkimage | $(DEPS_STAMP)
	$(PYTHON) tests/harness/slstore.py --build $(BUILD) \
		--mki $(BIGMEM_MIB) > $(BUILD)/bigmem.mki
	$(BUILD)/mkimage build $(BUILD)/bigmem.mki -o $@ --boot-dir $(BUILD)

$(BUILD)/selftest.img: images/test/selftest.mki images/test/objcache.txt \
		$(IMAGE_LOADER_FILES) $(KERNEL_TEST_BOOT_ELF) \
		$(BUILD)/mkimage | $(DEPS_STAMP)
	$(BUILD)/mkimage build $< -o $@ --boot-dir $(BUILD) \
		--kernel $(KERNEL_TEST_BOOT_ELF)

ALL		+= $(BUILD)/default.img $(BUILD)/selftest.img

# Programs of your own (docs/programs.md): images/NAME/ holds the .c
# and .S files of one program and NAME.mki; make run-prog P=NAME builds
# build/images/NAME/NAME.elf and .img and boots it (the serial console
# is this terminal; the machine ends when a process powers it off, or
# by Ctrl-A X). images/template is the example, images/demos issue
# 10's demos; make builds both.
P		?= template
PROG_NAMES	:= $(sort template demos $(P))
PROG_DEPS	:= $(KEEPERS_OUT)/ctor.elf $(SPACEBANK_OUT)/spacebank.elf \
		   $(IMAGE_BOOT_FILES) $(BUILD)/mkimage
$(foreach p,$(PROG_NAMES),$(eval $(call USER_PROG,\
	$(BUILD)/images/$(p)/$(p).elf,\
	$(wildcard images/$(p)/*.c images/$(p)/*.S))))
$(foreach p,$(PROG_NAMES),$(eval \
$(BUILD)/images/$(p)/$(p).img: images/$(p)/$(p).mki \
		$(BUILD)/images/$(p)/$(p).elf $(PROG_DEPS) | $(DEPS_STAMP) ; \
	$(BUILD)/mkimage build $$< -o $$@ --boot-dir $(BUILD)))

ALL		+= $(BUILD)/images/template/template.img \
		   $(BUILD)/images/demos/demos.img
$(BUILD)/images/demos/demos.img: $(KEEPERS_OUT)/prockeep.elf

.PHONY: run-prog
run-prog: $(BUILD)/images/$(P)/$(P).img
	$(QEMU) -accel tcg -m $(RUN_MEMORY) -no-reboot -display none \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
		-drive file=$<,format=raw,if=virtio -serial mon:stdio; \
	status=$$?; [ $$status -eq 0 ] || [ $$status -eq 1 ]

# User-level test images and the benchmark image (their own rules files).
include images/test/rules.mk
include images/bench/rules.mk
