# mkimage/rules.mk - the host tool mkimage (C + libsqlite3), and a
# sanitizer build of the same sources that the tests drive.

MKIMAGE_SRCS	:= $(wildcard mkimage/*.c) $(LIB_STORE_SRCS)
MKIMAGE_OBJS	:= $(patsubst %.c,$(BUILD)/mkimage-obj/%.o,$(MKIMAGE_SRCS))
MKIMAGE_SAN_OBJS := $(patsubst %.c,$(BUILD)/mkimage-san/%.o,$(MKIMAGE_SRCS))
MKIMAGE_LIBS	:= -lsqlite3

# Everything but main(): what the tests and the fuzz harness link.
MKIMAGE_LIB_SAN_OBJS := $(filter-out %/mkimage/main.o,$(MKIMAGE_SAN_OBJS))

$(BUILD)/mkimage-obj/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -c -o $@ $<

$(BUILD)/mkimage-san/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(HOST_SANITIZE) -c -o $@ $<

$(BUILD)/mkimage: $(MKIMAGE_OBJS) | $(DEPS_STAMP)
	$(CC) -o $@ $^ $(MKIMAGE_LIBS)

# mkimage with ASan/UBSan, for tests that run the tool on bad input.
$(BUILD)/tests/mkimage/mkimage-san: $(MKIMAGE_SAN_OBJS) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(HOST_SANITIZE) -o $@ $^ $(MKIMAGE_LIBS)

ALL		+= $(BUILD)/mkimage

include tests/mkimage/rules.mk
