#!/bin/sh
# tests/funclen.sh - no function in src/*.c over FUNCLEN_MAX lines (80).
#
#   sh tests/funclen.sh          check (make funclen; part of make check)
#   sh tests/funclen.sh --list   every function, longest first: LINES FILE:LINE NAME
#
# A function's length counts the lines from its opening brace to its closing
# brace, both included.  The scan matches braces, ignoring those in strings,
# character constants, comments and preprocessor lines, which is enough for
# this code base (the style puts each function's braces alone at column 0,
# but the scan does not rely on it).
#
# tests/funclen.allow lists the known debts, one `src/FILE.c:FUNCTION` a line
# (# comments and blank lines allowed).  The check fails on a function over
# the limit that is not listed, and on a listed function that is now short
# or gone: the list can only shrink.  Exit 0 clean, 1 violations, 2 usage.
set -u
LC_ALL=C
export LC_ALL

ROOT=$(cd "$(dirname "$0")/.." && pwd) || exit 2
MAX=${FUNCLEN_MAX:-80}
ALLOW=${FUNCLEN_ALLOW:-$ROOT/tests/funclen.allow}
MODE=check
case ${1-} in
'') ;;
--list) MODE=list ;;
*) echo "usage: sh tests/funclen.sh [--list]" >&2; exit 2 ;;
esac

# One line per function: LENGTH<TAB>FILE<TAB>LINE<TAB>NAME (LINE: its name's)
scan() {
	awk '
	FNR == 1 { depth = 0; incomment = 0; pp = 0; prefix = ""; pdepth = 0
		   name = ""; nameline = 0; fname = ""; fline = 0; start = 0 }
	# a preprocessor line (and its continuations) is not scanned
	pp || (!incomment && /^[ \t]*#/) { pp = /\\$/; next }
	{
		line = $0; n = length(line); i = 1
		while (i <= n) {
			c = substr(line, i, 1); c2 = substr(line, i, 2)
			if (incomment) {
				if (c2 == "*/") { incomment = 0; i += 2 } else i++
				continue
			}
			if (c2 == "/*") { incomment = 1; i += 2; continue }
			if (c2 == "//") break
			if (c == "\"" || c == "\047") {	# skip a string or char constant
				for (j = i + 1; j <= n; j++) {
					d = substr(line, j, 1)
					if (d == "\\") j++
					else if (d == c) break
				}
				i = j + 1
				if (depth == 0) prefix = prefix "_"
				continue
			}
			if (c == "{") {
				if (depth == 0) {
					fname = ""
					if (name != "" && index(prefix, "=") == 0) {
						fname = name; fline = nameline; start = FNR
					}
				}
				depth++
			} else if (c == "}") {
				depth--
				if (depth == 0) {
					if (fname != "")
						printf "%d\t%s\t%d\t%s\n", FNR - start + 1, FILENAME, fline, fname
					fname = ""; prefix = ""; name = ""
				}
			} else if (depth == 0) {
				if (c == ";") { prefix = ""; name = ""; pdepth = 0 }
				else if (c == "(") {
					# the identifier just before a top-level "(" names
					# the function (the last one wins: attributes and
					# macros such as ATTR_PRINTF(1, 2) come first)
					if (pdepth == 0 && match(prefix, /[A-Za-z_][A-Za-z_0-9]*[ \t]*$/)) {
						id = substr(prefix, RSTART, RLENGTH)
						sub(/[ \t]+$/, "", id)
						if (id != "__attribute__" && id !~ /^[A-Z_0-9]+$/) {
							name = id; nameline = FNR
						}
					}
					pdepth++; prefix = prefix c
				} else {
					if (c == ")") pdepth--
					prefix = prefix c
				}
			}
			i++
		}
		if (depth == 0) prefix = prefix " "
	}' "$@"
}

cd "$ROOT" || exit 2
FUNCS=$(scan src/*.c) || exit 2

if [ "$MODE" = list ]; then
	printf '%s\n' "$FUNCS" | sort -t '	' -k1,1nr -k2,2 -k3,3n |
		awk -F '\t' '{ printf "%5d %s:%d %s\n", $1, $2, $3, $4 }'
	exit 0
fi

if [ ! -f "$ALLOW" ]; then
	echo "funclen: $ALLOW is missing" >&2
	exit 2
fi

# Both lists through one awk: the allowlist first, then the functions.
printf '%s\n' "$FUNCS" | awk -F '\t' -v max="$MAX" -v allowfile="$ALLOW" '
	BEGIN {
		while ((getline l < allowfile) > 0) {
			sub(/#.*/, "", l); gsub(/[ \t]/, "", l)
			if (l != "") { allow[l] = 1; order[++nallow] = l }
		}
	}
	$1 > max {
		key = $2 ":" $4
		if (key in allow) { debt[key] = 1; ndebt++; next }
		printf "%s:%d: %s is %d lines (limit %d; shorten it)\n", $2, $3, $4, $1, max
		bad++
	}
	END {
		for (k = 1; k <= nallow; k++)
			if (!(order[k] in debt)) {
				printf "%s: listed in tests/funclen.allow but not over %d lines (or gone): remove the line\n", order[k], max
				bad++
			}
		if (bad) {
			printf "funclen: %d problem(s)\n", bad
			exit 1
		}
		printf "funclen: no function over %d lines (%d known debts in tests/funclen.allow)\n", max, ndebt
	}'
