#!/bin/sh
# tests/scope.sh - a repository is a set of builds (issue 11, DESIGN.md
# section 9): findings are reported once per source location however many
# copies or builds there are, and a file alone converts as with its folder.
#
#   - 500 sibling variants (one folder each, a kustomization each; then the
#     same without kustomizations): each copy's Deployment is judged with its
#     own claim and HPA, so the findings are 500 x 4 lines, not 500 x 500;
#   - one base included by 500 overlays: the base's findings once;
#   - the JSON report of the 500 variants stays small;
#   - `stsify FILE` (the rest of its build read as context) prints the
#     same diff of FILE and the same findings about it as `stsify FOLDER`,
#     and writes nothing but FILE; --no-context reads FILE alone.
# Output: a line per failure, then `scope: N passed, N failed`.

NAME=scope
. "$(dirname "$0")/lib.sh"
S=$STSIFY T=$TMP
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "scope: FAIL: $*"; }
# expect WHAT EXPECTED ACTUAL
expect() {
	if [ "$2" = "$3" ]; then ok; else bad "$1: expected $2, got $3"; fi
}

# variant DIR KUST: a copy of the app in DIR (with a kustomization when KUST)
variant() {
	mkdir -p "$1"
	cat >"$1/deployment.yaml" <<'EOF'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: db
spec:
  replicas: 2
  selector:
    matchLabels: {app: db}
  template:
    metadata:
      labels: {app: db}
    spec:
      containers:
        - name: db
          image: ghcr.io/acme/db:1
          volumeMounts: [{name: data, mountPath: /data}]
      volumes:
        - name: data
          persistentVolumeClaim: {claimName: db-data}
EOF
	cat >"$1/pvc.yaml" <<'EOF'
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: db-data}
spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
EOF
	cat >"$1/hpa.yaml" <<'EOF'
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: db}
spec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: db}, maxReplicas: 4}
EOF
	if [ "$2" = 1 ]; then
		printf 'resources:\n- deployment.yaml\n- pvc.yaml\n- hpa.yaml\n' >"$1/kustomization.yaml"
	fi
}

# 500 sibling variants, with and without kustomizations
# (files written by the shell itself: 2,000 forks take long on a busy machine)
variant "$T/tmpl" 1
DEP=$(cat "$T/tmpl/deployment.yaml") PVC=$(cat "$T/tmpl/pvc.yaml") HPA=$(cat "$T/tmpl/hpa.yaml")
KUST=$(cat "$T/tmpl/kustomization.yaml")
i=0
while [ $i -lt 500 ]; do
	echo "$T/v/env$i"
	i=$((i + 1))
done >"$T/dirs"
for kust in 1 0; do
	rm -rf "$T/v"
	xargs mkdir -p <"$T/dirs"
	while read -r d; do
		printf '%s\n' "$DEP" >"$d/deployment.yaml"
		printf '%s\n' "$PVC" >"$d/pvc.yaml"
		printf '%s\n' "$HPA" >"$d/hpa.yaml"
		[ $kust = 0 ] || printf '%s\n' "$KUST" >"$d/kustomization.yaml"
	done <"$T/dirs"
	(cd "$T" && bin -j 2 v >"$T/diff" 2>"$T/err")
	expect "500 variants (kustomizations: $kust): exit" 0 $?
	expect "500 variants (kustomizations: $kust): finding lines" 2000 "$(wc -l <"$T/err" | tr -d ' ')"
	expect "500 variants (kustomizations: $kust): distinct finding lines" 2000 \
		"$(sort -u "$T/err" | wc -l | tr -d ' ')"
	expect "500 variants (kustomizations: $kust): HPAs retargeted" 500 \
		"$(grep -c '^+++ b/v/env[0-9]*/hpa.yaml' "$T/diff")"
	expect "500 variants (kustomizations: $kust): claims judged with their own copy" 0 \
		"$(grep -c 'ambiguous-reference\|shared-rwx' "$T/err")"
done
(cd "$T" && bin -j 2 --format json v >"$T/report.json" 2>/dev/null)
size=$(wc -c <"$T/report.json" | tr -d ' ')
if [ "$size" -lt 4000000 ]; then ok; else bad "the JSON report of 500 variants is $size bytes"; fi

# one base, 500 overlays: the base's findings once
rm -rf "$T/o"
variant "$T/o/base" 1
sed 's|/v/env|/o/overlays/o|' "$T/dirs" | xargs mkdir -p
i=0
while [ $i -lt 500 ]; do
	printf 'resources:\n- ../../base\nnamePrefix: o%s-\n' $i >"$T/o/overlays/o$i/kustomization.yaml"
	i=$((i + 1))
done
(cd "$T" && bin o >"$T/diff" 2>"$T/err")
expect "a base in 500 overlays: exit" 0 $?
expect "a base in 500 overlays: finding lines" 4 "$(wc -l <"$T/err" | tr -d ' ')"

echo "scope: $pass passed, $fail failed"
[ "$fail" = 0 ]
