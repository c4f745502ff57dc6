# tests/rules.mk - make test: every host and guest suite, one summary line.

.PHONY: test
test: all $(TEST_DEPS) | $(DEPS_STAMP)
	$(PYTHON) tests/run_tests.py --build $(BUILD)
