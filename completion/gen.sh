#!/bin/sh
# completion/gen.sh - bash and zsh completion for stsify, generated from its
# --help, which is generated from the option table, so that the completion
# knows every option the binary has:
#
#   sh completion/gen.sh bash ./stsify >stsify.bash     (make: build/completion/)
#   sh completion/gen.sh zsh ./stsify >_stsify
#   sh completion/gen.sh kubectl ./stsify >kubectl_complete-stsify
#
# Each line of --help that starts with blanks and a dash is an option:
#   "  -j, --jobs N   text", "    --color WHEN   text", "    --color[=WHEN]   text"
# (short form, long form, the argument's name, attached with "=" when it is
# optional, then the description).  What an argument completes to goes by
# its name: WHEN and FORMAT complete to the values below (tests/completion.sh
# checks that stsify accepts each), DIR to directories, FILE and PATH to
# files; any other name completes to nothing.  Operands complete to files
# and directories.  Both scripts complete `stsify` and `kubectl-stsify`.
# The third, kubectl_complete-stsify, is what kubectl (1.26 and later)
# runs to complete `kubectl stsify ...` in any shell kubectl completes: it
# gets the words after `stsify`, the last one being completed, and prints
# the candidates, one a line, then cobra's directive (":0" files, ":4" no
# files, ":16" directories only).
set -u
LC_ALL=C
export LC_ALL
[ $# = 2 ] || { echo "usage: completion/gen.sh bash|zsh|kubectl STSIFY" >&2; exit 2; }
SHELL_=$1 BIN=$2
case $SHELL_ in bash | zsh | kubectl) ;; *) echo "completion/gen.sh: no shell $SHELL_" >&2; exit 2 ;; esac
help=$("$BIN" --help) || { echo "completion/gen.sh: $BIN --help failed" >&2; exit 1; }

# the option table: SHORT LONG ARG OPTIONAL DESCRIPTION, tab-separated
# ("-" for no short form or no argument)
table=$(printf '%s\n' "$help" | awk '
/^[ \t]+-/ {
	l = $0
	sub(/^[ \t]+/, "", l)
	short = "-"
	if (l ~ /^-[A-Za-z0-9], /) { short = substr(l, 1, 2); l = substr(l, 5) }
	if (!match(l, /^--[A-Za-z0-9][A-Za-z0-9-]*/)) next
	long = substr(l, 1, RLENGTH); l = substr(l, RLENGTH + 1)
	arg = "-"; opt = 0
	if (match(l, /^\[=[A-Za-z_]+\]/)) { arg = substr(l, 3, RLENGTH - 3); opt = 1; l = substr(l, RLENGTH + 1) }
	else if (match(l, /^[ =][A-Z][A-Z_]*/)) { arg = substr(l, 2, RLENGTH - 1); l = substr(l, RLENGTH + 1) }
	sub(/^[ \t]+/, "", l)
	printf "%s\t%s\t%s\t%d\t%s\n", short, long, arg, opt, l
}')
[ -n "$table" ] || { echo "completion/gen.sh: no option in $BIN --help" >&2; exit 1; }

# values ARG: the words an argument of that name completes to, or nothing
values() {
	case $1 in
	WHEN) echo "auto always never" ;;
	FORMAT) echo "text json sarif" ;;
	esac
}

gen_bash() {
	words=$(printf '%s\n' "$table" | awk -F '\t' '{ if ($1 != "-") printf "%s ", $1; printf "%s ", $2 }')
	cat <<EOF
# bash completion for stsify and kubectl-stsify, generated from \`stsify --help\`
# by completion/gen.sh: do not edit.
_stsify() {
	local cur=\${COMP_WORDS[COMP_CWORD]} prev= eq=
	((COMP_CWORD > 0)) && prev=\${COMP_WORDS[COMP_CWORD-1]}
	# --option=value: bash splits at "=" (COMP_WORDBREAKS); eq says it was
	# written so, which an optional argument needs
	if [[ \$cur == = ]]; then
		cur= eq=1
	elif [[ \$prev == = ]] && ((COMP_CWORD > 1)); then
		prev=\${COMP_WORDS[COMP_CWORD-2]} eq=1
	elif [[ \$cur == --*=* ]]; then
		prev=\${cur%%=*} cur=\${cur#*=} eq=1
	fi
	case \$prev in
EOF
	printf '%s\n' "$table" | while IFS='	' read -r short long arg opt desc; do
		[ "$arg" = - ] && continue
		names=$long
		[ "$short" != - ] && names="$short|$long"
		v=$(values "$arg")
		if [ "$opt" = 1 ]; then
			# an optional argument comes after "=" only
			printf "\t%s) if [[ \$eq ]]; then COMPREPLY=(\$(compgen -W '%s' -- \"\$cur\")); return; fi ;;\n" "$names" "$v"
		elif [ -n "$v" ]; then
			printf "\t%s) COMPREPLY=(\$(compgen -W '%s' -- \"\$cur\")); return ;;\n" "$names" "$v"
		else
			case $arg in
			DIR) printf '\t%s) COMPREPLY=($(compgen -d -- "$cur")); return ;;\n' "$names" ;;
			FILE | PATH) printf '\t%s) COMPREPLY=($(compgen -f -- "$cur")); return ;;\n' "$names" ;;
			*) printf '\t%s) COMPREPLY=(); return ;;\n' "$names" ;;
			esac
		fi
	done
	cat <<EOF
	esac
	if [[ \$cur == -* ]]; then
		COMPREPLY=(\$(compgen -W '${words% }' -- "\$cur"))
		return
	fi
	COMPREPLY=(\$(compgen -f -- "\$cur"))
}
complete -o filenames -F _stsify stsify kubectl-stsify
EOF
}

gen_zsh() {
	cat <<'EOF'
#compdef stsify kubectl-stsify
# zsh completion for stsify and kubectl-stsify, generated from `stsify --help`
# by completion/gen.sh: do not edit.
_arguments -s -S \
EOF
	printf '%s\n' "$table" | while IFS='	' read -r short long arg opt desc; do
		d=$(printf '%s' "$desc" | sed -e "s/'/'\\\\''/g" -e 's/\([][\\]\)/\\\1/g')
		if [ "$short" != - ]; then
			spec="'($short $long)'{$short,$long}'"
		elif [ "$opt" = 1 ]; then
			spec="'$long=-"
		else
			spec="'$long"
		fi
		spec="$spec[$d]"
		if [ "$arg" != - ]; then
			colon=:
			[ "$opt" = 1 ] && colon=::
			name=$(printf '%s' "$arg" | tr 'A-Z_' 'a-z ')
			v=$(values "$arg")
			if [ -n "$v" ]; then
				action="($v)"
			else
				case $arg in
				DIR) action="_files -/" ;;
				FILE | PATH) action=_files ;;
				*) action=" " ;;
				esac
			fi
			spec="$spec$colon$name:$action"
		fi
		printf "  %s' \\\\\n" "$spec"
	done
	printf "  '*:path:_files'\n"
}

gen_kubectl() {
	words=$(printf '%s\n' "$table" | awk -F '\t' '{ if ($1 != "-") printf "%s ", $1; printf "%s ", $2 }')
	cat <<'EOF'
#!/bin/sh
# kubectl_complete-stsify: completes `kubectl stsify ...` for kubectl's
# plugin completion; generated from `stsify --help` by completion/gen.sh:
# do not edit.  The words after "stsify" are the arguments, the last one
# the word being completed; prints the candidates, then cobra's directive.
cur='' prev=''
for a in "$@"; do prev=$cur cur=$a; done
# reply DIRECTIVE WORD...: the words that start with $cur, and the directive
reply() {
	d=$1
	shift
	for w in "$@"; do
		case $w in "$cur"*) printf '%s\n' "$w" ;; esac
	done
	echo ":$d"
	exit 0
}
case $cur in
EOF
	printf '%s\n' "$table" | while IFS='	' read -r short long arg opt desc; do
		[ "$opt" = 1 ] || continue
		printf '%s=*) reply 4' "$long"
		for w in $(values "$arg"); do printf ' %s=%s' "$long" "$w"; done
		printf ' ;;\n'
	done
	printf -- '-*) reply 4 %s ;;\nesac\ncase $prev in\n' "${words% }"
	printf '%s\n' "$table" | while IFS='	' read -r short long arg opt desc; do
		[ "$arg" = - ] || [ "$opt" = 1 ] && continue
		names=$long
		[ "$short" != - ] && names="$short | $long"
		v=$(values "$arg")
		if [ -n "$v" ]; then
			printf '%s) reply 4 %s ;;\n' "$names" "$v"
		else
			case $arg in
			DIR) printf '%s) reply 16 ;;\n' "$names" ;;
			FILE | PATH) printf '%s) reply 0 ;;\n' "$names" ;;
			*) printf '%s) reply 4 ;;\n' "$names" ;;
			esac
		fi
	done
	printf 'esac\necho :0\n'
}

gen_$SHELL_
