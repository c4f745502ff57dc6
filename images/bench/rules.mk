# images/bench/rules.mk - build/bench.img, our side of make bench
# (docs/bench.md; tests/bench/bench.py boots it). Included from the end
# of images/rules.mk, before tests/bench/rules.mk looks for it in ALL.

BENCH_DIR	:= $(BUILD)/images/bench

$(eval $(call USER_PROG,$(BENCH_DIR)/bench.elf,images/bench/bench.c \
	images/bench/bench_util.c images/bench/bench_server.c \
	images/bench/bench_start.c images/bench/bench_ckpt.c))

# The resume rows' program (resume.mki).
$(eval $(call USER_PROG,$(BENCH_DIR)/resume.elf,images/bench/resume.c \
	images/bench/bench_util.c))

# The oversubscribed_rw row's program (oversub.mki; its keeper is
# keepers/vcopy).
$(eval $(call USER_PROG,$(BENCH_DIR)/oversub.elf,images/bench/oversub.c \
	images/bench/bench_util.c))

# The program_start rows' program, with 60 KiB and with 64 MiB of data.
$(eval $(call USER_PROG,$(BENCH_DIR)/prog64k.elf,images/bench/prog.c \
	images/bench/blob64k.S))
$(eval $(call USER_PROG,$(BENCH_DIR)/prog64m.elf,images/bench/prog.c \
	images/bench/blob64m.S))

# The bench and oversub processes run kept: no .bss (lib/user/rules.mk).
$(BENCH_DIR)/%.nobss: $(BENCH_DIR)/%.elf | $(DEPS_STAMP)
	@$(call USER_NO_BSS,$<)
	@touch $@

$(BUILD)/bench.img: images/bench/bench.mki $(BENCH_DIR)/bench.elf \
		$(BENCH_DIR)/bench.nobss $(KEEPERS_OUT)/vcopy.elf \
		$(BENCH_DIR)/prog64k.elf $(BENCH_DIR)/prog64m.elf \
		$(KEEPERS_OUT)/ctor.elf $(SPACEBANK_OUT)/spacebank.elf \
		$(IMAGE_BOOT_FILES) $(BUILD)/mkimage | $(DEPS_STAMP)
	$(BUILD)/mkimage build $< -o $@ --boot-dir $(BUILD)

$(BUILD)/bench-resume.img: images/bench/resume.mki $(BENCH_DIR)/resume.elf \
		$(IMAGE_BOOT_FILES) $(BUILD)/mkimage | $(DEPS_STAMP)
	$(BUILD)/mkimage build $< -o $@ --boot-dir $(BUILD)

$(BUILD)/bench-oversub.img: images/bench/oversub.mki \
		$(BENCH_DIR)/oversub.elf $(BENCH_DIR)/oversub.nobss \
		$(KEEPERS_OUT)/vcopy.elf $(IMAGE_BOOT_FILES) \
		$(BUILD)/mkimage | $(DEPS_STAMP)
	$(BUILD)/mkimage build $< -o $@ --boot-dir $(BUILD)

BENCH_IMAGES	:= $(BUILD)/bench.img $(BUILD)/bench-resume.img \
		   $(BUILD)/bench-oversub.img
ALL		+= $(BENCH_IMAGES)

.PHONY: bench-image
bench-image: $(BENCH_IMAGES)
