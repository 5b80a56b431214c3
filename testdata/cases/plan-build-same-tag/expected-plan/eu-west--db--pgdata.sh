#!/bin/sh
# Rebind the volume of claim "pgdata" to claim "pgdata-db-0", which pod 0 of
# StatefulSet "db" adopts: the data stays where it is, nothing is copied.
# Made by stsify.  Run it after deployment/db is scaled to 0:
#
#   sh eu-west--db--pgdata.sh --dry-run   print every change, make none
#   sh eu-west--db--pgdata.sh             check everything, then do it
#
# Every step first checks whether it is done, so running it again after
# success or after an interruption finishes the job or says what is
# wrong.  KUBECTL names the kubectl to run.
set -eu

NS=''
WORKLOAD='deployment/db'
STS='db'
OLD='pgdata'
NEW='pgdata-db-0'
PV=''

# The claim to apply, for a volume of class $1.
claim() {
	cat <<'EOF_CLAIM'
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: pgdata-db-0
  labels:
    app.kubernetes.io/managed-by: stsify
spec:
  accessModes:
  - ReadWriteOnce
  resources:
    requests:
      storage: 10Gi
EOF_CLAIM
	printf "  storageClassName: '%s'\n  volumeName: '%s'\n" "$1" "$PV"
}

KUBECTL=${KUBECTL:-kubectl}
DRY_RUN=0
case ${1:-} in
--dry-run) DRY_RUN=1 ;;
'') ;;
*) echo "usage: $0 [--dry-run]" >&2; exit 2 ;;
esac

say() { printf 'rebind %s: %s\n' "$NEW" "$*" >&2; }
fail() { say "error: $*"; exit 1; }
kc() { "$KUBECTL" --namespace "$NS" "$@"; }
change() {
	printf '+ kubectl --namespace %s %s\n' "$NS" "$*"
	if [ "$DRY_RUN" = 0 ]; then kc "$@"; fi
}
# KIND NAME JSONPATH: the field, empty when the object does not exist
field() { kc get "$1" "$2" --ignore-not-found -o "jsonpath=$3"; }
exists() { [ -n "$(field "$1" "$2" '{.metadata.name}')" ]; }

if [ -z "$NS" ]; then
	NS=$("$KUBECTL" config view --minify -o 'jsonpath={..namespace}')
	NS=${NS:-default}
fi

# 1. The volume: named by the snapshot, else by either claim, else by the
#    claimRef that an interrupted run left on it.
[ -n "$PV" ] || PV=$(field pvc "$OLD" '{.spec.volumeName}')
[ -n "$PV" ] || PV=$(field pvc "$NEW" '{.spec.volumeName}')
if [ -z "$PV" ]; then
	PV=$(kc get pv -o 'jsonpath={range .items[*]}{.metadata.name}{" "}{.spec.claimRef.namespace}/{.spec.claimRef.name}{"\n"}{end}' |
		awk -v a="$NS/$OLD" -v b="$NS/$NEW" '$2 == a || $2 == b { print $1; exit }')
fi
if [ -z "$PV" ]; then
	PV=$(kc get pv -l "stsify.dev/rebind-to=$NEW,stsify.dev/rebind-namespace=$NS" \
		-o 'jsonpath={range .items[*]}{.metadata.name}{"\n"}{end}' | head -n 1)
fi
[ -n "$PV" ] || fail "no volume found for claim $OLD (nor for $NEW): nothing to rebind"
exists pv "$PV" || fail "volume $PV does not exist"

# 2. Done already, or taken by something else?
if exists pvc "$NEW"; then
	new_pv=$(field pvc "$NEW" '{.spec.volumeName}')
	[ "$new_pv" = "$PV" ] || fail "claim $NEW exists on another volume (${new_pv:-none}): did the StatefulSet start before the data was moved? Delete claim $NEW only if it holds nothing, then run this again"
	if [ "$(field pvc "$NEW" '{.status.phase}')" = Bound ]; then
		say "done: claim $NEW is bound to volume $PV"
		exit 0
	fi
fi

# 3. Nothing may write to the volume while it moves.
replicas=$(field "${WORKLOAD%%/*}" "${WORKLOAD#*/}" '{.spec.replicas}')
if [ -n "$replicas" ] && [ "$replicas" != 0 ]; then
	fail "$WORKLOAD has $replicas replicas: scale it to 0 first (kubectl scale $WORKLOAD --replicas=0 --namespace $NS)"
fi
pods=$(kc get pods -o 'jsonpath={range .items[*]}{.metadata.name}{" "}{.status.phase}{" "}{range .spec.volumes[*]}{.persistentVolumeClaim.claimName}{" "}{end}{"\n"}{end}' |
	awk -v c="$OLD" '$2 != "Succeeded" && $2 != "Failed" { for (i = 3; i <= NF; i++) if ($i == c) { print $1; break } }' | tr '\n' ' ')
[ -z "$pods" ] || fail "pods still mount claim $OLD: $pods- stop them first"
ref=$(field pv "$PV" '{.spec.claimRef.namespace}/{.spec.claimRef.name}')
case $ref in
/ | "$NS/$OLD" | "$NS/$NEW") ;;
*) fail "volume $PV is bound to claim $ref, not to $NS/$OLD" ;;
esac

# 4. Keep the volume when its claim goes, and label it so that a run
#    interrupted after step 6 finds it again.
policy=$(field pv "$PV" '{.spec.persistentVolumeReclaimPolicy}')
label=$(field pv "$PV" '{.metadata.labels.stsify\.dev/rebind-to}')
if [ "$policy" != Retain ] || [ "$label" != "$NEW" ]; then
	change patch pv "$PV" -p "{\"metadata\":{\"labels\":{\"stsify.dev/rebind-to\":\"$NEW\",\"stsify.dev/rebind-namespace\":\"$NS\"}},\"spec\":{\"persistentVolumeReclaimPolicy\":\"Retain\"}}"
	if [ "$DRY_RUN" = 0 ] && [ "$(field pv "$PV" '{.spec.persistentVolumeReclaimPolicy}')" != Retain ]; then
		fail "volume $PV is not Retain: stopping before claim $OLD is deleted"
	fi
fi

# 5. The old claim goes; the volume stays (Released).
if exists pvc "$OLD"; then
	change delete pvc "$OLD" --wait=true
fi

# 6. The volume forgets the old claim (Available).
if [ "$(field pv "$PV" '{.spec.claimRef.name}')" = "$OLD" ]; then
	change patch pv "$PV" --type json -p '[{"op":"remove","path":"/spec/claimRef"}]'
fi

# 7. The claim of pod 0, bound in advance to the volume, in its class.
if ! exists pvc "$NEW"; then
	cls=$(field pv "$PV" '{.spec.storageClassName}')
	if [ "$DRY_RUN" = 1 ]; then
		change apply -f -
		claim "$cls" | sed 's/^/    /'
	else
		printf '+ kubectl --namespace %s apply -f -\n' "$NS"
		claim "$cls" | kc apply -f -
	fi
fi

# 8. Bound?
change wait --for=jsonpath='{.status.phase}'=Bound pvc/"$NEW" --timeout=5m
if [ "$DRY_RUN" = 1 ]; then
	say "dry run: nothing was changed"
	exit 0
fi
say "done: claim $NEW is bound to volume $PV (reclaim policy Retain; it was ${policy:-unknown}): StatefulSet $STS may start"
