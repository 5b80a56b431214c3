#!/bin/sh
# tests/valgrind.sh - ./stsify under valgrind memcheck (tests/valgrind-stsify),
# for what ASan cannot see: reads of uninitialised memory (and leaks again).
#
#   sh tests/valgrind.sh              every golden case, then the modes below (make valgrind)
#   sh tests/valgrind.sh CASE...      the named golden cases, then the modes
#                                     (make check: make valgrind-quick, VALGRIND_CASES)
#
# The golden cases run through tests/golden.sh with
# STSIFY=tests/valgrind-stsify (per case: the diff, -w, the second run and
# filter mode).  Then the modes golden cases do not reach, once each, on a
# copy of testdata/repo: --format json, --format sarif, --migration-plan,
# -v --check, -w on 3 threads, filter mode (fast path and full parse), a KRM
# ResourceList, and the Kustomize plugin.  A memcheck error or leak makes
# tests/valgrind-stsify exit 97: a failure, with valgrind's report.
#
# Output: golden.sh's lines, a line per failing mode, then
# `valgrind: N passed, N failed`.

NAME=valgrind
. "$(dirname "$0")/lib.sh"
command -v valgrind >/dev/null 2>&1 || { echo "valgrind: valgrind is not installed (make deps)" >&2; exit 2; }
S=$ROOT/tests/valgrind-stsify T=$TMP
STSIFY_REAL=$STSIFY
export STSIFY_REAL
pass=0
fail=0

STSIFY=$S sh "$ROOT/tests/golden.sh" "$@" || fail=$((fail + 1))

# mode WHAT EXPECTED-EXIT ARG...: one run under valgrind in $T, stdin empty
mode() {
	_what=$1 _want=$2
	shift 2
	(cd "$T" && "$S" "$@") </dev/null >"$T/out" 2>"$T/err"
	judge "$_what" "$_want" $?
}
# judge WHAT EXPECTED-EXIT GOT: a pass, or a failure with the report
judge() {
	if [ "$3" = "$2" ] && ! grep -q '^==[0-9]*==' "$T/err"; then
		pass=$((pass + 1))
		return
	fi
	fail=$((fail + 1))
	echo "valgrind: FAIL: $1: exit $3, expected $2"
	grep -v '^testdata/' "$T/err" | head -30 | sed 's/^/    /'
}

mkdir -p "$T/testdata" && cp -R "$ROOT/testdata/repo" "$T/testdata/"
mode "--format json" 0 --format json testdata/repo
mode "--format sarif" 0 --format sarif testdata/repo
mode "--migration-plan" 0 -q --migration-plan plan testdata/repo
mode "-v --check" 1 -v --check testdata/repo
mode "-w -j 3" 0 -q -w -j 3 testdata/repo
rm -rf "$T/testdata/repo" && cp -R "$ROOT/testdata/repo" "$T/testdata/"

# filter mode: the fast path and the full parse, on the repository joined
find "$T/testdata/repo" -name '*.yaml' ! -path '*/templates/*' | sort | while IFS= read -r f; do
	cat "$f"
	printf '\n---\n'
done >"$T/stream.yaml"
(cd "$T" && "$S" -j 2 <stream.yaml) >"$T/out" 2>"$T/err"
judge "filter mode" 0 $?
(cd "$T" && STSIFY_FULL_PARSE=1 "$S" <stream.yaml) >"$T/out" 2>"$T/err"
judge "filter mode, full parse" 0 $?

# a KRM function: a ResourceList with its functionConfig
cat >"$T/rl.yaml" <<'EOF'
apiVersion: config.kubernetes.io/v1
kind: ResourceList
functionConfig:
  apiVersion: v1
  kind: ConfigMap
  metadata:
    name: fn
  data:
    storageSize: 5Gi
items:
- apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: pg
  spec:
    replicas: 2
    selector:
      matchLabels: {app: pg}
    template:
      metadata:
        labels: {app: pg}
      spec:
        containers:
        - name: pg
          image: postgres:16
          volumeMounts:
          - {name: data, mountPath: /var/lib/postgresql/data}
        volumes:
        - name: data
          persistentVolumeClaim: {claimName: pg-data}
EOF
(cd "$T" && "$S" <rl.yaml) >"$T/out" 2>"$T/err"
judge "KRM ResourceList" 0 $?
grep -q 'kind: StatefulSet' "$T/out" || { fail=$((fail + 1)); echo "valgrind: FAIL: KRM ResourceList: not converted"; }

# the Kustomize plugin: argv[0] StatefulSetMigration
ln -s "$STSIFY" "$T/StatefulSetMigration"
(cd "$T" && STSIFY_REAL=$T/StatefulSetMigration "$S" "$ROOT/testdata/kustomize/overlay/statefulsets.yaml") \
	<"$ROOT/testdata/kustomize/plugin-stdin.yaml" >"$T/out" 2>"$T/err"
judge "Kustomize plugin" 0 $?

echo "valgrind: $pass passed, $fail failed"
[ "$fail" = 0 ]
