#!/bin/sh
# Guest runs, end to end: every x86 guest under Quadrant (each MMU mode
# built so far) and under QEMU, the oracle. A guest passes when both
# exit with status 1 (it wrote 0 to isa-debug-exit), its last line is
# PASS, and Quadrant's serial output equals QEMU's byte for byte.
# The sanitizer build runs every guest too.
set -u
. tests/lib.sh
tier_begin guests
out=build/guest-runs
mkdir -p "$out"
MMUS=${MMUS:-tdp shadow}
TIMEOUT=${GUEST_TIMEOUT:-120}

guests=$(ls guests/build/x86/*.elf 2>/dev/null | grep -v -e /loop -e /pagetouch)
if [ -z "$guests" ]; then
	not_ok "no guest images in guests/build/x86 (make guests)"
	tier_end; exit 1
fi
have_qemu=1
command -v qemu-system-x86_64 >/dev/null || have_qemu=0

# QEMU runs first, two at a time (the oracle is the slow part).
if [ "$have_qemu" = 1 ]; then
	for g in $guests; do
		n=$(basename "$g" .elf)
		echo "$g $out/$n.qemu"
	done | xargs -P 2 -n 2 sh -c 'tests/guests/qemu-run.sh "$0" >"$1.out" 2>"$1.err"; echo $? >"$1.status"'
fi

check_run() { # NAME LABEL FILE-PREFIX
	n=$1; label=$2; p=$3
	st=$(cat "$p.status")
	if [ "$st" != 1 ]; then
		not_ok "$n $label: exit status $st, want 1: $(tail -c 300 "$p.err")"
		return 1
	fi
	if [ "$(tail -n 1 "$p.out")" != PASS ]; then
		not_ok "$n $label: last line is not PASS: $(grep -a 'not ok' "$p.out" | head -3)"
		return 1
	fi
	return 0
}

for g in $guests; do
	n=$(basename "$g" .elf)
	if [ "$have_qemu" = 1 ] && check_run "$n" qemu "$out/$n.qemu"; then
		ok "$n passes under QEMU"
	elif [ "$have_qemu" = 0 ]; then
		skip "$n under QEMU: qemu-system-x86_64 is not installed (make deps)"
	fi
	for mmu in $MMUS; do
		for q in ./quadrant build/asan/quadrant; do
			[ -x "$q" ] || continue
			tag=$mmu; [ "$q" = ./quadrant ] || tag=$mmu-asan
			p="$out/$n.$tag"
			timeout "$TIMEOUT" "$q" run --mmu "$mmu" "$g" >"$p.out" 2>"$p.err" </dev/null
			echo $? > "$p.status"
			check_run "$n" "$tag" "$p" || continue
			if [ "$have_qemu" = 1 ] && ! cmp -s "$p.out" "$out/$n.qemu.out"; then
				not_ok "$n $tag: serial output differs from QEMU's ($(diff "$out/$n.qemu.out" "$p.out" | head -4 | tr '\n' ' '))"
				continue
			fi
			ok "$n under quadrant --mmu $tag, output identical to QEMU's"
		done
	done
done
tier_end
