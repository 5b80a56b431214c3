#!/bin/sh
# tests/hooks.sh - where people run checks: the pre-commit hook
# (.pre-commit-hooks.yaml), the GitHub Actions job (docs/github-actions.yml)
# and `kubectl stsify` (the kubectl-stsify that make install links):
#
#   sh tests/hooks.sh          (make hooks)
#
# pre-commit: the manifest parses (Debian's python3-yaml) and says what
# pre-commit needs; its entry and args run on a copy of testdata/repo exit
# 1 with the findings, and 0 once `stsify -w` converted it; with pre-commit
# installed, `pre-commit run --all-files` in a git repository whose
# .pre-commit-config.yaml names this hook fails, then passes, the same way.
# The second hook, stsify-files, checks the staged files, each with its
# build as context: on deployment.yaml alone it sees the claim beside it.
# GitHub Actions: the workflow parses, uploads SARIF with
# security-events: write even when the check fails, and its stsify step,
# run by bash on the fixture, fails and writes SARIF 2.1.0 with results.
# kubectl: `make install DESTDIR=...` installs kubectl-stsify (and the
# completion scripts); a real kubectl runs `kubectl stsify --help` and
# `kubectl stsify --check` through it, and lists it as a plugin.  A
# missing pre-commit or kubectl skips its part, saying so.
#
# Output: a line per failure, then `hooks: N passed, N failed`.

NAME=hooks
. "$(dirname "$0")/lib.sh"
S=$STSIFY T=$TMP
PY=/usr/bin/python3
check() {
	_what=$1
	shift
	if "$@"; then ok; else bad "$_what"; fi
}
show() { sed 's/^/    | /' "$1" | head -"${2:-10}"; }
"$PY" -c 'import yaml' 2>/dev/null || { echo "hooks: $PY lacks yaml: apt-get install python3-yaml (make deps)" >&2; exit 2; }

# stsify as the hooks find it: in PATH
mkdir "$T/bin" && ln -s "$S" "$T/bin/stsify"
PATH=$T/bin:$PATH
export PATH
# fixture NAME: a copy of testdata/repo as $T/NAME, a git repository
fixture() {
	mkdir "$T/$1" && cp -R "$ROOT/testdata/repo/." "$T/$1/" &&
		git -C "$T/$1" init -q && git -C "$T/$1" add -A
}
GIT_ID="-c user.name=stsify-tests -c user.email=tests@stsify.invalid"

# ---- pre-commit: the manifest ----
"$PY" - "$ROOT/.pre-commit-hooks.yaml" >"$T/hook" 2>"$T/hook.err" <<'EOF'
import re, shlex, sys, yaml
hooks = yaml.safe_load(open(sys.argv[1]))
assert isinstance(hooks, list) and len(hooks) == 2, "not a list of two hooks: %r" % hooks
h, hf = hooks
known = {"id", "name", "entry", "language", "files", "exclude", "types", "types_or",
         "exclude_types", "always_run", "fail_fast", "verbose", "pass_filenames",
         "require_serial", "description", "language_version", "minimum_pre_commit_version",
         "args", "stages", "alias", "additional_dependencies", "log_file"}
assert set(h) <= known, "keys pre-commit does not know: %s" % sorted(set(h) - known)
for k in ("id", "name", "entry", "language"):
    assert k in h, "no %s" % k
assert h["id"] == "stsify", "id %r" % h["id"]
assert h["language"] == "system", "language %r" % h["language"]
assert h.get("pass_filenames") is False, "pass_filenames is not false"
files = re.compile(h.get("files", ""))
for name in ("k8s/db.yaml", "a.yml", "list.json"):
    assert files.search(name), "files does not match %s" % name
assert not files.search("README.md"), "files matches README.md"
# the second hook: the same check on the staged files (pass_filenames
# defaults to true), each with its build as context
assert set(hf) <= known, "keys pre-commit does not know: %s" % sorted(set(hf) - known)
assert hf["id"] == "stsify-files", "id %r" % hf["id"]
assert hf["language"] == "system", "language %r" % hf["language"]
assert hf.get("pass_filenames", True) is True, "stsify-files does not pass the file names"
assert not hf.get("args"), "stsify-files has args: %r" % hf["args"]
assert hf["entry"] == h["entry"], "stsify-files runs %r, not %r" % (hf["entry"], h["entry"])
ffiles = re.compile(hf.get("files", ""))
for name in ("k8s/db.yaml", "a.yml", "list.json"):
    assert ffiles.search(name), "stsify-files: files does not match %s" % name
assert not ffiles.search("README.md"), "stsify-files: files matches README.md"
print(" ".join(shlex.quote(w) for w in shlex.split(h["entry"]) + [str(a) for a in h.get("args", [])]))
EOF
if [ $? = 0 ]; then ok; else bad ".pre-commit-hooks.yaml: $(cat "$T/hook.err" | tail -1)"; fi
CMD=$(cat "$T/hook")
CMD_FILES="stsify --check"	# stsify-files: the entry (checked: stsify's), no args
case $CMD in stsify\ --check*) ok ;; *) bad "the hook runs '$CMD', not stsify --check" ;; esac

# its command, as pre-commit runs it (in the repository's root)
fixture pc
(cd "$T/pc" && eval "$CMD") >"$T/out" 2>"$T/err"
rc=$?
check "the hook's command on testdata/repo: exit $rc, not 1" test "$rc" = 1
check "the hook's command printed no shared-pvc finding" grep -q '\[shared-pvc\]' "$T/err"
(cd "$T/pc" && stsify -q -w . && eval "$CMD") >"$T/out" 2>"$T/err"
rc=$?
check "the hook's command after stsify -w: exit $rc, not 0" test "$rc" = 0
[ "$rc" = 0 ] || show "$T/err"

# the staged-files hook's command on one staged file: its claim, Service
# and autoscaler (not staged) are read as context
fixture pcf
(cd "$T/pcf" && eval "$CMD_FILES apps/orders-db/deployment.yaml") >"$T/out" 2>"$T/err"
rc=$?
check "the staged-files hook's command on deployment.yaml: exit $rc, not 1" test "$rc" = 1
check "the staged-files hook's command printed no shared-pvc finding" grep -q '\[shared-pvc\]' "$T/err"
check "the staged-files hook's command did not see the claim (context)" grep -q '\[data-migration\]' "$T/err"
(cd "$T/pcf" && stsify -q -w apps/orders-db/deployment.yaml apps/orders-db/hpa.yaml &&
	eval "$CMD_FILES apps/orders-db/deployment.yaml") >"$T/out" 2>"$T/err"
rc=$?
check "the staged-files hook's command after stsify -w FILE: exit $rc, not 0" test "$rc" = 0
[ "$rc" = 0 ] || show "$T/err"

# ---- pre-commit itself ----
if command -v pre-commit >/dev/null 2>&1; then
	mkdir "$T/hookrepo" && cp "$ROOT/.pre-commit-hooks.yaml" "$T/hookrepo/" &&
		git -C "$T/hookrepo" init -q && git -C "$T/hookrepo" add -A &&
		git $GIT_ID -C "$T/hookrepo" commit -q -m hook
	rev=$(git -C "$T/hookrepo" rev-parse HEAD)
	fixture real
	printf 'repos:\n  - repo: %s\n    rev: %s\n    hooks:\n      - id: stsify\n' "$T/hookrepo" "$rev" \
		>"$T/real/.pre-commit-config.yaml"
	git -C "$T/real" add -A
	export PRE_COMMIT_HOME="$T/pre-commit-home"
	(cd "$T/real" && pre-commit run --all-files) >"$T/out" 2>&1
	rc=$?
	check "pre-commit run on testdata/repo: exit $rc, not 1" test "$rc" = 1
	check "pre-commit: the hook did not fail" grep -q '^stsify (.*)\.*Failed$' "$T/out"
	check "pre-commit: no shared-pvc finding shown" grep -q '\[shared-pvc\]' "$T/out"
	[ "$fail" = 0 ] || show "$T/out" 20
	(cd "$T/real" && stsify -q -w . && git add -A && pre-commit run --all-files) >"$T/out" 2>&1
	rc=$?
	check "pre-commit run after stsify -w: exit $rc, not 0" test "$rc" = 0
	check "pre-commit: the hook did not pass" grep -q '^stsify (.*)\.*Passed$' "$T/out"
	[ "$rc" = 0 ] || show "$T/out" 20
	# stsify-files on one file: pre-commit passes it, its build is context
	fixture realf
	printf 'repos:\n  - repo: %s\n    rev: %s\n    hooks:\n      - id: stsify-files\n' "$T/hookrepo" "$rev" \
		>"$T/realf/.pre-commit-config.yaml"
	git -C "$T/realf" add -A
	(cd "$T/realf" && pre-commit run --files apps/orders-db/deployment.yaml) >"$T/out" 2>&1
	rc=$?
	check "pre-commit run stsify-files on deployment.yaml: exit $rc, not 1" test "$rc" = 1
	check "pre-commit: stsify-files did not fail" grep -q '^stsify, staged files (.*)\.*Failed$' "$T/out"
	check "pre-commit: stsify-files did not see the claim (context)" grep -q '\[data-migration\]' "$T/out"
	[ "$fail" = 0 ] || show "$T/out" 20
	(cd "$T/realf" && stsify -q -w apps/orders-db/deployment.yaml apps/orders-db/hpa.yaml && git add -A &&
		pre-commit run --files apps/orders-db/deployment.yaml) >"$T/out" 2>&1
	rc=$?
	check "pre-commit run stsify-files after stsify -w: exit $rc, not 0" test "$rc" = 0
	[ "$rc" = 0 ] || show "$T/out" 20
	echo "hooks: $(pre-commit --version) ran the hooks"
else
	echo "hooks: pre-commit is not installed: its run skipped (apt-get install pre-commit)"
fi

# ---- the GitHub Actions job ----
"$PY" - "$ROOT/docs/github-actions.yml" >"$T/step" 2>"$T/gha.err" <<'EOF'
import sys, yaml
w = yaml.safe_load(open(sys.argv[1]))
on = w.get("on", w.get(True))          # YAML 1.1 reads the key on as true
assert on and "pull_request" in on, "not run on pull requests"
assert w["permissions"].get("security-events") == "write", "no security-events: write"
steps = w["jobs"]["stsify"]["steps"]
runs = [s for s in steps if "stsify --check" in s.get("run", "")]
assert len(runs) == 1, "not one step that runs stsify --check"
assert "--format sarif" in runs[0]["run"] and "> stsify.sarif" in runs[0]["run"], "no SARIF written"
up = [s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif@")]
assert len(up) == 1, "no upload-sarif step"
assert up[0]["with"]["sarif_file"] == "stsify.sarif", "uploads %r" % up[0]["with"]["sarif_file"]
assert "failure()" in up[0].get("if", "") or "always()" in up[0].get("if", ""), \
    "the upload does not run when the check fails"
assert steps.index(up[0]) > steps.index(runs[0]), "the upload comes before the check"
print("MANIFESTS=%s" % w["env"]["MANIFESTS"])
print(runs[0]["run"])
EOF
if [ $? = 0 ]; then ok; else bad "docs/github-actions.yml: $(tail -1 "$T/gha.err")"; fi
fixture gha
mkdir -p "$T/gha/k8s" && mv "$T/gha/apps" "$T/gha/k8s/"
(cd "$T/gha" && bash -e "$T/step") >"$T/out" 2>"$T/err"
rc=$?
check "the workflow's stsify step on a repository to convert: exit $rc, not 1" test "$rc" = 1
"$PY" -c 'import json, sys
d = json.load(open(sys.argv[1]))
assert d["version"] == "2.1.0" and d["runs"][0]["results"]' "$T/gha/stsify.sarif" 2>"$T/err" ||
	bad "the workflow's stsify.sarif is not SARIF 2.1.0 with results: $(tail -1 "$T/err")"

# ---- kubectl stsify ----
make -s -C "$ROOT" install DESTDIR="$T/inst" PREFIX=/usr >"$T/out" 2>&1 || { bad "make install DESTDIR=... failed"; show "$T/out"; }
check "make install: no kubectl-stsify link to stsify" test "$(readlink "$T/inst/usr/bin/kubectl-stsify")" = stsify
check "make install: no bash completion" test -s "$T/inst/usr/share/bash-completion/completions/stsify"
check "make install: no bash completion for kubectl-stsify" test -s "$T/inst/usr/share/bash-completion/completions/kubectl-stsify"
check "make install: no zsh completion" test -s "$T/inst/usr/share/zsh/site-functions/_stsify"
if command -v kubectl >/dev/null 2>&1; then
	# the binary under test, as kubectl-stsify (the installed one when it is ./stsify)
	KDIR=$T/inst/usr/bin
	if [ "$S" != "$ROOT/stsify" ]; then
		KDIR=$T/kbin
		mkdir "$KDIR" && ln -s "$S" "$KDIR/kubectl-stsify"
	fi
	k() { PATH=$KDIR:$PATH KUBECONFIG=/dev/null kubectl "$@"; }
	k stsify --help >"$T/out" 2>"$T/err"
	rc=$?
	check "kubectl stsify --help: exit $rc, not 0" test "$rc" = 0
	check "kubectl stsify --help: no usage" grep -q '^usage: stsify' "$T/out"
	(cd "$T/pc" && git checkout -q -- . && PATH=$KDIR:$PATH KUBECONFIG=/dev/null kubectl stsify --check -q .) >"$T/out" 2>"$T/err"
	rc=$?
	check "kubectl stsify --check on testdata/repo: exit $rc, not 1" test "$rc" = 1
	check "kubectl stsify --check: no shared-pvc finding" grep -q '\[shared-pvc\]' "$T/err"
	k plugin list >"$T/out" 2>&1
	check "kubectl plugin list does not list kubectl-stsify" grep -q "^$KDIR/kubectl-stsify\$" "$T/out"
	echo "hooks: kubectl $(kubectl version --client 2>/dev/null | sed -n 's/^Client Version: //p') ran kubectl-stsify"
else
	echo "hooks: kubectl is not installed: kubectl stsify skipped"
fi

summary
