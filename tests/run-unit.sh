#!/bin/sh
# Run Criterion unit-test binaries, each once, and fail if any fails.
# Each binary prints Criterion's "Synthesis:" line; tests/summary.sh adds
# them up at the end of `make check`.
set -u
fail=0
for t in "$@"; do
	name=$(basename "$t")
	if ! "$t" --jobs=2 >"$t.log" 2>&1; then
		echo "FAIL $t"
		cat "$t.log"
		fail=1
	fi
	echo "unit $name: $(grep -a 'Synthesis' "$t.log" | tail -1 | sed 's/.*Synthesis: //')"
done
exit $fail
