# tests/elf/rules.mk - the ELF corpus (valid programs built here with gcc
# and ld, malformed ones made from them by mkbad.py) and the host test of
# mkimage's ELF reader, build/tests/mkimage/test_elf.

ELF_DIR		:= $(BUILD)/tests/elf
ELF_CC		:= gcc -O1 -ffreestanding -fno-stack-protector \
		   -fno-asynchronous-unwind-tables -nostdlib $(WARN)
ELF_STATIC	:= -fno-pie -no-pie -static
ELF_PIE		:= -fPIE -static-pie
ELF_SHARED	:= -fPIC -shared -Wl,-e,_start

# Valid programs, each read by test_elf.c by name.
ELF_VALID	:= $(addprefix $(ELF_DIR)/,static.elf compact.elf pie.elf \
		   pie_relr.elf sym.elf big.elf high.elf)
# Programs the linker makes wrong for us (mkbad.py lists them too).
ELF_NATURAL	:= $(addprefix $(ELF_DIR)/,plt.elf interp.elf object.elf)
ELF_BAD_LIST	:= $(ELF_DIR)/bad/expected.txt
ELF_CORPUS	:= $(ELF_VALID) $(ELF_NATURAL) $(ELF_BAD_LIST)

$(ELF_DIR)/static.elf: tests/elf/prog.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(ELF_CC) $(ELF_STATIC) -o $@ $<

# No separate code pages and no build id: a small file, a good fuzz seed.
$(ELF_DIR)/compact.elf: tests/elf/prog.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(ELF_CC) $(ELF_STATIC) -Wl,-z,noseparate-code -Wl,--build-id=none \
		-o $@ $<

$(ELF_DIR)/pie.elf: tests/elf/prog.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(ELF_CC) $(ELF_PIE) -o $@ $<

$(ELF_DIR)/pie_relr.elf: tests/elf/prog.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(ELF_CC) $(ELF_PIE) -Wl,-z,pack-relative-relocs -o $@ $<

$(ELF_DIR)/sym.elf: tests/elf/prog_sym.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(ELF_CC) $(ELF_SHARED) -o $@ $<

$(ELF_DIR)/big.elf: tests/elf/prog_big.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(ELF_CC) $(ELF_STATIC) -o $@ $<

# Linked in the upper canonical half, as the kernel is.
$(ELF_DIR)/high.elf: tests/elf/prog.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(ELF_CC) $(ELF_STATIC) -mcmodel=kernel -mno-red-zone \
		-Wl,-Ttext-segment=0xffffffff80000000 -o $@ $<

$(ELF_DIR)/plt.elf: tests/elf/prog_plt.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(ELF_CC) $(ELF_SHARED) -o $@ $<

$(ELF_DIR)/interp.elf: tests/elf/prog.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(ELF_CC) -fPIE -pie -o $@ $<

$(ELF_DIR)/object.elf: tests/elf/prog.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(ELF_CC) -c -o $@ $<

$(ELF_BAD_LIST): tests/elf/mkbad.py $(ELF_DIR)/static.elf $(ELF_DIR)/pie.elf \
		$(ELF_DIR)/sym.elf $(ELF_NATURAL) | $(DEPS_STAMP)
	$(PYTHON) tests/elf/mkbad.py $(ELF_DIR)

# The reader's own objects, built with sanitizers for the tests.
ELF_SRCS	:= mkimage/elf.c mkimage/elf_sym.c mkimage/reloc.c
ELF_TEST_OBJS	:= $(patsubst mkimage/%.c,$(BUILD)/tests/elf-obj/%.o,\
		   $(ELF_SRCS))

$(BUILD)/tests/elf-obj/%.o: mkimage/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	gcc $(HOST_CFLAGS) $(HOST_SANITIZE) -c -o $@ $<

$(BUILD)/tests/elf-obj/test_%.o: tests/mkimage/test_%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	gcc $(HOST_CFLAGS) $(HOST_SANITIZE) -I. \
		-DELF_CORPUS_DIR='"$(abspath $(ELF_DIR))"' -c -o $@ $<

# Test programs: suites "elf" (valid programs) and "elf_bad".
ELF_TESTS	:= $(BUILD)/tests/mkimage/test_elf \
		   $(BUILD)/tests/mkimage/test_elf_bad

$(ELF_TESTS): $(BUILD)/tests/mkimage/%: $(BUILD)/tests/elf-obj/%.o \
		$(ELF_TEST_OBJS) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	gcc $(HOST_SANITIZE) -o $@ $^

TEST_DEPS	+= $(ELF_CORPUS) $(ELF_TESTS)

.PHONY: elf-corpus
elf-corpus: $(ELF_CORPUS)
