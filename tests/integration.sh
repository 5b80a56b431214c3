#!/bin/sh
# tests/integration.sh - stsify inside the real tools.
#
#   Kustomize (as embedded in kubectl): `make install-kustomize-plugin`
#   links stsify into a fresh KUSTOMIZE_PLUGIN_HOME, and
#   `kubectl kustomize --enable-alpha-plugins` then runs it as the
#   StatefulSetMigration transformer over testdata/kustomize: the overlay
#   (patch, namespace, namePrefix over the base) renders a StatefulSet with
#   volumeClaimTemplates and its headless Service; the web build, with
#   nothing to convert, renders exactly as without the plugin; a bad config
#   fails the build naming the field.
#
#   kpt: `kpt fn eval --exec stsify` rewrites a copy of testdata/kpt/postgres
#   in place (StatefulSet and headless Service in the same file, comments
#   kept), honours --fn-config and `-- key=value`, fails on a bad config
#   with an error result; runs from a Kptfile pipeline (`kpt fn render
#   --allow-exec`); `kpt fn source | stsify | kpt fn sink` works.
#
# The checks of a tool that is not installed are skipped, with a line
# saying so.  Output: a line per failure, then `integration: N passed, N failed`.

NAME=integration
. "$(dirname "$0")/lib.sh"
S=$STSIFY T=$TMP
KFIX=$ROOT/testdata/kustomize
PFIX=$ROOT/testdata/kpt

# show FILE: a few lines of evidence after a failure
show() { sed 's/^/    /' "$1" | head -20; }
# check DESCRIPTION command...: passes when the command succeeds
check() {
	what=$1
	shift
	if "$@"; then ok; else bad "$what"; fi
}
# count PATTERN FILE: lines matching
count() { grep -c -- "$1" "$2"; }

# ---- the plugin by hand, on a stream Kustomize sent it ----

mkdir "$T/byhand"
ln -s "$S" "$T/byhand/StatefulSetMigration"
"$T/byhand/StatefulSetMigration" "$KFIX/overlay/statefulsets.yaml" <"$KFIX/plugin-stdin.yaml" >"$T/h.out" 2>"$T/h.err"
rc=$?
check "plugin by hand: exit $rc" test "$rc" = 0
check "plugin by hand: not converted" grep -q '^kind: StatefulSet$' "$T/h.out"
# the annotations Kustomize set are all there, byte for byte
annotations() { awk '/^  annotations:$/ { on = 1; print; next } on && /^    / { print; next } { on = 0 }' "$1"; }
annotations "$KFIX/plugin-stdin.yaml" >"$T/h.ann.in"
# (stsify's own, the findings, one double-quoted line each here, aside)
annotations "$T/h.out" | grep -v '^    stsify.dev/findings: "' >"$T/h.ann.out"
if [ -s "$T/h.ann.in" ] && cmp -s "$T/h.ann.in" "$T/h.ann.out"; then ok; else
	bad "plugin by hand: Kustomize's annotations changed"
	diff "$T/h.ann.in" "$T/h.ann.out" | head -10
fi
check "plugin by hand: the claim under its old name was not found" grep -q '^          storage: 10Gi$' "$T/h.out"
check "plugin by hand: claim-not-found" sh -c "! grep -q claim-not-found '$T/h.err'"
check "plugin by hand: data-migration does not name the claim Kustomize renamed" \
	grep -q 'warning: copy the data of claim "prod-postgres-data" to claim "data-prod-postgres-0"' "$T/h.err"
check "plugin by hand: no data-migration annotation" \
	grep -q '^    stsify.dev/findings: "warning: copy the data of claim \\"prod-postgres-data\\"' "$T/h.out"
"$T/byhand/StatefulSetMigration" <"$KFIX/plugin-stdin.yaml" >/dev/null 2>"$T/h.err"
rc=$?
check "plugin without its config: exit $rc, not 2" test "$rc" = 2
check "plugin without its config: no message" grep -q 'takes one argument' "$T/h.err"

# ---- Kustomize: the legacy exec transformer plugin ----

if command -v kubectl >/dev/null 2>&1 && kubectl kustomize --help >/dev/null 2>&1; then
	PLUG=$T/plugins
	LINK=$PLUG/stsify.dev/v1alpha1/statefulsetmigration/StatefulSetMigration
	make -s -C "$ROOT" install-kustomize-plugin KUSTOMIZE_PLUGIN_HOME="$PLUG" STSIFY_BIN="$S" >/dev/null
	if [ -L "$LINK" ] && [ "$(readlink "$LINK")" = "$S" ]; then ok; else
		bad "install-kustomize-plugin: no link to stsify at $LINK"
	fi
	cp -r "$KFIX" "$T/k"
	kz() { KUSTOMIZE_PLUGIN_HOME=$PLUG kubectl kustomize "$@"; }

	# the overlay: converted, after the patch, namespace and prefix
	if kz --enable-alpha-plugins "$T/k/overlay" >"$T/k.out" 2>"$T/k.err"; then
		ok
		check "kustomize: not one StatefulSet" test "$(count '^kind: StatefulSet$' "$T/k.out")" = 1
		check "kustomize: a Deployment is left" test "$(count '^kind: Deployment$' "$T/k.out")" = 0
		check "kustomize: no volumeClaimTemplates" grep -q '^  volumeClaimTemplates:$' "$T/k.out"
		# the prefixed claim was found: its 10Gi, not the default 1Gi
		check "kustomize: the template lacks the claim's storage" grep -q '^          storage: 10Gi$' "$T/k.out"
		check "kustomize: the claim is still a pod volume" sh -c "! grep -q claimName '$T/k.out'"
		check "kustomize: the patch (replicas: 3) is lost" grep -q '^  replicas: 3$' "$T/k.out"
		check "kustomize: serviceName is not the prefixed name" grep -q '^  serviceName: prod-postgres$' "$T/k.out"
		# the headless Service: its own document, prefixed name, namespace
		awk 'BEGIN { RS = "---\n" } /kind: Service\n/' "$T/k.out" >"$T/k.svc"
		check "kustomize: no headless Service" grep -q '^  clusterIP: None$' "$T/k.svc"
		check "kustomize: the Service is not named prod-postgres" grep -q '^  name: prod-postgres$' "$T/k.svc"
		check "kustomize: the Service is not in namespace shop" grep -q '^  namespace: shop$' "$T/k.svc"
		check "kustomize: a Kustomize annotation leaked into the output" \
			sh -c "! grep -q 'config.k8s.io\\|config.kubernetes.io' '$T/k.out'"
		# the warnings Kustomize hides on stderr: an annotation on the
		# StatefulSet (and on the claim to copy)
		awk 'BEGIN { RS = "---\n" } /kind: StatefulSet\n/' "$T/k.out" >"$T/k.sts"
		check "kustomize: no stsify.dev/findings annotation on the StatefulSet" \
			grep -q '^    stsify.dev/findings: ' "$T/k.sts"
		check "kustomize: the StatefulSet's findings lack the data-migration warning" \
			sh -c "tr -d '\n' <'$T/k.sts' | grep -q 'warning: copy the data of claim \"prod-postgres-data\".*\\[data-migration\\]'"
		awk 'BEGIN { RS = "---\n" } /kind: PersistentVolumeClaim\n/ && /prod-postgres-data/' "$T/k.out" >"$T/k.pvc"
		check "kustomize: the claim to copy has no data-migration annotation" \
			sh -c "grep -q '^    stsify.dev/findings: ' '$T/k.pvc' && grep -q 'data-migration' '$T/k.pvc'"
		[ "$fail" = 0 ] || show "$T/k.out"
	else
		bad "kubectl kustomize --enable-alpha-plugins overlay failed"
		show "$T/k.err"
	fi

	# without --enable-alpha-plugins Kustomize refuses the plugin
	if kz "$T/k/overlay" >/dev/null 2>"$T/k.err"; then
		bad "kubectl kustomize ran the plugin without --enable-alpha-plugins"
	else
		check "kustomize without --enable-alpha-plugins: unexpected message" \
			grep -q 'external plugins disabled' "$T/k.err"
	fi

	# nothing to convert: the same bytes as a build without the plugin,
	# but for the annotation of the one warning (shared-rwx on uploads)
	cp -r "$T/k/web" "$T/k/web-plain"
	sed '/^transformers:/,$d' "$KFIX/web/kustomization.yaml" >"$T/k/web-plain/kustomization.yaml"
	kz --enable-alpha-plugins "$T/k/web" >"$T/w1.out" 2>"$T/w1.err" || bad "kustomize web build failed: $(head -3 "$T/w1.err")"
	kz "$T/k/web-plain" >"$T/w2.out" 2>"$T/w2.err" || bad "kustomize web-plain build failed: $(head -3 "$T/w2.err")"
	check "kustomize: the shared-rwx warning is not annotated" \
		test "$(count '^    stsify.dev/findings: .warning: claim "uploads" is ReadWriteMany' "$T/w1.out")" = 1
	# the annotation (alone under annotations:, with its folded lines) taken out
	awk '/^  annotations:$/ { held = $0; next }
		held != "" && /^    stsify\.dev\/findings:/ { held = ""; skip = 1; next }
		held != "" { print held; held = "" }
		/^    stsify\.dev\/findings:/ { skip = 1; next }
		skip && /^      / { next }
		{ skip = 0; print }' "$T/w1.out" >"$T/w1.plain"
	if [ -s "$T/w1.out" ] && cmp -s "$T/w1.plain" "$T/w2.out"; then ok; else
		bad "kustomize: a build with nothing to convert differs from one without the plugin (but for stsify.dev/findings)"
		diff "$T/w2.out" "$T/w1.plain" | head -20
	fi

	# a bad config fails the build and names the field
	cp -r "$KFIX/overlay" "$T/k/bad"
	printf 'storageSise: 20Gi\n' >>"$T/k/bad/statefulsets.yaml"
	if kz --enable-alpha-plugins "$T/k/bad" >/dev/null 2>"$T/k.err"; then
		bad "kustomize: a bad config did not fail the build"
	else
		check "kustomize: the error does not name the unknown field with line:col" \
			grep -q ':[0-9]*:[0-9]*: error: unknown field "storageSise"' "$T/k.err"
		# the config by kind/name, not the temporary copy Kustomize made
		check "kustomize: the error does not name StatefulSetMigration/statefulsets" \
			grep -q 'StatefulSetMigration/statefulsets:[0-9]*:[0-9]*: error: unknown field' "$T/k.err"
		check "kustomize: the error names Kustomize's temporary copy" \
			sh -c "! grep -q 'kust-plugin-config-[0-9]*:' '$T/k.err'"
	fi
else
	echo "integration: skipped the Kustomize checks: kubectl is not installed"
fi

# ---- kpt: the KRM function ----

if command -v kpt >/dev/null 2>&1; then
	# in place: StatefulSet and Service in the Deployment's file, comments kept
	cp -r "$PFIX/postgres" "$T/p1"
	if kpt fn eval --exec "$S" "$T/p1" >"$T/p.out" 2>&1; then
		ok
		F=$T/p1/postgres.yaml
		check "kpt: the Kptfile changed" cmp -s "$PFIX/postgres/Kptfile" "$T/p1/Kptfile"
		check "kpt: no StatefulSet" test "$(count '^kind: StatefulSet$' "$F")" = 1
		check "kpt: a Deployment is left" test "$(count '^kind: Deployment$' "$F")" = 0
		check "kpt: no volumeClaimTemplates" grep -q '^  volumeClaimTemplates:$' "$F"
		check "kpt: the template lacks the claim's storage" grep -q '^            storage: 10Gi$' "$F"
		check "kpt: no headless Service in the same file" grep -q '^  clusterIP: None$' "$F"
		check "kpt: the Service does not follow the file's sequence indentation" grep -q '^    - name: sql$' "$F"
		check "kpt: the old claim is gone" grep -q '^  name: postgres-data$' "$F"
		for c in '# The orders database.' '# used by the Service below' '# pinned' '# Its storage.' '# grow with care'; do
			check "kpt: comment \"$c\" is lost" grep -q -- "$c" "$F"
		done
		check "kpt: KRM annotations leaked into the file" sh -c "! grep -q 'config.kubernetes.io\\|config.k8s.io' '$F'"
		check "kpt: the results were not shown" grep -q '\[error\] apps/v1/StatefulSet/postgres: claim "postgres-data" is shared by 2 replicas' "$T/p.out"
		# a second run changes nothing
		cp -r "$T/p1" "$T/p1again"
		kpt fn eval --exec "$S" "$T/p1again" >/dev/null 2>&1 || bad "kpt: a second run failed"
		check "kpt: a second run changed the package" diff -r "$T/p1" "$T/p1again"
		[ "$fail" = 0 ] || { show "$T/p.out"; show "$F"; }
	else
		bad "kpt fn eval --exec stsify failed"
		show "$T/p.out"
	fi

	# --fn-config: select leaves postgres alone
	cp -r "$PFIX/postgres" "$T/p2"
	kpt fn eval --exec "$S" --fn-config "$PFIX/select-other.yaml" "$T/p2" >"$T/p.out" 2>&1 ||
		{ bad "kpt fn eval --fn-config failed"; show "$T/p.out"; }
	check "kpt --fn-config select: the package changed" diff -r "$PFIX/postgres" "$T/p2"
	# the key=value form (a ConfigMap function-input)
	kpt fn eval --exec "$S" "$T/p2" -- 'select=^redis$' >"$T/p.out" 2>&1 ||
		{ bad "kpt fn eval -- select=... failed"; show "$T/p.out"; }
	check "kpt -- select=^redis\$: the package changed" diff -r "$PFIX/postgres" "$T/p2"
	kpt fn eval --exec "$S" "$T/p2" -- 'select=^postgres$' storageSize=5Gi >"$T/p.out" 2>&1 ||
		{ bad "kpt fn eval -- select=^postgres\$ failed"; show "$T/p.out"; }
	check "kpt -- select=^postgres\$: not converted" grep -q '^kind: StatefulSet$' "$T/p2/postgres.yaml"

	# a bad config: an error result, a non-zero exit, the package untouched
	cp -r "$PFIX/postgres" "$T/p3"
	if kpt fn eval --exec "$S" --fn-config "$PFIX/bad-config.yaml" "$T/p3" >"$T/p.out" 2>&1; then
		bad "kpt: a bad config did not fail"
	else
		check "kpt: no error result for the bad config" grep -q '\[error\]: unknown field "storageSise"' "$T/p.out"
		check "kpt: no exit code 2 for the bad config" grep -q 'Exit code: 2' "$T/p.out"
	fi
	check "kpt: a bad config changed the package" diff -r "$PFIX/postgres" "$T/p3"
	kpt fn eval --exec "$S" "$T/p3" -- all=maybe >"$T/p.out" 2>&1 && bad "kpt: all=maybe did not fail"
	check "kpt: all=maybe gives no error result" grep -q '\[error\]: field "all" of the data of ConfigMap "function-input" must be true or false' "$T/p.out"

	# a kustomization.yaml in the package (an item when it has a kind):
	# its patch target follows the Deployment
	cp -r "$PFIX/postgres" "$T/p5"
	printf 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- postgres.yaml\npatches:\n- target:\n    kind: Deployment\n    name: postgres\n  path: replicas.yaml\n' >"$T/p5/kustomization.yaml"
	kpt fn eval --exec "$S" "$T/p5" >"$T/p.out" 2>&1 || { bad "kpt fn eval with a kustomization.yaml failed"; show "$T/p.out"; }
	check "kpt: the kustomization's patch target was not retargeted" grep -q '^    kind: StatefulSet$' "$T/p5/kustomization.yaml"

	# a Kptfile pipeline: kpt fn render --allow-exec
	cp -r "$PFIX/postgres" "$T/p4"
	printf 'pipeline:\n  mutators:\n    - exec: %s\n      configMap:\n        storageSize: 5Gi\n' "$S" >>"$T/p4/Kptfile"
	if kpt fn render --allow-exec "$T/p4" >"$T/p.out" 2>&1; then
		check "kpt fn render: not converted" grep -q '^kind: StatefulSet$' "$T/p4/postgres.yaml"
	else
		bad "kpt fn render --allow-exec failed"
		show "$T/p.out"
	fi

	# kpt fn source | stsify | kpt fn sink
	if kpt fn source "$PFIX/postgres" >"$T/rl.in" 2>"$T/p.err"; then
		"$S" <"$T/rl.in" >"$T/rl.out" 2>"$T/rl.err"
		rc=$?
		check "stsify on a ResourceList: exit $rc" test "$rc" = 0
		check "stsify on a ResourceList: printed on stderr" test ! -s "$T/rl.err"
		check "stsify on a ResourceList: not one document" test "$(count '^---' "$T/rl.out")" = 0
		check "stsify on a ResourceList: not one ResourceList" test "$(count '^kind: ResourceList$' "$T/rl.out")" = 1
		check "stsify on a ResourceList: a result without severity" \
			test "$(count '^- message: ' "$T/rl.out")" = "$(count '^  severity: \(error\|warning\|info\)$' "$T/rl.out")"
		check "stsify on a ResourceList: no file path and index" grep -q '^    path: postgres.yaml$' "$T/rl.out"
		if kpt fn sink "$T/sunk" <"$T/rl.out" >"$T/p.out" 2>&1; then
			check "source | stsify | sink: no StatefulSet" grep -q '^kind: StatefulSet$' "$T/sunk/postgres.yaml"
			check "source | stsify | sink: no Service" grep -q '^kind: Service$' "$T/sunk/postgres.yaml"
			check "source | stsify | sink: comments lost" grep -q '^# The orders database.' "$T/sunk/postgres.yaml"
		else
			bad "kpt fn sink failed"
			show "$T/p.out"
		fi
	else
		bad "kpt fn source failed"
		show "$T/p.err"
	fi
else
	echo "integration: skipped the kpt checks: kpt is not installed"
fi

summary
