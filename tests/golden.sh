#!/bin/sh
# tests/golden.sh - run the golden cases of testdata/cases/ against ./stsify.
#
#   sh tests/golden.sh [CASE...]                         check every case, or the named ones
#   STSIFY_GOLDEN_UPDATE=1 sh tests/golden.sh [CASE...]  rewrite the expectations (review them!)
#   STSIFY=/path/to/stsify sh tests/golden.sh            test another binary
#   STSIFY_TEST_SAMPLE=N sh tests/golden.sh              every Nth case (not in update mode)
#
# A case is a folder testdata/cases/NAME/ holding
#   desc             one line: what the case covers and what the right result is
#   args             optional, one line of extra options as shell words
#   operands         optional, one line of operands as shell words (paths
#                    such as in/apps/db/deployment.yaml) instead of in/*
#   needs-kubectl    optional: the case renders builds with kubectl
#                    (--kustomize in args); skipped, saying so, without it
#   in/              the input files (and folders)
#   expected.diff    stdout of `stsify ARGS in/...`          } written only by
#   expected.err     its stderr                              } update mode,
#   expected.exit    its exit code                           } reviewed by a
#   out/             in/ as `stsify -w ARGS in/...` left it  } human
#   cluster/         optional, copied beside in/ in each run (snapshots for
#                    --cluster-state cluster/FILE: not operands)
#   expected-plan/   the folder `plan` that run a wrote (--migration-plan plan),
#                    written by update mode, compared in check mode
#
# Each run happens in a fresh temporary copy whose working directory holds
# in/, so operands are in/NAME and diff headers read --- a/in/NAME.  For each
# case:
#   a. `stsify ARGS in/*` (or OPERANDS): stdout, stderr and exit code against expected.*
#   b. expected.diff applied with `patch -p1` to a copy of in/ gives out/, and
#      `git apply --check` accepts it
#   c. `stsify -w ARGS in/*` on a copy gives out/ (and the same exit code)
#   d. idempotence: `stsify ARGS in/*` on a copy of out/ prints nothing
#   e. when in/ holds a single file and the exit code is below 2:
#      `stsify ARGS < in/F` prints out/F byte for byte
# Update mode writes expected.* from run a and out/ from run c, then runs
# b, d and e as checks.  A crash (exit code >= 4, a signal, "BUG" or a
# sanitizer report on stderr) fails the case in both modes.
#
# Output: one line per failing case with its reasons, each followed by the
# first lines of a diff of expected vs actual, then `golden: N passed, N failed`.

NAME=golden
. "$(dirname "$0")/lib.sh"
unset CDPATH GREP_OPTIONS

cd "$ROOT" || exit 2
CASES=$ROOT/testdata/cases
UPDATE=${STSIFY_GOLDEN_UPDATE:-0}
[ "$UPDATE" = 0 ] && UPDATE=

if [ ! -d "$CASES" ]; then
	echo "golden: $CASES is missing" >&2
	exit 2
fi
HAVE_GIT=
command -v git >/dev/null 2>&1 && HAVE_GIT=1
SNIP=20		# lines of diff shown per failure

# run DIR OUT ERR [OPTION...]: in DIR run `stsify OPTION... ARGS in/*`,
# stdout to OUT, stderr to ERR, stdin empty; the exit code goes to $rc.
run() {
	_dir=$1 _out=$2 _err=$3
	shift 3
	(
		cd "$_dir" || exit 125
		eval "set -- \"\$@\" $ARGS" || exit 125
		if [ -n "$OPERANDS" ]; then
			eval "set -- \"\$@\" $OPERANDS" || exit 125
		else
			for _f in in/*; do
				[ -e "$_f" ] && set -- "$@" "$_f"
			done
		fi
		bin "$@"
	) </dev/null >"$_out" 2>"$_err"
	rc=$?
}

# filter DIR IN OUT ERR: in DIR run `stsify ARGS < IN`; exit code to $rc.
filter() {
	_dir=$1 _in=$2 _out=$3 _err=$4
	(
		cd "$_dir" || exit 125
		eval "set -- $ARGS" || exit 125
		bin "$@"
	) <"$_in" >"$_out" 2>"$_err"
	rc=$?
}

# fresh NAME SRC: an empty work directory $TMP/NAME with a copy of SRC as
# in/ (and of the case's cluster/, when it has one).
fresh() {
	rm -rf "${TMP:?}/$1"
	mkdir "$TMP/$1" && cp -R "$2" "$TMP/$1/in"
	if [ -d "$c/cluster" ]; then
		cp -R "$c/cluster" "$TMP/$1/cluster"
	fi
}


# crashed FILE-OF-STDERR WHAT: fail when $rc or the stderr show a crash.
crashed() {
	if [ "$rc" -ge 4 ]; then
		if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
			fail "$2: timed out or killed (exit $rc)" "$1"
		else
			fail "$2: crashed (exit $rc)" "$1"
		fi
	elif grep -q -e 'BUG' -e 'Sanitizer' -e 'runtime error:' "$1"; then
		fail "$2: BUG or sanitizer report on stderr" "$1"
	fi
}

# cmp_file EXPECTED ACTUAL WHAT: byte comparison with a diff on failure.
cmp_file() {
	if ! cmp -s "$1" "$2"; then
		diff -u --label "expected: ${1#"$CASES"/}" --label actual "$1" "$2" \
			>"$TMP/snip" 2>&1
		[ -s "$TMP/snip" ] || echo "(files differ)" >"$TMP/snip"
		fail "$3" "$TMP/snip"
	fi
}

# cmp_tree EXPECTED-DIR ACTUAL-DIR WHAT: every file byte-identical, same names.
cmp_tree() {
	if ! diff -r "$1" "$2" >/dev/null 2>&1; then
		diff -ru "$1" "$2" >"$TMP/snip" 2>&1
		fail "$3" "$TMP/snip"
	fi
}

one_case() {
	c=$1
	reasons=
	: >"$TMP/evidence"

	if [ ! -f "$c/desc" ] || [ "$(wc -l <"$c/desc")" -ne 1 ]; then
		fail "desc missing or not exactly one line"
	fi
	if [ ! -d "$c/in" ] || [ -z "$(ls "$c/in")" ]; then
		fail "in/ missing or empty"
		return
	fi
	ARGS=
	[ -f "$c/args" ] && ARGS=$(cat "$c/args")
	OPERANDS=
	[ -f "$c/operands" ] && OPERANDS=$(cat "$c/operands")
	if [ -z "$UPDATE" ]; then
		for f in expected.diff expected.err expected.exit out; do
			if [ ! -e "$c/$f" ]; then
				fail "$f missing (run make golden-update and review)"
				return
			fi
		done
	fi

	# a. diff mode
	fresh a "$c/in"
	run "$TMP/a" "$TMP/a.out" "$TMP/a.err"
	arc=$rc
	crashed "$TMP/a.err" "diff mode"
	echo "$arc" >"$TMP/a.exit"

	# c. write mode
	fresh c "$c/in"
	run "$TMP/c" "$TMP/c.out" "$TMP/c.err" -w
	crc=$rc
	crashed "$TMP/c.err" "-w"

	if [ -n "$UPDATE" ]; then
		cp "$TMP/a.out" "$c/expected.diff"
		cp "$TMP/a.err" "$c/expected.err"
		cp "$TMP/a.exit" "$c/expected.exit"
		rm -rf "${c:?}/out" "${c:?}/expected-plan"
		cp -R "$TMP/c/in" "$c/out"
		if [ -d "$TMP/a/plan" ]; then
			cp -R "$TMP/a/plan" "$c/expected-plan"
		fi
	else
		if [ -d "$c/expected-plan" ] || [ -d "$TMP/a/plan" ]; then
			cmp_tree "$c/expected-plan" "$TMP/a/plan" "the migration plan differs from expected-plan/"
		fi
		cmp_file "$c/expected.diff" "$TMP/a.out" "stdout differs from expected.diff"
		cmp_file "$c/expected.err" "$TMP/a.err" "stderr differs from expected.err"
		cmp_file "$c/expected.exit" "$TMP/a.exit" "exit code differs from expected.exit"
		cmp_tree "$c/out" "$TMP/c/in" "-w result differs from out/"
	fi
	xrc=$(cat "$c/expected.exit" 2>/dev/null)
	case $xrc in
	'' | *[!0-9]*) fail "expected.exit is not a number"; xrc=99 ;;
	esac
	if [ "$crc" != "$xrc" ]; then
		fail "-w exited $crc, expected $xrc" "$TMP/c.err"
	fi

	# b. the expected diff applies with patch and with git apply
	fresh b "$c/in"
	if [ -s "$c/expected.diff" ]; then
		# Outside any repository (the ceiling stops the search at $TMP)
		# git apply works on plain files, relative to the current folder.
		if [ -n "$HAVE_GIT" ] && ! (cd "$TMP/b" &&
			GIT_CEILING_DIRECTORIES=$TMP git -c core.autocrlf=false \
				-c apply.whitespace=nowarn apply --check \
				<"$c/expected.diff") >"$TMP/snip" 2>&1; then
			fail "git apply --check rejects expected.diff" "$TMP/snip"
		fi
		if ! (cd "$TMP/b" && patch -p1 -s -f --no-backup-if-mismatch \
			<"$c/expected.diff") >"$TMP/snip" 2>&1; then
			fail "patch -p1 rejects expected.diff" "$TMP/snip"
		fi
	fi
	cmp_tree "$c/out" "$TMP/b/in" "in/ + expected.diff differs from out/"

	# d. idempotence
	fresh d "$c/out"
	run "$TMP/d" "$TMP/d.out" "$TMP/d.err"
	crashed "$TMP/d.err" "second run"
	if [ -s "$TMP/d.out" ]; then
		fail "second run on out/ is not a no-op" "$TMP/d.out"
	fi

	# e. filter mode, for a single input file
	set -- "$c"/in/*
	if [ $# -eq 1 ] && [ -f "$1" ] && [ "$xrc" -lt 2 ]; then
		f=${1##*/}
		fresh e "$c/in"
		filter "$TMP/e" "$TMP/e/in/$f" "$TMP/e.out" "$TMP/e.err"
		crashed "$TMP/e.err" "filter mode"
		if [ -f "$c/out/$f" ]; then
			cmp_file "$c/out/$f" "$TMP/e.out" "filter mode output differs from out/$f"
		fi
	fi
}

if [ $# -gt 0 ]; then
	for n in "$@"; do
		n=${n%/}
		[ -d "$CASES/${n##*/}" ] || { echo "golden: no case ${n##*/}" >&2; exit 2; }
	done
fi

passed=0 failed=0
for c in "$CASES"/*/; do
	c=${c%/}
	[ -d "$c" ] || continue
	if [ $# -gt 0 ]; then
		want=
		for n in "$@"; do
			n=${n%/}
			[ "${n##*/}" = "${c##*/}" ] && want=1
		done
		[ -n "$want" ] || continue
	elif [ -z "$UPDATE" ]; then
		sampled || continue
	fi
	if [ -f "$c/needs-kubectl" ] && ! command -v kubectl >/dev/null 2>&1; then
		echo "golden: SKIP ${c##*/}: needs kubectl in PATH"
		continue
	fi
	one_case "$c"
	if [ -n "$reasons" ]; then
		failed=$((failed + 1))
		echo "FAIL ${c##*/}: $reasons"
		cat "$TMP/evidence"
	else
		passed=$((passed + 1))
	fi
done

if [ -n "$UPDATE" ]; then
	echo "golden: expectations written; review them with: git diff --stat testdata/cases; git status testdata/cases"
fi
sample_note
echo "golden: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
