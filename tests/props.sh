#!/bin/sh
# tests/props.sh - properties that must hold for any input, checked over every
# golden input file (testdata/cases/*/in/**), the example repository
# (testdata/repo/**) and every file of the corpus (../shared/corpus, less
# SOURCES.tsv and NOTES.md).
#
#   sh tests/props.sh
#   STSIFY=/path/to/stsify STSIFY_CORPUS=/path/to/corpus sh tests/props.sh
#   STSIFY_TEST_SAMPLE=N sh tests/props.sh     every Nth file and set
#
# Each file F is copied to x/NAME in a fresh temporary folder and run from
# there, so operands are x/NAME and diff headers read --- a/x/NAME:
#   - `stsify x/NAME` does not crash: exit code 0, 1 or 3 (not >= 4, not a
#     signal), no "BUG" or sanitizer report on stderr, and the dry run
#     writes nothing;
#   - `stsify -w x/NAME` on another copy gives the same bytes as the printed
#     diff applied with `patch -p1` (empty diff: the file is untouched), and
#     does not crash;
#   - exit 0, diff not empty: the result parses as YAML (fy-tool --dump, from
#     Debian's libfyaml-utils; skipped with a note when missing), and a second
#     run on the result prints an empty diff;
#   - exit 0, diff empty: filter mode `stsify < F` prints F byte for byte;
#   - exit 3: -w leaves the file byte-identical.
# Cross-file sets: all files of one corpus folder (each at-<commit>/ subfolder
# is a set of its own; a folder with a single file is left to the single-file
# checks) in ONE invocation, and testdata/repo walked as a
# directory; checked for no crash, patch == -w, a parseable result and
# idempotence.
#
# Prints one line per failure, `FAIL <file or set>: reasons`, with a few lines
# of evidence, then `props: N passed, N failed`; exits 1 on any failure.

NAME=props
. "$(dirname "$0")/lib.sh"
unset CDPATH GREP_OPTIONS

cd "$ROOT" || exit 2
CORPUS=${STSIFY_CORPUS:-$ROOT/../shared/corpus}

HAVE_FY=
command -v fy-tool >/dev/null 2>&1 && HAVE_FY=1
SNIP=12		# lines of evidence shown per failure

# run DIR OUT ERR ARG...: in DIR run `stsify ARG...` with an empty stdin;
# the exit code goes to $rc.
run() {
	_dir=$1 _out=$2 _err=$3
	shift 3
	(cd "$_dir" && bin "$@") </dev/null >"$_out" 2>"$_err"
	rc=$?
}

# copy NAME: $TMP/NAME becomes a fresh copy of the pristine $TMP/orig.
copy() {
	rm -rf "${TMP:?}/$1"
	cp -R "$TMP/orig" "$TMP/$1"
}


# crashed ERR WHAT: fail when $rc or stderr show a crash.
crashed() {
	case $rc in
	0 | 1 | 3) ;;
	2) fail "$2: usage error (exit 2)" "$1" ;;
	124 | 137) fail "$2: timed out (exit $rc)" "$1" ;;
	*) fail "$2: crashed (exit $rc)" "$1" ;;
	esac
	if grep -q -e 'BUG' -e 'Sanitizer' -e 'runtime error:' "$1"; then
		fail "$2: BUG or sanitizer report on stderr" "$1"
	fi
}

# same_tree A B WHAT: same file names, every file byte-identical.
same_tree() {
	if ! diff -r "$1" "$2" >/dev/null 2>&1; then
		(cd "$TMP" && diff -ru "${1#"$TMP"/}" "${2#"$TMP"/}") >"$TMP/snip" 2>&1
		fail "$3" "$TMP/snip"
	fi
}

# check SINGLE OPERAND...: the properties for the inputs in $TMP/orig/x,
# run with the given operands (relative to $TMP/orig).  SINGLE is the
# relative path of the one file for single-file subjects, empty for sets.
check() {
	single=$1
	shift

	# diff mode; a dry run writes nothing
	copy d
	run "$TMP/d" "$TMP/d.out" "$TMP/d.err" "$@"
	drc=$rc
	crashed "$TMP/d.err" "diff mode"
	same_tree "$TMP/orig" "$TMP/d" "diff mode modified its input"

	# -w == original + patch
	copy w
	run "$TMP/w" "$TMP/w.out" "$TMP/w.err" -w "$@"
	crashed "$TMP/w.err" "-w"
	copy p
	if [ -s "$TMP/d.out" ]; then
		if ! (cd "$TMP/p" && patch -p1 -s -f --no-backup-if-mismatch \
			<"$TMP/d.out") >"$TMP/snip" 2>&1; then
			fail "patch -p1 rejects the printed diff" "$TMP/snip"
		fi
	fi
	same_tree "$TMP/p" "$TMP/w" "-w result differs from input + printed diff"

	if [ "$drc" -eq 3 ] && [ -n "$single" ]; then
		if ! cmp -s "$TMP/orig/$single" "$TMP/w/$single"; then
			fail "exit 3 but -w changed the file"
		fi
	fi

	if [ -s "$TMP/d.out" ] && { [ "$drc" -eq 0 ] || [ -z "$single" ]; }; then
		# the changed files parse
		if [ -n "$HAVE_FY" ]; then
			(cd "$TMP/orig" && find . -type f) | sort >"$TMP/files"
			while IFS= read -r f; do
				cmp -s "$TMP/orig/$f" "$TMP/w/$f" && continue
				if ! fy-tool --dump "$TMP/w/$f" </dev/null >/dev/null 2>"$TMP/snip"; then
					fail "result ${f#./} does not parse (fy-tool)" "$TMP/snip"
				fi
			done <"$TMP/files"
		fi
		# idempotence
		run "$TMP/w" "$TMP/i.out" "$TMP/i.err" "$@"
		crashed "$TMP/i.err" "second run"
		if [ -s "$TMP/i.out" ]; then
			fail "second run on the result is not a no-op" "$TMP/i.out"
		fi
	fi

	# filter mode reproduces an input it leaves alone
	if [ -n "$single" ] && [ "$drc" -eq 0 ] && [ ! -s "$TMP/d.out" ]; then
		(cd "$TMP/orig" && bin) <"$TMP/orig/$single" >"$TMP/f.out" 2>"$TMP/f.err"
		rc=$?
		crashed "$TMP/f.err" "filter mode"
		if ! cmp -s "$TMP/orig/$single" "$TMP/f.out"; then
			diff -u --label input --label "filter output" \
				"$TMP/orig/$single" "$TMP/f.out" >"$TMP/snip" 2>&1
			fail "filter mode changed a file that needs no change" "$TMP/snip"
		fi
	fi
}

passed=0 failed=0

# report LABEL: count the subject just checked and print its failures.
report() {
	if [ -n "$reasons" ]; then
		failed=$((failed + 1))
		echo "FAIL $1: $reasons"
		cat "$TMP/evidence"
	else
		passed=$((passed + 1))
	fi
}

# one_file PATH LABEL: the single-file properties for PATH.
one_file() {
	reasons=
	: >"$TMP/evidence"
	rm -rf "$TMP/orig"
	mkdir -p "$TMP/orig/x"
	_name=${1##*/}
	cp "$1" "$TMP/orig/x/$_name"
	# the corpus is read-only, and -w leaves read-only files alone
	chmod -R u+w "$TMP/orig"
	check "x/$_name" "x/$_name"
	report "$2"
}

# one_set LABEL DIR [walk]: the cross-file properties for the files of DIR
# (not its subfolders) in one invocation; with walk, for the directory
# operand x instead.
one_set() {
	reasons=
	: >"$TMP/evidence"
	rm -rf "$TMP/orig"
	if [ $# -gt 2 ]; then
		mkdir "$TMP/orig"
		cp -R "$2" "$TMP/orig/x"
		set -- "$1" x
	else
		mkdir -p "$TMP/orig/x"
		_dir=$2
		_n=0
		for _f in "$_dir"/*; do
			[ -f "$_f" ] || continue
			case ${_f##*/} in SOURCES.tsv | NOTES.md) continue ;; esac
			cp "$_f" "$TMP/orig/x/"
			_n=$((_n + 1))
		done
		[ "$_n" -ge 2 ] || return 0
		set -- "$1"
		for _f in "$TMP"/orig/x/*; do
			set -- "$@" "x/${_f##*/}"
		done
	fi
	_label=$1
	shift
	chmod -R u+w "$TMP/orig"
	check "" "$@"
	report "set $_label"
}

# golden inputs and the example repository, one file at a time
find testdata/cases testdata/repo -type f 2>/dev/null |
	grep -E '^testdata/(cases/[^/]+/in/|repo/)' | sort >"$TMP/list"
while IFS= read -r f; do
	sampled && one_file "$ROOT/$f" "$f"
done <"$TMP/list"
if [ -d testdata/repo ]; then
	one_set "testdata/repo (walked)" testdata/repo walk
fi

# the corpus, one file at a time, then one set per folder
if [ -d "$CORPUS" ]; then
	CORPUS=$(cd "$CORPUS" && pwd)
	(cd "$CORPUS" && find . -type f ! -name SOURCES.tsv ! -name NOTES.md) |
		sed 's|^\./||' | sort >"$TMP/list"
	while IFS= read -r f; do
		sampled && one_file "$CORPUS/$f" "corpus/$f"
	done <"$TMP/list"
	(cd "$CORPUS" && find . -type d) | sed 's|^\./||' | sort >"$TMP/dirs"
	while IFS= read -r d; do
		[ "$d" = . ] && continue
		sampled && one_set "corpus/$d" "$CORPUS/$d"
	done <"$TMP/dirs"
else
	echo "props: corpus not found at $CORPUS: corpus checks skipped"
fi

if [ -z "$HAVE_FY" ]; then
	echo "props: fy-tool not found (apt-get install libfyaml-utils): YAML parse check skipped"
fi
sample_note
echo "props: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
