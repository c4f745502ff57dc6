# tests/fuzz/rules.mk - libFuzzer harnesses (clang, ASan + UBSan) for the
# parsers of untrusted input, and the runs:
#   make fuzz-smoke	replay every saved input, then fuzz each target
#			briefly (FUZZ_SMOKE_SECONDS in all); part of make test
#   make fuzz		the long run: FUZZ_SECONDS per target (default 600)
# Both print the test protocol (suite "fuzz") through tests/fuzz/run.sh.

DEPS_CMDS	+= clang:clang

FUZZ_DIR	:= $(BUILD)/fuzz
FUZZ_CC		:= clang
FUZZ_CFLAGS	:= $(WARN) -std=c11 -O1 -g -D_GNU_SOURCE -Iinclude -I. \
		   -fsanitize=fuzzer,address,undefined \
		   -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_SECONDS	?= 600
FUZZ_SMOKE_SECONDS ?= 24

# Each target: its harness's sources and headers, and the corpus
# directories (beyond tests/fuzz/corpus/<target>) it replays and starts from.
FUZZ_ELF_SRCS	:= tests/fuzz/fuzz_elf.c mkimage/elf.c mkimage/elf_sym.c \
		   mkimage/reloc.c
FUZZ_ELF_HDRS	:= mkimage/elf.h mkimage/elf_priv.h
FUZZ_ELF_DIRS	:= $(BUILD)/tests/elf:$(BUILD)/tests/elf/bad

FUZZ_TARGETS	:= elf=$(FUZZ_ELF_DIRS)
FUZZ_BINS	:= $(FUZZ_DIR)/fuzz_elf

$(FUZZ_DIR)/fuzz_elf: $(FUZZ_ELF_SRCS) $(FUZZ_ELF_HDRS) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(FUZZ_ELF_SRCS)

FUZZ_RUN	= sh tests/fuzz/run.sh $(BUILD)

.PHONY: fuzz fuzz-smoke fuzz-bins
fuzz-bins: $(FUZZ_BINS)

fuzz-smoke: $(FUZZ_BINS) $(BUILD)/tests/elf/bad/expected.txt | $(DEPS_STAMP)
	@$(FUZZ_RUN) $$(($(FUZZ_SMOKE_SECONDS) / $(words $(FUZZ_TARGETS)))) \
		$(FUZZ_TARGETS)

fuzz: $(FUZZ_BINS) $(BUILD)/tests/elf/bad/expected.txt | $(DEPS_STAMP)
	@$(FUZZ_RUN) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

TEST_DEPS	+= $(FUZZ_BINS)
