# images/test/rules.mk - the user-level test programs and their images:
# build/images/test/SUITE.img for each suite the harness boots (each
# prints the docs/testing.md protocol through its KERNLOG cap and ends
# with TEST DONE SUITE). Included from the end of images/rules.mk.

UTEST_DIR	:= $(BUILD)/images/test

# Programs: $(UTEST_DIR)/NAME.elf from the sources listed.
$(eval $(call USER_PROG,$(UTEST_DIR)/faults.elf,images/test/faults_driver.c \
	images/test/faults_victim.c images/test/faults_probe.S))

$(eval $(call USER_PROG,$(UTEST_DIR)/caps.elf,images/test/caps.c \
	images/test/caps_mem.c images/test/caps_obj.c images/test/caps_kern.c \
	images/test/caps_reuse.c))

$(eval $(call USER_PROG,$(UTEST_DIR)/caperr.elf,images/test/caperr.c))

$(eval $(call USER_PROG,$(UTEST_DIR)/ipc.elf,images/test/ipc.c \
	images/test/ipc_server.c))

$(eval $(call USER_PROG,$(UTEST_DIR)/sched.elf,images/test/sched.c \
	images/test/sched_spin.S))

$(eval $(call USER_PROG,$(UTEST_DIR)/keeper.elf,images/test/keeper.c))

$(eval $(call USER_PROG,$(UTEST_DIR)/console.elf,images/test/console.c))
$(eval $(call USER_PROG,$(UTEST_DIR)/pktest.elf,images/test/pktest.c))

$(eval $(call USER_PROG,$(UTEST_DIR)/vctest.elf,images/test/vctest.c))
$(eval $(call USER_PROG,$(UTEST_DIR)/ctortest.elf,images/test/ctortest.c))
$(eval $(call USER_PROG,$(UTEST_DIR)/ctorkid.elf,images/test/ctorkid.c))

$(eval $(call USER_PROG,$(UTEST_DIR)/bank.elf,images/test/bank.c \
	images/test/bank_life.c))
$(eval $(call USER_PROG,$(UTEST_DIR)/bankfuzz.elf,images/test/bankfuzz.c))
$(eval $(call USER_PROG,$(UTEST_DIR)/bankpersist.elf,\
	images/test/bankpersist.c))
$(eval $(call USER_PROG,$(UTEST_DIR)/restart.elf,images/test/restart.c))

$(eval $(call USER_PROG,$(UTEST_DIR)/storefull.elf,images/test/storefull.c))
$(eval $(call USER_PROG,$(UTEST_DIR)/churn.elf,images/test/churn.c))
# bigmem: the slstore suite's program; tests/harness/slstore.py builds
# its images (sizes differ between make test and test-slstore-full).
$(eval $(call USER_PROG,$(UTEST_DIR)/bigmem.elf,images/test/bigmem.c))

$(eval $(call USER_PROG,$(UTEST_DIR)/fuzz.elf,images/test/fuzz.c \
	images/test/fuzz_exec.c images/test/fuzz_fixed.c \
	images/test/fuzz_prog.c images/test/fuzz_space.c \
	images/test/fuzz_tmpl.c))
$(eval $(call USER_PROG,$(UTEST_DIR)/fuzz_victim.elf,\
	images/test/fuzz_victim.c))

# Programs that run kept: no .bss (lib/user/rules.mk).
UTEST_KEPT	:= $(UTEST_DIR)/keeper.elf $(UTEST_DIR)/vctest.elf
$(UTEST_DIR)/%.nobss: $(UTEST_DIR)/%.elf | $(DEPS_STAMP)
	@$(call USER_NO_BSS,$<)
	@touch $@

# Images: each .mki names its programs under build/ (mkimage runs from
# the top of the tree). caps.mki is generated: 32 masks of 11 cap types.
UTEST_IMAGES	:= faults caps caperr ipc sched keeper pktest vctest fuzz \
		   ctortest persist console storefail bank bankfuzz bankpersist \
		   restart storefull churn

$(UTEST_DIR)/faults.img: $(UTEST_DIR)/faults.elf
$(UTEST_DIR)/caps.img: $(UTEST_DIR)/caps.elf
$(UTEST_DIR)/caperr.img: $(UTEST_DIR)/caperr.elf
$(UTEST_DIR)/ipc.img: $(UTEST_DIR)/ipc.elf
$(UTEST_DIR)/sched.img: $(UTEST_DIR)/sched.elf
$(UTEST_DIR)/fuzz.img: $(UTEST_DIR)/fuzz.elf $(UTEST_DIR)/fuzz_victim.elf
$(UTEST_DIR)/persist.img: $(BUILD)/images/demo/hello.elf
$(UTEST_DIR)/console.img: $(UTEST_DIR)/console.elf
$(UTEST_DIR)/storefail.img: $(BUILD)/images/demo/hello.elf
$(UTEST_DIR)/pktest.img: $(UTEST_DIR)/pktest.elf $(KEEPERS_OUT)/prockeep.elf
$(UTEST_DIR)/bank.img: $(UTEST_DIR)/bank.elf $(SPACEBANK_OUT)/spacebank.elf
$(UTEST_DIR)/vctest.img: $(UTEST_DIR)/vctest.elf $(UTEST_DIR)/vctest.nobss \
	$(KEEPERS_OUT)/vcopy.elf $(KEEPERS_OUT)/prockeep.elf \
	$(SPACEBANK_OUT)/spacebank.elf
$(UTEST_DIR)/ctortest.img: $(UTEST_DIR)/ctortest.elf $(UTEST_DIR)/ctorkid.elf \
	$(KEEPERS_OUT)/ctor.elf $(SPACEBANK_OUT)/spacebank.elf
$(UTEST_DIR)/bankfuzz.img: $(UTEST_DIR)/bankfuzz.elf \
	$(SPACEBANK_OUT)/spacebank.elf
$(UTEST_DIR)/bankpersist.img: $(UTEST_DIR)/bankpersist.elf \
	$(SPACEBANK_OUT)/spacebank.elf
$(UTEST_DIR)/restart.img: $(UTEST_DIR)/restart.elf
$(UTEST_DIR)/storefull.img: $(UTEST_DIR)/storefull.elf
$(UTEST_DIR)/churn.img: $(UTEST_DIR)/churn.elf
$(UTEST_DIR)/keeper.img: $(UTEST_DIR)/keeper.elf $(UTEST_DIR)/keeper.nobss \
	$(KEEPERS_OUT)/vcopy.elf

$(UTEST_DIR)/caps.mki: images/test/caps_mki.py | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(PYTHON) $< $(UTEST_DIR)/caps.elf > $@.tmp && mv $@.tmp $@

# $(call UTEST_IMAGE,NAME,MKI): build $(UTEST_DIR)/NAME.img from MKI.
define UTEST_IMAGE
$(UTEST_DIR)/$(1).img: $(2) $(IMAGE_BOOT_FILES) $(BUILD)/mkimage \
		| $(DEPS_STAMP)
	$(BUILD)/mkimage build $$< -o $$@ --boot-dir $(BUILD)
endef
$(foreach i,$(UTEST_IMAGES),$(eval $(call UTEST_IMAGE,$(i),\
	$(if $(wildcard images/test/$(i).mki),images/test/$(i).mki,\
	$(UTEST_DIR)/$(i).mki))))

ALL		+= $(UTEST_IMAGES:%=$(UTEST_DIR)/%.img) $(UTEST_DIR)/bigmem.elf

# make fuzz-kernel: the fuzzer's long run (FUZZ_SECONDS, FUZZ_SEED: 0 is
# a fresh random seed, FUZZ_ITERATIONS), printed as the fuzz suite; with
# FUZZ_REPLAY=FIRST:COUNT only those exec programs of FUZZ_SEED, each
# printed. Then the space bank fuzzer with the same seed for
# FUZZ_BANK_SECONDS (FUZZ_BANK_ONLY=1: only it).
FUZZ_SECONDS	?= 600
FUZZ_SEED	?= 0
FUZZ_ITERATIONS	?= 1000000000000
FUZZ_REPLAY	?=
FUZZ_BANK_SECONDS ?= 120
FUZZ_BANK_ONLY	?=

.PHONY: fuzz-kernel
fuzz-kernel: images/test/fuzz.mki $(UTEST_DIR)/fuzz.elf \
		$(UTEST_DIR)/fuzz_victim.elf images/test/bankfuzz.mki \
		$(UTEST_DIR)/bankfuzz.elf $(SPACEBANK_OUT)/spacebank.elf \
		$(IMAGE_BOOT_FILES) $(BUILD)/mkimage | $(DEPS_STAMP)
	$(PYTHON) images/test/fuzz_kernel.py --build $(BUILD) \
		--seconds $(FUZZ_SECONDS) --seed $(FUZZ_SEED) \
		--iterations $(FUZZ_ITERATIONS) \
		--bank-seconds $(FUZZ_BANK_SECONDS) \
		$(if $(FUZZ_BANK_ONLY),--bank-only) \
		$(if $(FUZZ_REPLAY),--replay $(FUZZ_REPLAY))
