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
