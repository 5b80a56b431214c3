# tests/lib.sh - how every test script starts (sourced, not run):
#
#   NAME=props
#   . "$(dirname "$0")/lib.sh"
#
# Sets LC_ALL=C and `set -u`; ROOT, the checkout; STSIFY, the binary under
# test as an absolute path (the environment's STSIFY, else ROOT/stsify: the
# script exits 2, saying so, when it is missing); TMP, a new temporary
# folder, removed on exit (made writable first: tests take write bits
# away); HAVE_TIMEOUT, and bin ARG..., stsify killed after 20 s so that a
# hang fails one check; fail and sampled, below.  The working directory is
# left as it was.

set -u
LC_ALL=C
export LC_ALL

ROOT=$(cd "$(dirname "$0")/.." && pwd) || exit 2
STSIFY=${STSIFY:-$ROOT/stsify}
case $STSIFY in
/*) ;;
*) STSIFY=$ROOT/$STSIFY ;;
esac
if [ ! -x "$STSIFY" ]; then
	echo "$NAME: $STSIFY is missing; build it first (make)" >&2
	exit 2
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/stsify-$NAME.XXXXXX") || exit 2
trap 'chmod -R u+rwx "$TMP" 2>/dev/null; rm -rf "$TMP"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

HAVE_TIMEOUT=
command -v timeout >/dev/null 2>&1 && HAVE_TIMEOUT=1

bin() {
	if [ -n "$HAVE_TIMEOUT" ]; then
		timeout -k 2 20 "$STSIFY" "$@"
	else
		"$STSIFY" "$@"
	fi
}

# ok: one check passed.  bad MESSAGE: one failed, said as "NAME: FAIL:
# MESSAGE", followed by the first lines of the file $EVIDENCE when the
# script sets it and it is not empty.  summary: the last line of every
# suite, "NAME: N passed, N failed", and the status (0: none failed).
pass=0 fail=0
EVIDENCE=
ok() { pass=$((pass + 1)); }
bad() {
	fail=$((fail + 1))
	echo "$NAME: FAIL: $1"
	if [ -n "$EVIDENCE" ] && [ -s "$EVIDENCE" ]; then head -5 "$EVIDENCE" | sed 's/^/    | /'; fi
}
summary() {
	echo "$NAME: $pass passed, $fail failed"
	[ "$fail" = 0 ]
}

# fail REASON [FILE]: record one failure of the current case or subject:
# REASON joins $reasons, and the first SNIP lines of FILE (when it is not
# empty) go to $TMP/evidence, which the script shows and empties.
fail() {
	if [ -z "$reasons" ]; then
		reasons=$1
	else
		reasons="$reasons; $1"
	fi
	if [ $# -gt 1 ] && [ -s "$2" ]; then
		{
			echo "  -- $1:"
			head -n "$SNIP" "$2" | sed 's/^/  | /'
			n=$(wc -l <"$2")
			[ "$n" -gt "$SNIP" ] && echo "  | ... ($n lines)"
		} >>"$TMP/evidence"
	fi
}

# sampled: true for the inputs of a large suite that this run checks.  With
# STSIFY_TEST_SAMPLE=N (make check's sanitizer runs set it) that is every
# Nth call, the first included, so the sample is the same from run to run
# and spread over the whole list; unset or 1, every call.
SAMPLE=${STSIFY_TEST_SAMPLE:-1}
case $SAMPLE in
'' | *[!0-9]* | 0)
	echo "$NAME: STSIFY_TEST_SAMPLE=$SAMPLE is not a positive number" >&2
	exit 2
	;;
esac
_sampled=0
sampled() {
	_sampled=$((_sampled + 1))
	[ $(((_sampled - 1) % SAMPLE)) -eq 0 ]
}
# sample_note: one line saying how many inputs the sample left out
sample_note() {
	[ "$SAMPLE" -gt 1 ] &&
		echo "$NAME: STSIFY_TEST_SAMPLE=$SAMPLE: $(((_sampled + SAMPLE - 1) / SAMPLE)) of $_sampled inputs checked"
	return 0
}
