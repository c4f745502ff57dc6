# keepers/rules.mk - user-level keepers (user programs; the runtime's
# USER_PROG rule from lib/user/rules.mk links them). docs/keepers.md.

KEEPERS_OUT	:= $(BUILD)/keepers

# vcopy: the virtual-copy keeper; over no background it is the
# demand-zero keeper the tests and the benchmark use.
$(eval $(call USER_PROG,$(KEEPERS_OUT)/vcopy.elf,\
	keepers/vcopy.c keepers/vc_tree.c keepers/spacewalk.c))

ALL		+= $(KEEPERS_OUT)/vcopy.elf

# prockeep: the process keeper (fault reports with symbols, policies).
$(eval $(call USER_PROG,$(KEEPERS_OUT)/prockeep.elf,\
	keepers/prockeep.c keepers/pk_report.c keepers/spacewalk.c))

ALL		+= $(KEEPERS_OUT)/prockeep.elf

# ctor: the constructor, its instances' virtual-copy keeper (vc_tree.c
# built through ctor_vc.c with a smaller node table per instance).
$(eval $(call USER_PROG,$(KEEPERS_OUT)/ctor.elf,\
	keepers/ctor.c keepers/ctor_create.c keepers/ctor_vc.c \
	keepers/pk_report.c keepers/spacewalk.c))

ALL		+= $(KEEPERS_OUT)/ctor.elf
