#!/bin/sh
# tests/embed.sh - the library as another program gets it: `make install`
# into a staging folder (DESTDIR), examples/embed.c built there from the
# installed header, archive and stsify.pc alone (pkg-config --static), run
# on a fixture with the same results as the command; the archive exports
# nothing but the API of stsify.h; `make uninstall` removes every file.
#
# Output: a line per failure, then `embed: N passed, N failed`.

NAME=embed
. "$(dirname "$0")/lib.sh"
CC=${CC:-cc}
MAKE=${MAKE:-make}

show() { sed 's/^/    /' "$1" | head -${2:-10}; }

STAGE=$TMP/stage
PREFIX=/opt/stsify
FILES="bin/stsify share/man/man1/stsify.1 lib/libstsify.a include/stsify.h lib/pkgconfig/stsify.pc"

if ! command -v pkg-config >/dev/null 2>&1; then
	echo "embed: skipped: pkg-config is not installed" >&2
	exit 0
fi
if $MAKE -C "$ROOT" --no-print-directory -s install DESTDIR="$STAGE" PREFIX="$PREFIX" \
	>"$TMP/make.out" 2>&1; then ok; else bad "make install failed"; show "$TMP/make.out"; fi
for f in $FILES; do
	[ -f "$STAGE$PREFIX/$f" ] && ok || bad "make install did not install $PREFIX/$f"
done

# every global symbol the archive defines is one stsify.h declares
LIB=$STAGE$PREFIX/lib/libstsify.a
nm -g --defined-only "$LIB" | awk 'NF == 3 { print $3 }' | sort >"$TMP/defined"
sed -n '/typedef/!s/.*\<\(stsify_[a-z_]*\) *[(\[].*/\1/p' "$STAGE$PREFIX/include/stsify.h" | sort -u >"$TMP/declared"
if [ -s "$TMP/defined" ] && cmp -s "$TMP/defined" "$TMP/declared"; then ok; else
	bad "the archive's global symbols are not the header's API (< archive, > header)"
	diff "$TMP/defined" "$TMP/declared" | grep '^[<>]' | head -20 | sed 's/^/    /'
fi
grep -v '^stsify_' "$TMP/defined" >"$TMP/unprefixed" && { bad "unprefixed symbols exported"; show "$TMP/unprefixed"; } || ok

# build the example where the checkout is out of reach: the installed
# files only (PKG_CONFIG_SYSROOT_DIR maps the staged prefix)
mkdir "$TMP/build"
cp "$ROOT/examples/embed.c" "$TMP/build/"
cd "$TMP/build" || exit 2
export PKG_CONFIG_PATH="$STAGE$PREFIX/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$STAGE"
if flags=$(pkg-config --cflags --libs --static stsify 2>"$TMP/pc.err"); then ok; else
	bad "pkg-config --static stsify failed"; show "$TMP/pc.err"
fi
case " $flags " in
*" -I$STAGE$PREFIX/include "*) ok ;;
*) bad "pkg-config gives no -I for the staged include folder: $flags" ;;
esac
# shellcheck disable=SC2086 # the flags are words
if $CC -std=c11 -Wall -Wextra -Werror -pedantic -o embed embed.c $flags >"$TMP/cc.out" 2>&1; then ok; else
	bad "examples/embed.c does not build against the installed library"; show "$TMP/cc.out" 20
fi

# the header from C++ too (extern "C"), when there is a C++ compiler
CXX=${CXX:-c++}
if command -v "$CXX" >/dev/null 2>&1; then
	cat >hello.cc <<'CC'
#include <stsify.h>
#include <cstdio>
int main() { struct stsify_options opt = STSIFY_OPTIONS_INIT; (void)opt; std::puts(stsify_version()); }
CC
	# shellcheck disable=SC2086 # the flags are words
	if $CXX -Wall -Wextra -Werror -o hello hello.cc $flags >"$TMP/cxx.out" 2>&1 && ./hello >/dev/null; then ok; else
		bad "a C++ program cannot use the installed library"; show "$TMP/cxx.out"
	fi
else
	echo "embed: skipped the C++ check: no $CXX" >&2
fi

# run it on a fixture: the same results and findings as the command
cp -r "$ROOT/testdata/cases/pvc-separate-file/in" "$TMP/case"
cd "$TMP/case" || exit 2
if [ -x "$TMP/build/embed" ]; then
	"$TMP/build/embed" deployment.yaml pvc.yaml >"$TMP/embed.out" 2>"$TMP/embed.err"
	rc=$?
	[ $rc = 0 ] && ok || { bad "embed exited $rc"; show "$TMP/embed.err"; }
	"$STSIFY" --check deployment.yaml pvc.yaml >/dev/null 2>"$TMP/cli.err"
	cmp -s "$TMP/cli.err" "$TMP/embed.err" && ok || {
		bad "embed's findings differ from stsify's (< stsify, > embed)"
		diff "$TMP/cli.err" "$TMP/embed.err" | head -10 | sed 's/^/    /'
	}
	"$STSIFY" -w deployment.yaml pvc.yaml 2>/dev/null
	cat deployment.yaml pvc.yaml >"$TMP/cli.out"
	cmp -s "$TMP/cli.out" "$TMP/embed.out" && ok || {
		bad "embed's output differs from stsify -w's (< stsify, > embed)"
		diff "$TMP/cli.out" "$TMP/embed.out" | head -10 | sed 's/^/    /'
	}
	grep -q "^kind: StatefulSet" "$TMP/embed.out" && ok || bad "embed converted nothing"
fi

cd "$TMP" || exit 2
if $MAKE -C "$ROOT" --no-print-directory -s uninstall DESTDIR="$STAGE" PREFIX="$PREFIX" \
	>"$TMP/make.out" 2>&1; then ok; else bad "make uninstall failed"; show "$TMP/make.out"; fi
find "$STAGE" ! -type d >"$TMP/left"
[ -s "$TMP/left" ] && { bad "make uninstall left files"; show "$TMP/left"; } || ok

summary
