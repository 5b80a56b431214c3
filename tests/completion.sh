#!/bin/sh
# tests/completion.sh - the bash and zsh completion that completion/gen.sh
# generates from `stsify --help`, loaded by the real shells:
#
#   sh tests/completion.sh         (make completion; the scripts are
#                                   build/completion/stsify.bash and _stsify)
#
# bash: the script is sourced by `bash --norc` and _stsify called as bash
# calls it (COMP_WORDS, COMP_CWORD).  zsh: an interactive `zsh -f` in a
# pseudo-terminal (zsh/zpty) runs compinit with the script in $fpath, gets
# the line and a TAB, and prints each match compadd is given.  Checked in
# both: an option from its prefix, every option of --help from "-", the
# values of --format and --color (each accepted by stsify), directories
# only after --migration-plan, files and directories as operands, and the
# same for kubectl-stsify.  zsh missing: its checks are skipped, saying so.
# kubectl: `kubectl __complete stsify ...` (what kubectl's own completion
# calls, in any shell) runs kubectl_complete-stsify from PATH; checked:
# an option, the values of --format and --color=, directories only after
# --migration-plan, files as operands.  kubectl missing: skipped.
#
# Output: a line per failure, then `completion: N passed, N failed`.

NAME=completion
. "$(dirname "$0")/lib.sh"
S=$STSIFY T=$TMP
# want SHELL LINE EXPECTED GOT-FILE: the matches, sorted, one a line
want() {
	_got=$(sort -u "$4" | tr '\n' ' ' | sed 's/ $//')
	if [ "$_got" = "$3" ]; then ok; else
		bad "$1: '$2' completes to '$_got', expected '$3'"
	fi
}

for sh in bash zsh; do
	sh "$ROOT/completion/gen.sh" "$sh" "$S" >"$T/$sh.out" 2>"$T/$sh.err" || {
		bad "completion/gen.sh $sh failed: $(cat "$T/$sh.err")"
	}
done
mv "$T/bash.out" "$T/stsify.bash"
mkdir "$T/fpath" && mv "$T/zsh.out" "$T/fpath/_stsify"

# what --help lists: every option word, sorted
"$S" --help | sed -n 's/^[ 	]*\(-[A-Za-z0-9]\), \(--[a-z0-9-]*\).*/\1\n\2/p; s/^[ 	]*\(--[a-z0-9-]*\).*/\1/p' |
	sed 's/\[.*//' | sort | tr '\n' ' ' | sed 's/ $//' >"$T/options"
ALL=$(cat "$T/options")
[ "$(echo "$ALL" | wc -w)" -gt 20 ] && ok || bad "--help lists only '$ALL'"

# the values completed are values stsify takes
for v in text json sarif; do
	"$S" --format "$v" </dev/null >/dev/null 2>&1 && ok || bad "stsify --format $v is refused"
done
for v in auto always never; do
	"$S" --color="$v" </dev/null >/dev/null 2>&1 && ok || bad "stsify --color=$v is refused"
done

# a folder to complete file names in (plan.yaml and plans/: a directory
# is the only completion of "pl" when files are not offered)
mkdir -p "$T/w/plans" "$T/w/prod"
: >"$T/w/pg.yaml"
: >"$T/w/prose.txt"
: >"$T/w/plan.yaml"

# ---- bash ----
cat >"$T/complete.bash" <<'EOF'
# complete.bash SCRIPT WORD...: the matches of _stsify for the words, the
# last one being completed, one a line
source "$1" || exit 2
shift
COMP_WORDS=("$@")
COMP_CWORD=$(($# - 1))
COMP_LINE="$*"
COMP_POINT=${#COMP_LINE}
complete -p "$1" >/dev/null || exit 3
_stsify
printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d'
EOF
# b EXPECTED WORD...: bash completes the words to EXPECTED
b() {
	_exp=$1
	shift
	(cd "$T/w" && bash --norc --noprofile "$T/complete.bash" "$T/stsify.bash" "$@") >"$T/got" 2>"$T/err"
	_rc=$?
	if [ "$_rc" != 0 ]; then
		bad "bash: '$*': exit $_rc: $(head -3 "$T/err")"
	else
		want bash "$*" "$_exp" "$T/got"
	fi
}
if command -v bash >/dev/null 2>&1; then
	b "--format" stsify --for
	b "$ALL" stsify -
	b "json" stsify --format js
	b "always auto never" stsify --color = ""
	b "always" stsify --color = al
	b "pg.yaml plan.yaml plans prod prose.txt" stsify --color ""
	b "sarif" stsify --format=s
	b "plans prod" stsify --migration-plan p
	b "pg.yaml plan.yaml plans prod prose.txt" stsify p
	b "" stsify --storage-size ""
	b "--check" kubectl-stsify --che
else
	echo "completion: bash is not installed: bash checks skipped"
fi

# ---- zsh ----
cat >"$T/setup.zsh" <<'EOF'
# the interactive zsh: no prompt, compinit with the script under test, TAB
# completes.  ZC_MODE=list: each match compadd gets is printed between two
# marks, then zsh exits; ZC_MODE=line: ^X^B prints the line as TAB left it.
PROMPT= RPROMPT= PS2=
fpath=($ZC_FPATH $fpath)
autoload -Uz compinit && compinit -u -d "$ZC_FPATH/../zcompdump"
bindkey '^I' complete-word
zstyle ':completion:*' insert-tab false
_zc_line() { print -r -- "<zc-line>$BUFFER"; exit }
zle -N _zc_line
bindkey '^X^B' _zc_line
if [[ $ZC_MODE == list ]]; then
	_zc_mark() { print -r -- '<zc-mark>' }
	compprefuncs=(_zc_mark)
	comppostfuncs=(_zc_mark exit)
	compadd() {
		if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then
			builtin compadd "$@"
			return
		fi
		local -a zc_hits
		builtin compadd -A zc_hits "$@"
		local h
		for h in $zc_hits; do print -r -- "<zc-hit>$h"; done
	}
fi
print -r -- '<zc-ready>'
EOF
cat >"$T/complete.zsh" <<'EOF'
# complete.zsh FPATH SETUP MODE LINE: for MODE list, the matches for LINE in
# an interactive zsh, one a line; for MODE line, the line after a TAB
zmodload zsh/zpty || exit 2
zpty z ZC_FPATH=$1 ZC_MODE=$3 zsh -f -i
zpty -w z "source ${(q)2}"
local line
integer marks=0 tries=0 ready=0 done=0
while (( tries < 2000 && ! done )); do
	if zpty -r -t z line; then
		line=${${line//$'\r'/}%$'\n'}
		if [[ $line == *'<zc-ready>'* ]] && (( ! ready )); then
			ready=1
			zpty -w -n z "$4"$'\t'
			[[ $3 == line ]] && zpty -w -n z $'\C-x\C-b'
		elif [[ $line == *'<zc-hit>'* ]]; then
			print -r -- ${line#*'<zc-hit>'}
		elif [[ $line == *'<zc-line>'* ]]; then
			print -r -- ${line#*'<zc-line>'}
			done=1
		fi
		[[ $line == *'<zc-mark>'* ]] && (( ++marks >= 2 )) && done=1
	else
		sleep 0.01
		(( tries++ ))
	fi
done
zpty -d z
(( done )) || exit 4
EOF
# z MODE EXPECTED LINE: zsh completes LINE to the matches EXPECTED (MODE
# list) or to the line EXPECTED (MODE line)
z() {
	(cd "$T/w" && zsh -f "$T/complete.zsh" "$T/fpath" "$T/setup.zsh" "$1" "$3") >"$T/got" 2>"$T/err"
	_rc=$?
	if [ "$_rc" != 0 ]; then
		bad "zsh: '$3': exit $_rc (no completion seen): $(head -3 "$T/err")"
	elif [ "$1" = line ]; then
		[ "$(cat "$T/got")" = "$2" ] && ok || bad "zsh: '$3' TAB gives the line '$(cat "$T/got")', expected '$2'"
	else
		want zsh "$3" "$2" "$T/got"
	fi
}
if command -v zsh >/dev/null 2>&1 && zsh -fc 'zmodload zsh/zpty' 2>/dev/null; then
	z list "--format" "stsify --for"
	z list "$ALL" "stsify -"
	z list "json sarif text" "stsify --format "
	z list "always auto never" "stsify --color="
	z list "pg.yaml plan.yaml plans prod prose.txt" "stsify p"
	z list "--check" "kubectl-stsify --che"
	z line "stsify --format sarif " "stsify --format s"
	z line "stsify --migration-plan plans/" "stsify --migration-plan pl"
	z line "stsify pg.yaml " "stsify pg"
else
	echo "completion: zsh (with zsh/zpty) is not installed: zsh checks skipped (apt-get install zsh)"
fi
# kubectl's plugin completion: the candidates, then cobra's directive
k() {
	_got=$(cd "$T/w" && PATH="$T/kbin:$PATH" kubectl __complete stsify "$@" 2>/dev/null | tr '\n' ' ' | sed 's/ $//')
	[ "$_got" = "$K" ] && ok || bad "kubectl stsify $*: completes to '$_got', expected '$K'"
}
if command -v kubectl >/dev/null 2>&1; then
	mkdir -p "$T/kbin"
	ln -s "$S" "$T/kbin/kubectl-stsify"
	if sh "$ROOT/completion/gen.sh" kubectl "$S" >"$T/kbin/kubectl_complete-stsify"; then
		chmod 755 "$T/kbin/kubectl_complete-stsify"
		K="--check :4" k --che
		K="json :4" k --format j
		K="--color=auto --color=always --color=never :4" k --color=
		K=":16" k --migration-plan p
		K=":0" k pg
		K="--check :4" k -w --che
	else
		bad "completion/gen.sh kubectl failed"
	fi
else
	echo "completion: kubectl is not installed: kubectl plugin completion checks skipped"
fi

summary
