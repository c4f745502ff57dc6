#!/bin/sh
# test_gens - mkimage diff and rollback on a store the kernel wrote: boots
# a copy of the persist image (checkpoint every second) under QEMU until
# the ring holds four kernel-written generations, then checks diff (text
# and --json, shared subtrees skipped, absent and damaged generations
# refused), rollback (--force rule, newest first, verify passes after,
# the kernel then resumes the rolled-back generation) and that a damaged
# map block makes diff fail naming it. Generated from
# tests/mkimage/test_gens.sh.

MKIMAGE=@MKIMAGE@
IMAGE=@PERSIST_IMG@
QEMU=${QEMU:-qemu-system-x86_64}
SUITE=mkimage_gens
T=$(mktemp -d /tmp/mkimage-gens-XXXXXX)
QPID=
trap '[ -n "$QPID" ] && kill $QPID 2>/dev/null; rm -rf "$T"' EXIT
FAILED=0

echo "TEST PLAN $SUITE 9"
pass() { echo "TEST PASS $SUITE.$1"; }
fail() { echo "TEST FAIL $SUITE.$1: $2"; FAILED=1; }

# Boot $1 until its serial log $2 shows $3 commits (at most 90 s).
boot_until() {
	"$QEMU" -accel tcg -m 256M -display none -monitor none \
	    -drive file="$1",format=raw,if=virtio -serial file:"$2" \
	    -no-reboot > /dev/null 2>&1 &
	QPID=$!
	i=0
	while [ $i -lt 180 ]; do
		n=$(grep -c "committed generation" "$2" 2>/dev/null)
		[ "${n:-0}" -ge "$3" ] && break
		sleep 0.5
		i=$((i + 1))
	done
	kill $QPID 2>/dev/null
	wait $QPID 2>/dev/null
	QPID=
}

# Kept generations, ascending, from inspect --json's generations.
kept() {
	$MKIMAGE inspect "$1" --sql "SELECT generation FROM generations \
	    WHERE valid ORDER BY generation" | tr '\n' ' '
}

cp --sparse=always "$IMAGE" "$T/p.img"
boot_until "$T/p.img" "$T/boot.log" 5
set -- $(kept "$T/p.img")
if [ $# = 4 ]; then
	pass four_generations
else
	fail four_generations "kept generations: $* (log $(tail -3 "$T/boot.log"))"
	echo "TEST DONE $SUITE"
	exit 1
fi
G1=$1; G2=$2; G3=$3; G4=$4

# 1. --help
ok=1
for c in diff rollback; do
	$MKIMAGE $c --help > "$T/help" 2>&1 || ok=0
	grep -q "usage: mkimage $c" "$T/help" || ok=0
done
[ $ok = 1 ] && pass help || fail help "a --help failed or printed no usage"

# 2. diff text: the hello program's pages change, shared maps are skipped
$MKIMAGE diff "$T/p.img" $G1 $G4 > "$T/d.txt" 2> "$T/err"; rc=$?
if [ $rc = 0 ] && grep -q "generation $G1 -> $G4" "$T/d.txt" &&
    grep -q "^  PAGE: 0 created, [1-9][0-9]* changed" "$T/d.txt" &&
    grep -q "shared subtrees skipped [1-9]" "$T/d.txt" &&
    $MKIMAGE diff "$T/p.img" $G4 $G4 | grep -q ": 0 objects differ"; then
	pass diff_text
else
	fail diff_text "rc $rc: $(cat "$T/d.txt" "$T/err")"
fi

# 3. diff --json parses and agrees with the text
$MKIMAGE diff --json "$T/p.img" $G1 $G4 > "$T/d.json"
if python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
assert d['from'] == int(sys.argv[2]) and d['to'] == int(sys.argv[3])
assert d['changes'] and all(c['change'] == 'changed' for c in d['changes'])
assert d['shared_subtrees_skipped'] > 0
" "$T/d.json" $G1 $G4 2> "$T/err"; then
	pass diff_json
else
	fail diff_json "$(cat "$T/err")"
fi

# 4. an absent generation and a damaged superblock are refused by name
cp --sparse=always "$T/p.img" "$T/bad.img"
SLOT=$($MKIMAGE inspect "$T/bad.img" --sql "SELECT slot FROM generations \
    WHERE generation = $G2")
SLBA=$($MKIMAGE inspect "$T/bad.img" --sql "SELECT num FROM image \
    WHERE key = 'store_lba'")
printf '\377' | dd of="$T/bad.img" bs=1 seek=$((SLBA * 512 + SLOT * 4096 + 200)) \
    conv=notrunc 2> /dev/null
$MKIMAGE diff "$T/p.img" 1 $G4 > /dev/null 2> "$T/e1"; a=$?
$MKIMAGE diff "$T/bad.img" $G2 $G4 > /dev/null 2> "$T/e2"; b=$?
$MKIMAGE rollback "$T/bad.img" --generation $G2 --force > /dev/null \
    2> "$T/e3"; c=$?
if [ $a = 1 ] && [ $b = 1 ] && [ $c = 1 ] &&
    grep -q "generation 1 is not a valid kept generation" "$T/e1" &&
    grep -q "generation $G2 is not a valid kept generation; kept: " "$T/e2" &&
    grep -q "generation $G2 is not a valid kept generation" "$T/e3"; then
	pass bad_generation
else
	fail bad_generation "exits $a $b $c: $(cat "$T/e1" "$T/e2" "$T/e3")"
fi

# 5. a damaged map block makes diff fail naming the block
cp --sparse=always "$T/p.img" "$T/map.img"
SLOT=$($MKIMAGE inspect "$T/map.img" --sql "SELECT slot FROM generations \
    WHERE generation = $G4")
# The PAGE map root: map_root[1] (24-byte pointers from offset 96).
ROOT=$(python3 -c "
import struct, sys
f = open(sys.argv[1], 'rb'); f.seek(int(sys.argv[2]) * 512 + int(sys.argv[3]) * 4096 + 120)
print(struct.unpack('<Q', f.read(8))[0])" "$T/map.img" $SLBA $SLOT)
printf '\377' | dd of="$T/map.img" bs=1 seek=$((SLBA * 512 + ROOT * 4096 + 300)) \
    conv=notrunc 2> /dev/null
$MKIMAGE diff "$T/map.img" $G1 $G4 > /dev/null 2> "$T/err"; rc=$?
if [ $rc = 1 ] && grep -q "generation $G4: map block $ROOT: " "$T/err"; then
	pass diff_damaged_map
else
	fail diff_damaged_map "rc $rc: $(cat "$T/err")"
fi

# 6. rollback refuses to discard newer generations without --force
cp --sparse=always "$T/p.img" "$T/r.img"
$MKIMAGE rollback "$T/r.img" --generation $G2 > /dev/null 2> "$T/err"; rc=$?
if [ $rc = 1 ] && grep -q "refusing to discard newer generations $G4 $G3 without --force" "$T/err" &&
    cmp -s "$T/r.img" "$T/p.img"; then
	pass rollback_needs_force
else
	fail rollback_needs_force "rc $rc: $(cat "$T/err")"
fi

# 7. rollback --force: newer slots zeroed newest first, verify passes
$MKIMAGE rollback "$T/r.img" --generation $G2 --force > "$T/out" 2> "$T/err"; rc=$?
if [ $rc = 0 ] && [ "$(kept "$T/r.img")" = "$G1 $G2 " ] &&
    [ "$(grep discarded "$T/out" | cut -d' ' -f4 | tr '\n' ' ')" = "$G4 $G3 " ] &&
    $MKIMAGE verify -q "$T/r.img" 2>> "$T/err" &&
    $MKIMAGE rollback "$T/r.img" --generation $G2 | grep -q "already the newest"; then
	pass rollback
else
	fail rollback "rc $rc: $(cat "$T/out" "$T/err")"
fi

# 8. the kernel resumes the rolled-back generation and checkpoints on
boot_until "$T/r.img" "$T/boot2.log" 1
if grep -q "resuming generation $G2 " "$T/boot2.log" &&
    grep -q "committed generation $((G2 + 1))" "$T/boot2.log" &&
    $MKIMAGE verify -q "$T/r.img" 2> "$T/err"; then
	pass rollback_boots
else
	fail rollback_boots "$(grep -E 'generation|resum' "$T/boot2.log" | head -5) $(cat "$T/err")"
fi

echo "TEST DONE $SUITE"
exit $FAILED
