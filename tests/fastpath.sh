#!/bin/sh
# tests/fastpath.sh - filter mode gives the same result whether it parses
# only the documents that can matter (the default, src/stream.c) or every
# document (STSIFY_FULL_PARSE=1, src/run.c), and whatever the number of
# threads.
#
#   sh tests/fastpath.sh
#   STSIFY=/path/to/stsify STSIFY_CORPUS=/path/to/corpus sh tests/fastpath.sh
#   STSIFY_TEST_SAMPLE=N sh tests/fastpath.sh    every Nth input, one generated stream
#
# Inputs: every golden input file (with its case's args), the input files
# of each golden case joined into one stream, the fixture repository
# testdata/repo joined into one stream (also with --format json), every corpus file and each corpus folder joined, and a
# generated stream (bench/gen, when built).  For each: `stsify ARGS < F`
# with -j 1 and -j 3, and with STSIFY_FULL_PARSE=1, must print the same
# stdout and stderr and exit with the same code.
#
# Prints one line per failure, then `fastpath: N passed, N failed`.

NAME=fastpath
. "$(dirname "$0")/lib.sh"
unset STSIFY_FULL_PARSE

cd "$ROOT" || exit 2
CORPUS=${STSIFY_CORPUS:-$ROOT/../shared/corpus}
pass=0
fail=0

# check NAME FILE [ARG...]: the three runs agree (when sampled; check_all:
# whatever the sample)
check() {
	sampled || return 0
	check_all "$@"
}
check_all() {
	_name=$1 _f=$2
	shift 2
	# (each run writes its own migration plan, when ARGS ask for one)
	(cd "$TMP" && rm -rf plan && "$STSIFY" -j 1 "$@" <"$_f" >"$TMP/o1" 2>"$TMP/e1"; echo $? >"$TMP/c1")
	(cd "$TMP" && rm -rf plan && "$STSIFY" -j 3 "$@" <"$_f" >"$TMP/o3" 2>"$TMP/e3"; echo $? >"$TMP/c3")
	(cd "$TMP" && rm -rf plan && STSIFY_FULL_PARSE=1 "$STSIFY" -j 2 "$@" <"$_f" >"$TMP/of" 2>"$TMP/ef"; echo $? >"$TMP/cf")
	if cmp -s "$TMP/o1" "$TMP/of" && cmp -s "$TMP/e1" "$TMP/ef" && cmp -s "$TMP/c1" "$TMP/cf" &&
	   cmp -s "$TMP/o1" "$TMP/o3" && cmp -s "$TMP/e1" "$TMP/e3" && cmp -s "$TMP/c1" "$TMP/c3"; then
		pass=$((pass + 1))
		return
	fi
	fail=$((fail + 1))
	echo "fastpath: FAIL $_name: fast -j 1 exit $(cat "$TMP/c1"), -j 3 exit $(cat "$TMP/c3"), full exit $(cat "$TMP/cf")"
	diff "$TMP/e1" "$TMP/ef" | head -5 | sed 's/^/    /'
	diff "$TMP/o1" "$TMP/of" | head -5 | sed 's/^/    /'
}

# join FILE...: the files as one stream on stdout
join() {
	_first=1
	for _j in "$@"; do
		[ -n "$_first" ] || printf '\n---\n'
		_first=
		cat "$_j"
	done
}

for c in testdata/cases/*/; do
	c=${c%/}
	name=${c##*/}
	ARGS=
	[ -f "$c/args" ] && ARGS=$(cat "$c/args")
	# the snapshots of --cluster-state cluster/FILE
	rm -rf "${TMP:?}/cluster"
	[ -d "$c/cluster" ] && cp -R "$c/cluster" "$TMP/cluster"
	files=$(find "$c/in" -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) | sort)
	[ -n "$files" ] || continue
	for f in $files; do
		eval "check \"$f\" \"\$ROOT/\$f\" $ARGS"
	done
	# shellcheck disable=SC2086
	join $files >"$TMP/joined.yaml"
	eval "check \"$name (joined)\" \"\$TMP/joined.yaml\" $ARGS"
done
# shellcheck disable=SC2046
join $(find testdata/repo -type f \( -name '*.yaml' -o -name '*.yml' \) ! -path '*/templates/*' | sort) >"$TMP/repo.yaml"
check "testdata/repo (joined)" "$TMP/repo.yaml"
# the JSON report (on stderr in filter mode) lists every Deployment, those
# without a claim included, which the fast path then parses too
check "testdata/repo (joined) --format json" "$TMP/repo.yaml" --format json

if [ -d "$CORPUS" ]; then
	for d in "$CORPUS"/*/; do
		files=$(find "$d" -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) | sort)
		[ -n "$files" ] || continue
		for f in $files; do
			check "${f#"$CORPUS"/}" "$f"
		done
		# shellcheck disable=SC2086
		join $files >"$TMP/joined.yaml"
		check "${d#"$CORPUS"/} (joined)" "$TMP/joined.yaml"
	done
else
	echo "fastpath: $CORPUS is missing: corpus files skipped"
fi

if [ -x bench/gen ] && [ "$SAMPLE" -gt 1 ]; then
	# a sample: one generated stream, whatever the count
	bench/gen stream 1M 8 >"$TMP/gen.yaml" && check_all "bench/gen stream 1M 8 --all" "$TMP/gen.yaml" --all
elif [ -x bench/gen ]; then
	bench/gen stream 3M 7 >"$TMP/gen.yaml" && check "bench/gen stream 3M 7" "$TMP/gen.yaml"
	bench/gen stream 1M 8 >"$TMP/gen.yaml" && check "bench/gen stream 1M 8 --all" "$TMP/gen.yaml" --all
	check "bench/gen stream 1M 8 --format json" "$TMP/gen.yaml" --format json
else
	echo "fastpath: bench/gen is not built: generated stream skipped"
fi

# Stale references in an input of 12 MB, searched in parts of 4 MB cut at
# line feeds (plan.c): each reference line is reported once, at its line.
# A sample (make check's sanitizer run) takes 25,000 lines, 1.5 MB: under
# ASan the 12 MB took a quarter of the suite, and the run without ASan
# checks the whole size.
nstale=200000
[ "$SAMPLE" -gt 1 ] && nstale=25000
{
	printf 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: db\nspec:\n  replicas: 2\n'
	printf '  selector:\n    matchLabels: {app: db}\n  template:\n    metadata:\n      labels: {app: db}\n'
	printf '    spec:\n      containers:\n      - name: db\n        image: postgres:16\n'
	printf '        volumeMounts:\n        - {name: data, mountPath: /var/lib/postgresql}\n'
	printf '      volumes:\n      - name: data\n        persistentVolumeClaim: {claimName: db-data}\n'
	printf -- '---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: db-data\n'
	printf '  # (in the input: a claim that is not is never converted)\n'
	printf 'spec:\n  accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: 1Gi}}\n'
	printf -- '---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: scripts\ndata:\n'
	awk -v n="$nstale" 'BEGIN { for (i = 0; i < n; i++) printf "  r%d: kubectl rollout restart deployment/db # and more text\n", i }'
} >"$TMP/stale.yaml"
check_all "$nstale stale references in $(($(wc -c <"$TMP/stale.yaml") / 1000000)) MB" "$TMP/stale.yaml"
want=$(grep -n 'deployment/db' "$TMP/stale.yaml" | sed 's/:.*//' | tr '\n' ' ')
got=$("$STSIFY" -j 3 <"$TMP/stale.yaml" 2>&1 >/dev/null | grep 'stale-reference' | sed 's/^<stdin>:\([0-9]*\):.*/\1/' | tr '\n' ' ')
if [ -n "$want" ] && [ "$want" = "$got" ]; then
	pass=$((pass + 1))
else
	fail=$((fail + 1))
	echo "fastpath: FAIL: the $nstale stale references are not each reported once at their line"
fi

sample_note
echo "fastpath: $pass passed, $fail failed"
[ "$fail" = 0 ]
