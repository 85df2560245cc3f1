#!/bin/sh
# The debugger's costs, for make bench (reported, never asserted):
#   redraw     what the TUI does after a stop (refresh every pane from
#              the engine, render the whole screen) into the in-memory
#              canvas, ms per redraw, at 160x50 and 80x24, after a step
#              to paging32's page fault (quadrant tui --bench-redraw N)
#   continue   `continue` under `quadrant debug --batch` with 8 code
#              breakpoints and 2 event breakpoints armed (none of them
#              ever hit) against none: the slowdown, target < 1.5x
set -u
REPS=${BENCH_REPS:-3}
G=guests/build/x86
Q=./quadrant
IMG=${BENCH_TUI_IMAGE:-$G/compute32.elf}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

. bench/lib.sh

echo
echo "debugger and TUI"
$Q tui --bench-redraw "${BENCH_TUI_REDRAWS:-200}" $G/paging32.elf | sed 's/^/  /'

printf 'continue\n' > "$tmp/none.gdb"
{
	for a in 0x7ff000 0x7ff010 0x7ff020 0x7ff030 0x7ff040 0x7ff050 \
		 0x7ff060 0x7ff070; do
		echo "break $a"
	done
	echo "break event ept_violation gpa=0xfff00000"
	echo "break event cr cr=8"
	echo "continue"
} > "$tmp/armed.gdb"
t_none=$(best_time $Q debug --batch -x "$tmp/none.gdb" "$IMG")
t_armed=$(best_time $Q debug --batch -x "$tmp/armed.gdb" "$IMG")
grep -q "exited" "$tmp/out" || echo "  (warning: the armed run did not reach the guest's exit)"
printf '  continue on %s: %.3fs plain, %.3fs with 8 breakpoints + 2 event breakpoints: %.2fx (target < 1.5x)\n' \
	"$(basename "$IMG")" "$t_none" "$t_armed" "$(echo "$t_armed / $t_none" | bc -l)"
