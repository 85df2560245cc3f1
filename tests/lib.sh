# Shared by the script tiers: TAP-like lines and a results file that
# tests/summary.sh adds up. Source it, call tier_begin NAME, then ok /
# not_ok / skip, then tier_end (exits non-zero on any failure).
tier_begin() {
	TIER=$1; T_PASS=0; T_FAIL=0; T_SKIP=0
	mkdir -p build/results
	echo "== $TIER"
}
ok() { T_PASS=$((T_PASS + 1)); echo "ok - $*"; }
not_ok() { T_FAIL=$((T_FAIL + 1)); echo "not ok - $*"; }
skip() { T_SKIP=$((T_SKIP + 1)); echo "skip - $*"; }
tier_end() {
	echo "$T_PASS $T_FAIL $T_SKIP" > "build/results/$TIER.txt"
	echo "$TIER: $T_PASS passed, $T_FAIL failed, $T_SKIP skipped"
	[ "$T_FAIL" -eq 0 ]
}
