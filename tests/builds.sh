#!/bin/sh
# tests/builds.sh - the property of issue 11 (DESIGN.md section 9): for every
# root build R of every repository fixture (testdata/builds/*, testdata/repo),
# `kubectl kustomize R | stsify` and `stsify -w REPO; kubectl kustomize R`
# give the same StatefulSets, Services, autoscaler targets and claim
# templates, and both validate against the Kubernetes schemas
# (tests/builds_check.py says how).
#
#   sh tests/builds.sh [FIXTURE...]      (make builds)
#
# Needs kubectl (KUBECTL names another; its built-in Kustomize renders) and
# Debian's python3 with python3-yaml and python3-jsonschema; without
# kubectl the suite skips, saying so, and passes.
# Output: a line per build (PASS, FAIL with the difference, KNOWN for the
# failures listed in tests/builds.known, SKIP for a build Kustomize cannot
# render), then `builds: N passed, N failed`.
NAME=builds
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
KUBECTL=${KUBECTL:-kubectl}
if ! command -v "$KUBECTL" >/dev/null 2>&1 || ! "$KUBECTL" kustomize --help >/dev/null 2>&1; then
	echo "builds: SKIP: no kubectl with kustomize in PATH (the property of issue 11 needs the real Kustomize)"
	echo "builds: 0 passed, 0 failed"
	exit 0
fi
if ! "$PY" -c 'import jsonschema, yaml' 2>/dev/null; then
	echo "builds: $PY lacks jsonschema or yaml: apt-get install python3-jsonschema python3-yaml (make deps)" >&2
	exit 2
fi
# the -w side renders with the same Kustomize (lib.sh turned rendering off)
STSIFY_KUSTOMIZE="$KUBECTL kustomize"
export STSIFY KUBECTL STSIFY_KUSTOMIZE TMPDIR="$TMP"
exec "$PY" "$ROOT/tests/builds_check.py" "$@"
