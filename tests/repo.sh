#!/bin/sh
# tests/repo.sh - repository mode on the fixture testdata/repo (several apps,
# one file per object, an HPA, Kustomizations with patches, a stateless app,
# a read-only shared claim, non-Kubernetes YAML, a Helm chart) against
# testdata/repo-expected/: the diff and findings, the JSON report and the
# migration plan; and the promises around them:
#   - `git apply` of the printed diff gives exactly what -w gives;
#   - -w twice is a no-op; --check exits 1 before and 0 after;
#   - the migrated overlay still builds with kustomize (when kubectl is here);
#   - an unparseable file in the tree: exit 3, that file untouched, the rest
#     migrated as without it;
#   - a write that fails before the rename leaves the original intact.
# STSIFY_REPO_UPDATE=1 rewrites the expectations (review them!).
# Output: a line per failure, then `repo: N passed, N failed`.

NAME=repo
. "$(dirname "$0")/lib.sh"
S=$STSIFY T=$TMP
EXP=$ROOT/testdata/repo-expected
# same FILE EXPECTED WHAT: compare, or write the expectation in update mode
same() {
	if [ "${STSIFY_REPO_UPDATE:-}" ]; then
		mkdir -p "$(dirname "$2")" && cp "$1" "$2" && ok
	elif cmp -s "$1" "$2"; then
		ok
	else
		bad "$3 differs from ${2#"$ROOT"/}"
		diff -u "$2" "$1" | head -20 | sed 's/^/    /'
	fi
}
# fresh COPY: the fixture at testdata/repo under $T/COPY
fresh() {
	rm -rf "$T/$1" && mkdir -p "$T/$1/testdata" && cp -r "$ROOT/testdata/repo" "$T/$1/testdata/"
}

cd "$ROOT" || exit 2
"$S" testdata/repo >"$T/diff" 2>"$T/err"
rc=$?
[ "$rc" = 0 ] && ok || bad "diff mode exit $rc"
same "$T/diff" "$EXP/diff" "the diff"
same "$T/err" "$EXP/stderr" "the findings"
"$S" --format json testdata/repo >"$T/report.json" 2>/dev/null
same "$T/report.json" "$EXP/report.json" "the JSON report"
python3 -m json.tool "$T/report.json" >/dev/null 2>&1 && ok || bad "the JSON report does not parse"
"$S" --format sarif testdata/repo >"$T/sarif.json" 2>/dev/null
python3 - "$T/sarif.json" <<'PY' && ok || bad "the SARIF report is not SARIF 2.1.0 with every finding"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["version"] == "2.1.0"
run = d["runs"][0]
ids = {r["id"] for r in run["tool"]["driver"]["rules"]}
assert run["results"] and all(r["ruleId"] in ids for r in run["results"])
assert all(r["level"] in ("error", "warning", "note") for r in run["results"])
PY
rm -rf "$T/plan"
"$S" -q --migration-plan "$T/plan" testdata/repo >/dev/null 2>&1
if [ "${STSIFY_REPO_UPDATE:-}" ]; then
	rm -rf "$EXP/migration-plan" && cp -r "$T/plan" "$EXP/migration-plan" && ok
elif diff -r "$EXP/migration-plan" "$T/plan" >"$T/plandiff"; then
	ok
else
	bad "the migration plan differs"; head -20 "$T/plandiff" | sed 's/^/    /'
fi

# git apply of the diff == -w; -w twice is a no-op; --check before and after
fresh a && fresh w
(cd "$T/a" && git apply --unsafe-paths "$T/diff") && ok || bad "git apply refused the diff"
(cd "$T/w" && "$S" -q -w testdata/repo 2>/dev/null) && ok || bad "-w failed"
diff -r "$T/a" "$T/w" >/dev/null && ok || bad "git apply and -w differ"
(cd "$T/w" && find testdata -type f -exec md5sum {} + | sort >"$T/sum1" && "$S" -q -w testdata/repo 2>/dev/null &&
	find testdata -type f -exec md5sum {} + | sort >"$T/sum2")
cmp -s "$T/sum1" "$T/sum2" && ok || bad "-w twice changed something"
fresh c
(cd "$T/c" && "$S" -q --check testdata/repo >/dev/null 2>&1)
rc=$?
[ "$rc" = 1 ] && ok || bad "--check before: exit $rc, expected 1"
(cd "$T/w" && "$S" -q --check testdata/repo >/dev/null 2>&1)
rc=$?
[ "$rc" = 0 ] && ok || bad "--check after: exit $rc, expected 0"

# kustomize still builds the migrated overlay, with the patches applied
if command -v kubectl >/dev/null 2>&1; then
	out=$(kubectl kustomize "$T/w/testdata/repo/overlays/prod" 2>/dev/null)
	case $out in
	*"kind: StatefulSet"*"backup.acme.io/enabled"*) ok ;;
	*) case $out in *backup.acme.io*"kind: StatefulSet"*) ok ;; *) bad "kustomize build of the migrated overlay" ;; esac ;;
	esac
	echo "$out" | grep -q "kind: Deployment" && echo "$out" | grep -A3 "kind: Deployment" | grep -q "name: orders-db" &&
		bad "orders-db is still a Deployment after kustomize" || ok
else
	echo "repo: skipped the kustomize build check: kubectl is not installed"
fi

# an unparseable file: exit 3, untouched, the rest migrated as without it
fresh b
printf 'apiVersion: v1\nkind: ConfigMap\ndata: [\n' >"$T/b/testdata/repo/apps/broken.yaml"
cp "$T/b/testdata/repo/apps/broken.yaml" "$T/broken.orig"
(cd "$T/b" && "$S" -q -w testdata/repo >/dev/null 2>"$T/berr")
rc=$?
[ "$rc" = 3 ] && ok || bad "a broken file: exit $rc, expected 3"
grep -q "^testdata/repo/apps/broken.yaml:[0-9]*:[0-9]*: error: .*\[parse-error\]" "$T/berr" && ok ||
	bad "no file:line:col for the broken file: $(cat "$T/berr")"
cmp -s "$T/broken.orig" "$T/b/testdata/repo/apps/broken.yaml" && ok || bad "the broken file was touched"
rm "$T/b/testdata/repo/apps/broken.yaml"
diff -r "$T/b" "$T/w" >/dev/null && ok || bad "a broken file changed how the rest was migrated"

# a write that fails before the rename (tests/faults.so): exit 3, originals
# intact, no leftovers
if [ -e "$ROOT/tests/faults.so" ]; then
	fresh f
	(cd "$T/f" && STSIFY_FAULT=rename:EIO LD_PRELOAD="$ROOT/tests/faults.so" \
		ASAN_OPTIONS=${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}verify_asan_link_order=0 \
		"$S" -q -w testdata/repo >/dev/null 2>"$T/ferr")
	rc=$?
	[ "$rc" = 3 ] && ok || bad "failed rename: exit $rc, expected 3"
	grep -q "\[write-error\]" "$T/ferr" && ok || bad "failed rename: no write-error finding"
	fresh g
	diff -r "$T/f" "$T/g" >/dev/null && ok || bad "failed rename: a file changed or a temporary file remained"
else
	echo "repo: skipped the failed-write check: tests/faults.so is missing (make tests/faults.so)"
fi

summary
