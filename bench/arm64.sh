#!/bin/sh
# bench/arm64.sh: the arm64 rows of make bench (bench/run.sh calls it
# last). Quadrant against QEMU TCG on the same guest images, measured as
# bench/run.sh measures x86:
#
#   MIPS       instructions retired (Quadrant's --stats count; the same
#              image runs the same instructions under QEMU) divided by
#              the wall time, less each program's start-up cost
#              (measured on hello, which retires next to nothing)
#   ns/touch   wall time of pagetouch divided by its touches (the guest
#              prints "touches N"); each touch misses the TLB
#   s2 faults  stage-2 faults the hypervisor handled (--stats
#              s2_guest_faults: translation, permission, access flag and
#              MMIO faults) per second of run time, on mmu48 with 4 KiB
#              stage-2 granules; QEMU TCG runs the guest without a
#              stage 2, so that row has no QEMU column
#   ratio      Quadrant's rate / QEMU's rate (> 1: Quadrant is faster)
#
# A run shorter than MIN_RUN beyond start-up is below what wall-clock
# timing of a whole process resolves; its rate is not printed.
set -u
REPS=${BENCH_REPS:-3}
G=guests/build/arm64
Q=./quadrant
QEMU_RUN=tests/guests/qemu-run-arm64.sh
MIN_RUN=0.05
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

. bench/lib.sh

stat_of() { # NAME: a counter of the last --stats run
	awk -v k="$1" '$1 == k { print $2 }' "$tmp/err"
}

noise() { # SECONDS: below start-up noise?
	[ "$(echo "$1 < $MIN_RUN" | bc -l)" = 1 ]
}

for img in hello loop compute pagetouch mmu48; do
	if [ ! -f "$G/$img.elf" ]; then
		echo "bench: $G/$img.elf is missing (make guests)" >&2
		exit 1
	fi
done
command -v qemu-system-aarch64 >/dev/null || { echo "bench: qemu-system-aarch64 missing (make deps)" >&2; exit 1; }
command -v bc >/dev/null || { echo "bench: bc missing" >&2; exit 1; }

q0=$(best_time $Q run --stats $G/hello.elf)
e0=$(best_time $QEMU_RUN $G/hello.elf)
printf '\narm64\nstart-up: quadrant %.3fs, qemu %.3fs (subtracted below)\n\n' "$q0" "$e0"
printf '%-28s %16s %16s %10s\n' "benchmark" "quadrant" "qemu-tcg" "ratio"

for img in loop compute; do
	tq=$(best_time $Q run --stats $G/$img.elf)
	n=$(stat_of instructions)
	te=$(best_time $QEMU_RUN $G/$img.elf)
	dq=$(echo "$tq - $q0" | bc -l)
	de=$(echo "$te - $e0" | bc -l)
	if noise "$dq"; then
		cq="< start-up noise"
	else
		mq=$(echo "$n / $dq / 1000000" | bc -l)
		cq=$(printf '%9.1f MIPS' "$mq")
	fi
	if noise "$de"; then
		ce="< start-up noise"
	else
		me=$(echo "$n / $de / 1000000" | bc -l)
		ce=$(printf '%9.1f MIPS' "$me")
	fi
	ratio=-
	if ! noise "$dq" && ! noise "$de"; then
		ratio=$(printf '%9.2fx' "$(echo "$mq / $me" | bc -l)")
	fi
	printf '%-28s %16s %16s %10s\n' "$img ($n insns)" "$cq" "$ce" "$ratio"
done

img=pagetouch
tq=$(best_time $Q run --stats $G/$img.elf)
touches=$(awk '$1 == "touches" { print $2 }' "$tmp/out")
[ -n "$touches" ] || { echo "bench: $img does not print 'touches N'" >&2; exit 1; }
te=$(best_time $QEMU_RUN $G/$img.elf)
nq=$(echo "($tq - $q0) * 1000000000 / $touches" | bc -l)
ne=$(echo "($te - $e0) * 1000000000 / $touches" | bc -l)
printf '%-28s %9.1f ns/tch %9.1f ns/tch %9.2fx\n' "$img ($touches touches)" \
	"$nq" "$ne" "$(echo "$ne / $nq" | bc -l)"

img=mmu48
tq=$(best_time $Q run --stats --granule 4k $G/$img.elf)
faults=$(stat_of s2_guest_faults)
dq=$(echo "$tq - $q0" | bc -l)
if noise "$dq"; then
	cq="< start-up noise"
else
	cq=$(printf '%12.0f f/s' "$(echo "$faults / $dq" | bc -l)")
fi
printf '%-28s %16s %16s %10s\n' "s2 faults, $img 4k ($faults)" "$cq" \
	"no stage 2" "-"
