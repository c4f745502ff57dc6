# tests/mkimage/rules.mk - mkimage's host tests (included by
# mkimage/rules.mk). C tests link the sanitizer build of mkimage's
# library objects; test_cli drives the sanitizer build of the tool.

MKIMAGE_TEST_C	:= test_crc32c test_store test_mki test_image
MKIMAGE_TESTS	:= $(addprefix $(BUILD)/tests/mkimage/,$(MKIMAGE_TEST_C)) \
		   $(BUILD)/tests/mkimage/test_cli $(BUILD)/tests/mkimage/test_gens
MKIMAGE_TEST_ELF := $(addprefix $(BUILD)/tests/elf/,pie.elf static.elf \
		   pie_relr.elf high.elf object.elf)

$(addprefix $(BUILD)/tests/mkimage/,$(MKIMAGE_TEST_C)): \
$(BUILD)/tests/mkimage/%: tests/mkimage/%.c tests/mkimage/mkimage_test.h \
		$(MKIMAGE_LIB_SAN_OBJS) $(MKIMAGE_TEST_ELF) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(HOST_SANITIZE) -I. \
		-DELF_DIR='"$(abspath $(BUILD)/tests/elf)"' -o $@ $< \
		$(MKIMAGE_LIB_SAN_OBJS) $(MKIMAGE_LIBS)

$(BUILD)/tests/mkimage/test_cli: tests/mkimage/test_cli.sh \
		$(BUILD)/tests/mkimage/mkimage-san $(BUILD)/mkimage \
		$(MKIMAGE_TEST_ELF) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	sed -e 's|@MKIMAGE@|$(abspath $(BUILD)/tests/mkimage/mkimage-san)|' \
	    -e 's|@MKIMAGE_REL@|$(abspath $(BUILD)/mkimage)|' \
	    -e 's|@ELF_DIR@|$(abspath $(BUILD)/tests/elf)|' \
	    -e 's|@SRC@|$(CURDIR)|' $< > $@.tmp
	chmod +x $@.tmp
	mv $@.tmp $@

# Boots the persist image under QEMU to get kernel-written generations.
$(BUILD)/tests/mkimage/test_gens: tests/mkimage/test_gens.sh \
		$(BUILD)/tests/mkimage/mkimage-san \
		$(BUILD)/images/test/persist.img | $(DEPS_STAMP)
	@mkdir -p $(@D)
	sed -e 's|@MKIMAGE@|$(abspath $(BUILD)/tests/mkimage/mkimage-san)|' \
	    -e 's|@PERSIST_IMG@|$(abspath $(BUILD)/images/test/persist.img)|' \
	    $< > $@.tmp
	chmod +x $@.tmp
	mv $@.tmp $@

TEST_DEPS	+= $(MKIMAGE_TESTS)
