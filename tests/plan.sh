#!/bin/sh
# tests/plan.sh - the scripts of the migration plans stsify writes: every
# rebind script of a golden case's expected-plan/ and of the fixture
# repository's plan passes shellcheck (Debian package), and the one of
# testdata/cases/plan-rebind (claim db/pg-data -> data-pg-0 of StatefulSet
# pg, the names tests/rebind.sh's fake cluster holds) survives
# tests/rebind.sh: a dry run, failed preconditions, an interruption after
# each step followed by a run that completes.  golden.sh checks that
# expected-plan/ is what stsify writes, so this tests stsify's output.
#
#   sh tests/plan.sh
#
# Prints 'plan: N passed, N failed'; exit 1 on a failure.
NAME=plan
. "$(dirname "$0")/lib.sh"

cd "$ROOT" || exit 2
pass=0 failed=0
if command -v shellcheck >/dev/null 2>&1; then
	for f in testdata/cases/*/expected-plan/*.sh testdata/repo-expected/migration-plan/*.sh; do
		[ -f "$f" ] || continue
		if shellcheck -s sh "$f" >"$TMP/sc" 2>&1; then
			pass=$((pass + 1))
		else
			failed=$((failed + 1))
			echo "plan: FAIL: shellcheck $f"
			sed 's/^/  | /' "$TMP/sc" | head -20
		fi
	done
else
	echo "plan: shellcheck is not installed (apt-get install shellcheck): scripts not checked"
fi
if command -v python3 >/dev/null 2>&1; then
	if sh tests/rebind.sh testdata/cases/plan-rebind/expected-plan/db--pg--data.sh >"$TMP/rb" 2>&1; then
		pass=$((pass + 1))
	else
		failed=$((failed + 1))
		echo "plan: FAIL: tests/rebind.sh on plan-rebind's script"
		sed 's/^/  | /' "$TMP/rb" | tail -20
	fi
else
	echo "plan: python3 is not installed: no fake kubectl, the script not run"
fi
echo "plan: $pass passed, $failed failed"
[ "$failed" -eq 0 ]
