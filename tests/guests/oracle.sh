#!/bin/sh
# oracle.sh [--update] [NAME...]
#
# Run the x86 guests under QEMU (through qemu-run.sh, the one place that
# knows the QEMU command line) and check each run: exit status 1 (the
# guest wrote 0 to isa-debug-exit), last line PASS, no "not ok" line.
#
# Without --update, each guest's serial output must also equal
# expected/x86/NAME.txt byte for byte. With --update, the output of every
# passing run is saved there instead. NAMEs default to every image in
# guests/build/x86 except the benchmarks (loop32, pagetouch64, cr3switch64), which
# only report timing-free checks but take longer than a test should.
#
# Environment: GUEST_DIR (default guests/build/x86), QEMU, QEMU_TIMEOUT.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
guest_dir=${GUEST_DIR:-$root/guests/build/x86}
expected_dir=$here/expected/x86
benchmarks="loop32 pagetouch64 cr3switch64"

update=0
if [ "${1:-}" = "--update" ]; then
	update=1
	shift
fi

if [ $# -eq 0 ]; then
	for img in "$guest_dir"/*.elf; do
		[ -e "$img" ] || continue
		name=$(basename "$img" .elf)
		case " $benchmarks " in *" $name "*) continue ;; esac
		set -- "$@" "$name"
	done
fi
if [ $# -eq 0 ]; then
	echo "oracle: no guest images in $guest_dir (run make -C guests)" >&2
	exit 2
fi

tmp=$(mktemp)
trap 'rm -f "$tmp" "$tmp.err"' EXIT
failed=0

for name in "$@"; do
	img=$guest_dir/$name.elf
	"$here/qemu-run.sh" "$img" >"$tmp" 2>"$tmp.err"
	status=$?
	why=
	if [ $status -ne 1 ]; then
		why="exit status $status, want 1"
	elif [ "$(tail -n 1 "$tmp")" != "PASS" ]; then
		why="last line is not PASS"
	elif grep -q '^not ok' "$tmp"; then
		why="a check failed"
	elif [ $update -eq 1 ]; then
		mkdir -p "$expected_dir"
		cp "$tmp" "$expected_dir/$name.txt"
	elif [ ! -f "$expected_dir/$name.txt" ]; then
		why="no expected/x86/$name.txt (run with --update)"
	elif ! cmp -s "$tmp" "$expected_dir/$name.txt"; then
		why="output differs from expected/x86/$name.txt"
		diff -u "$expected_dir/$name.txt" "$tmp" | head -n 20 >&2
	fi
	if [ -n "$why" ]; then
		echo "FAIL $name: $why"
		grep '^not ok' "$tmp" >&2
		cat "$tmp.err" >&2
		failed=$((failed + 1))
	elif [ $update -eq 1 ]; then
		echo "ok   $name (expected output saved)"
	else
		echo "ok   $name"
	fi
	rm -f "$tmp.err"
done

[ $failed -eq 0 ]
