#!/bin/sh
# test_cli - mkimage as a user runs it (the sanitizer build): --help on
# every command, usage errors, build + inspect (text, --json parsed by
# python3, --dot, --sql) + verify, verify failing on a flipped byte
# naming its block, a program with 64 MiB of initialized data (image
# size must stay close to the data), --kernel choosing the kernel, sizes
# refused before the work (under a memory limit), and a 100,000-line
# description. Generated from tests/mkimage/test_cli.sh.

MKIMAGE=@MKIMAGE@
# The release build, for runs under "ulimit -v" (ASan reserves terabytes
# of address space).
MKIMAGE_REL=@MKIMAGE_REL@
ELF_DIR=@ELF_DIR@
SRC=@SRC@
SUITE=mkimage_cli
T=$(mktemp -d /tmp/mkimage-cli-XXXXXX)
trap 'rm -rf "$T"' EXIT
FAILED=0

echo "TEST PLAN $SUITE 12"
pass() { echo "TEST PASS $SUITE.$1"; }
fail() { echo "TEST FAIL $SUITE.$1: $2"; FAILED=1; }

# Stand-in boot files: mkimage copies them, it does not run them.
mkdir -p "$T/boot" "$T/kernel"
python3 -c "import sys; sys.stdout.buffer.write(b'\xeb\xfe' + bytes(508) + b'\x55\xaa')" > "$T/boot/stage1.bin"
head -c 3000 /dev/zero | tr '\0' 'S' > "$T/boot/stage2.bin"
head -c 9000 /dev/zero | tr '\0' 'K' > "$T/kernel/kernel-boot.elf"

# 1. --help on every command
ok=1
for c in "" build inspect verify; do
	$MKIMAGE $c --help > "$T/help" 2>&1 || ok=0
	grep -q "usage: mkimage" "$T/help" || ok=0
done
[ $ok = 1 ] && pass help || fail help "a --help failed or printed no usage"

# 2. usage errors exit 2, a bad file exits 1 with a message
$MKIMAGE frob > /dev/null 2>&1; a=$?
$MKIMAGE build > /dev/null 2>&1; b=$?
$MKIMAGE inspect "$T/boot/stage2.bin" > /dev/null 2> "$T/err"; c=$?
if [ $a = 2 ] && [ $b = 2 ] && [ $c = 1 ] && grep -q "no MBR" "$T/err"; then
	pass usage_errors
else
	fail usage_errors "exit codes $a $b $c: $(cat "$T/err")"
fi

# 3. build
cat > "$T/t.mki" <<EOF2
cmdline "cli test"
store 8M
bank prime
program hello "pie.elf"
endpoint ep recipient p1
process p1 program hello
  cap 0 kernlog
  cap 1 entry ep payload 5
EOF2
if $MKIMAGE build "$T/t.mki" -o "$T/t.img" --boot-dir "$T" --root "$ELF_DIR" \
    > "$T/out" 2>&1 && [ -f "$T/t.db" ] && grep -q "add-symbol-file $ELF_DIR/pie.elf -o 0x" "$T/t.gdb"; then
	pass build
else
	fail build "$(cat "$T/out")"
fi

# 4. inspect text
if $MKIMAGE inspect "$T/t.img" > "$T/out" 2>&1 && grep -q "p1 .*hello .*running .*_start" "$T/out" &&
    grep -q "bank 1 .*prime" "$T/out" && grep -q "stack" "$T/out"; then
	pass inspect_text
else
	fail inspect_text "$(head -c 400 "$T/out")"
fi

# 5. inspect --json parses; --sql; --dot
if $MKIMAGE inspect "$T/t.img" --json | python3 -m json.tool > /dev/null &&
    [ "$($MKIMAGE inspect "$T/t.img" --sql "select count(*) from processes")" = 1 ] &&
    $MKIMAGE inspect "$T/t.img" --sql "select * from caps" --json | python3 -m json.tool > /dev/null &&
    $MKIMAGE inspect "$T/t.img" --dot | head -1 | grep -q "^digraph caps"; then
	pass inspect_json_sql_dot
else
	fail inspect_json_sql_dot "json, sql or dot output wrong"
fi

# 6. verify passes
if $MKIMAGE verify "$T/t.img" > "$T/out" 2>&1 && grep -q ": ok" "$T/out"; then
	pass verify_good
else
	fail verify_good "$(cat "$T/out")"
fi

# 7. a flipped byte in a used store block fails verify, naming the block;
# in slot 2, the slot generation 2's commit writes, verify passes and
# notes it (a commit cut short leaves such a slot)
lba=$(python3 -c "import struct; d=open('$T/t.img','rb').read(); print(struct.unpack('<I', d[470:474])[0])")
used=$($MKIMAGE inspect "$T/t.img" --sql "select used_blocks from generations where current")
ok=1
for b in $(seq 1 $((used - 1))); do
	cp "$T/t.img" "$T/bad.img"
	python3 - "$T/bad.img" $((lba * 512 + b * 4096 + (b * 733) % 4096)) <<'EOF2'
import sys
f = open(sys.argv[1], 'r+b'); f.seek(int(sys.argv[2])); c = f.read(1)
f.seek(int(sys.argv[2])); f.write(bytes([c[0] ^ 0x40])); f.close()
EOF2
	if [ $b = 2 ]; then
		$MKIMAGE verify "$T/bad.img" > "$T/out" 2>&1 &&
		    grep -q "note: block 2 (superblock slot 2)" "$T/out" ||
		    { ok=0; echo "slot 2 not noted:"; cat "$T/out"; break; }
		continue
	fi
	if $MKIMAGE verify "$T/bad.img" > "$T/out" 2>&1; then ok=0; echo "block $b: flip not detected"; break; fi
	grep -q "block $b " "$T/out" || { ok=0; echo "block $b not named:"; cat "$T/out"; break; }
done
[ $ok = 1 ] && pass verify_flip || fail verify_flip "see log"

# 8. inspect and verify survive a damaged image
cp "$T/t.img" "$T/bad.img"
python3 -c "
f = open('$T/bad.img', 'r+b'); f.seek($lba * 512 + 5 * 4096); f.write(b'\xff' * 4096); f.close()"
$MKIMAGE verify "$T/bad.img" > /dev/null 2>&1; v=$?
$MKIMAGE inspect "$T/bad.img" > /dev/null 2>&1; i=$?
if [ $v = 1 ] && [ $i -le 1 ]; then pass damaged; else fail damaged "verify $v inspect $i"; fi

# 9. 64 MiB of initialized data: size close to the data, build time
cat > "$T/big.S" <<'EOF2'
	.text
	.globl _start
_start:	jmp _start
	.data
	.globl blob
blob:	.incbin "blob.bin"
EOF2
python3 -c "
import random, sys
random.seed(1); sys.stdout.buffer.write(random.randbytes(64 << 20))" > "$T/blob.bin"
if (cd "$T" && gcc -nostdlib -static-pie -o big.elf big.S) 2> "$T/err"; then
	cat > "$T/big.mki" <<EOF2
store 80M
program big "$T/big.elf"
process b program big
EOF2
	start=$(date +%s%N)
	$MKIMAGE build "$T/big.mki" -o "$T/big.img" --boot-dir "$T" > "$T/out" 2>&1; rc=$?
	end=$(date +%s%N)
	used=$($MKIMAGE inspect "$T/big.img" --sql "select used_blocks from generations where current")
	mib=$((used * 4096 / 1048576))
	echo "big: build $(( (end - start) / 1000000 )) ms (sanitizer build), store $used blocks = $mib MiB for 64 MiB of data, sparse file $(du -k "$T/big.img" | cut -f1) KiB"
	if [ $rc = 0 ] && [ "$used" -gt 16384 ] && [ "$used" -lt $((16384 * 105 / 100)) ] &&
	    $MKIMAGE verify -q "$T/big.img"; then
		pass big_data
	else
		fail big_data "rc $rc, $used blocks for 16384 pages of data"
	fi
else
	fail big_data "could not assemble: $(cat "$T/err")"
fi

# 10. --kernel FILE goes into the boot partition instead of DIR's kernel;
# a missing one is an error naming it
head -c 5000 /dev/zero | tr '\0' 'Q' > "$T/other.elf"
$MKIMAGE build "$T/t.mki" -o "$T/k.img" --boot-dir "$T" --root "$ELF_DIR" \
    --kernel "$T/other.elf" > "$T/out" 2>&1; a=$?
$MKIMAGE build "$T/t.mki" -o "$T/k2.img" --boot-dir "$T" --root "$ELF_DIR" \
    --kernel "$T/none.elf" > "$T/out2" 2>&1; b=$?
if [ $a = 0 ] && [ $b = 1 ] && grep -q "none.elf" "$T/out2" && [ ! -e "$T/k2.img" ] &&
    python3 -c "
import sys; d = open('$T/k.img', 'rb').read()
sys.exit(0 if b'Q' * 5000 in d and b'K' * 9000 not in d else 1)"; then
	pass kernel_option
else
	fail kernel_option "exit $a $b: $(cat "$T/out" "$T/out2")"
fi

# 11. A size in the description is checked against the store before any
# page is made: a 1T segment, or a program with a 512 GiB BSS, fails at
# its line at once. Run under a 1 GiB address-space limit, so that a
# regression fails here instead of eating the machine's memory. The same
# program builds when a keeper supplies its BSS (no page is made for it).
cat > "$T/huge.S" <<'EOF2'
	.text
	.globl _start
_start:	jmp _start
	.bss
	.skip 1 << 39
EOF2
cat > "$T/huge.mki" <<EOF2
store 64M
segment big at 0x300000000000 size 1T
EOF2
cat > "$T/huge2.mki" <<EOF2
store 2T
segment big at 0x300000000000 size 1T
EOF2
cat > "$T/hugebss.mki" <<EOF2
program huge "$T/huge.elf"
process p program huge
EOF2
cat > "$T/keeper.mki" <<EOF2
program huge "$T/huge.elf"
endpoint k
process p program huge keeper k
EOF2
limited() { (ulimit -v 1048576; exec $MKIMAGE_REL build "$@" --boot-dir "$T"); }
# expect NAME.mki STATUS PATTERN: build under the limit, check status and stderr
expect() {
	limited "$T/$1.mki" -o "$T/h.img" > "$T/out" 2>&1; rc=$?
	if [ $rc != $2 ] || ! grep -q "$3" "$T/out"; then
		ok=0
		echo "$1: rc $rc: $(cat "$T/out")"
	fi
}
ok=1
expect huge 1 "huge.mki:2: segment 'big' does not fit: .*store needs at least 1597836 blocks, it has 16384"
expect huge2 1 "huge2.mki:2: segment 'big' does not fit: .*more than mkimage builds"
if (cd "$T" && gcc -nostdlib -static -no-pie -o huge.elf huge.S) 2> "$T/err"; then
	expect hugebss 1 "hugebss.mki:2: process 'p' does not fit"
	expect keeper 0 "1 processes"
else
	ok=0
	echo "could not assemble: $(cat "$T/err")"
fi
[ $ok = 1 ] && pass sizes_checked_first || fail sizes_checked_first "see log"

# 12. A chain of 100,000 banks, each the parent of the next, builds (a
# name lookup per line once made this take minutes) and reads back.
python3 -c "
print('store 8M')
print('bank b0')
for i in range(1, 100000):
    print('bank b%d parent b%d' % (i, i - 1))" > "$T/chain.mki"
q="select count(*), max(parent) from banks where parent = id - 1"
if $MKIMAGE build "$T/chain.mki" -o "$T/chain.img" --boot-dir "$T" > "$T/out" 2>&1 &&
    [ "$($MKIMAGE inspect "$T/chain.img" --sql "$q")" = "100000|99999" ]; then
	pass bank_chain
else
	fail bank_chain "$(head -c 400 "$T/out")"
fi

echo "TEST DONE $SUITE"
exit $FAILED
