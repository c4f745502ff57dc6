# Makefile - the one entry point: make, make run, make test, make bench,
# make debug, make clean. Each part adds its rules in its own rules.mk;
# everything is built under $(BUILD).

BUILD		?= build
QEMU		?= qemu-system-x86_64
PYTHON		?= python3
DISPLAY_MODE	?= auto		# auto | gui | none (see README)

# Toolchain flags. Kernel code is freestanding, higher half, no SSE.
WARN		:= -Wall -Wextra -Werror
KERNEL_CFLAGS	:= $(WARN) -std=c11 -O2 -g -ffreestanding -fno-builtin \
		   -fno-stack-protector -fno-pic -fno-pie -mcmodel=kernel \
		   -mno-red-zone -mgeneral-regs-only -fno-omit-frame-pointer \
		   -fno-asynchronous-unwind-tables -Iinclude -Ikernel -MMD -MP
HOST_CFLAGS	:= $(WARN) -std=c11 -O1 -g -D_GNU_SOURCE -Iinclude -MMD -MP
HOST_SANITIZE	:= -fsanitize=address,undefined -fno-omit-frame-pointer \
		   -fno-sanitize-recover=all

# Each rules.mk appends what it builds to ALL and its test drivers to
# TEST_DEPS.
DEPS_STAMP	:= $(BUILD)/.deps-ok
ALL		:=
TEST_DEPS	:=

.PHONY: all run test bench debug clean deps
all: deps-ok

include boot/rules.mk
include lib/rules.mk
include kernel/rules.mk
include mkimage/rules.mk
include images/rules.mk
include tests/rules.mk

all: $(ALL)

# Build tools come from Debian packages. A missing one is installed once,
# with a message; the stamp records that the check passed.
DEPS_CMDS	:= nasm:nasm $(QEMU):qemu-system-x86 gdb:gdb gcc:gcc ld:binutils \
		   python3:python3 sqlite3:sqlite3
DEPS_HEADERS	:= /usr/include/sqlite3.h:libsqlite3-dev

.PHONY: deps-ok
deps-ok: $(DEPS_STAMP)
$(DEPS_STAMP): Makefile
	@missing=""; \
	for pair in $(DEPS_CMDS); do \
		command -v $${pair%%:*} >/dev/null 2>&1 || missing="$$missing $${pair#*:}"; \
	done; \
	for pair in $(DEPS_HEADERS); do \
		[ -e $${pair%%:*} ] || missing="$$missing $${pair#*:}"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "deps: installing Debian packages:$$missing"; \
		sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
		$$sudo apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq \
			--no-install-recommends $$missing || \
			{ echo "deps: could not install:$$missing" >&2; exit 1; }; \
	fi
	@mkdir -p $(@D) && touch $@

deps: deps-ok

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
