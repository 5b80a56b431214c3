#!/bin/sh
# tests/limits.sh - hostile and broken input, and failing system calls: each
# ends in a clear error (or a clean result), never a crash, a hang or a
# damaged file.
#
#   sh tests/limits.sh
#   STSIFY=build/asan/stsify sh tests/limits.sh
#   STSIFY_LIMITS_BIG=0 sh tests/limits.sh     skip the ~100 MB conversion
#   STSIFY_LIMITS_HOSTILE_MB=20 sh tests/limits.sh   hostile inputs of 20 MB, not 2
#                                              (make limits-big)
#
# Every input is generated in a temporary folder (nothing big is committed).
# System call failures come from tests/faults.so (LD_PRELOAD, see faults.c);
# a real full tmpfs and a real read-only mount are tried too, inside a
# private mount namespace, when this machine allows it (else a note says
# they were skipped).
#
# Output: a line per failure, then `limits: N passed, N failed`.

NAME=limits
. "$(dirname "$0")/lib.sh"
S=$STSIFY T=$TMP
FAULTS=$ROOT/tests/faults.so
SEED=$ROOT/testdata/cases/seed-postgres/in/postgres.yaml
BIG=${STSIFY_LIMITS_BIG:-1}
for f in "$FAULTS" "$SEED"; do
	[ -e "$f" ] || { echo "limits: $f is missing (make tests/faults.so)" >&2; exit 2; }
done
cd "$T" || exit 2

EVIDENCE=err
# run SECONDS ARG...: stsify with a time limit; stdout to out, stderr to err,
# exit code to $rc.  A crash, a hang or a sanitizer report is a failure.
run() {
	_t=$1
	shift
	timeout -k 2 "$_t" "$S" "$@" </dev/null >out 2>err
	rc=$?
	crashcheck "$*"
}
crashcheck() {
	case $rc in
	0 | 1 | 2 | 3) ;;
	124 | 137) bad "$1: timed out (exit $rc)" ;;
	*) bad "$1: crashed (exit $rc)" ;;
	esac
	if grep -q -e 'BUG' -e 'Sanitizer' -e 'runtime error:' -e '^==[0-9]*==' err; then
		bad "$1: BUG or sanitizer report on stderr"
	fi
}
# expect WHAT CODE: the last run exited CODE
expect() {
	[ "$rc" = "$2" ] && ok || bad "$1: exit $rc, expected $2"
}
# says WHAT REGEX: stderr matches
says() {
	grep -q -e "$2" err && ok || bad "$1: stderr lacks /$2/"
}
# intact WHAT FILE ORIGINAL: byte-identical, and no temporary file beside it
intact() {
	cmp -s "$2" "$3" && ok || bad "$1: $2 was changed"
	_d=$(dirname "$2")
	if ls -a "$_d" | grep -q '\.stsify-'; then
		bad "$1: a temporary file was left in $_d"
		rm -f "$_d"/.*.stsify-*
	else
		ok
	fi
}
# faulty SPEC ARG...: run stsify with STSIFY_FAULT=SPEC preloaded
faulty() {
	_spec=$1
	shift
	STSIFY_FAULT=$_spec LD_PRELOAD=$FAULTS \
		ASAN_OPTIONS=${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}verify_asan_link_order=0 \
		timeout -k 2 20 "$S" "$@" </dev/null >out 2>err
	rc=$?
	crashcheck "STSIFY_FAULT=$_spec $*"
}

# --- hostile input -------------------------------------------------------

# deep nesting: ten thousand flow levels, then a block one
awk 'BEGIN { printf "a: "; for (i = 0; i < 10000; i++) printf "["; for (i = 0; i < 10000; i++) printf "]"; print "" }' >deep.yaml
cp deep.yaml deep.orig
run 20 -w deep.yaml
expect "deep flow nesting" 3
says "deep flow nesting" '^deep.yaml:1:[0-9]*: error: collections nested more than 64 deep'
intact "deep flow nesting" deep.yaml deep.orig
awk 'BEGIN { for (i = 0; i < 200; i++) { for (j = 0; j < i; j++) printf " "; print "k:" } }' >deepblock.yaml
run 20 deepblock.yaml
expect "deep block nesting" 3
says "deep block nesting" '^deepblock.yaml:65:[0-9]*: error: collections nested more than 64 deep'

# a 20 MB line (an annotation) and a 10 MB block scalar beside a conversion
awk -v seed="$SEED" 'BEGIN {
	while ((getline l < seed) > 0) {
		print l
		if (l ~ /^  name: pg$/) {
			printf "  annotations:\n    huge: \""
			for (i = 0; i < 200000; i++) printf "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnopqrstuvwxyz0123"
			print "\""
		}
	}
	print "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: blob\ndata:\n  blob: |"
	for (i = 0; i < 100000; i++) print "    0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnopqrstuvwxyz012"
}' >long.yaml
run 30 long.yaml
expect "20 MB line" 0
grep -q '^+kind: StatefulSet' out && ok || bad "20 MB line: not converted"
[ "$(grep -c '^[-+][^-+]' out)" -lt 60 ] && ok || bad "20 MB line: the diff is larger than the conversion"

# files over the limit (1 GiB): refused before they are read, from a file
# (a sparse one: cheap) or a pipe (the limit lowered by STSIFY_MAX_INPUT_MB,
# so that the test does not stream a gigabyte)
truncate -s 1025M huge.yaml
run 20 huge.yaml
expect "1025 MiB file" 3
says "1025 MiB file" '^huge.yaml: error: cannot read: File too large'
truncate -s 3M small-limit.yaml
STSIFY_MAX_INPUT_MB=2 timeout -k 2 20 "$S" small-limit.yaml >out 2>err
rc=$?
crashcheck "3 MiB file, 2 MiB limit"
expect "3 MiB file, 2 MiB limit" 3
says "3 MiB file, 2 MiB limit" '^small-limit.yaml: error: cannot read: File too large'
rm -f small-limit.yaml
# a pipe over the limit: refused, and (filter mode) copied to stdout as it
# came, the bytes read and then the rest
yes 'key: value' | head -c 3000000 >pipe.in
cat pipe.in | STSIFY_MAX_INPUT_MB=2 timeout -k 2 20 "$S" >out 2>err
rc=$?
crashcheck "3 MB on stdin, 2 MiB limit"
expect "3 MB on stdin, 2 MiB limit" 3
says "3 MB on stdin, 2 MiB limit" '^<stdin>: error: cannot read: File too large'
cmp -s out pipe.in && ok || bad "3 MB on stdin, 2 MiB limit: stdout is not the input"
rm -f pipe.in
if [ "$BIG" = 1 ]; then
	# just under the limit: 100 MB of ConfigMaps after the seed converts
	{
		cat "$SEED"
		awk 'BEGIN { for (i = 0; i < 300000; i++) printf "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-%d\n  labels: {app: filler}\ndata:\n  key: \"value value value value value value value value value value value value value\"\n  other: |\n    line one of a block scalar\n    line two of a block scalar\n", i }'
	} >big.yaml
	start=$(date +%s)
	run 120 big.yaml
	expect "100 MB file" 0
	grep -q '^+kind: StatefulSet' out && ok || bad "100 MB file: not converted"
	echo "limits: a $(($(wc -c <big.yaml) / 1048576)) MiB file took $(($(date +%s) - start)) s"
	rm -f big.yaml
fi
rm -f huge.yaml

# --- memory: hostile input costs a bounded multiple of its size ----------

# peak LABEL INPUT ARG...: run stsify (stdin INPUT; stdout, stderr and the
# exit code to out, err and $rc), then again under bench/runner for $kb,
# its peak resident memory (ru_maxrss from wait4).  A file named alone is
# measured alone (--no-context): the other files of this folder (long.yaml,
# 30 MB) would otherwise be read as its context (stsify(1), --no-context)
peak() {
	_l=$1 _in=$2
	shift 2
	[ $# -gt 0 ] && set -- --no-context "$@"
	timeout -k 2 60 "$S" "$@" <"$_in" >out 2>err
	rc=$?
	crashcheck "$_l"
	set -- $("$RUNNER" -n 1 -w 0 -i "$_in" -o /dev/null run "$S" "$@")
	kb=${5:-999999999}
}
# bounded LABEL INPUT MAXKB FACTOR: the last peak is at most MAXKB plus
# FACTOR times INPUT's size (skipped under a sanitizer: its shadow memory
# counts too)
bounded() {
	case $S in *asan* | *valgrind*) ok; return ;; esac
	_max=$(($3 + $4 * $(wc -c <"$2") / 1024))
	[ "$kb" -le "$_max" ] && ok || bad "$1: peak $kb KiB, bound $_max KiB ($3 KiB + $4 x the input)"
	echo "limits: peak memory: $1: $kb KiB for $(($(wc -c <"$2") / 1024)) KiB"
}
RUNNER=$ROOT/bench/runner
HOSTILE_MB=${STSIFY_LIMITS_HOSTILE_MB:-2}
if [ -x "$RUNNER" ]; then
	# nested flow collections cost libfyaml ~270 bytes a byte before the
	# first event: refused by a scan first (issue 14), in a file and in a
	# Deployment on stdin (which then goes to stdout as it came)
	for shape in '[ ]' '{ }' '[a:  ]' '[{ }]' '[&a  ]' '{a:  }'; do
		open=${shape% *} close=${shape#* }
		awk -v n=$((HOSTILE_MB * 1000000 / (${#open} + ${#close}))) -v o="$open" -v c="$close" \
			'BEGIN { printf "a: "; for (i = 0; i < n; i++) printf "%s", o; printf "x"; for (i = 0; i < n; i++) printf "%s", c; print "" }' >nest.yaml
		peak "nesting $shape" /dev/null nest.yaml
		expect "nesting $shape" 3
		says "nesting $shape" '^nest.yaml:1:[0-9]*: error: collections nested more than 64 deep are not supported \[parse-error\]'
		bounded "nesting $shape" nest.yaml 16384 2
	done
	awk -v n=$((HOSTILE_MB * 500000)) 'BEGIN { for (i = 0; i < n; i++) printf "- "; print "x" }' >nest.yaml
	peak "nesting - - -" /dev/null nest.yaml
	expect "nesting - - -" 3
	says "nesting - - -" '^nest.yaml:1:129: error: collections nested more than 64 deep'
	bounded "nesting - - -" nest.yaml 16384 2
	awk -v seed="$SEED" -v n=$((HOSTILE_MB * 1000000)) 'BEGIN {
		while ((getline l < seed) > 0) {
			print l
			if (l ~ /^  name: pg$/) {
				printf "  annotations:\n    deep: "
				for (i = 0; i < n; i++) printf "["
				print ""
			}
		}
	}' >nestdep.yaml
	peak "nesting in a Deployment on stdin" nestdep.yaml
	expect "nesting in a Deployment on stdin" 3
	says "nesting in a Deployment on stdin" '^<stdin>:[0-9]*:[0-9]*: error: collections nested more than 64 deep'
	cmp -s out nestdep.yaml && ok || bad "nesting in a Deployment on stdin: stdout is not the input"
	bounded "nesting in a Deployment on stdin" nestdep.yaml 16384 3
	# the most nodes a byte can make: a parse tree is the largest
	# multiple of a file; a stream's documents that cannot matter are
	# not parsed
	awk -v n=$((HOSTILE_MB * 500000)) 'BEGIN { printf "a: ["; for (i = 0; i < n; i++) printf "a,"; print "a]" }' >wide.yaml
	peak "one-letter flow items" /dev/null wide.yaml
	expect "one-letter flow items" 0
	bounded "one-letter flow items" wide.yaml 16384 64
	peak "one-letter flow items on stdin" wide.yaml
	expect "one-letter flow items on stdin" 0
	bounded "one-letter flow items on stdin" wide.yaml 16384 3
	awk -v n=$((HOSTILE_MB * 250000)) 'BEGIN { for (i = 0; i < n; i++) print "---" }' >docs.yaml
	peak "empty documents on stdin" docs.yaml
	expect "empty documents on stdin" 0
	bounded "empty documents on stdin" docs.yaml 16384 16
	# binary: refused at the first block, never read to the size limit
	peak "/dev/zero" /dev/null /dev/zero
	expect "/dev/zero" 3
	says "/dev/zero" '^/dev/zero:1:1: error: NUL byte: not a text file \[parse-error\]'
	[ "$kb" -le 32768 ] && ok || bad "/dev/zero: peak $kb KiB"
	# (a file on stdin is mapped: its pages count, not a copy)
	head -c $((HOSTILE_MB * 5000000)) /dev/zero >zero.in
	peak "NUL bytes on stdin" zero.in
	expect "NUL bytes on stdin" 3
	cmp -s out zero.in && ok || bad "NUL bytes on stdin: stdout is not the input"
	bounded "NUL bytes on stdin" zero.in 16384 1
	head -c 5000000 /dev/zero | timeout -k 2 20 "$S" >out 2>err
	rc=$?
	expect "NUL bytes through a pipe" 3
	says "NUL bytes through a pipe" '^<stdin>:1:1: error: NUL byte: not a text file \[parse-error\]'
	[ "$(wc -c <out)" = 5000000 ] && ok || bad "NUL bytes through a pipe: stdout is not the input"
	rm -f nest.yaml nestdep.yaml wide.yaml docs.yaml zero.in
else
	echo "limits: bench/runner is missing: the memory checks skipped (make bench/runner)"
fi

# alias bombs: stsify never expands aliases, not even to verify a rewrite
awk -v seed="$SEED" 'BEGIN {
	while ((getline l < seed) > 0) {
		if (l ~ /^kind: Deployment$/) {
			print "x-lol:"
			print "  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"
			for (i = 1; i < 40; i++) {
				printf "  a%d: &a%d [", i, i
				for (j = 0; j < 10; j++) printf "%s*a%d", j ? ", " : "", i - 1
				print "]"
			}
		}
		print l
	}
}' >bomb.yaml
run 20 bomb.yaml
expect "alias bomb in a converted Deployment" 0
grep -q '^+kind: StatefulSet' out && ok || bad "alias bomb: the Deployment was not converted"
awk 'BEGIN {
	print "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"
	for (i = 1; i < 60; i++) { printf "a%d: &a%d {", i, i; for (j = 0; j < 10; j++) printf "%sk%d: *a%d", j ? ", " : "", j, i - 1; print "}" }
	print "<<: *a59"
}' >bomb2.yaml
run 20 bomb2.yaml
expect "merge-key bomb" 0

# binary and invalid UTF-8 named .yaml, beside a valid file in a directory
mkdir mixed
cp "$SEED" mixed/good.yaml
head -c 4096 /dev/urandom >mixed/binary.yaml
printf '\000' >>mixed/binary.yaml
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: latin1\ndata:\n  city: M\374nchen\n' >mixed/latin1.yaml
printf '\377\376a\000:\000 \0001\000\n\000' >mixed/utf16.yaml
printf 'a: "x\033[31mred"\n' >mixed/escape.yaml
cp -r mixed mixed.orig
run 20 -w mixed
expect "binary and invalid UTF-8" 3
says "binary file" '^mixed/binary.yaml:[0-9]*:[0-9]*: error: '
says "invalid UTF-8" '^mixed/latin1.yaml:6:10: error: invalid UTF-8 (byte 0xfc)'
says "UTF-16" '^mixed/utf16.yaml:1:1: error: UTF-16 and UTF-32 are not supported'
says "control character" '^mixed/escape.yaml:1:6: error: control character 0x1b'
for f in binary latin1 utf16 escape; do
	intact "$f.yaml" "mixed/$f.yaml" "mixed.orig/$f.yaml"
done
grep -q '^kind: StatefulSet' mixed/good.yaml && ok || bad "the valid file beside binary ones was not converted"

# a directory cycle through symlinks (two links: an exponential walk)
mkdir -p cyc/a/b
cp "$SEED" cyc/a/b/db.yaml
ln -s .. cyc/a/b/up
ln -s ../.. cyc/a/b/top
ln -s . cyc/a/self
run 20 cyc
expect "symlink cycle" 0
says "symlink cycle" '^cyc/a/b/top: warning: skipped: a symbolic link back to a directory that contains it \[symlink-cycle\]'
[ "$(grep -c '^+++ ' out)" = 1 ] && ok || bad "symlink cycle: db.yaml not diffed exactly once"
mkdir twice && cp "$SEED" twice/db.yaml && ln -s twice again
run 20 twice again
expect "one folder named twice" 0
[ "$(grep -c '^+++ ' out)" = 1 ] && ok || bad "a folder reached twice was diffed twice"

# unreadable files: a read error is reported, the other files are processed
mkdir unread && cp "$SEED" unread/a.yaml && cp "$SEED" unread/secret.yaml
sed -i 's/name: pg$/name: pg2/; s/pg-data/pg2-data/' unread/secret.yaml
faulty open:EACCES:secret.yaml unread
expect "unreadable file" 3
says "unreadable file" '^unread/secret.yaml: error: cannot read: Permission denied'
grep -q '^+++ b/unread/a.yaml' out && ok || bad "unreadable file: the readable file was not processed"
faulty read:EIO unread/a.yaml
expect "read error" 3
says "read error" '^unread/a.yaml: error: cannot read: Input/output error'
if [ "$(id -u)" != 0 ]; then
	chmod 000 unread/secret.yaml
	run 20 unread
	expect "mode 000 file" 3
	says "mode 000 file" '^unread/secret.yaml: error: cannot read: Permission denied'
	chmod 644 unread/secret.yaml
fi

# --- -w when the disk is full, the file or the file system read-only -----

cp "$SEED" db.orig
for spec in write:ENOSPC write:EDQUOT fsync:EIO close:EIO rename:EROFS:db.yaml mkstemp:EROFS:db.yaml; do
	cp db.orig db.yaml
	faulty "$spec" -w db.yaml
	expect "-w with $spec" 3
	says "-w with $spec" '^db.yaml: error: cannot write (the file is unchanged): '
	intact "-w with $spec" db.yaml db.orig
done
cp db.orig db.yaml
chmod 444 db.yaml
run 20 -w db.yaml
expect "-w on a read-only file" 3
says "-w on a read-only file" '^db.yaml: error: cannot write (the file is unchanged): Permission denied'
intact "-w on a read-only file" db.yaml db.orig
chmod 644 db.yaml
run 20 db.yaml
rc_diff=$rc
timeout -k 2 20 "$S" db.yaml </dev/null >/dev/full 2>err
rc=$?
crashcheck "stdout on a full disk"
expect "stdout on a full disk" 3
[ "$rc_diff" = 0 ] && ok || bad "diff of db.yaml exited $rc_diff"
says "stdout on a full disk" '^stsify: cannot write to stdout: No space left on device'
# filter mode: a small result goes through stdio, a large changed one is
# handed to the kernel in stretches (writev); both failures are exit 3
for input in db.yaml mapped.yaml; do
	[ "$input" = mapped.yaml ] && { "$ROOT/bench/gen" stream 2000000 5 >mapped.yaml || continue; }
	timeout -k 2 60 "$S" <"$input" >/dev/full 2>err
	rc=$?
	crashcheck "filter mode into a full disk ($input)"
	expect "filter mode into a full disk ($input)" 3
	says "filter mode into a full disk ($input)" '^stsify: cannot write to stdout: No space left on device'
done

# --- another program edits the file while -w works on it ------------------

# edit WHAT COMMAND: run -w on db.yaml while COMMAND changes it (between the
# read and the rename); the other program's version must stay, exit 3
edit() {
	cp -p db.orig db.yaml
	STSIFY_FAULT_RUN=$2 LD_PRELOAD=$FAULTS \
		ASAN_OPTIONS=${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}verify_asan_link_order=0 \
		timeout -k 2 20 "$S" -w db.yaml </dev/null >out 2>err
	rc=$?
	crashcheck "-w while $1"
	expect "-w while $1" 3
}
edit "a line is appended" 'cp db.yaml appended && echo "# edited" >>appended && cat appended >db.yaml'
says "-w while a line is appended" '^db.yaml: error: changed by another program since stsify read it: not written, the edit is kept (run stsify again) \[concurrent-edit\]'
intact "-w while a line is appended" db.yaml appended
# same inode, size and modification time: only the bytes tell
edit "the same size is written back" 'sed "s/20Gi/30Gi/" db.yaml >same && cat same >db.yaml && touch -r db.orig db.yaml'
says "-w while the same size is written back" 'changed by another program since stsify read it'
intact "-w while the same size is written back" db.yaml same
# an editor saves by renaming a new file over it
edit "an editor renames over it" 'sed "s/20Gi/40Gi/" db.yaml >renamed && cp renamed new && mv new db.yaml'
says "-w while an editor renames over it" 'changed by another program since stsify read it'
intact "-w while an editor renames over it" db.yaml renamed
edit "it is deleted" 'rm db.yaml'
says "-w while it is deleted" '^db.yaml: error: deleted by another program since stsify read it: not written again \[concurrent-edit\]'
[ ! -e db.yaml ] && ok || bad "-w made a deleted file again"
# a file found in a folder (read during the walk) is checked the same way
mkdir walked && cp db.orig walked/db.yaml && cp db.orig walked/db.appended && echo "# edited" >>walked/db.appended
STSIFY_FAULT_RUN='cat walked/db.appended >walked/db.yaml' LD_PRELOAD=$FAULTS \
	ASAN_OPTIONS=${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}verify_asan_link_order=0 \
	timeout -k 2 20 "$S" -w walked </dev/null >out 2>err
rc=$?
expect "-w on a folder while a file in it is edited" 3
says "-w on a folder while a file in it is edited" '^walked/db.yaml: error: changed by another program since stsify read it'
intact "-w on a folder while a file in it is edited" walked/db.yaml walked/db.appended
rm -rf walked
# hard links: refused (the other names would keep the old text), unless
# --break-hard-links
cp db.orig db.yaml && ln db.yaml linked.yaml
run 20 -w db.yaml
expect "-w on a file with two hard links" 3
says "-w on a file with two hard links" '^db.yaml: error: cannot write (the file is unchanged): it has other hard links'
intact "-w on a file with two hard links" db.yaml db.orig
run 20 -w --break-hard-links db.yaml
expect "-w --break-hard-links" 0
grep -q '^kind: StatefulSet' db.yaml && cmp -s linked.yaml db.orig && ok ||
	bad "-w --break-hard-links: db.yaml not converted, or linked.yaml changed"
rm -f linked.yaml appended same renamed
cp db.orig db.yaml

# --- out of memory in filter mode: the input still goes to stdout ---------

# (through a pipe: faults.so fails allocations once stdin's end is read)
cat db.orig | STSIFY_FAULT_OOM=1 LD_PRELOAD=$FAULTS \
	ASAN_OPTIONS=${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}verify_asan_link_order=0 \
	timeout -k 2 20 "$S" >out 2>err
rc=$?
case $S in
*asan* | *valgrind*) ok ;;	# the sanitizer's allocator is not the one faults.so fails
*)
	expect "out of memory in filter mode" 128
	says "out of memory in filter mode" '^stsify: fatal: out of memory'
	cmp -s out db.orig && ok || bad "out of memory in filter mode: stdout is not the input"
	;;
esac

# --- interrupted -w: a signal while the temporary file exists ------------

# SIGINT, SIGTERM, SIGHUP and SIGPIPE remove it and the status says which
# (128 + the signal's number); SIGKILL cannot be caught: the next run in
# the folder removes what it left, with a note (dry runs only name it)
for sig in INT:130 TERM:143 HUP:129 PIPE:141; do
	cp db.orig db.yaml
	STSIFY_FAULT_SIGNAL=${sig%:*}:fsync LD_PRELOAD=$FAULTS \
		ASAN_OPTIONS=${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}verify_asan_link_order=0 \
		timeout -k 2 20 "$S" -w db.yaml </dev/null >out 2>err
	rc=$?
	expect "SIG${sig%:*} during -w" "${sig#*:}"
	intact "SIG${sig%:*} during -w" db.yaml db.orig
done
cp db.orig db.yaml
STSIFY_FAULT_SIGNAL=KILL:write LD_PRELOAD=$FAULTS \
	ASAN_OPTIONS=${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}verify_asan_link_order=0 \
	timeout -k 2 20 "$S" -w db.yaml </dev/null >out 2>err
rc=$?
expect "SIGKILL during -w" 137
cmp -s db.yaml db.orig && ok || bad "SIGKILL during -w: db.yaml was changed"
left=$(ls -a | grep '^\.db\.yaml\.stsify-......$')
[ -n "$left" ] && ok || bad "SIGKILL during -w left no temporary file (the test needs one)"
: >.db.yaml.stsify-Keep12  # the pattern, beside db.yaml: removed too
: >.db.yaml.stsify-toolong  # not the pattern: kept
: >.other.yaml.stsify-abc123  # beside no file of the run: kept
run 20 db.yaml
expect "diff after SIGKILL" 0
says "diff after SIGKILL" "^\.db\.yaml\.stsify-......: info: a temporary file left by an interrupted stsify -w (-w removes it) \[leftover-temporary\]"
[ -e "$left" ] && ok || bad "a dry run removed $left"
run 20 -w db.yaml
expect "-w after SIGKILL" 0
says "-w after SIGKILL" "^$left: info: removed a temporary file left by an interrupted stsify -w \[leftover-temporary\]"
[ ! -e "$left" ] && [ ! -e .db.yaml.stsify-Keep12 ] && ok || bad "-w after SIGKILL did not remove the temporary files"
[ -e .db.yaml.stsify-toolong ] && [ -e .other.yaml.stsify-abc123 ] && ok ||
	bad "-w after SIGKILL removed a file that is not one of its temporary files"
rm -f .db.yaml.stsify-toolong .other.yaml.stsify-abc123
grep -q '^kind: StatefulSet' db.yaml && ok || bad "-w after SIGKILL did not convert db.yaml"
# in a walked folder too, and never one that a running stsify holds
mkdir left && cp db.orig left/db.yaml && : >left/.db.yaml.stsify-AbC123 && : >left/.db.yaml.stsify-HeLd00
exec 9>left/.db.yaml.stsify-HeLd00
if command -v flock >/dev/null 2>&1 && flock -n 9; then
	run 20 -w left
	expect "-w in a folder with leftovers" 0
	[ ! -e left/.db.yaml.stsify-AbC123 ] && ok || bad "-w left the temporary file in a walked folder"
	[ -e left/.db.yaml.stsify-HeLd00 ] && ok || bad "-w removed the temporary file of a running stsify"
else
	echo "limits: no flock(1): the check of a temporary file in use was skipped"
fi
exec 9>&-
rm -rf left

# a real full tmpfs and a real read-only mount, in a private mount namespace
if command -v unshare >/dev/null 2>&1 &&
	mkdir probe && unshare -m mount -t tmpfs -o size=64k tmpfs probe 2>/dev/null; then
	cat >ns.sh <<-'EOF'
		set -u
		mount -t tmpfs -o size=256k tmpfs mnt || exit 90
		cp db.orig mnt/db.yaml
		dd if=/dev/zero of=mnt/fill bs=4096 2>/dev/null
		"$1" -w mnt/db.yaml >full.out 2>full.err
		echo $? >full.rc
		cmp -s db.orig mnt/db.yaml && echo same >full.same
		ls -a mnt | grep -c stsify >full.tmp
		rm -f mnt/fill
		mount -o remount,ro mnt || exit 91
		"$1" -w mnt/db.yaml >ro.out 2>ro.err
		echo $? >ro.rc
		cmp -s db.orig mnt/db.yaml && echo same >ro.same
		umount mnt
	EOF
	mkdir -p mnt
	timeout -k 2 60 unshare -m sh ns.sh "$S"
	for x in full ro; do
		cp $x.err err
		rc=$(cat $x.rc 2>/dev/null || echo none)
		crashcheck "real $x file system"
		expect "-w on a real $x file system" 3
		[ -f $x.same ] && ok || bad "-w on a real $x file system changed the file"
	done
	cp full.err err
	says "real full tmpfs" 'cannot write (the file is unchanged): No space left on device'
	[ "$(cat full.tmp)" = 0 ] && ok || bad "a temporary file was left on the full tmpfs"
	cp ro.err err
	says "real read-only mount" 'cannot write (the file is unchanged): Read-only file system'
else
	echo "limits: no private mount namespace here: real full-disk and read-only mount checks skipped (the fault-injected ones ran)"
fi

# --- standard input that is a large file: mapped, not read ---------------

if [ -x "$ROOT/bench/gen" ]; then
	"$ROOT/bench/gen" stream 3000000 7 >big.yaml
	cat big.yaml | timeout -k 2 60 "$S" >pipe.out 2>pipe.err
	echo $? >pipe.rc
	timeout -k 2 60 "$S" <big.yaml >out 2>err
	rc=$?
	crashcheck "a 3 MB file on stdin"
	[ "$rc" = "$(cat pipe.rc)" ] && cmp -s out pipe.out && cmp -s err pipe.err && ok ||
		bad "a 3 MB file on stdin (mapped) and the same bytes from a pipe differ"
	# stdin left at an offset (not a page boundary): read from there on
	tail -c +5001 big.yaml | timeout -k 2 60 "$S" >pipe.out 2>pipe.err
	echo $? >pipe.rc
	{ dd bs=1 skip=5000 count=0 2>/dev/null; timeout -k 2 60 "$S" >out 2>err; echo $? >off.rc; } <big.yaml
	rc=$(cat off.rc)
	crashcheck "stdin at an offset"
	[ "$rc" = "$(cat pipe.rc)" ] && cmp -s out pipe.out && cmp -s err pipe.err && ok ||
		bad "stdin at offset 5000 of a mapped file and the rest of it from a pipe differ"
	# the file shrinks while stsify reads it: an error, not a crash
	cp big.yaml shrink.yaml
	STSIFY_FAULT_SHRINK=1 LD_PRELOAD=$FAULTS \
		ASAN_OPTIONS=${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}verify_asan_link_order=0 \
		timeout -k 2 60 "$S" <>shrink.yaml >out 2>err
	rc=$?
	crashcheck "stdin truncated while mapped"
	expect "stdin truncated while mapped" 3
	says "stdin truncated while mapped" 'the input file shrank while stsify was reading it'
else
	echo "limits: bench/gen is missing: the large-stdin checks skipped (make bench/gen)"
fi

summary
