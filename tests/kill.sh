#!/bin/sh
# tests/kill.sh - an interrupted -w never tears a file, and the next run
# finishes the migration (issue 14).
#
#   sh tests/kill.sh                          200 kills on a 120-file tree
#   STSIFY_KILL_RUNS=1000 STSIFY_KILL_FILES=600 sh tests/kill.sh   (make kill-big)
#
# A tree from bench/gen is converted once without interruption: the
# expected result.  Then, again and again, a fresh copy of the tree is
# converted by a `stsify -w` that a signal ends: SIGKILL, SIGTERM or
# SIGINT, sent by tests/faults.so at the N-th write or fsync of a temporary
# file (N drawn at random: every point between two renames is reached,
# mid-write included), or by timeout(1) after a random delay.  After each
# kill, every file must be the original or the converted one, whole, and
# no temporary file may be left but by SIGKILL; after a second, complete
# `stsify -w`, the tree must equal the expected one, with no temporary
# file left.
#
# Output: a line per failure, then `kill: N passed, N failed`.

NAME=kill
# fsync is what -w waits for: on a RAM file system when there is one
[ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ] && TMPDIR=/dev/shm && export TMPDIR
. "$(dirname "$0")/lib.sh"
S=$STSIFY T=$TMP
RUNS=${STSIFY_KILL_RUNS:-200}
FILES=${STSIFY_KILL_FILES:-120}
SEED=${STSIFY_KILL_SEED:-2}
FAULTS=$ROOT/tests/faults.so
GEN=$ROOT/bench/gen
for f in "$FAULTS" "$GEN"; do
	[ -x "$f" ] || [ -f "$f" ] || { echo "kill: $f is missing (make tests/faults.so bench/gen)" >&2; exit 2; }
done
cd "$T" || exit 2

"$GEN" tree ref "$FILES" "$SEED" >/dev/null || exit 2
cp -r ref expected
"$S" -q -w expected >/dev/null 2>err
rc=$?
[ "$rc" = 0 ] || { echo "kill: the uninterrupted run exited $rc" >&2; cat err >&2; exit 2; }
# the files the run changes, and how many writes that is
diff -rq ref expected | sed -n 's/^Files ref\/\(.*\) and expected\/.* differ$/\1/p' >changed
nchanged=$(wc -l <changed)
[ "$nchanged" -gt 3 ] || { echo "kill: only $nchanged files change: no test" >&2; exit 2; }
grep -q hpa.yaml changed && grep -q kustomization.yaml changed ||
	echo "kill: note: no autoscaler or kustomization among the changed files"

# old_or_new RUN SIGNAL: every file of work is ref's or expected's, whole;
# a temporary file only after SIGKILL
old_or_new() {
	diff -rq ref work >d.old 2>&1
	diff -rq expected work >d.new 2>&1
	awk -v sig="$2" '
		{ file = FILENAME == "d.old" ? 1 : 2 }
		/^Files / { f = $4; sub(/^work\//, "", f); if (file == 1) old[f] = 1; else if (old[f]) { print "neither old nor new: " f; bad = 1 } next }
		/^Only in work/ { t = $NF; if (file == 1 && !(sig == "KILL" && t ~ /^\..*\.stsify-[A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9]$/)) { print "left behind: " $0; bad = 1 } next }
		/^Only in (ref|expected)/ { print "gone: " $0; bad = 1; next }
		END { exit bad }' d.old d.new >d.bad
	if [ $? = 0 ]; then ok; else
		bad "run $1 ($2): $(head -3 d.bad | tr '\n' ' ')"
	fi
}

# the plan of the kills: signal, how (write, fsync or a delay), and N
awk -v runs="$RUNS" -v n="$nchanged" -v seed="$SEED" 'BEGIN {
	srand(seed)
	split("KILL TERM INT KILL", sig, " ")
	for (i = 1; i <= runs; i++) {
		s = sig[int(rand() * 4) + 1]
		r = rand()
		if (r < 0.45)
			print i, s, "fsync", int(rand() * n) + 1
		else if (r < 0.8)
			print i, s, "write", int(rand() * n) + 1
		else
			print i, s, "delay", sprintf("%.3f", rand() * 0.4)
	}
}' >plan
while read -r run sig how n; do
	rm -rf work
	cp -r ref work
	if [ "$how" = delay ]; then
		timeout -s "$sig" "$n" "$S" -q -w work >/dev/null 2>err
	else
		STSIFY_FAULT_SIGNAL=$sig:$how:$n LD_PRELOAD=$FAULTS \
			ASAN_OPTIONS=${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}verify_asan_link_order=0 \
			timeout -k 2 60 "$S" -q -w work >/dev/null 2>err
	fi
	rc=$?
	case $rc in
	0 | 124 | 130 | 137 | 143) ;;
	*) bad "run $run ($sig at $how $n): exit $rc"; sed 's/^/    | /' err | head -3 ;;
	esac
	old_or_new "$run" "$sig"
	timeout -k 2 60 "$S" -q -w work >/dev/null 2>err
	rc=$?
	[ "$rc" = 0 ] || { bad "run $run ($sig at $how $n): the completing run exited $rc"; sed 's/^/    | /' err | head -3; }
	if diff -r expected work >diff.out 2>&1; then ok; else
		bad "run $run ($sig at $how $n): the tree after the completing run differs from an uninterrupted run"
		head -12 diff.out | sed 's/^/    | /'
	fi
done <plan
echo "kill: $RUNS kills of -w on $FILES files ($nchanged change)"
summary
