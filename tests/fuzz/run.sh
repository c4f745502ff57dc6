#!/bin/sh
# tests/fuzz/run.sh - replay each fuzz target's corpus, then fuzz it for a
# while, printing the test protocol of docs/testing.md (suite "fuzz", tests
# <target>_replay and <target>_run). Used by `make fuzz-smoke` (part of
# `make test`) and `make fuzz` (the long run).
#
# usage: run.sh BUILD SECONDS TARGET[/MAXLEN][=DIR:DIR...]...
#   BUILD	the build directory; the harness is BUILD/fuzz/fuzz_TARGET
#   SECONDS	fuzzing time per target
#   TARGET	a target name, with the largest input to make (default
#		65536 bytes) and the corpus directories (besides the
#		committed seeds in tests/fuzz/corpus/TARGET) it replays and
#		starts from
#
# libFuzzer's own output goes to BUILD/fuzz/TARGET-{replay,run}.log; new
# inputs to BUILD/fuzz/work/TARGET; crashing inputs to
# BUILD/fuzz/artifacts/TARGET-*. Exits 1 if any test failed.

set -u

build=$1
secs=$2
shift 2

status=0
echo "TEST PLAN fuzz $(($# * 2))"

pass() { echo "TEST PASS fuzz.$1"; }
fail() { echo "TEST FAIL fuzz.$1: $2"; status=1; }

# Where a libFuzzer log says it crashed (the sanitizer's summary, else
# the first error line, else its last line).
why() {
	line=$(grep -a -m1 -E '^SUMMARY: ' "$1")
	[ -n "$line" ] || line=$(grep -a -m1 -E \
	    'ERROR: |runtime error|deadly signal|Test unit written' "$1")
	[ -n "$line" ] || line=$(tail -n 1 "$1")
	echo "$line (log: $1)"
}

for spec in "$@"; do
	t=${spec%%=*}
	dirs=""
	[ "$t" != "$spec" ] && dirs=$(echo "${spec#*=}" | tr ':' ' ')
	maxlen=65536
	case $t in */*) maxlen=${t#*/}; t=${t%%/*};; esac
	bin=$build/fuzz/fuzz_$t
	seeds=tests/fuzz/corpus/$t
	[ -d "$seeds" ] || seeds=""
	work=$build/fuzz/work/$t
	art=$build/fuzz/artifacts
	mkdir -p "$work" "$art"

	if [ ! -x "$bin" ]; then
		fail "${t}_replay" "no harness $bin (build it first)"
		fail "${t}_run" "no harness $bin"
		continue
	fi

	# Replay: every saved input once, the build's corpus directories too.
	files=$(find $seeds $dirs -maxdepth 1 -type f 2>/dev/null | sort)
	n=$(echo "$files" | grep -c .)
	log=$build/fuzz/$t-replay.log
	if [ "$n" -eq 0 ]; then
		fail "${t}_replay" "no corpus in $seeds $dirs"
	elif echo "$files" | xargs "$bin" -artifact_prefix="$art/$t-" \
	    >"$log" 2>&1; then
		echo "fuzz: $t: replayed $n inputs"
		pass "${t}_replay"
	else
		fail "${t}_replay" "$(why "$log")"
	fi

	# Fuzz, starting from the seeds and the corpus directories.
	log=$build/fuzz/$t-run.log
	if "$bin" -max_total_time="$secs" -max_len="$maxlen" -timeout=10 \
	    -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix="$art/$t-" "$work" $seeds $dirs \
	    >"$log" 2>&1; then
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' \
		    "$log" | tail -n 1)
		corp=$(find "$work" -type f | wc -l)
		echo "fuzz: $t: ${execs:-?} executions in $secs s," \
		    "$corp inputs in $work"
		pass "${t}_run"
	else
		fail "${t}_run" "$(why "$log")"
	fi
done

echo "TEST DONE fuzz"
exit $status
