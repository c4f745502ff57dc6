# tests/bench/rules.mk - make bench and make bench-smoke: our benchmark
# image beside a Linux guest (Debian's own kernel, our static /init) under
# the same QEMU settings. See docs/bench.md.
#
# Include after images/rules.mk: once a rule for $(BUILD)/bench.img adds it
# to ALL, make bench builds it first; until then our rows read
# "not built yet".

BENCH_LINUX	:= $(BUILD)/bench/linux
BENCH_INIT_SRC	:= $(wildcard tests/bench/linux/*.c)
BENCH_INIT_OBJ	:= $(patsubst tests/bench/linux/%.c,$(BENCH_LINUX)/obj/%.o,\
		   $(BENCH_INIT_SRC))
BENCH_INIT	:= $(BENCH_LINUX)/init
BENCH_KERNEL	:= $(BENCH_LINUX)/kernel.txt
BENCH_INITRAMFS	:= $(BENCH_LINUX)/initramfs.cpio
BENCH_OURS	:= $(filter $(BUILD)/bench.img $(BUILD)/bench-resume.img \
		   $(BUILD)/bench-oversub.img,$(ALL))
BENCH_ARGS	?=

TEST_DEPS	+= $(BENCH_INITRAMFS)

.PHONY: bench bench-smoke bench-linux

# /init runs on Linux, so it is built as a static host program (glibc).
$(BENCH_LINUX)/obj/%.o: tests/bench/linux/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -O2 -c -o $@ $<

$(BENCH_INIT): $(BENCH_INIT_OBJ) | $(DEPS_STAMP)
	$(CC) -static -o $@ $(BENCH_INIT_OBJ)

# Debian's kernel package: downloaded once into $(BENCH_LINUX) and kept
# there (make clean removes it); never installed on the host.
$(BENCH_KERNEL): tests/bench/fetch_linux.py tests/bench/kmod.py \
		| $(DEPS_STAMP)
	$(PYTHON) tests/bench/fetch_linux.py $(BENCH_LINUX)

$(BENCH_INITRAMFS): $(BENCH_INIT) $(BENCH_KERNEL) tests/bench/mkinitramfs.py \
		| $(DEPS_STAMP)
	$(PYTHON) tests/bench/mkinitramfs.py $@ $(BENCH_INIT) \
		$(BENCH_LINUX)/modules

bench-linux: $(BENCH_INITRAMFS)

bench: $(BENCH_INITRAMFS) $(BENCH_OURS) | $(DEPS_STAMP)
	$(PYTHON) tests/bench/bench.py --build $(BUILD) $(BENCH_ARGS)

bench-smoke: $(BENCH_INITRAMFS) $(BENCH_OURS) | $(DEPS_STAMP)
	$(PYTHON) tests/bench/bench.py --build $(BUILD) --smoke
