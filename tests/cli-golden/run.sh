#!/bin/sh
# Golden tests of the debugger CLI: each tests/cli-golden/NAME.cmd is a
# script for `quadrant debug --batch -x NAME.cmd IMAGE`; its output
# (stdout and stderr, in order) and exit status must equal NAME.out.
#
# A script names its image and options in header comments:
#   # image: guests/build/x86/paging32.elf
#   # args: --mmu tdp
#
#   tests/cli-golden/run.sh            compare (both builds when present)
#   tests/cli-golden/run.sh --update   regenerate NAME.out; review the
#                                      diff before keeping it
#   tests/cli-golden/run.sh NAME...    only these scripts
set -u
. tests/lib.sh
update=false
if [ "${1:-}" = "--update" ]; then
	update=true
	shift
fi
tier_begin cli-golden
dir=tests/cli-golden
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ $# -gt 0 ]; then
	scripts=""
	for n in "$@"; do scripts="$scripts $dir/${n%.cmd}.cmd"; done
else
	scripts=$(ls $dir/*.cmd 2>/dev/null)
fi

# run QUADRANT SCRIPT IMAGE ARGS... -> output then "[exit N]"
run() {
	q=$1; script=$2; image=$3; shift 3
	# shellcheck disable=SC2086
	timeout 60 "$q" debug --batch $* -x "$script" "$image" \
		</dev/null >"$tmp/out" 2>&1
	echo "[exit $?]" >>"$tmp/out"
}

for script in $scripts; do
	name=$(basename "$script" .cmd)
	image=$(sed -n 's/^# image: *//p' "$script" | head -1)
	args=$(sed -n 's/^# args: *//p' "$script" | head -1)
	want=$dir/$name.out
	if [ ! -x ./quadrant ]; then
		skip "$name: ./quadrant not built"
		continue
	fi
	if [ ! -f "$image" ]; then
		skip "$name: $image not built"
		continue
	fi
	if $update; then
		run ./quadrant "$script" "$image" $args
		cp "$tmp/out" "$want"
		ok "$name: updated $want"
		continue
	fi
	if [ ! -f "$want" ]; then
		skip "$name: no $want yet (run with --update and review it)"
		continue
	fi
	for q in ./quadrant build/asan/quadrant; do
		[ -x "$q" ] || continue
		run "$q" "$script" "$image" $args
		if cmp -s "$tmp/out" "$want"; then
			ok "$name ($q)"
		else
			not_ok "$name ($q): output differs:"
			diff -u "$want" "$tmp/out" | head -40
		fi
	done
done
tier_end
