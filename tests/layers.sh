#!/bin/sh
# tests/layers.sh - the modules of src/ depend on each other one way only:
# front ends (cli.c, krm.c) -> run.c -> stream.c -> rewrite.c -> stages.
#
# A module is src/NAME.c with its header src/NAME.h.  Two graphs must have
# no cycle (tsort finds one, and says which modules are on it):
#   includes  A -> B when src/A.c or src/A.h includes "B.h" (a header of src/);
#   calls     A -> B when src/A.o uses a symbol that src/B.o defines (nm),
#             which also catches a function declared in a header other
#             than its own module's.
# And nothing but rewrite.c lowers, applies or verifies: lower_edits,
# verify_docs, edits_apply and edits_apply_range are used by src/rewrite.o
# only (outside their own module).
#
# Needs the objects of src/ (make stsify).  Output: a line per failure, then
# `layers: N passed, N failed`.

set -u
LC_ALL=C
export LC_ALL

ROOT=$(cd "$(dirname "$0")/.." && pwd) || exit 2
cd "$ROOT/src" || exit 2
for c in *.c; do
	if [ ! -f "${c%.c}.o" ]; then
		echo "layers: src/${c%.c}.o is missing; build first (make stsify)" >&2
		exit 2
	fi
done
TMP=$(mktemp -d "${TMPDIR:-/tmp}/stsify-layers.XXXXXX") || exit 2
trap 'rm -rf "$TMP"' EXIT

pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() {
	fail=$((fail + 1))
	echo "layers: FAIL: $*"
}

# acyclic WHAT EDGES: the graph of "A B" lines in EDGES has no cycle
acyclic() {
	if tsort "$2" >/dev/null 2>"$TMP/err"; then
		ok
	else
		bad "$1: a cycle among: $(sed -n '/input contains a loop/d; s/^tsort: //p' "$TMP/err" | tr '\n' ' ')"
	fi
}

# tsort must see a loop, or the checks below prove nothing
printf 'a b\nb c\nc a\n' >"$TMP/loop"
if tsort "$TMP/loop" >/dev/null 2>&1; then
	bad "tsort does not report a cycle (a -> b -> c -> a)"
else
	ok
fi

# includes
for f in *.c *.h; do
	m=${f%.*}
	sed -n 's/^#[ \t]*include[ \t]*"\([A-Za-z0-9_]*\)\.h".*/\1/p' "$f" | while read -r h; do
		if [ -f "$h.h" ] && [ "$h" != "$m" ]; then
			echo "$m $h"
		fi
	done
done | sort -u >"$TMP/includes"
acyclic "includes" "$TMP/includes"

# calls: "symbol module" for what each object defines and uses
for o in *.o; do
	nm --defined-only "$o" | awk -v m="${o%.o}" 'NF == 3 && $2 ~ /^[TDBRCG]$/ { print $3, m }'
done | sort -k1,1 >"$TMP/defs"
for o in *.o; do
	nm -u "$o" | awk -v m="${o%.o}" '{ print $NF, m }'
done | sort -k1,1 >"$TMP/uses"
join "$TMP/uses" "$TMP/defs" | awk '$2 != $3 { print $2, $3 }' | sort -u >"$TMP/calls"
if [ -s "$TMP/calls" ]; then
	ok
else
	bad "calls: no call between modules found (nm output not understood)"
fi
acyclic "calls" "$TMP/calls"

# one rewrite path
for s in lower_edits verify_docs edits_apply edits_apply_range; do
	users=$(join "$TMP/uses" "$TMP/defs" | awk -v s="$s" '$1 == s && $2 != $3 && $2 != "rewrite" { print $2 }')
	if [ -z "$(awk -v s="$s" '$1 == s' "$TMP/defs")" ]; then
		bad "$s: defined nowhere in src/"
	elif [ -n "$users" ]; then
		bad "$s: called by $(echo "$users" | tr '\n' ' ')(only rewrite.c may)"
	else
		ok
	fi
done

echo "layers: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
