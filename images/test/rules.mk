# images/test/rules.mk - the user-level test programs and their images:
# build/images/test/SUITE.img for each suite the harness boots (each
# prints the docs/testing.md protocol through its KERNLOG cap and ends
# with TEST DONE SUITE). Included from the end of images/rules.mk.

UTEST_DIR	:= $(BUILD)/images/test

# Programs: $(UTEST_DIR)/NAME.elf from the sources listed.
$(eval $(call USER_PROG,$(UTEST_DIR)/faults.elf,images/test/faults_driver.c \
	images/test/faults_victim.c images/test/faults_probe.S))

# Images: each .mki names its programs under build/ (mkimage runs from
# the top of the tree).
UTEST_IMAGES	:= faults

$(UTEST_DIR)/faults.img: $(UTEST_DIR)/faults.elf

$(UTEST_IMAGES:%=$(UTEST_DIR)/%.img): $(UTEST_DIR)/%.img: images/test/%.mki \
		$(IMAGE_BOOT_FILES) $(BUILD)/mkimage | $(DEPS_STAMP)
	$(BUILD)/mkimage build $< -o $@ --boot-dir $(BUILD)

ALL		+= $(UTEST_IMAGES:%=$(UTEST_DIR)/%.img)
