#!/bin/sh
# The arm64 guests, end to end, with stage 2 on: every guest under QEMU
# (the oracle, through qemu-run-arm64.sh) and under Quadrant with every
# stage-2 granule and IPA size, x {4k,16k,64k} x {32,40,48}, with the
# normal and the sanitizer build. A run passes when it exits with status
# 0 (PSCI SYSTEM_OFF), its last line is PASS, no line starts with
# "not ok", and its serial output equals QEMU's byte for byte.
#
# Environment: GRANULES, IPA_BITS (the lists to cover), GUEST_TIMEOUT
# (seconds per Quadrant run, default 120), QEMU_TIMEOUT.
set -u
. tests/lib.sh
tier_begin guests-arm64
out=build/guest-runs/arm64
mkdir -p "$out"
GRANULES=${GRANULES:-"4k 16k 64k"}
IPA_BITS=${IPA_BITS:-"32 40 48"}
TIMEOUT=${GUEST_TIMEOUT:-120}

# Not the benchmarks (loop, pagetouch): bench/arm64.sh runs those.
guests=$(ls guests/build/arm64/*.elf 2>/dev/null | grep -v -e /loop -e /pagetouch)
if [ -z "$guests" ]; then
	not_ok "no guest images in guests/build/arm64 (make -C guests/arm64)"
	tier_end; exit 1
fi
have_qemu=1
command -v qemu-system-aarch64 >/dev/null || have_qemu=0

# QEMU first, two at a time (the oracle is the slow part).
if [ "$have_qemu" = 1 ]; then
	for g in $guests; do
		echo "$g $out/$(basename "$g" .elf).qemu"
	done | xargs -P 2 -n 2 sh -c 'tests/guests/qemu-run-arm64.sh "$0" >"$1.out" 2>"$1.err"; echo $? >"$1.status"'
fi

check_run() { # NAME LABEL FILE-PREFIX
	n=$1; label=$2; p=$3
	st=$(cat "$p.status")
	if [ "$st" != 0 ]; then
		not_ok "$n $label: exit status $st, want 0: $(tail -c 300 "$p.err")"
		return 1
	fi
	if [ "$(tail -n 1 "$p.out")" != PASS ]; then
		not_ok "$n $label: last line is not PASS: $(grep -a '^not ok' "$p.out" | head -3)"
		return 1
	fi
	if grep -q -a '^not ok' "$p.out"; then
		not_ok "$n $label: $(grep -a '^not ok' "$p.out" | head -3)"
		return 1
	fi
	return 0
}

for g in $guests; do
	n=$(basename "$g" .elf)
	qemu_ok=0
	if [ "$have_qemu" = 1 ] && check_run "$n" qemu "$out/$n.qemu"; then
		ok "$n passes under QEMU"
		qemu_ok=1
	elif [ "$have_qemu" = 0 ]; then
		skip "$n under QEMU: qemu-system-aarch64 is not installed (make deps)"
	fi
	for gran in $GRANULES; do
		for ipa in $IPA_BITS; do
			for q in ./quadrant build/asan/quadrant; do
				if [ ! -x "$q" ]; then
					skip "$n $gran/$ipa: $q is not built"
					continue
				fi
				tag=$gran-$ipa; how=
				[ "$q" = ./quadrant ] || { tag=$tag-asan; how=" (ASan)"; }
				p="$out/$n.$tag"
				timeout "$TIMEOUT" "$q" run --granule "$gran" \
					--ipa-bits "$ipa" "$g" >"$p.out" 2>"$p.err" </dev/null
				echo $? > "$p.status"
				check_run "$n" "$tag" "$p" || continue
				if [ "$qemu_ok" = 1 ] && ! cmp -s "$p.out" "$out/$n.qemu.out"; then
					not_ok "$n $tag: serial output differs from QEMU's ($(diff "$out/$n.qemu.out" "$p.out" | head -4 | tr '\n' ' '))"
					continue
				fi
				ok "$n under quadrant, stage 2 with $gran granules and $ipa-bit IPAs$how, output identical to QEMU's"
			done
		done
	done
done
tier_end
