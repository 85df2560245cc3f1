# Shared by the bench scripts: timing of whole processes.
# Needs $REPS and $tmp set by the caller.

now() { date +%s.%N; }

# best_time CMD...: the fastest of REPS runs, in seconds; the last run's
# stdout and stderr stay in $tmp/out and $tmp/err.
best_time() {
	best=""
	i=0
	while [ $i -lt "$REPS" ]; do
		t0=$(now)
		"$@" >"$tmp/out" 2>"$tmp/err" </dev/null
		t1=$(now)
		t=$(echo "$t1 - $t0" | bc -l)
		if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then
			best=$t
		fi
		i=$((i + 1))
	done
	echo "$best"
}
