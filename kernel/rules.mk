# kernel/rules.mk - two kernels linked by kernel/kernel.ld from the same
# core objects (C in kernel/, kernel/inv/, kernel/dev/, arch code and
# assembly in kernel/x86_64/, plus lib/'s freestanding files):
#
#   kernel.elf       the production kernel: core + main.c, whose
#                    kernel_main starts the store's processes. Every disk
#                    image a user boots, and every user-level test image,
#                    holds this one.
#   kernel-test.elf  the test kernel: core + the self-tests
#                    (kernel/selftest/*.c, kernel/x86_64/st_*.S), whose
#                    kernel_main (selftest.c) runs them. Only
#                    build/selftest.img holds it.
#
# The production kernel has no self-test code and no test hooks: what the
# tests must intercept in the core they intercept at link time, with ld
# --wrap on the functions in KERNEL_TEST_WRAPS (each caller and callee in
# different files, as --wrap needs; the wrappers are in kernel/selftest/).
# tests/kernel/test_kernel_split.sh checks the production kernel for
# self-test symbols.
#
# kernel.elf and kernel-test.elf keep full debug info (for gdb);
# kernel-boot.elf and kernel-test-boot.elf are the same images without
# it, for disk images.

KERNEL_ELF	:= $(BUILD)/kernel/kernel.elf
KERNEL_BOOT_ELF	:= $(BUILD)/kernel/kernel-boot.elf
KERNEL_TEST_ELF	:= $(BUILD)/kernel/kernel-test.elf
KERNEL_TEST_BOOT_ELF := $(BUILD)/kernel/kernel-test-boot.elf
KERNEL_OBJDIR	:= $(BUILD)/kernel/obj

KERNEL_ALL_SRCS	:= $(sort $(wildcard kernel/*.c kernel/store/*.c kernel/inv/*.c kernel/dev/*.c \
		   kernel/x86_64/*.c kernel/x86_64/*.S)) $(LIB_KERNEL_SRCS)
KERNEL_TEST_SRCS := $(sort $(wildcard kernel/selftest/*.c \
		   kernel/x86_64/st_*.S))
KERNEL_MAIN_SRCS := kernel/main.c
KERNEL_CORE_SRCS := $(filter-out $(KERNEL_TEST_SRCS) $(KERNEL_MAIN_SRCS), \
		   $(KERNEL_ALL_SRCS))

kernel_objs	= $(patsubst %,$(KERNEL_OBJDIR)/%.o,$(basename $(1)))
KERNEL_CORE_OBJS := $(call kernel_objs,$(KERNEL_CORE_SRCS))
KERNEL_OBJS	:= $(KERNEL_CORE_OBJS) $(call kernel_objs,$(KERNEL_MAIN_SRCS))
KERNEL_TEST_OBJS := $(KERNEL_CORE_OBJS) $(call kernel_objs,$(KERNEL_TEST_SRCS))

KERNEL_LDFLAGS	:= -nostdlib -T kernel/kernel.ld -z max-page-size=0x1000 \
		   --build-id=none
# Core functions the test kernel interposes on (__wrap_NAME in
# kernel/selftest/; __real_NAME is the core's): the idle step of the
# scheduler (st_user.c), the virtio doorbell and the TSC frequency, for
# a hung disk (st_blk.c), and exception dispatch, for trap catches
# (st_catch.c).
KERNEL_TEST_WRAPS := timer_idle virtio_pci_notify timer_tsc_hz trap_dispatch

$(KERNEL_OBJDIR)/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(KERNEL_CFLAGS) $(KERNEL_EXTRA_CFLAGS) -c $< -o $@

$(KERNEL_OBJDIR)/%.o: %.S | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(KERNEL_CFLAGS) -c $< -o $@

$(KERNEL_ELF): $(KERNEL_OBJS) kernel/kernel.ld | $(DEPS_STAMP)
	$(LD) $(KERNEL_LDFLAGS) -o $@ $(KERNEL_OBJS)

$(KERNEL_TEST_ELF): $(KERNEL_TEST_OBJS) kernel/kernel.ld | $(DEPS_STAMP)
	$(LD) $(KERNEL_LDFLAGS) $(KERNEL_TEST_WRAPS:%=--wrap=%) -o $@ \
		$(KERNEL_TEST_OBJS)

$(BUILD)/kernel/%-boot.elf: $(BUILD)/kernel/%.elf | $(DEPS_STAMP)
	strip --strip-debug -o $@ $<

ALL		+= $(KERNEL_ELF) $(KERNEL_BOOT_ELF) $(KERNEL_TEST_ELF) \
		   $(KERNEL_TEST_BOOT_ELF)
