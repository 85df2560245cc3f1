#!/bin/sh
# The shadow MMU's quadrants, end to end, and the bug the KVM list caught.
#
# A 32-bit non-PAE guest is shadowed by four PAE page directories
# (quadrants 0-3) and each guest page table by two PAE page tables
# (quadrants 0-1, the parity of the parent SPTE's index). paging32 must
# show exactly that in its trace and --stats, and pass. build/bug/quadrant
# copies the parent's quadrant into the child instead (role.c built with
# -DSHADOW_BUG_COPY_PARENT_QUADRANT): the two halves of a guest page
# table then share one shadow page, and paging32 must fail, while PAE and
# 4-level guests (8-byte gptes, no quadrants below the root) still pass.
set -u
. tests/lib.sh
tier_begin shadow
out=build/shadow-runs
mkdir -p "$out"
G=guests/build/x86
TIMEOUT=${GUEST_TIMEOUT:-120}

if [ ! -f "$G/paging32.elf" ] || [ ! -x ./quadrant ]; then
	not_ok "need ./quadrant and $G/paging32.elf (make quadrant guests)"
	tier_end; exit 1
fi

# 1. the right quadrants, in the stats and in the trace
timeout "$TIMEOUT" ./quadrant run --mmu shadow --stats --trace "$out/paging32.trace" \
	"$G/paging32.elf" >"$out/paging32.out" 2>"$out/paging32.err" </dev/null
st=$?
if [ "$st" = 1 ] && [ "$(tail -n 1 "$out/paging32.out")" = PASS ]; then
	ok "paging32 passes under --mmu shadow"
else
	not_ok "paging32 under --mmu shadow: status $st, last line $(tail -n 1 "$out/paging32.out")"
fi
stat() { awk -v k="$1" '$1 == k { print $2 }' "$out/paging32.err"; }
missing=""
for k in shadow_pages_l2_q0 shadow_pages_l2_q1 shadow_pages_l2_q2 shadow_pages_l2_q3 \
	 shadow_pages_l1_q0 shadow_pages_l1_q1; do
	v=$(stat $k)
	[ -n "$v" ] && [ "$v" -gt 0 ] || missing="$missing $k=${v:-none}"
done
if [ -z "$missing" ]; then
	ok "paging32 --stats: PAE directories in quadrants 0-3, page tables in 0 and 1"
else
	not_ok "paging32 --stats lacks shadow pages:$missing"
fi
bad=$(awk '$3 == "get_page" && $4 == "level=1" && $7 !~ /^quadrant=[01]$/' "$out/paging32.trace" | head -1)
q=$(awk '$3 == "get_page" && $4 == "level=2" { print $7 }' "$out/paging32.trace" | sort -u | tr '\n' ' ')
if [ -z "$bad" ] && [ "$q" = "quadrant=0 quadrant=1 quadrant=2 quadrant=3 " ]; then
	ok "paging32 trace: get_page level=2 with quadrant 0-3, level=1 with 0 or 1 only"
else
	not_ok "paging32 trace: level-2 quadrants '$q', bad level-1: $bad"
fi

# 2. the bug: copy the parent's quadrant
if [ ! -x build/bug/quadrant ]; then
	not_ok "build/bug/quadrant is missing (make build/bug/quadrant)"
	tier_end; exit 1
fi
timeout "$TIMEOUT" build/bug/quadrant run --mmu shadow --trace "$out/paging32-bug.trace" \
	"$G/paging32.elf" >"$out/paging32-bug.out" 2>"$out/paging32-bug.err" </dev/null
if grep -aq '^not ok' "$out/paging32-bug.out" && [ "$(tail -n 1 "$out/paging32-bug.out")" = FAIL ]; then
	ok "with the parent's quadrant copied, paging32 fails: $(grep -a '^not ok' "$out/paging32-bug.out" | head -1)"
else
	not_ok "build/bug/quadrant: paging32 did not fail (last line $(tail -n 1 "$out/paging32-bug.out"))"
fi
if awk '$3 == "get_page" && $4 == "level=1" && $7 ~ /^quadrant=[23]$/ { f = 1 } END { exit !f }' \
	"$out/paging32-bug.trace"; then
	ok "the bug shows in the trace: level-1 shadow pages with quadrant 2 or 3"
else
	not_ok "the bug build made no level-1 page with quadrant 2 or 3"
fi
for g in pagingpae paging64; do
	timeout "$TIMEOUT" build/bug/quadrant run --mmu shadow "$G/$g.elf" \
		>"$out/$g-bug.out" 2>"$out/$g-bug.err" </dev/null
	if [ "$(tail -n 1 "$out/$g-bug.out")" = PASS ]; then
		ok "$g (8-byte gptes, no derived quadrants) still passes with the bug"
	else
		not_ok "$g fails with the bug build: $(grep -a 'not ok' "$out/$g-bug.out" | head -2)"
	fi
done

# 3. the previous-root cache, on and off, on three address spaces
stat() { awk -v k="$1" '$1 == k { print $2 }' "$2"; }
for mode in cache nocache; do
	args=""
	[ "$mode" = nocache ] && args=--no-prev-roots
	# shellcheck disable=SC2086
	timeout "$TIMEOUT" ./quadrant run --mmu shadow $args --stats "$G/cr3switch64.elf" \
		>"$out/cr3-$mode.out" 2>"$out/cr3-$mode.err" </dev/null
	if [ "$(tail -n 1 "$out/cr3-$mode.out")" != PASS ]; then
		not_ok "cr3switch64 ($mode) did not pass: $(tail -n 2 "$out/cr3-$mode.out")"
	fi
done
sw=$(stat shadow_root_switches "$out/cr3-cache.err")
hits=$(stat shadow_prev_root_hits "$out/cr3-cache.err")
loads_off=$(stat shadow_root_loads "$out/cr3-nocache.err")
hits_off=$(stat shadow_prev_root_hits "$out/cr3-nocache.err")
if [ -n "$sw" ] && [ "$sw" -ge 1000 ] && [ "${hits:-0}" -ge $((sw - 10)) ]; then
	ok "the previous-root cache serves the CR3 switches ($hits of $sw)"
else
	not_ok "previous-root cache: $hits hits for $sw switches"
fi
if [ "${hits_off:-1}" = 0 ] && [ "${loads_off:-0}" -ge "$sw" ]; then
	ok "--no-prev-roots: no cache hits, a root load per switch ($loads_off)"
else
	not_ok "--no-prev-roots: $hits_off hits, $loads_off root loads for $sw switches"
fi
tier_end
