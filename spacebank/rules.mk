# spacebank/rules.mk - the space bank (docs/spacebank.md), a user
# program linked by the runtime's USER_PROG rule (lib/user/rules.mk).

SPACEBANK_OUT	:= $(BUILD)/spacebank

$(eval $(call USER_PROG,$(SPACEBANK_OUT)/spacebank.elf,\
	spacebank/main.c spacebank/bank.c spacebank/alloc.c \
	spacebank/segment.c))

ALL		+= $(SPACEBANK_OUT)/spacebank.elf
