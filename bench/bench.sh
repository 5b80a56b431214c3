#!/bin/sh
# bench/bench.sh - the benchmark of issue 6, run by `make bench`.
#
#   sh bench/bench.sh                      defaults: 100 MB stream, 10000 files
#   BENCH_STREAM=200M BENCH_FILES=20000 BENCH_RUNS=7 sh bench/bench.sh
#
# Environment:
#   BENCH_STREAM   size of the stream (k, M or G suffix; default 100M)
#   BENCH_FILES    files in the repository tree (default 10000)
#   BENCH_RUNS     alternating runs per stream comparison, median reported (default 5)
#   BENCH_TREE_RUNS  the same for the tree, whose runs are short (default 11)
#   BENCH_SEED     generator seed (default 1)
#   BENCH_DATA     where generated inputs are kept between runs (default bench/data)
#   BENCH_JOBS     the -j of the parallel runs (default: number of cores)
#   BENCH_SCALING  0 skips the scaling series
#   BENCH_KUSTOMIZE  the command that renders builds (default kubectl kustomize);
#                  without it the rendering section is skipped, saying so
#   BENCH_RENDER_RUNS  runs of the rendering comparison (default 3: each
#                  run starts a Kustomize per rendered build)
#
# Prints, for the stream (filter mode) and the tree (diff mode): stsify's
# throughput and peak RSS with -j 1 and -j N, the same for the libfyaml
# baseline (bench/baseline: events pulled and freed, nothing else) on the
# same input, and the ratios, all measured in the same alternating runs;
# then the cost of rendering Kustomize builds on the tree (issue 11: the
# tree with its kustomizations, and with their patches taken out, each
# against --kustomize=none, which gives today's figures everywhere else);
# then the time for 1x, 2x, 4x and 8x the input.  Ends with a one-line
# verdict per target.  Exits 1 when a run failed or outputs differ
# (missing targets are reported, not failures: this is a benchmark).

set -u
LC_ALL=C
export LC_ALL
# every figure but the rendering section's is without Kustomize rendering
STSIFY_KUSTOMIZE=none
export STSIFY_KUSTOMIZE

ROOT=$(cd "$(dirname "$0")/.." && pwd) || exit 2
cd "$ROOT" || exit 2
STREAM=${BENCH_STREAM:-100M}
FILES=${BENCH_FILES:-10000}
RUNS=${BENCH_RUNS:-5}
TRUNS=${BENCH_TREE_RUNS:-11}
SEED=${BENCH_SEED:-1}
DATA=${BENCH_DATA:-$ROOT/bench/data}
CORES=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
JOBS=${BENCH_JOBS:-$CORES}
SCALING=${BENCH_SCALING:-1}
STSIFY=$ROOT/stsify
GEN=$ROOT/bench/gen
BASE=$ROOT/bench/baseline
RUNNER=$ROOT/bench/runner

for b in "$STSIFY" "$GEN" "$BASE" "$RUNNER"; do
	if [ ! -x "$b" ]; then
		echo "bench: $b is missing; run make bench" >&2
		exit 2
	fi
done
mkdir -p "$DATA" || exit 2
TMP=$(mktemp -d "${TMPDIR:-/tmp}/stsify-bench.XXXXXX") || exit 2
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
failed=0

bytes() {
	case $1 in
	*[kK]) echo $((${1%?} * 1024)) ;;
	*[mM]) echo $((${1%?} * 1048576)) ;;
	*[gG]) echo $((${1%?} * 1073741824)) ;;
	*) echo "$1" ;;
	esac
}

# stream SIZE_BYTES: path of the generated stream (made once, kept in $DATA)
stream() {
	_f=$DATA/stream-$1-$SEED.yaml
	if [ ! -s "$_f" ]; then
		"$GEN" stream "$1" "$SEED" >"$_f.tmp" && mv "$_f.tmp" "$_f" || exit 2
		sync	# no write-back during the measurements
	fi
	echo "$_f"
}

# tree NFILES: path of the generated repository (made once, kept in $DATA)
tree() {
	_d=$DATA/tree-$1-$SEED
	if [ ! -d "$_d" ]; then
		rm -rf "$_d.tmp"
		"$GEN" tree "$_d.tmp" "$1" "$SEED" && mv "$_d.tmp" "$_d" || exit 2
		sync
	fi
	echo "$_d"
}

# field LINE N: the Nth word of a runner line
field() {
	echo "$1" | awk -v n="$2" '{ print $n }'
}

# calc EXPR: floating-point arithmetic
calc() {
	awk "BEGIN { printf \"%s\", $1 }"
}

# measure LABEL... : run the runner, check exit codes, keep its lines in $TMP/last
measure() {
	if ! "$RUNNER" "$@" >"$TMP/last"; then
		echo "bench: a run failed:" >&2
		cat "$TMP/last" >&2
		failed=1
	fi
}

line() {
	grep "^$1 " "$TMP/last"
}

# same A B: "yes" when the runs that wrote $TMP/A.out, .err and $TMP/B.out,
# .err printed the same (the outputs must not depend on -j), else "NO"
same() {
	if cmp -s "$TMP/$1.out" "$TMP/$2.out" && cmp -s "$TMP/$1.err" "$TMP/$2.err"; then
		echo yes
	else
		echo NO
	fi
}

# table AMOUNT RATE_NAME RATE_FORMAT: the rows of the last measure (base,
# one, par) under a header; the rate is AMOUNT / time, printed as RATE_FORMAT
table() {
	printf '  %-22s %8s %9s %12s %14s\n' "" "time" "$2" "peak RSS" "vs libfyaml"
	_bt=$(field "$(line base)" 2)
	for _l in base one par; do
		_r=$(line $_l)
		_t=$(field "$_r" 2)
		case $_l in
		base) _n="libfyaml parse only" ;;
		one) _n="stsify -j 1" ;;
		par) _n="stsify -j $JOBS" ;;
		esac
		printf "  %-22s %7.3fs $3 %9.1f MB %14s\n" "$_n" "$_t" "$(calc "$1 / $_t")" \
			"$(calc "$(field "$_r" 5) / 1024")" "$(printf '%.2fx' "$(calc "$_t / $_bt")")"
	done
}

# ---- the stream ----
SBYTES=$(bytes "$STREAM")
SFILE=$(stream "$SBYTES")
SSIZE=$(wc -c <"$SFILE")
SMB=$(calc "$SSIZE / 1048576")
NDOCS=$(grep -c '^---' "$SFILE")
NDOCS=$((NDOCS + 1))
TDIR=$(tree "$FILES")
TBYTES=$(find "$TDIR" -type f -exec cat {} + | wc -c)
TMB=$(calc "$TBYTES / 1048576")

echo "stsify benchmark: $CORES cores, seed $SEED, median of $RUNS (stream) and $TRUNS (tree) alternating runs after one warm-up round"
printf 'inputs: stream %.1f MB (%d documents), tree %d files (%.1f MB)\n' "$SMB" "$NDOCS" "$FILES" "$TMB"
echo

"$STSIFY" -j 1 <"$SFILE" >"$TMP/s1.out" 2>"$TMP/s1.err"
"$STSIFY" -j "$JOBS" <"$SFILE" >"$TMP/sN.out" 2>"$TMP/sN.err"
same_stream=$(same s1 sN)
[ "$same_stream" = yes ] || failed=1
changed_docs=$(grep -c 'kind: StatefulSet' "$TMP/s1.out")

measure -n "$RUNS" -i "$SFILE" \
	base "$BASE" -- one "$STSIFY" -j 1 -- par "$STSIFY" -j "$JOBS"
base=$(line base) one=$(line one) par=$(line par)
bt=$(field "$base" 2) ot=$(field "$one" 2) pt=$(field "$par" 2)
echo "stream: filter mode, $changed_docs Deployments become StatefulSets; -j $JOBS and -j 1 outputs identical: $same_stream"
table "$SMB" "MB/s" "%9.1f"
s_ratio1=$(calc "$ot / $bt")
s_ratioN=$(calc "$pt / $bt")
s_rss1=$(calc "$(field "$one" 5) * 1024 / $SSIZE")
s_rssN=$(calc "$(field "$par" 5) * 1024 / $SSIZE")
printf '  peak RSS / input size: %.2fx (-j 1), %.2fx (-j %s)\n' "$s_rss1" "$s_rssN" "$JOBS"
echo

# ---- the tree ----
(cd "$TDIR" && "$STSIFY" -j 1 . >"$TMP/t1.out" 2>"$TMP/t1.err")
(cd "$TDIR" && "$STSIFY" -j "$JOBS" . >"$TMP/tN.out" 2>"$TMP/tN.err")
same_tree=$(same t1 tN)
[ "$same_tree" = yes ] || failed=1
changed_files=$(grep -c '^+++ ' "$TMP/t1.out")
(
	cd "$TDIR" || exit 2
	"$RUNNER" -n "$TRUNS" base "$BASE" . -- one "$STSIFY" -j 1 . -- par "$STSIFY" -j "$JOBS" .
) >"$TMP/last" || { cat "$TMP/last" >&2; failed=1; }
base=$(line base) one=$(line one) par=$(line par)
bt=$(field "$base" 2) ot=$(field "$one" 2) pt=$(field "$par" 2)
echo "tree: diff mode over $FILES files, $changed_files files change; -j $JOBS and -j 1 outputs identical: $same_tree"
table "$FILES" "files/s" "%9.0f"
t_speedup=$(calc "$ot / $pt")
printf '  files/s with -j %s over -j 1: %.2fx\n' "$JOBS" "$t_speedup"
echo

# ---- the tree with Kustomize rendering (issue 11) ----
KZ=${BENCH_KUSTOMIZE:-kubectl kustomize}
RRUNS=${BENCH_RENDER_RUNS:-3}
# rendered_builds DIR: the folders whose kustomization would be rendered
# (it names a file with a claim and has a field that can change a decision)
rendered_builds() {
	grep -rl --include='*.yaml' claimName "$1" | xargs -r -n1 dirname | sort -u |
		while read -r _d; do
			grep -qE '^(patches|patchesStrategicMerge|patchesJson6902|replicas|components|images|replacements):' \
				"$_d/kustomization.yaml" 2>/dev/null && echo "$_d"
		done | wc -l
}
# render_row LABEL DIR: none vs rendering in DIR, one table row each
render_rows() {
	(
		cd "$2" || exit 2
		"$RUNNER" -n "$RRUNS" none "$STSIFY" --kustomize=none -j "$JOBS" . -- \
			kz "$STSIFY" "--kustomize=$KZ" -j "$JOBS" .
	) >"$TMP/last" || { cat "$TMP/last" >&2; failed=1; }
	_n=$(field "$(line none)" 2) _k=$(field "$(line kz)" 2)
	printf '  %-34s %7.3fs %7.3fs %7.2fx  %s\n' "$1" "$_n" "$_k" "$(calc "$_k / $_n")" "$3"
}
if command -v "${KZ%% *}" >/dev/null 2>&1; then
	rm -rf "$TMP/flat"
	cp -r "$TDIR" "$TMP/flat"
	# the same tree with no field of its kustomizations that transforms
	find "$TMP/flat" -name kustomization.yaml -exec sed -i '/^patches:/,$d' {} +
	echo "tree with Kustomize rendering ($KZ), -j $JOBS, median of $RRUNS runs:"
	printf '  %-34s %8s %8s %8s\n' "" "none" "render" "ratio"
	render_rows "kustomizations as generated" "$TDIR" "$(rendered_builds "$TDIR") builds rendered"
	render_rows "the same without patches" "$TMP/flat" "$(rendered_builds "$TMP/flat") builds rendered"
	rm -rf "$TMP/flat"
else
	echo "tree with Kustomize rendering: skipped, no ${KZ%% *} in PATH (BENCH_KUSTOMIZE)"
fi
echo

# ---- scaling ----
lin_s=- lin_t=-
if [ "$SCALING" != 0 ]; then
	srow="" trow="" sper="" tper="" first_s="" first_t=""
	for k in 1 2 4 8; do
		f=$(stream $((SBYTES * k / 8)))
		measure -n 5 -i "$f" s "$STSIFY"
		st=$(field "$(line s)" 2)
		mb=$(calc "$(wc -c <"$f") / 1048576")
		[ -z "$first_s" ] && first_s=$(calc "$st / $mb")
		srow="$srow$(printf ' %9.3fs' "$st")"
		sper="$sper$(printf ' %9.2f ' "$(calc "($st / $mb) / $first_s")")"
		d=$(tree $((FILES * k / 8)))
		(cd "$d" && "$RUNNER" -n 5 t "$STSIFY" .) >"$TMP/last" || failed=1
		tt=$(field "$(line t)" 2)
		nf=$((FILES * k / 8))
		[ -z "$first_t" ] && first_t=$(calc "$tt / $nf")
		trow="$trow$(printf ' %9.3fs' "$tt")"
		tper="$tper$(printf ' %9.2f ' "$(calc "($tt / $nf) / $first_t")")"
	done
	lin_s=$(echo "$sper" | awk '{ m = $1; for (i = 1; i <= NF; i++) if ($i > m) m = $i; print m }')
	lin_t=$(echo "$tper" | awk '{ m = $1; for (i = 1; i <= NF; i++) if ($i > m) m = $i; print m }')
	echo "scaling: time for 1x, 2x, 4x, 8x the input (median of 5, default -j), and the cost per unit relative to 1x"
	printf '  %-22s %10s %10s %10s %10s\n' "" 1x 2x 4x 8x
	printf '  %-22s%s\n' "stream time" "$srow"
	printf '  %-22s%s\n' "  per MB, vs 1x" "$sper"
	printf '  %-22s%s\n' "tree time" "$trow"
	printf '  %-22s%s\n' "  per file, vs 1x" "$tper"
	echo
fi

verdict() {
	if awk "BEGIN { exit !($2) }"; then
		printf '  %-58s met\n' "$1"
	else
		printf '  %-58s MISSED\n' "$1"
	fi
}
echo "targets:"
verdict "stream time <= 1.0x libfyaml, -j 1 ($(printf %.2f "$s_ratio1")x)" "$s_ratio1 <= 1.0"
verdict "stream time <= 1.0x libfyaml, -j $JOBS ($(printf %.2f "$s_ratioN")x)" "$s_ratioN <= 1.0"
verdict "stream peak RSS <= 2x input ($(printf %.2f "$s_rss1")x, $(printf %.2f "$s_rssN")x)" "$s_rss1 <= 2 && $s_rssN <= 2"
verdict "tree -j $JOBS >= 1.8x the files/s of -j 1 ($(printf %.2f "$t_speedup")x)" "$t_speedup >= 1.8"
if [ "$lin_s" != - ]; then
	verdict "linear: per-unit cost at 8x within 1.25x of 1x (stream $lin_s, tree $lin_t)" \
		"$lin_s <= 1.25 && $lin_t <= 1.25"
fi
exit $failed
