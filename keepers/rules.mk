# keepers/rules.mk - user-level keepers (user programs; the runtime's
# USER_PROG rule from lib/user/rules.mk links them).

KEEPERS_OUT	:= $(BUILD)/keepers

# dzero: the demand-zero keeper (tests and the benchmark use it).
$(eval $(call USER_PROG,$(KEEPERS_OUT)/dzero.elf,\
	keepers/dzero.c keepers/dz_tree.c))

ALL		+= $(KEEPERS_OUT)/dzero.elf
