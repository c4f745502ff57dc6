# tests/rules.mk - make test: every host and guest suite, one summary line.

include tests/elf/rules.mk
include tests/kernel/rules.mk
include tests/fuzz/rules.mk
include tests/bench/rules.mk

.PHONY: test
test: all $(TEST_DEPS) | $(DEPS_STAMP)
	$(PYTHON) tests/run_tests.py --build $(BUILD)

# make crashtest: boot every crash state of a recorded checkpoint run
# (tests/harness/crash.py); `make test` boots a sample of them.
.PHONY: crashtest
crashtest: all | $(DEPS_STAMP)
	$(PYTHON) tests/harness/crash.py --build $(BUILD) --all

# make test-slstore-full: the slstore suite at issue 11's size, 256 MiB
# programs in a 128 MiB guest (`make test` runs 64 MiB in 32 MiB).
.PHONY: test-slstore-full
test-slstore-full: all | $(DEPS_STAMP)
	$(PYTHON) tests/harness/slstore.py --build $(BUILD) --full
