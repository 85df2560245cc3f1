#!/bin/sh
# The closing line of `make check`: every tier's counts added up.
# Unit tiers: Criterion's Synthesis lines in build/**/tests/*.log;
# script tiers: one "P F S" line each in build/results/*.txt.
set -u
pass=0; fail=0; skip=0
for log in build/tests/*.log build/asan/tests/*.log; do
	[ -f "$log" ] || continue
	line=$(grep -a 'Synthesis' "$log" | tail -1)
	t=$(echo "$line" | sed -n 's/.*Passing: \([0-9]*\).*/\1/p')
	f=$(echo "$line" | sed -n 's/.*Failing: \([0-9]*\).*/\1/p')
	c=$(echo "$line" | sed -n 's/.*Crashing: \([0-9]*\).*/\1/p')
	pass=$((pass + ${t:-0})); fail=$((fail + ${f:-0} + ${c:-0}))
done
for r in build/results/*.txt; do
	[ -f "$r" ] || continue
	read -r p f s < "$r"
	pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s))
done
echo "check: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
