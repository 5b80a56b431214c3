#!/bin/sh
# tests/rebind.sh SCRIPT [quick] - run a rebind script of a migration plan (made by
# tests/test_rebind.c for claim db/pg-data -> data-pg-0 of StatefulSet pg)
# against tests/fake-kubectl, and check what a platform engineer relies on:
#   - --dry-run changes nothing and prints every change;
#   - a failed precondition (replicas left, a running writer, the new claim
#     on another volume) changes nothing and exits non-zero;
#   - a run binds the old volume to data-pg-0 and never deletes it;
#   - a second run after success changes nothing;
#   - interrupted before or after each of its changes, a second run
#     finishes the job, and the volume is never lost.
# With quick, the interruptions are skipped (the script of a snapshot
# differs from the one that looks its volume up only in that it starts
# with PV set).  Prints 'rebind: N passed, N failed'; exits 1 on a failure.
set -u
LC_ALL=C
export LC_ALL
ROOT=$(cd "$(dirname "$0")/.." && pwd) || exit 2
SCRIPT=$1
QUICK=${2:-}
T=$(mktemp -d "${TMPDIR:-/tmp}/stsify-rebind.XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT
KUBECTL=$ROOT/tests/fake-kubectl
FAKE_KUBE_STATE=$T/state.json
FAKE_KUBE_LOG=$T/calls
export KUBECTL FAKE_KUBE_STATE FAKE_KUBE_LOG
pass=0 failed=0
ok() { pass=$((pass + 1)); }
bad() {
	failed=$((failed + 1))
	echo "rebind: FAIL ($SCRIPT): $1" >&2
	[ $# -gt 1 ] && [ -s "$2" ] && sed 's/^/  | /' "$2" >&2
}

# state REPLICAS POD_PHASE [NEW_CLAIM_VOLUME]
state() {
	rm -f "$T"/state.json.*
	: >"$T/calls"
	new=
	if [ $# -gt 2 ]; then
		new=', "db/data-pg-0": {"apiVersion": "v1", "kind": "PersistentVolumeClaim",
		  "metadata": {"name": "data-pg-0", "namespace": "db"},
		  "spec": {"volumeName": "'$3'", "storageClassName": "premium-rwo"}, "status": {"phase": "Bound"}}'
	fi
	cat >"$T/state.json" <<JSON
{
 "pv": {"pvc-4f1c2a8e": {"apiVersion": "v1", "kind": "PersistentVolume",
   "metadata": {"name": "pvc-4f1c2a8e", "annotations": {"pv.kubernetes.io/provisioned-by": "pd.csi.storage.gke.io"}},
   "spec": {"accessModes": ["ReadWriteOnce"], "capacity": {"storage": "50Gi"},
            "claimRef": {"kind": "PersistentVolumeClaim", "namespace": "db", "name": "pg-data", "uid": "u1"},
            "persistentVolumeReclaimPolicy": "Delete", "storageClassName": "premium-rwo"},
   "status": {"phase": "Bound"}}},
 "pvc": {"db/pg-data": {"apiVersion": "v1", "kind": "PersistentVolumeClaim",
   "metadata": {"name": "pg-data", "namespace": "db"},
   "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "premium-rwo",
            "resources": {"requests": {"storage": "50Gi"}}, "volumeName": "pvc-4f1c2a8e"},
   "status": {"phase": "Bound"}}$new},
 "pods": {"db/pg-backup-1": {"metadata": {"name": "pg-backup-1", "namespace": "db"},
   "spec": {"volumes": [{"name": "d", "persistentVolumeClaim": {"claimName": "pg-data"}}]},
   "status": {"phase": "$2"}},
          "db/web-1": {"metadata": {"name": "web-1", "namespace": "db"},
   "spec": {"volumes": [{"name": "c", "configMap": {"name": "x"}}]}, "status": {"phase": "Running"}}},
 "deployment": {"db/pg": {"metadata": {"name": "pg", "namespace": "db"}, "spec": {"replicas": $1}}}
}
JSON
	cp "$T/state.json" "$T/before.json"
}

# the end state every completed run must reach
check_done() {
	python3 - "$T/state.json" "$T/state.json.lost" <<'PY'
import json, os, sys
st = json.load(open(sys.argv[1]))
errs = []
if os.path.exists(sys.argv[2]):
    errs.append("volume deleted with its data: " + open(sys.argv[2]).read().strip())
pv = st["pv"].get("pvc-4f1c2a8e")
new = st["pvc"].get("db/data-pg-0")
if not pv:
    errs.append("the volume is gone")
if "db/pg-data" in st["pvc"]:
    errs.append("the old claim is still there")
if not new or new.get("status", {}).get("phase") != "Bound" or new["spec"].get("volumeName") != "pvc-4f1c2a8e":
    errs.append("data-pg-0 is not bound to pvc-4f1c2a8e: %r" % (new,))
elif new["spec"].get("storageClassName") != "premium-rwo":
    errs.append("data-pg-0 is not in the volume's class: %r" % (new["spec"],))
if pv and pv["spec"].get("persistentVolumeReclaimPolicy") != "Retain":
    errs.append("the volume is not Retain")
if pv and pv["spec"].get("claimRef", {}).get("name") != "data-pg-0":
    errs.append("the volume's claimRef is %r" % (pv["spec"].get("claimRef"),))
print("\n".join(errs))
sys.exit(1 if errs else 0)
PY
}

mutations() { grep -cE '^(--namespace [^ ]+ )?(patch|delete|apply) ' "$T/calls"; }

# 1. --dry-run
state 0 Succeeded
if sh "$SCRIPT" --dry-run >"$T/out" 2>&1 && cmp -s "$T/state.json" "$T/before.json" && [ "$(mutations)" = 0 ] &&
	grep -q 'patch pv pvc-4f1c2a8e' "$T/out" && grep -q 'delete pvc pg-data' "$T/out" &&
	grep -q 'apply -f -' "$T/out" && grep -q 'volumeName:' "$T/out"; then ok; else bad "--dry-run" "$T/out"; fi

# 2. preconditions: nothing changes
for pre in 2:Succeeded:replicas 0:Running:pg-backup-1; do
	replicas=${pre%%:*} rest=${pre#*:}
	state "$replicas" "${rest%%:*}"
	if ! sh "$SCRIPT" >"$T/out" 2>&1 && cmp -s "$T/state.json" "$T/before.json" && grep -q "${rest#*:}" "$T/out"; then
		ok
	else
		bad "precondition ${rest#*:} did not stop the script before any change" "$T/out"
	fi
done
state 0 Succeeded pvc-other
if ! sh "$SCRIPT" >"$T/out" 2>&1 && cmp -s "$T/state.json" "$T/before.json" && grep -q 'another volume' "$T/out"; then
	ok
else
	bad "a data-pg-0 on another volume did not stop the script" "$T/out"
fi

# 3. a run, then a second run
state 0 Succeeded
if sh "$SCRIPT" >"$T/out" 2>&1 && check_done >"$T/why"; then ok; else cat "$T/why" >>"$T/out"; bad "a run did not rebind" "$T/out"; fi
steps=$(mutations)
: >"$T/calls"
if sh "$SCRIPT" >"$T/out" 2>&1 && [ "$(mutations)" = 0 ] && grep -q 'done' "$T/out"; then ok; else bad "a second run changed something" "$T/calls"; fi

# 4. interrupted before and after each change, then run again
n=1
[ -z "$QUICK" ] || n=$((steps + 1))
while [ "$n" -le "$steps" ]; do
	for mode in before after; do
		state 0 Succeeded
		if FAKE_KUBE_FAIL_AT=$n FAKE_KUBE_FAIL_MODE=$mode sh "$SCRIPT" >"$T/out" 2>&1; then
			bad "interrupted $mode change $n, the script exited 0" "$T/out"
			continue
		fi
		if sh "$SCRIPT" >>"$T/out" 2>&1 && check_done >"$T/why"; then
			ok
		else
			cat "$T/why" >>"$T/out"
			bad "interrupted $mode change $n of $steps, a second run did not finish" "$T/out"
		fi
	done
	n=$((n + 1))
done
if [ "$steps" -ge 4 ]; then ok; else bad "expected at least 4 changes (Retain, delete, claimRef, apply), got $steps" "$T/calls"; fi

echo "rebind: $pass passed, $failed failed"
[ "$failed" = 0 ]
