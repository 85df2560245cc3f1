#!/bin/sh
# Fuzz the GDB stub's packet layer and dispatcher (tests/fuzz/gdb_fuzz.c)
# for FUZZ_SECONDS (30 in `make check`, longer with `make fuzz`), starting
# from the seed corpus in tests/fuzz/gdb-corpus/. New inputs go to
# build/fuzz/corpus (never into the repository); a crash leaves its input
# in build/fuzz/ and fails the tier.
set -u
. tests/lib.sh
tier_begin fuzz
secs=${FUZZ_SECONDS:-30}
bin=build/fuzz/gdb_fuzz
if ! make --no-print-directory "$bin" >build/fuzz-build.log 2>&1; then
	if grep -qE "fuzzer|not found|No such file" build/fuzz-build.log; then
		skip "no libFuzzer (clang + libclang-rt): $(tail -1 build/fuzz-build.log)"
	else
		not_ok "building $bin: $(tail -3 build/fuzz-build.log)"
	fi
	tier_end
	exit $?
fi
mkdir -p build/fuzz/corpus
# The seeds alone first: each must pass (a regression test of its own).
if "$bin" -runs=0 tests/fuzz/gdb-corpus >build/fuzz/seeds.log 2>&1; then
	ok "fuzz: the seed corpus runs clean"
else
	not_ok "fuzz: a seed fails: $(grep -m1 ERROR build/fuzz/seeds.log)"
fi
if "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	-max_len=20000 -artifact_prefix=build/fuzz/ -print_final_stats=1 \
	build/fuzz/corpus tests/fuzz/gdb-corpus >build/fuzz/run.log 2>&1; then
	ok "fuzz: ${secs}s, $(sed -n 's/^stat::number_of_executed_units: *//p' build/fuzz/run.log) inputs, no crash"
else
	not_ok "fuzz: crashed; input in build/fuzz/: $(grep -m1 -E 'ERROR|SUMMARY' build/fuzz/run.log)"
	tail -30 build/fuzz/run.log | sed 's/^/#   /'
fi
tier_end
