# kernel/rules.mk - the kernel: C in kernel/ and kernel/selftest/, arch
# code and assembly in kernel/x86_64/, plus lib/'s freestanding files,
# linked by kernel/kernel.ld.
#
# kernel.elf keeps full debug info (for gdb); kernel-boot.elf is the same
# image without it, for disk images.

KERNEL_ELF	:= $(BUILD)/kernel/kernel.elf
KERNEL_BOOT_ELF	:= $(BUILD)/kernel/kernel-boot.elf
KERNEL_OBJDIR	:= $(BUILD)/kernel/obj

KERNEL_SRCS	:= $(sort $(wildcard kernel/*.c kernel/selftest/*.c \
		   kernel/inv/*.c kernel/dev/*.c \
		   kernel/x86_64/*.c kernel/x86_64/*.S)) $(LIB_KERNEL_SRCS)
KERNEL_OBJS	:= $(patsubst %,$(KERNEL_OBJDIR)/%.o,$(basename $(KERNEL_SRCS)))
KERNEL_LDFLAGS	:= -nostdlib -T kernel/kernel.ld -z max-page-size=0x1000 \
		   --build-id=none

$(KERNEL_OBJDIR)/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(KERNEL_CFLAGS) $(KERNEL_EXTRA_CFLAGS) -c $< -o $@

$(KERNEL_OBJDIR)/%.o: %.S | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(KERNEL_CFLAGS) -c $< -o $@

$(KERNEL_ELF): $(KERNEL_OBJS) kernel/kernel.ld | $(DEPS_STAMP)
	$(LD) $(KERNEL_LDFLAGS) -o $@ $(KERNEL_OBJS)

$(KERNEL_BOOT_ELF): $(KERNEL_ELF) | $(DEPS_STAMP)
	strip --strip-debug -o $@ $<

ALL		+= $(KERNEL_ELF) $(KERNEL_BOOT_ELF)
