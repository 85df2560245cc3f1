#!/bin/sh
# make bench: Quadrant against QEMU TCG on the same guest images, in the
# same run. Speed is reported here, never asserted in tests.
#
#   MIPS     instructions retired (Quadrant's --stats count; the same
#            image runs the same instructions under QEMU) divided by the
#            wall time, less each program's start-up cost (measured on
#            hello32, which retires next to nothing)
#   ns/touch wall time of the page-touch guest divided by its touches
#            (the guest prints "touches N")
#   ratio    Quadrant's rate / QEMU's rate (> 1: Quadrant is faster)
set -u
REPS=${BENCH_REPS:-3}
G=guests/build/x86
Q=./quadrant
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

. bench/lib.sh

icount() { # IMAGE [quadrant options]: instructions the image retires
	img=$1; shift
	$Q run --stats "$@" "$img" 2>&1 >/dev/null | awk '$1 == "instructions" { print $2 }'
}

for img in hello32 loop32 compute32 compute64 pagetouch64; do
	if [ ! -f "$G/$img.elf" ]; then
		echo "bench: $G/$img.elf is missing (make guests)" >&2
		exit 1
	fi
done
command -v qemu-system-x86_64 >/dev/null || { echo "bench: qemu-system-x86_64 missing (make deps)" >&2; exit 1; }
command -v bc >/dev/null || { echo "bench: bc missing" >&2; exit 1; }

q0=$(best_time $Q run $G/hello32.elf)
e0=$(best_time tests/guests/qemu-run.sh $G/hello32.elf)
printf 'start-up: quadrant %.3fs, qemu %.3fs (subtracted below)\n\n' "$q0" "$e0"
printf '%-28s %14s %14s %10s\n' "benchmark" "quadrant" "qemu-tcg" "ratio"

# A run shorter than this beyond start-up is below what wall-clock timing
# of a whole process can resolve; its rate is not printed.
MIN_RUN=0.05

for img in loop32 compute32 compute64; do
	n=$(icount $G/$img.elf)
	tq=$(best_time $Q run $G/$img.elf)
	te=$(best_time tests/guests/qemu-run.sh $G/$img.elf)
	mq=$(echo "$n / ($tq - $q0) / 1000000" | bc -l)
	if [ "$(echo "$te - $e0 < $MIN_RUN" | bc -l)" = 1 ]; then
		printf '%-28s %9.1f MIPS %14s %10s\n' "$img ($n insns)" "$mq" \
			"< start-up noise" "-"
		continue
	fi
	me=$(echo "$n / ($te - $e0) / 1000000" | bc -l)
	printf '%-28s %9.1f MIPS %9.1f MIPS %9.2fx\n' "$img ($n insns)" "$mq" "$me" \
		"$(echo "$mq / $me" | bc -l)"
done

for mmu in tdp shadow; do
	img=pagetouch64
	touches=$($Q run $G/$img.elf 2>/dev/null | awk '$1 == "touches" { print $2 }')
	[ -n "$touches" ] || { echo "bench: $img does not print 'touches N'" >&2; exit 1; }
	tq=$(best_time $Q run --mmu $mmu $G/$img.elf)
	te=$(best_time tests/guests/qemu-run.sh $G/$img.elf)
	nq=$(echo "($tq - $q0) * 1000000000 / $touches" | bc -l)
	ne=$(echo "($te - $e0) * 1000000000 / $touches" | bc -l)
	printf '%-28s %8.1f ns/tch %8.1f ns/tch %9.2fx\n' "$img --mmu $mmu" "$nq" "$ne" \
		"$(echo "$ne / $nq" | bc -l)"
done
# Shadow faults per second on the demand-paging guest: the first pass
# of pagetouch64 faults on every page, whole run time.
faults=$($Q run --mmu shadow --stats $G/pagetouch64.elf 2>&1 >/dev/null |
	awk '$1 == "shadow_faults" { print $2 }')
tq=$(best_time $Q run --mmu shadow $G/pagetouch64.elf)
printf '%-28s %9.0f f/s %14s %10s  (%s faults over the whole %.3fs run)\n' \
	"shadow faults, pagetouch64" "$(echo "$faults / ($tq - $q0)" | bc -l)" \
	"n/a" "-" "$faults" "$(echo "$tq - $q0" | bc -l)"

# CR3 switches among three address spaces, each followed by 8 reads
# (cr3switch64), under TDP, under shadow with and without the
# previous-root cache, and under QEMU.
img=cr3switch64
sw=$($Q run $G/$img.elf 2>/dev/null | awk '$1 == "switches" { print $2 }')
[ -n "$sw" ] || { echo "bench: $img does not print 'switches N'" >&2; exit 1; }
te=$(best_time tests/guests/qemu-run.sh $G/$img.elf)
ne=$(echo "($te - $e0) * 1000000000 / $sw" | bc -l)
for args in "--mmu tdp" "--mmu shadow" "--mmu shadow --no-prev-roots"; do
	# shellcheck disable=SC2086
	tq=$(best_time $Q run $args $G/$img.elf)
	nq=$(echo "($tq - $q0) * 1000000000 / $sw" | bc -l)
	label=$(echo "$args" | sed 's/--mmu //; s/--no-prev-roots/no cache/')
	printf '%-28s %8.0f ns/sw %8.0f ns/sw %9.2fx\n' "$img $label" "$nq" "$ne" \
		"$(echo "$ne / $nq" | bc -l)"
done

# The shadow MMU alone (tests/shadow/bench.c, the hypervisor side through
# the hardware walker, no interpreter): demand faults, and CR3 switches
# among three address spaces with and without the previous-root cache.
# QEMU TCG has no shadow MMU to compare with: its column says n/a.
sb=build/shadow-bench
if cc -std=gnu11 -Ihv/include -I. -D_GNU_SOURCE -O2 -o "$sb" tests/shadow/bench.c \
	build/libquadrant.a -lZydis -lZycore -lcapstone -lreadline -lncursesw -lm 2>"$tmp/cc.err"; then
	"$sb" | while read -r name value unit rest; do
		printf '%-36s %9s %-10s %8s  %s\n' "$name" "$value" "$unit" "n/a" "$rest"
	done
else
	echo "bench: cannot build $sb: $(head -3 "$tmp/cc.err")" >&2
fi

bench/tui.sh
bench/arm64.sh
