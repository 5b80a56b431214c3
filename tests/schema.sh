#!/bin/sh
# tests/schema.sh - every StatefulSet and Service stsify writes validates
# against the strict Kubernetes v1.29.0 JSON schema (tests/schema_check.py).
# Uses Debian's python3 with python3-jsonschema and python3-yaml (installed
# by `make deps`), not whatever python3 comes first in PATH.
ROOT=$(cd "$(dirname "$0")/.." && pwd) || exit 2
PY=/usr/bin/python3
if ! "$PY" -c 'import jsonschema, yaml' 2>/dev/null; then
	echo "schema: $PY lacks jsonschema or yaml: apt-get install python3-jsonschema python3-yaml (make deps)" >&2
	exit 2
fi
exec "$PY" "$ROOT/tests/schema_check.py"
