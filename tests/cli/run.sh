#!/bin/sh
# The command line as a user meets it: bad options, bad files and bad
# images get one clear message and a non-zero status, never a crash.
# Runs the sanitizer build too when it exists, so a crash cannot hide.
set -u
. tests/lib.sh
tier_begin cli
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# expect STATUS PATTERN -- ARGS: quadrant ARGS exits STATUS and stderr
# matches PATTERN (grep -E).
expect() {
	want=$1; pat=$2; shift 3
	for q in ./quadrant build/asan/quadrant; do
		[ -x "$q" ] || continue
		"$q" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
		st=$?
		if [ "$st" -eq "$want" ] && grep -Eq -- "$pat" "$tmp/err"; then
			ok "$q $* -> $st"
		else
			not_ok "$q $* -> $st (want $want, /$pat/): $(head -c 300 "$tmp/err")"
		fi
	done
}

head -c 4096 /dev/urandom > "$tmp/random.bin" 2>/dev/null || dd if=/dev/zero of="$tmp/random.bin" bs=4096 count=1 2>/dev/null
printf '\177ELF' > "$tmp/short.elf"
: > "$tmp/empty"
good=guests/build/x86/hello32.elf

expect 2 "usage" -- 
expect 2 "unknown command" -- frobnicate x
expect 2 "cannot open image" -- run /nonexistent/image.elf
expect 2 "empty file" -- run "$tmp/empty"
expect 2 "not an ELF file and no multiboot header|no multiboot header" -- run "$tmp/random.bin"
expect 2 "too short|truncated|no multiboot" -- run "$tmp/short.elf"
expect 2 "not a regular file" -- run /tmp
expect 2 "--mmu must be" -- run --mmu ept "$good"
expect 2 "--mem wants" -- run --mem 12Q "$good"
expect 2 "unknown option" -- run --frob "$good"
expect 2 "needs a value" -- run "$good" --trace
expect 2 "--no-prev-roots is for the x86 shadow MMU" -- run --no-prev-roots "$good"
expect 2 "--granule must be" -- run --granule 8k "$good"
expect 2 "--ipa-bits must be" -- run --ipa-bits 52 "$good"
if [ -f "$good" ]; then
	head -c 3000 "$good" > "$tmp/trunc.elf"
	expect 2 "truncated|outside|no multiboot" -- run "$tmp/trunc.elf"
	expect 2 "cannot write trace" -- run --trace /nonexistent/dir/t "$good"
else
	skip "guest images not built; truncated-image checks need $good"
fi
# The README shows `quadrant --help` from "usage:" to "this text":
# it must be what the binary prints.
if [ -x ./quadrant ]; then
	./quadrant --help 2>&1 | sed -n '/^usage:/,/this text$/p' >"$tmp/help"
	sed -n '/^usage: quadrant/,/this text$/p' README.md >"$tmp/readme"
	if [ -s "$tmp/help" ] && cmp -s "$tmp/help" "$tmp/readme"; then
		ok "README shows the options quadrant --help prints"
	else
		not_ok "README and quadrant --help differ:"
		diff "$tmp/readme" "$tmp/help" | sed 's/^/#   /' | head -20
	fi
fi
tier_end
