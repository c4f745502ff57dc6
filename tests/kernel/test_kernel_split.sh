#!/bin/sh
# test_kernel_split - the production kernel holds no self-test code:
# no st_*/selftest*/__wrap_* symbol, no global symbol of an object only
# the test kernel links, no self-test string; the test kernel has every
# global of the production kernel (the same core objects); and each disk
# image holds the kernel it should (build/selftest.img the test kernel,
# every other image the production one). Generated from
# tests/kernel/test_kernel_split.sh by tests/kernel/rules.mk.

BUILD=@BUILD@
TEST_OBJS="@TEST_OBJS@"
SUITE=kernel_split
KERNEL=$BUILD/kernel/kernel.elf
KERNEL_BOOT=$BUILD/kernel/kernel-boot.elf
TEST_KERNEL=$BUILD/kernel/kernel-test.elf
TEST_KERNEL_BOOT=$BUILD/kernel/kernel-test-boot.elf
T=$(mktemp -d /tmp/kernel-split-XXXXXX)
trap 'rm -rf "$T"' EXIT
FAILED=0

echo "TEST PLAN $SUITE 5"
pass() { echo "TEST PASS $SUITE.$1"; }
fail() { echo "TEST FAIL $SUITE.$1: $2"; FAILED=1; }

# Every symbol (local ones too) of both production ELFs.
nm "$KERNEL" "$KERNEL_BOOT" 2>"$T/err" | awk 'NF >= 2 {print $NF}' |
    sort -u > "$T/prod"
[ -s "$T/prod" ] || echo "no symbols in $KERNEL: $(cat "$T/err")"

# 1. no self-test names, no link-time wrappers
grep -E '^(st_|selftest|__wrap_|__real_)' "$T/prod" > "$T/bad"
if [ -s "$T/prod" ] && [ ! -s "$T/bad" ]; then
	pass no_selftest_symbols
else
	fail no_selftest_symbols "$(head -5 "$T/bad" | tr '\n' ' ')"
fi

# 2. nothing the test-only objects define (kjmp_*, probe_*, trap_catch_*),
# but the kernel_main each kernel has its own of (kernel/init.h)
nm -g --defined-only $TEST_OBJS 2>"$T/err" | awk 'NF == 3 {print $3}' |
    grep -v '^kernel_main$' | sort -u > "$T/testdefs"
comm -12 "$T/prod" "$T/testdefs" > "$T/bad"
if [ -s "$T/testdefs" ] && [ ! -s "$T/bad" ]; then
	pass no_test_object_symbols
else
	fail no_test_object_symbols "$(cat "$T/err"; head -5 "$T/bad" | tr '\n' ' ')"
fi

# 3. no self-test text (the runner's protocol lines, its messages)
if [ -s "$T/prod" ] && ! grep -q -a -E 'TEST (PLAN|PASS|FAIL|DONE)|selftest' \
    "$KERNEL_BOOT"; then
	pass no_selftest_strings
else
	fail no_selftest_strings "$(grep -a -o -E '[ -~]*(TEST (PLAN|PASS)|selftest)[ -~]*' \
	    "$KERNEL_BOOT" | head -3 | tr '\n' ' ')"
fi

# 4. the test kernel is the production kernel's core plus the tests
nm -g --defined-only "$KERNEL" | awk 'NF == 3 {print $3}' | sort -u > "$T/pg"
nm -g --defined-only "$TEST_KERNEL" | awk 'NF == 3 {print $3}' | sort -u > "$T/tg"
comm -23 "$T/pg" "$T/tg" > "$T/bad"
if [ -s "$T/pg" ] && [ ! -s "$T/bad" ] && grep -q '^st_suites_start$' "$T/tg"; then
	pass test_kernel_has_core
else
	fail test_kernel_has_core "missing from the test kernel: $(head -5 "$T/bad" | tr '\n' ' ')"
fi

# 5. build/selftest.img boots the test kernel, every other image the
# production kernel
if python3 - "$KERNEL_BOOT" "$TEST_KERNEL_BOOT" "$BUILD/selftest.img" \
    "$BUILD/default.img" "$BUILD/bench.img" "$BUILD"/images/test/*.img \
    > "$T/out" 2>&1 <<'EOF2'
import sys
prod = open(sys.argv[1], "rb").read()
test = open(sys.argv[2], "rb").read()
bad = []
for i, path in enumerate(sys.argv[3:]):
    data = open(path, "rb").read()
    want, other = (test, prod) if i == 0 else (prod, test)
    if want not in data or other in data:
        bad.append(path)
print("images with the wrong kernel: %s (of %d)" % (bad, len(sys.argv) - 3))
sys.exit(1 if bad or len(sys.argv) < 6 else 0)
EOF2
then
	pass images_boot_right_kernel
else
	fail images_boot_right_kernel "$(tail -1 "$T/out")"
fi

echo "TEST DONE $SUITE"
exit $FAILED
