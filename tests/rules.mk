# tests/rules.mk - make test: every host and guest suite, one summary line.

include tests/elf/rules.mk
include tests/kernel/rules.mk
include tests/fuzz/rules.mk
include tests/bench/rules.mk

.PHONY: test
test: all $(TEST_DEPS) | $(DEPS_STAMP)
	$(PYTHON) tests/run_tests.py --build $(BUILD)
