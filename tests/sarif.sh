#!/bin/sh
# tests/sarif.sh - --format sarif against the OASIS SARIF 2.1.0 schema
# (testdata/schemas/sarif) and the man page's promises: tests/sarif_check.py.
# Uses Debian's python3 with python3-jsonschema (installed by `make deps`).
NAME=sarif
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
if ! "$PY" -c 'import jsonschema' 2>/dev/null; then
	echo "sarif: $PY lacks jsonschema: apt-get install python3-jsonschema (make deps)" >&2
	exit 2
fi
"$PY" "$ROOT/tests/sarif_check.py" "$STSIFY"
