#!/bin/sh
# tests/cli.sh - the command line's modes, exit codes and output contracts
# that golden cases cannot pin (they always run diff, -w and filter mode):
# --check, -l, --help, --version, usage errors (contradictory options among
# them), --color, unreadable files, -w leaving unchanged files alone, a
# failed write leaving the original intact.
#
# Output: a line per failure, then `cli: N passed, N failed`.

NAME=cli
. "$(dirname "$0")/lib.sh"
S=$STSIFY T=$TMP
SEED=$ROOT/testdata/cases/seed-postgres/in/postgres.yaml
NONE=$ROOT/testdata/cases/nothing-to-convert/in

# expect CODE DESCRIPTION -- command...
expect() {
	want=$1 what=$2
	shift 3
	"$@" >"$T/out" 2>"$T/err" </dev/null
	got=$?
	if [ "$got" = "$want" ]; then ok; else bad "$what: exit $got, expected $want"; sed 's/^/    /' "$T/err" | head -5; fi
}

cp "$SEED" "$T/seed.yaml"
cp -r "$NONE" "$T/none"
cd "$T" || exit 2

expect 1 "--check with work" -- "$S" --check seed.yaml
[ -s out ] && bad "--check printed on stdout" || ok
grep -q "\[shared-pvc\]" err && ok || bad "--check printed no findings"
expect 0 "--check without work" -- "$S" --check none
expect 0 "-l" -- "$S" -l seed.yaml none
[ "$(cat out)" = "seed.yaml" ] && ok || bad "-l printed '$(cat out)'"
expect 0 "--help" -- "$S" --help
grep -q -- "--stateful-images" out && ok || bad "--help lacks --stateful-images"
expect 0 "--version" -- "$S" --version
grep -q "^stsify [0-9]" out && ok || bad "--version printed '$(cat out)'"
expect 2 "unknown option" -- "$S" --frobnicate seed.yaml
grep -q "unknown option" err && ok || bad "no message for an unknown option"
expect 2 "bad regex" -- "$S" --select "(" seed.yaml
expect 2 "-w without files" -- "$S" -w
expect 2 "stdin mixed with files" -- "$S" - seed.yaml
expect 3 "missing file" -- "$S" no-such.yaml
grep -q "^no-such.yaml: error: cannot read" err && ok || bad "missing file message: $(cat err)"
expect 0 "-q hides info findings" -- "$S" -q seed.yaml
grep -q "info:" err && bad "-q printed info findings" || ok
expect 0 "-v prints a summary" -- "$S" -v seed.yaml
grep -q "\[summary\]" err && ok || bad "-v printed no summary"

# options that contradict each other: exit 2 naming both, nothing touched
cp seed.yaml modes.yaml
for pair in "-q -v:--quiet and --verbose" "-l --format=json:--list and --format json" \
	"--format sarif -l:--list and --format sarif"; do
	opts=${pair%%:*} msg=${pair#*:}
	# shellcheck disable=SC2086 # the options are words
	expect 2 "$opts" -- "$S" $opts modes.yaml
	grep -q -- "^stsify: $msg cannot be used together" err && ok || bad "$opts: message $(head -1 err)"
	[ -s out ] && bad "$opts printed on stdout" || ok
	cmp -s seed.yaml modes.yaml && ok || bad "$opts changed the file"
done

# modes combine as black's and gofmt's (stsify(1), MODES): --check never
# writes, --check -l lists and exits 1, -w -l writes and lists
for opts in "--check -w" "-w --check"; do
	cp seed.yaml modes.yaml
	# shellcheck disable=SC2086 # the options are words
	expect 1 "$opts" -- "$S" $opts modes.yaml
	cmp -s seed.yaml modes.yaml && ok || bad "$opts wrote the file"
	[ -s out ] && bad "$opts printed on stdout: $(head -1 out)" || ok
done
cp seed.yaml modes.yaml
expect 1 "--check -l" -- "$S" --check -l modes.yaml
[ "$(cat out)" = modes.yaml ] && ok || bad "--check -l: expected modes.yaml on stdout, got $(head -2 out)"
cmp -s seed.yaml modes.yaml && ok || bad "--check -l wrote the file"
for opts in "-w -l" "-wl"; do
	cp seed.yaml modes.yaml
	# shellcheck disable=SC2086 # the options are words
	expect 0 "$opts" -- "$S" $opts modes.yaml
	[ "$(cat out)" = modes.yaml ] && ok || bad "$opts: expected modes.yaml on stdout, got $(head -2 out)"
	cmp -s seed.yaml modes.yaml && bad "$opts did not write the file" || ok
	expect 0 "$opts again" -- "$S" $opts modes.yaml
	[ -s out ] && bad "$opts listed an unchanged file: $(head -1 out)" || ok
done
cp seed.yaml ro.yaml; chmod a-w ro.yaml
expect 3 "-w -l on a read-only file" -- "$S" -w -l ro.yaml
[ -s out ] && bad "-w -l listed a file it could not write: $(head -1 out)" || ok
rm -f ro.yaml modes.yaml
"$S" --check -w <seed.yaml >out 2>err
got=$?
[ "$got" = 1 ] && ok || bad "--check -w on stdin: exit $got, expected 1"
[ -s out ] && bad "--check -w on stdin printed on stdout" || ok

# --color takes no value from the next argument (--color alone: always)
expect 0 "--color PATH" -- "$S" --color seed.yaml
grep -q "^+++ b/seed.yaml" out && ok || bad "--color PATH printed no diff of PATH: $(head -2 out)"
grep -q "$(printf '\033')\[" err && ok || bad "--color did not color: $(head -1 err)"
expect 0 "--color=never" -- "$S" --color=never seed.yaml
grep -q "$(printf '\033')" err && bad "--color=never colored" || ok
expect 3 "--color never (never is an operand)" -- "$S" --color never
sed 's/\x1b\[[0-9;]*m//g' err | grep -q "^never: error: cannot read" && ok || bad "--color never: $(head -1 err)"

# filter mode: a stream with nothing to do comes out byte-identical
for f in none/*; do
	"$S" <"$f" >filtered 2>/dev/null
	cmp -s "$f" filtered && ok || bad "filter changed $f"
done
# filter mode passes invalid input through untouched, exit 3
printf 'kind: PersistentVolumeClaim\na: [\n' >broken.yaml
"$S" <broken.yaml >filtered 2>err
rc=$?
[ "$rc" = 3 ] && cmp -s broken.yaml filtered && ok || bad "filter of invalid YAML: exit $rc"
grep -q "^<stdin>:[0-9]*:[0-9]*: error:" err && ok || bad "filter error lacks <stdin>:line:col: $(cat err)"
# ... but a document that cannot matter is not parsed at all (a ConfigMap
# here), unless STSIFY_FULL_PARSE=1 asks for every document to be parsed
printf 'kind: ConfigMap\na: [\n' >skipped.yaml
"$S" <skipped.yaml >filtered 2>err
rc=$?
[ "$rc" = 0 ] && cmp -s skipped.yaml filtered && ok || bad "filter of an invalid ConfigMap: exit $rc"
STSIFY_FULL_PARSE=1 "$S" <skipped.yaml >filtered 2>err
rc=$?
[ "$rc" = 3 ] && cmp -s skipped.yaml filtered && ok || bad "STSIFY_FULL_PARSE=1: exit $rc"

# -w: unchanged files keep their mtime, changed ones keep their mode
cp -r none w && cp seed.yaml w/seed.yaml && chmod 640 w/seed.yaml
touch -d '2001-01-01 00:00' w/*
expect 0 "-w" -- "$S" -w w
for f in w/*; do
	case $f in
	w/seed.yaml) [ "$(stat -c %a "$f")" = 640 ] && ok || bad "-w changed the mode of $f" ;;
	*) [ "$(stat -c %Y "$f")" = "$(date -d '2001-01-01 00:00' +%s)" ] && ok || bad "-w touched unchanged $f" ;;
	esac
done
grep -q "kind: StatefulSet" w/seed.yaml && ok || bad "-w did not convert"
# -w into a read-only folder: an error, exit 3, the original intact
if [ "$(id -u)" != 0 ]; then
	mkdir ro && cp seed.yaml ro/ && chmod 555 ro
	expect 3 "-w in a read-only folder" -- "$S" -w ro/seed.yaml
	cmp -s seed.yaml ro/seed.yaml && ok || bad "read-only -w damaged the file"
else
	echo "cli: skipped the read-only -w check (running as root)"
fi

# walking: --include / --exclude-path, symlinks read once, a symlink out of
# the tree skipped, a directory cycle ended
mkdir -p walk/a walk/b walk/.hidden outside
cp seed.yaml walk/a/db.yaml
cp seed.yaml walk/.hidden/db.yaml
cp seed.yaml outside/db.yaml
printf 'x: 1\n' >walk/b/other.yml
printf 'not yaml\n' >walk/b/notes.txt
ln -s ../a/db.yaml walk/b/link.yaml
ln -s ../../outside/db.yaml walk/b/out.yaml
ln -s .. walk/a/loop
expect 0 "-l on a tree" -- "$S" -l walk
[ "$(cat out)" = "walk/a/db.yaml" ] && ok || bad "tree -l printed '$(cat out)'"
grep -q "^walk/b/out.yaml: warning: .*\[symlink-outside\]" err && ok || bad "no symlink-outside warning: $(cat err)"
# (patterns apply to the path shown: the symlink's, not its target's)
expect 0 "--exclude-path" -- "$S" -l --exclude-path '/a/' walk
[ "$(cat out)" = "walk/b/link.yaml" ] && ok || bad "--exclude-path kept '$(cat out)'"
expect 0 "--include" -- "$S" -l --include 'other' walk
[ -s out ] && bad "--include kept '$(cat out)'" || ok
# files come in byte order of their paths, whatever the walk's order
# ("a-b/" and "a.c/" before "a/"), and the same file twice (a hard link)
# once, under its first name
mkdir -p order/a order/a-b order/a.c
for d in a a-b a.c; do cp seed.yaml order/$d/x.yaml; done
ln order/a/x.yaml order/a/y.yaml
expect 0 "-l in path order" -- "$S" -l order
[ "$(tr '\n' ' ' <out)" = "order/a-b/x.yaml order/a.c/x.yaml order/a/x.yaml " ] && ok ||
	bad "-l order printed '$(tr '\n' ' ' <out)'"
# STSIFY_DEBUG_TIMING: a line per phase on stderr, from reading to the
# end, in both modes; stdout as without it
timing='^stsify: [A-Za-z ]* *[0-9.]* s *[0-9.]* MB resident *[0-9.]* s cpu$'
"$S" <seed.yaml >plain.out 2>/dev/null
STSIFY_DEBUG_TIMING=1 "$S" <seed.yaml >out 2>err
cmp -s out plain.out && ok || bad "STSIFY_DEBUG_TIMING changed the filter output"
grep -q "^stsify: read  " err && grep -q "^stsify: finished  " err && [ "$(grep -cv "$timing" err)" = "$(grep -cv '^stsify: ' err)" ] &&
	ok || bad "filter mode timing lines: $(grep '^stsify: ' err | head -3)"
STSIFY_DEBUG_TIMING=1 "$S" order >out 2>err
grep -q "^stsify: walked  " err && grep -q "^stsify: finished  " err && grep -q "$timing" err &&
	ok || bad "tree mode timing lines: $(grep '^stsify: ' err | head -3)"
expect 2 "bad --include" -- "$S" --include '(' walk
expect 2 "bad --format" -- "$S" --format yaml walk
expect 0 "--format json" -- "$S" --format json seed.yaml
python3 -c 'import json,sys; d=json.load(open("out")); assert d["deployments"][0]["converted"]' 2>/dev/null && ok ||
	bad "--format json printed no plan"
[ -s err ] && bad "--format json printed on stderr: $(head -2 err)" || ok
# --migration-plan says what it wrote (an info finding: not with -q)
expect 0 "--migration-plan" -- "$S" --migration-plan plan seed.yaml
grep -q '^plan: info: wrote README.md and 2 files: 1 claim rebound (a claim and its script each), 0 copied (a claim and its copy Job each) \[migration-plan\]$' err &&
	ok || bad "--migration-plan did not say what it wrote: $(grep plan err)"
[ "$(ls plan | tr '\n' ' ')" = "README.md pg--data.sh pg--data.yaml " ] && ok || bad "--migration-plan wrote $(ls plan | tr '\n' ' ')"
[ -x plan/pg--data.sh ] && ok || bad "--migration-plan: the rebind script is not executable"
grep -qx 'pg--data.sh' plan/.stsify-plan && ok || bad "--migration-plan: .stsify-plan does not list the script"
expect 0 "--migration-plan -q" -- "$S" -q --migration-plan plan seed.yaml
grep -q "migration-plan" err && bad "-q printed the migration-plan finding" || ok
expect 0 "--migration-plan, nothing to convert" -- "$S" --migration-plan plan0 none
grep -q '^plan0: info: wrote README.md (no Deployment was converted: nothing to migrate)' err &&
	ok || bad "--migration-plan with nothing converted said: $(grep plan0 err)"
# the plan folder is stsify's: its earlier files go (said on stderr), a
# file it did not write makes it refuse; --check writes no plan
expect 0 "--migration-plan again" -- "$S" --migration-plan plan0 seed.yaml
grep -q '^plan0: info: removed the 1 file of an earlier plan \[migration-plan\]$' err &&
	ok || bad "--migration-plan did not say it replaced the earlier plan: $(grep plan0 err)"
echo mine >plan0/notes.txt
expect 3 "--migration-plan into a folder of other files" -- "$S" --migration-plan plan0 seed.yaml
grep -q '^plan0: error: the migration plan folder holds 1 file that stsify did not write ("notes.txt"): nothing written; name a new or empty folder \[write-error\]$' err &&
	ok || bad "--migration-plan into a foreign folder said: $(cat err)"
[ "$(cat plan0/notes.txt)" = mine ] && ok || bad "--migration-plan touched a file it did not write"
expect 1 "--check --migration-plan" -- "$S" --check --migration-plan plan1 seed.yaml
[ -e plan1 ] && bad "--check wrote a migration plan" || ok
# --data-path and --cluster-state
expect 2 "--data-path bad" -- "$S" --data-path=move seed.yaml
grep -q 'must be auto, copy or rebind, not "move"' err && ok || bad "--data-path=move said: $(cat err)"
expect 0 "--data-path=copy" -- "$S" --data-path=copy --migration-plan plan2 seed.yaml
[ "$(ls plan2 | tr '\n' ' ')" = "README.md pg--data.yaml " ] && ok || bad "--data-path=copy wrote $(ls plan2 | tr '\n' ' ')"
expect 3 "--cluster-state missing" -- "$S" --cluster-state nosuch.json seed.yaml
grep -q '^nosuch.json: error: cannot read the cluster snapshot: No such file or directory \[read-error\]$' err &&
	ok || bad "--cluster-state nosuch.json said: $(cat err)"
echo '{"kind": "List", "items": [' >bad.json
expect 3 "--cluster-state not JSON" -- "$S" --cluster-state bad.json seed.yaml
grep -q '^bad.json:[0-9]*:[0-9]*: error: not a cluster snapshot' err && ok || bad "--cluster-state bad.json said: $(cat err)"

# an operand that is neither a file nor a folder (a FIFO, /dev/stdin, a
# process substitution): read as a stream and shown under its name; -w
# refuses it (it would put a regular file in its place)
if command -v mkfifo >/dev/null 2>&1 && mkfifo fifo.yaml; then
	cat seed.yaml >fifo.yaml &
	expect 0 "a FIFO operand" -- "$S" -q fifo.yaml
	grep -q '^+++ b/fifo.yaml$' out && grep -q '^+kind: StatefulSet' out && ok ||
		bad "a FIFO operand: no diff under its name"
	wait
	cat seed.yaml >fifo.yaml &
	expect 1 "--check on a FIFO" -- "$S" --check -q fifo.yaml
	wait
	expect 2 "-w on a FIFO" -- timeout -k 2 10 "$S" -w fifo.yaml seed.yaml
	grep -q '^stsify: --write cannot rewrite fifo.yaml: it is a pipe, not a regular file' err && ok ||
		bad "-w on a FIFO: message: $(cat err)"
	[ -p fifo.yaml ] && ok || bad "-w replaced the FIFO"
	cmp -s seed.yaml "$SEED" && ok || bad "-w on a FIFO changed the other file"
	rm -f fifo.yaml
else
	echo "cli: no mkfifo: the FIFO checks skipped"
fi
cat seed.yaml | "$S" -q /dev/stdin >out 2>err
got=$?
[ "$got" = 0 ] && grep -q '^+++ b//dev/stdin$' out && ok || bad "/dev/stdin from a pipe: exit $got, $(head -2 out)"
cat seed.yaml | timeout -k 2 10 "$S" -w /dev/stdin >out 2>err
got=$?
[ "$got" = 2 ] && grep -q 'cannot rewrite /dev/stdin: it is a pipe' err && ok ||
	bad "-w /dev/stdin from a pipe: exit $got, $(cat err)"

# a file named alone converts as it does with its folder (the rest of its
# build, or of its folder, read as context: stsify(1), --no-context): for
# every file of every golden case whose in/ holds files only, `stsify -w
# in/F` and `stsify -w in` leave F identical, and -w in/F changes no other
# file (a new file it makes is the folder's)
ctx_cases=0
for c in "$ROOT"/testdata/cases/*/; do
	[ -f "$c/args" ] || [ -f "$c/operands" ] || [ -d "$c/cluster" ] && continue
	flat=1
	for f in "$c"in/*; do [ -f "$f" ] || flat=; done
	[ -n "$flat" ] || continue
	set -- "$c"in/*
	[ $# -gt 1 ] || continue
	ctx_cases=$((ctx_cases + 1))
	rm -rf ctx-dir && cp -R "$c/in" ctx-dir
	"$S" -q -w ctx-dir >/dev/null 2>&1
	for f in "$c"in/*; do
		n=${f##*/}
		rm -rf ctx-one && cp -R "$c/in" ctx-one
		"$S" -q -w "ctx-one/$n" >/dev/null 2>&1
		if cmp -s "ctx-one/$n" "ctx-dir/$n"; then ok; else bad "context: ${c%/}: -w in/$n and -w in/ differ on $n"; fi
		for g in ctx-one/*; do
			if [ ! -e "$c/in/${g#ctx-one/}" ]; then
				# a new file (a JSON manifest's Service): as the folder's run makes it
				cmp -s "$g" "ctx-dir/${g#ctx-one/}" || bad "context: ${c%/}: -w in/$n made ${g#ctx-one/}, unlike -w in/"
			elif [ "$g" != "ctx-one/$n" ] && ! cmp -s "$g" "$c/in/${g#ctx-one/}"; then
				bad "context: ${c%/}: -w in/$n changed ${g#ctx-one/}"
			fi
		done
	done
done
[ "$ctx_cases" -gt 10 ] && ok || bad "context: only $ctx_cases golden cases with several files"
# --no-context: the file alone (its claim beside it is not seen)
mkdir -p ctx-no && cp "$ROOT/testdata/cases/single-file-folder-context/in/db/"* ctx-no/
expect 0 "--no-context" -- "$S" --no-context ctx-no/deployment.yaml
grep -q 'claim-not-found' err && ! grep -q '^+' out && ok || bad "--no-context: the claim beside the file was seen: $(cat err)"
expect 0 "context" -- "$S" ctx-no/deployment.yaml
grep -q '^+            storage: 50Gi' out && ok || bad "context: the claim beside the file was not seen"
# an operand that changes for a workload of a context file: it changes as
# with its folder, and context-not-edited says the workload's file is not
cat >ctx-no/hpa.yaml <<'EOF2'
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: pg
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: pg
  minReplicas: 2
  maxReplicas: 3
EOF2
expect 0 "context: an autoscaler alone" -- "$S" ctx-no/hpa.yaml
grep -q '^+    kind: StatefulSet' out && grep -q 'changes for Deployment "pg" of ctx-no/deployment.yaml, which is read as context.*\[context-not-edited\]' err &&
	ok || bad "context: an autoscaler alone: $(cat out err)"
rm ctx-no/hpa.yaml
# a folder of many files: each context file read once (a second operand of
# the same folder reads nothing more); files that are operands are not context
expect 1 "context --check of two files" -- "$S" --check ctx-no/deployment.yaml ctx-no/pvc.yaml
grep -q 'context-not-edited' err && bad "context: an operand reported as context: $(cat err)" || ok

# a StatefulSet in a JSON file: its Service in a new file, made by -w
# (never over an existing file), and a second -w adds nothing
mkdir -p jsvc && cp "$ROOT/testdata/cases/json-service-kustomization/in/search/"* jsvc/
expect 0 "-w a JSON Deployment" -- "$S" -q -w jsvc
[ -f jsvc/search-service.json ] && cmp -s jsvc/search-service.json \
	"$ROOT/testdata/cases/json-service-kustomization/out/search/search-service.json" && ok ||
	bad "-w a JSON Deployment: search-service.json not made as out/ has it"
cp -R jsvc jsvc-again
expect 0 "-w a JSON Deployment again" -- "$S" -q -w jsvc
diff -r jsvc jsvc-again >/dev/null && ok || bad "-w a JSON Deployment again changed something"
[ "$(grep -c 'search-service.json' jsvc/kustomization.yaml)" = 1 ] && ok ||
	bad "-w a JSON Deployment again: the kustomization lists the Service file $(grep -c 'search-service.json' jsvc/kustomization.yaml) times"
# the file exists but is not an input (left out by --exclude-path): not replaced
mkdir -p jsvc2 && cp "$ROOT/testdata/cases/json-service-kustomization/in/search/"* jsvc2/
echo '{"kind": "ConfigMap"}' >jsvc2/search-service.json
expect 0 "-w a JSON Deployment whose Service file exists" -- "$S" -w --exclude-path 'search-service' jsvc2
grep -q 'search-service.json exists already \[service-not-added\]' err && [ "$(cat jsvc2/search-service.json)" = '{"kind": "ConfigMap"}' ] &&
	ok || bad "-w over an existing Service file: $(cat err)"

summary
