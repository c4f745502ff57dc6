# tests/fuzz/rules.mk - libFuzzer harnesses (clang, ASan + UBSan) for the
# parsers of untrusted input, and the runs:
#   make fuzz-smoke	replay every saved input, then fuzz each target
#			briefly (FUZZ_SMOKE_SECONDS in all); part of make test
#   make fuzz		the long run: FUZZ_SECONDS per target (default 600)
# Both print the test protocol (suite "fuzz") through tests/fuzz/run.sh.
# Targets: elf (mkimage/elf.h) and image (mki_fuzz_image(), decode.h).

# clang, and its fuzzer and sanitizer runtimes (only recommended by clang).
DEPS_CMDS	+= clang:clang
DEPS_HEADERS	+= /usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a:libclang-rt-14-dev

FUZZ_DIR	:= $(BUILD)/fuzz
FUZZ_CC		:= clang
FUZZ_SAN	:= -fsanitize=address,undefined -fno-sanitize-recover=all \
		   -fno-omit-frame-pointer
FUZZ_CFLAGS	:= $(WARN) -std=c11 -O1 -g -D_GNU_SOURCE -Iinclude -I. -MMD -MP
FUZZ_SECONDS	?= 600
FUZZ_SMOKE_SECONDS ?= 24

# mkimage's sources (all but main.c), instrumented for coverage.
FUZZ_LIB_SRCS	:= $(filter-out mkimage/main.c,$(wildcard mkimage/*.c)) \
		   $(LIB_STORE_SRCS)
FUZZ_OBJ	= $(patsubst %.c,$(FUZZ_DIR)/obj/%.o,$(1))

$(FUZZ_DIR)/obj/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer-no-link \
		-c -o $@ $<

# Harness + the objects it tests; -lsqlite3 for the image target.
$(FUZZ_DIR)/fuzz_%: $(FUZZ_DIR)/obj/tests/fuzz/fuzz_%.o | $(DEPS_STAMP)
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ $(FUZZ_LIBS_$*)

$(FUZZ_DIR)/fuzz_elf: $(call FUZZ_OBJ,mkimage/elf.c mkimage/elf_sym.c \
		mkimage/reloc.c)
$(FUZZ_DIR)/fuzz_image: $(call FUZZ_OBJ,$(FUZZ_LIB_SRCS))
FUZZ_LIBS_image	:= -lsqlite3

# Seed images for the image target: built by mkimage from
# tests/fuzz/images/*.mki with stand-in boot files (the real stage 1 and 2,
# a tiny program as the kernel) and the ELF corpus as programs, then made
# sparse by img2seed.py.
FUZZ_STUB	:= $(FUZZ_DIR)/bootstub
FUZZ_STUBS	:= $(FUZZ_STUB)/boot/stage1.bin $(FUZZ_STUB)/boot/stage2.bin \
		   $(FUZZ_STUB)/kernel/kernel-boot.elf
FUZZ_IMG_SEEDS	:= $(FUZZ_DIR)/seeds/image
FUZZ_IMG_MKI	:= $(wildcard tests/fuzz/images/*.mki)
FUZZ_IMG_FILES	:= $(patsubst tests/fuzz/images/%.mki,$(FUZZ_IMG_SEEDS)/%.fix,\
		   $(FUZZ_IMG_MKI))

$(FUZZ_STUB)/boot/%.bin: $(BUILD)/boot/%.bin
	@mkdir -p $(@D)
	cp $< $@

$(FUZZ_STUB)/kernel/kernel-boot.elf: $(BUILD)/tests/elf/compact.elf
	@mkdir -p $(@D)
	cp $< $@

$(FUZZ_DIR)/images/%.img: tests/fuzz/images/%.mki $(BUILD)/mkimage \
		$(FUZZ_STUBS) $(ELF_VALID) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	SOURCE_DATE_EPOCH=1700000000 $(BUILD)/mkimage build $< -o $@ \
		--boot-dir $(FUZZ_STUB) --root $(abspath $(BUILD)/tests/elf) \
		>/dev/null

$(FUZZ_IMG_SEEDS)/%.fix: $(FUZZ_DIR)/images/%.img tests/fuzz/img2seed.py \
		| $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(PYTHON) tests/fuzz/img2seed.py $< $@ $(@:.fix=.raw)

# Keep the chain's middle files (objects, images, stubs) for rebuilds.
.PRECIOUS: $(FUZZ_DIR)/obj/%.o $(FUZZ_DIR)/images/%.img $(FUZZ_STUB)/boot/%.bin

# What run.sh runs: target[/largest input]=corpus directories.
FUZZ_TARGETS	:= elf=$(BUILD)/tests/elf:$(BUILD)/tests/elf/bad \
		   image/262144=$(FUZZ_IMG_SEEDS)
FUZZ_BINS	:= $(FUZZ_DIR)/fuzz_elf $(FUZZ_DIR)/fuzz_image
FUZZ_INPUTS	:= $(BUILD)/tests/elf/bad/expected.txt $(FUZZ_IMG_FILES)
FUZZ_RUN	= sh tests/fuzz/run.sh $(BUILD)

.PHONY: fuzz fuzz-smoke fuzz-bins
fuzz-bins: $(FUZZ_BINS)

fuzz-smoke: $(FUZZ_BINS) $(FUZZ_INPUTS) | $(DEPS_STAMP)
	@$(FUZZ_RUN) $$(($(FUZZ_SMOKE_SECONDS) / $(words $(FUZZ_TARGETS)))) \
		$(FUZZ_TARGETS)

fuzz: $(FUZZ_BINS) $(FUZZ_INPUTS) | $(DEPS_STAMP)
	@$(FUZZ_RUN) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

TEST_DEPS	+= $(FUZZ_BINS) $(FUZZ_INPUTS)
