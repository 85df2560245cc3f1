#!/bin/sh
# oracle-arm64.sh [--update] [NAME...]
#
# Run the arm64 guests under QEMU (through qemu-run-arm64.sh, the one
# place that knows the QEMU command line) and check each run: exit
# status 0 (PSCI SYSTEM_OFF), last line PASS, no "not ok" line.
#
# Without --update, each guest's serial output must also equal
# expected/arm64/NAME.txt byte for byte. With --update, the output of
# every passing run is saved there instead. NAMEs default to every image
# in guests/build/arm64 except the benchmarks (loop, pagetouch), which
# only report timing-free checks but take longer than a test should.
#
# Environment: GUEST_DIR (default guests/build/arm64), QEMU, QEMU_TIMEOUT.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
guest_dir=${GUEST_DIR:-$root/guests/build/arm64}
expected_dir=$here/expected/arm64
benchmarks="loop pagetouch"

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
	echo "oracle-arm64: no guest images in $guest_dir (run make -C guests/arm64)" >&2
	exit 2
fi

tmp=$(mktemp)
trap 'rm -f "$tmp" "$tmp.err"' EXIT
failed=0

for name in "$@"; do
	img=$guest_dir/$name.elf
	"$here/qemu-run-arm64.sh" "$img" >"$tmp" 2>"$tmp.err"
	status=$?
	why=
	if [ $status -ne 0 ]; then
		why="exit status $status, want 0"
	elif [ "$(tail -n 1 "$tmp")" != "PASS" ]; then
		why="last line is not PASS"
	elif grep -q '^not ok' "$tmp"; then
		why="a check failed"
	elif [ $update -eq 1 ]; then
		mkdir -p "$expected_dir"
		cp "$tmp" "$expected_dir/$name.txt"
	elif [ ! -f "$expected_dir/$name.txt" ]; then
		why="no expected/arm64/$name.txt (run with --update)"
	elif ! cmp -s "$tmp" "$expected_dir/$name.txt"; then
		why="output differs from expected/arm64/$name.txt"
		diff -u "$expected_dir/$name.txt" "$tmp" | head -n 20 >&2
	fi
	if [ -n "$why" ]; then
		echo "FAIL $name: $why"
		grep -e '^not ok' -e '^#' -e '^unexpected' "$tmp" >&2
		tail -n 3 "$tmp" >&2
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
