#!/bin/sh
# tests/fuzz.sh - run the libFuzzer target build/fuzz/fuzz_rewrite (see
# fuzz/fuzz_rewrite.c) for SECONDS seconds:
#
#   sh tests/fuzz.sh [SECONDS]        (make fuzz FUZZ_SECONDS=N)
#   STSIFY_FUZZ_RUNS=N sh tests/fuzz.sh   N inputs, then stop (make check:
#                                         make fuzz-quick FUZZ_RUNS=N)
#
# Seeds: every golden input and example file, every corpus file
# (../shared/corpus, or STSIFY_CORPUS), each golden case's and corpus
# folder's files joined with NUL bytes (the target splits there: one
# resource set of several files), and fuzz/regressions/.  The corpus that
# libFuzzer grows is kept in build/fuzz/corpus (not committed) so that runs
# build on each other; a run of N inputs starts from the seeds alone (its
# corpus, build/fuzz/quick, is emptied first), so that it takes the same
# time however long earlier runs grew build/fuzz/corpus.  libFuzzer's seed
# is printed.  A crash is saved as build/fuzz/crash-*: the script then
# fails and says how to replay it (an input that takes over 30 s is a hang:
# the margin is for a busy machine); once fixed, copy the input to
# fuzz/regressions/ (replayed by `make asan`).  STSIFY_FUZZ_LENIENT=1 (what
# `make fuzz` sets unless FUZZ_STRICT=1) lets verify-failed and internal
# findings pass: the input is then left untouched, which is safe.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd) || exit 2
cd "$ROOT" || exit 2
SECONDS_=${1:-60}
RUNS=${STSIFY_FUZZ_RUNS:-}
FUZZ=build/fuzz/fuzz_rewrite
CORPUS=${STSIFY_CORPUS:-$ROOT/../shared/corpus}
[ -x "$FUZZ" ] || { echo "fuzz: $FUZZ is missing (make fuzz-build)" >&2; exit 2; }

SEEDS=build/fuzz/seeds
rm -rf "$SEEDS"
mkdir -p "$SEEDS" build/fuzz/corpus
n=0
seed() {
	n=$((n + 1))
	cp "$1" "$SEEDS/seed-$n"
}
# join FILE...: the files joined with NUL bytes, as one seed
join() {
	n=$((n + 1))
	for _f in "$@"; do
		[ -s "$SEEDS/seed-$n" ] && printf '\000' >>"$SEEDS/seed-$n"
		cat "$_f" >>"$SEEDS/seed-$n"
	done
}
find testdata -type f \( -path '*/in/*' -o -path 'testdata/repo/*' \) | sort >build/fuzz/list
if [ -d "$CORPUS" ]; then
	find "$CORPUS" -type f ! -name SOURCES.tsv ! -name NOTES.md | sort >>build/fuzz/list
else
	echo "fuzz: corpus not found at $CORPUS: corpus seeds skipped"
fi
while IFS= read -r f; do
	[ "$(wc -c <"$f")" -le 1048576 ] && seed "$f"
done <build/fuzz/list
for d in testdata/cases/*/in; do
	set -- $(find "$d" -type f | sort)
	[ $# -ge 2 ] && join "$@"
done
if [ -d "$CORPUS" ]; then
	for d in $(find "$CORPUS" -type d | sort); do
		set -- $(find "$d" -maxdepth 1 -type f ! -name SOURCES.tsv ! -name NOTES.md | sort)
		[ $# -ge 2 ] && join "$@"
	done
fi
for f in fuzz/regressions/*; do
	[ -f "$f" ] && seed "$f"
done
if [ -n "$RUNS" ]; then
	LIMIT="-runs=$RUNS"
	GROWN=build/fuzz/quick
	rm -rf "$GROWN"
	mkdir -p "$GROWN"
	what="$RUNS inputs"
else
	LIMIT="-max_total_time=$SECONDS_"
	GROWN=build/fuzz/corpus
	what="$SECONDS_ s"
fi
echo "fuzz: $n seeds, fuzzing for $what$([ "${STSIFY_FUZZ_LENIENT:-0}" = 1 ] && echo ' (verify-failed allowed)')"

rm -f build/fuzz/crash-* build/fuzz/leak-* build/fuzz/timeout-* build/fuzz/oom-*
LSAN_OPTIONS=suppressions=$ROOT/fuzz/lsan.supp ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	"$FUZZ" "$LIMIT" -timeout=30 -rss_limit_mb=2048 \
	-max_len=65536 -dict=fuzz/yaml.dict -print_final_stats=1 \
	-artifact_prefix=build/fuzz/ "$GROWN" "$SEEDS" \
	>build/fuzz/log 2>&1
rc=$?
sed -n 's/^INFO: Seed: \([0-9]*\)$/fuzz: libFuzzer seed \1/p' build/fuzz/log
grep -E '^(stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb)' build/fuzz/log |
	sed 's/^stat::/fuzz: /'
if [ $rc -ne 0 ] || ls build/fuzz/ | grep -q -E '^(crash|leak|timeout|oom)-'; then
	grep -v -E '^(#|INFO|stat::|MS:|base unit)' build/fuzz/log | head -40
	for f in build/fuzz/crash-* build/fuzz/leak-* build/fuzz/timeout-* build/fuzz/oom-*; do
		[ -f "$f" ] && echo "fuzz: FAIL: $f (replay: $FUZZ $f; keep it: cp $f fuzz/regressions/)"
	done
	echo "fuzz: FAIL (libFuzzer exited $rc; log in build/fuzz/log)"
	exit 1
fi
echo "fuzz: no crash, leak, hang or broken property"
