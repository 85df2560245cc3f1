#!/bin/sh
# GDB against real guests: gdb-multiarch in batch mode drives
# `quadrant run --gdb 0 -S IMAGE` (port 0: the kernel picks a free port,
# which quadrant prints, so parallel runs never collide) and the output
# of each GDB script is checked line by line.
#
#   tests/gdb/run.sh            every check
#   Q=build/asan/quadrant tests/gdb/run.sh    against the sanitizer build
#
# Waits poll for what they wait for (the "listening" line, GDB's
# "Continuing."), each under a deadline; nothing sleeps a fixed time.
set -u
. tests/lib.sh
tier_begin gdb
Q=${Q:-./quadrant}
GDB=$(command -v gdb-multiarch || command -v gdb || true)
tmp=$(mktemp -d)
qpid=
cleanup() {
	[ -n "$qpid" ] && kill "$qpid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

X32=guests/build/x86/paging32.elf
X64=guests/build/x86/hello64.elf
X64SYM=guests/build/x86/obj/hello64.elf64
LOOP=guests/build/x86/loop32.elf
A64=guests/build/arm64/mmu39.elf

# wait_for PATTERN FILE SECONDS: poll until FILE matches (grep -E).
wait_for() {
	n=$(($3 * 50))
	while [ "$n" -gt 0 ]; do
		grep -Eq -- "$1" "$2" 2>/dev/null && return 0
		sleep 0.02
		n=$((n - 1))
	done
	return 1
}

# start_q ARGS... IMAGE: quadrant under the stub; sets $port and $qpid.
start_q() {
	: >"$tmp/qerr"
	"$Q" run "$@" >"$tmp/console" 2>"$tmp/qerr" &
	qpid=$!
	if ! wait_for "listening on" "$tmp/qerr" 10; then
		port=
		return 1
	fi
	port=$(sed -n 's/.*listening on .*:\([0-9][0-9]*\)$/\1/p' "$tmp/qerr")
}

# stop_q [now]: wait up to 5 s for quadrant to exit (or not at all),
# end it if it is still there, and set $qstatus.
stop_q() {
	n=250
	[ "${1:-}" = now ] && n=0
	while [ "$n" -gt 0 ] && kill -0 "$qpid" 2>/dev/null; do
		sleep 0.02
		n=$((n - 1))
	done
	kill "$qpid" 2>/dev/null
	{ wait "$qpid"; } 2>/dev/null
	qstatus=$?
	qpid=
}

# gdb_script NAME: run $tmp/NAME.gdb (PORT replaced) into $tmp/NAME.out.
gdb_script() {
	sed "s/PORT/$port/g" "$tmp/$1.gdb" >"$tmp/$1.x"
	timeout 60 "$GDB" -nx -batch -x "$tmp/$1.x" >"$tmp/$1.out" 2>&1
}

# has NAME PATTERN WHAT: the output of NAME matches PATTERN (grep -E).
has() {
	if grep -Eq -- "$2" "$tmp/$1.out"; then
		ok "$1: $3"
	else
		not_ok "$1: $3 (no /$2/ in:)"
		sed 's/^/#   /' "$tmp/$1.out" | head -60
	fi
}

hasnt() {
	if grep -Eq -- "$2" "$tmp/$1.out"; then
		not_ok "$1: $3 (/$2/ found)"
		grep -E -- "$2" "$tmp/$1.out" | sed 's/^/#   /' | head -5
	else
		ok "$1: $3"
	fi
}

if [ -z "$GDB" ]; then
	skip "no gdb-multiarch"
	tier_end
	exit $?
fi
for f in "$Q" $X32 $X64 $X64SYM $LOOP $A64; do
	if [ ! -e "$f" ]; then
		skip "$f is not built"
		tier_end
		exit $?
	fi
done

# --- x86-32 paging guest, through the x86-64 description -----------------
cat >"$tmp/paging32.gdb" <<'EOF'
set pagination off
set confirm off
set architecture i386:x86-64
file guests/build/x86/paging32.elf
target remote 127.0.0.1:PORT
echo @entry\n
p/x $pc
stepi
echo @step\n
p/x $pc
break test_demand
continue
echo @cr0pg\n
p/x $cr0 & 0x80000000
echo @cr4pse\n
p/x $cr4 & 0x10
maintenance packet Qqemu.PhyMemMode:1
echo @pde0phys\n
p/x *(unsigned int *)$cr3 & 0x81
maintenance packet Qqemu.PhyMemMode:0
echo @pde140\n
p/x *(unsigned int *)($cr3 + 0x140 * 4)
watch -l *(unsigned int *)($cr3 + 0x140 * 4)
continue
echo @pde140now\n
p/x *(unsigned int *)($cr3 + 0x140 * 4) & 1
delete
watch -l *(unsigned int *)(*(unsigned int *)($cr3 + 0x140 * 4) & ~0xfff)
continue
echo @pte\n
p/x *(unsigned int *)(*(unsigned int *)($cr3 + 0x140 * 4) & ~0xfff) & 3
delete
monitor walk 0x50000124
monitor info breakpoints
monitor events 2
monitor frob
monitor step-fault
maintenance flush register-cache
echo @afterfault\n
p/x $cr2
monitor help
echo @done\n
detach
EOF
if start_q --gdb 0 -S $X32; then
	gdb_script paging32
	has paging32 '@entry' "connected"
	has paging32 '^\$1 = 0x10000c$' "stopped before the first instruction (-S)"
	has paging32 '^\$2 = 0x10000d$' "stepi moves one instruction"
	has paging32 'Breakpoint 1, test_demand' "break on a symbol, continue"
	has paging32 '^\$3 = 0x80000000$' "CR0.PG read after paging is on"
	has paging32 '^\$4 = 0x10$' "CR4.PSE read"
	has paging32 'received: "OK"' "Qqemu.PhyMemMode accepted"
	has paging32 '^\$5 = 0x81$' "PDE 0 read through physical memory: P and PS"
	has paging32 '^\$6 = 0x0$' "the demand PDE is empty before the fault"
	has paging32 'Hardware watchpoint 2: -location' "watchpoint on a page-table entry"
	has paging32 'Old value = 0$' "watchpoint fired on the guest's PDE write"
	has paging32 '^\$7 = 0x1$' "the PDE is present after the write"
	has paging32 '^\$8 = 0x3$' "the PTE, found through the PDE, is present and writable"
	has paging32 'guest walk of gva 0x0*50000124' "monitor walk"
	has paging32 'watch|hw watchpoint|Num|No breakpoints|breakpoint' "monitor info breakpoints"
	has paging32 "error: unknown command 'frob'" "monitor errors come back"
	has paging32 'Stopped: fault' "monitor step-fault runs to the next fault"
	has paging32 'step-fault' "monitor help lists step-fault"
	has paging32 '@done' "the script ran to its end"
	hasnt paging32 'too long|Remote connection closed|Remote failure' "no protocol failure"
	stop_q
	# After detach the guest runs on and passes (status 1, as QEMU's).
	if [ "$qstatus" -eq 1 ] && grep -q "PASS" "$tmp/console"; then
		ok "paging32: detached guest ran to its end (status 1)"
	else
		not_ok "paging32: status $qstatus after detach: $(tail -3 "$tmp/console")"
	fi
else
	not_ok "paging32: quadrant did not listen: $(cat "$tmp/qerr")"
	stop_q now
fi

# --- the same guest through the i386 description --------------------------
cat >"$tmp/i386.gdb" <<'EOF'
set pagination off
set confirm off
file guests/build/x86/paging32.elf
target remote 127.0.0.1:PORT
break paging_on
continue
finish
bt
echo @cr0\n
p/x $cr0
info registers cr0
echo @eax\n
p/x $eax
kill
EOF
if start_q --gdb 0,i386 -S $X32; then
	gdb_script i386
	has i386 '^guest_main \(\) at x86/paging32.c' "finish returns to the caller's 32-bit frame"
	has i386 '#0 +guest_main' "backtrace through 32-bit frames"
	has i386 '^\$1 = 0x80010011$' "cr0 after paging_on"
	has i386 'cr0 +0x80010011 +\[ PE ET WP PG \]' "cr0 named bit by bit"
	stop_q
	if [ "$qstatus" -eq 0 ]; then
		ok "i386: kill ends quadrant with status 0"
	else
		not_ok "i386: kill: status $qstatus"
	fi
else
	not_ok "i386: quadrant did not listen"
	stop_q now
fi

# --- the shadow MMU: monitor sp, and a PTE written by GDB -----------------
# GDB rewrites a guest PTE that a shadow page shadows; the shadow MMU must
# drop that shadow page (the audit proves the tables still agree), and
# the new mapping must be what the guest sees.
cat >"$tmp/shadow.gdb" <<'EOF'
set pagination off
set confirm off
set architecture i386:x86-64
file guests/build/x86/paging32.elf
target remote 127.0.0.1:PORT
break test_aliases
continue
monitor sp
echo @audit1\n
monitor audit
set $pt = *(unsigned int *)($cr3 + 0x140 * 4) & ~0xfff
echo @before\n
p/x *(unsigned int *)0x50000124
set *(unsigned int *)$pt = *(unsigned int *)($pt + 8)
echo @after\n
p/x *(unsigned int *)0x50000124
echo @audit2\n
monitor audit
monitor walk 0x50000124
echo @done\n
kill
EOF
if start_q --mmu shadow --gdb 0 -S $X32; then
	gdb_script shadow
	has shadow 'Breakpoint 1, test_aliases' "break under --mmu shadow"
	has shadow '^#[0-9]+ +gfn 0x[0-9a-f]+ +spt 0x[0-9a-f]+ +l1 q[01] 4b' "monitor sp lists level-1 shadow pages with quadrants"
	has shadow '^#[0-9]+ +gfn 0xc00 +spt 0x[0-9a-f]+ +l2 q3 4b' "monitor sp: the guest directory's quadrant-3 PAE directory"
	has shadow '^\$1 = 0xd00d0001$' "the demand page as the guest wrote it"
	has shadow '^\$2 = 0x0$' "after GDB moved the PTE: the other frame's word"
	has shadow 'shadow miss' "the shadow walk misses: the stale shadow page is gone"
	hasnt shadow 'violation:|[1-9][0-9]* violations?' "mmu audit finds nothing, before and after the write"
	n=$(grep -c ' 0 violations' "$tmp/shadow.out")
	if [ "$n" = 2 ]; then ok "shadow: two audits ran"; else not_ok "shadow: $n audits ran"; fi
	has shadow '@done' "the script ran to its end"
	stop_q now
else
	not_ok "shadow: quadrant did not start: $(cat "$tmp/qerr")"
fi

# --- x86-64 across the switch to long mode ---------------------------------
cat >"$tmp/hello64.gdb" <<'EOF'
set pagination off
set confirm off
file guests/build/x86/obj/hello64.elf64
target remote 127.0.0.1:PORT
echo @before\n
p/x $efer
p/x $cs
p/x $cr0 & 0x80000001
break long_mode
continue
echo @after\n
p/x $efer & 0x500
p/x $cr0 & 0x80000001
p/x $cr4 & 0x20
p $rsp > 0
stepi
info registers rip
break guest_main
continue
bt 1
echo @done\n
detach
EOF
if start_q --gdb 0 -S $X64; then
	gdb_script hello64
	has hello64 '^\$1 = 0x0$' "EFER is 0 in 32-bit protected mode"
	has hello64 '^\$3 = 0x1$' "CR0: PE without PG before the switch"
	has hello64 'Breakpoint 1, .*long_mode' "breakpoint on the first 64-bit instruction"
	has hello64 '^\$4 = 0x500$' "EFER.LME and LMA after the switch"
	has hello64 '^\$5 = 0x80000001$' "CR0: PG and PE after the switch"
	has hello64 '^\$6 = 0x20$' "CR4.PAE after the switch"
	has hello64 'rip +0x[0-9a-f]+ +0x[0-9a-f]+ <long_mode\+' "stepi in long mode"
	has hello64 'Breakpoint 2, guest_main' "64-bit C code"
	hasnt hello64 "too long|Architecture rejected|Remote failure" "one layout across the mode switch"
	stop_q
else
	not_ok "hello64: quadrant did not listen"
	stop_q now
fi

# --- arm64: stage 1 with 39-bit VAs -----------------------------------------
cat >"$tmp/mmu39.gdb" <<'EOF'
set pagination off
set confirm off
file guests/build/arm64/mmu39.elf
target remote 127.0.0.1:PORT
echo @entry\n
p/x $pc
break mt_demand
continue
echo @mmu\n
p/x $sctlr_el1 & 1
p $ttbr0_el1 != 0
p/x ($ttbr0_el1 >> 48)
info registers tcr_el1
stepi
echo @l1\n
p/x mt.t0->root[64]
watch -l mt.t0->root[64]
continue
echo @l1now\n
p/x mt.t0->root[64] & 3
delete
monitor walk 0x40000000
echo @done\n
detach
EOF
if start_q --gdb 0 -S $A64; then
	gdb_script mmu39
	has mmu39 '^\$1 = 0x40200000$' "stopped at the arm64 entry"
	has mmu39 'Breakpoint 1, mt_demand' "break on a symbol"
	has mmu39 '^\$2 = 0x1$' "SCTLR_EL1.M after mmu_enable"
	has mmu39 '^\$3 = 1$' "TTBR0_EL1 holds a table"
	has mmu39 '^\$4 = 0x1$' "TTBR0_EL1.ASID = 1"
	has mmu39 'tcr_el1 +0x' "TCR_EL1 from the system feature"
	has mmu39 '^\$5 = 0x0$' "the L1 descriptor for the demand window is empty"
	has mmu39 'Hardware watchpoint 2: -location' "watchpoint on a descriptor"
	has mmu39 '^\$6 = 0x3$' "watchpoint fired; a table descriptor now"
	has mmu39 'walk of (gva|va) 0x0*40000000' "monitor walk on arm64"
	has mmu39 '@done' "the script ran to its end"
	stop_q
else
	not_ok "mmu39: quadrant did not listen"
	stop_q now
fi

# --- Ctrl-C on a running guest ------------------------------------------------
cat >"$tmp/ctrlc.gdb" <<'EOF'
set pagination off
set confirm off
file guests/build/x86/loop32.elf
set architecture i386:x86-64
target remote 127.0.0.1:PORT
continue
echo @stopped\n
p $pc != 0
kill
EOF
if start_q --gdb 0 -S $LOOP; then
	sed "s/PORT/$port/g" "$tmp/ctrlc.gdb" >"$tmp/ctrlc.x"
	timeout 60 "$GDB" -nx -batch -x "$tmp/ctrlc.x" >"$tmp/ctrlc.out" 2>&1 &
	gpid=$!
	# The guest prints its first result, then loops 1.4 billion
	# instructions: GDB is inside `continue` for seconds.
	if wait_for "^ok 1 " "$tmp/console" 30; then
		# GDB's SIGINT becomes a 0x03 on the wire.
		# One SIGINT, to GDB itself: the guest printing means GDB
		# sent its continue. Not to `timeout`, which would pass it
		# on to GDB and again to its whole process group: GDB would
		# see two, and a second Ctrl-C makes it give up the target
		# (or Quit while it prints the stop).
		pkill -INT -P "$gpid" 2>/dev/null
	fi
	wait "$gpid"
	has ctrlc 'Program received signal SIGINT' "Ctrl-C stops a running guest"
	has ctrlc '^\$1 = 1$' "registers readable after the interrupt"
	stop_q
else
	not_ok "ctrlc: quadrant did not listen"
	stop_q now
fi

# --- disconnect, reattach; detach lets it run, reattach stops it -----------
cat >"$tmp/first.gdb" <<'EOF'
set pagination off
set confirm off
set architecture i386:x86-64
target remote 127.0.0.1:PORT
stepi 5
echo @pc\n
p/x $pc
disconnect
EOF
cat >"$tmp/second.gdb" <<'EOF'
set pagination off
set confirm off
set architecture i386:x86-64
target remote 127.0.0.1:PORT
echo @pc\n
p/x $pc
detach
EOF
cat >"$tmp/third.gdb" <<'EOF'
set pagination off
set confirm off
set architecture i386:x86-64
target remote 127.0.0.1:PORT
echo @pc\n
p $pc != 0x10000c
kill
EOF
if start_q --gdb 0 -S $LOOP; then
	gdb_script first
	pc1=$(sed -n 's/^\$1 = \(0x[0-9a-f]*\)$/\1/p' "$tmp/first.out")
	wait_for "disconnected" "$tmp/qerr" 10
	gdb_script second
	pc2=$(sed -n 's/^\$1 = \(0x[0-9a-f]*\)$/\1/p' "$tmp/second.out")
	if [ -n "$pc1" ] && [ "$pc1" = "$pc2" ]; then
		ok "reattach after disconnect: the guest stayed at $pc1"
	else
		not_ok "reattach after disconnect: pc '$pc1' then '$pc2'"
		sed 's/^/#   /' "$tmp/first.out" "$tmp/second.out" | head -30
	fi
	wait_for "detached" "$tmp/qerr" 10
	gdb_script third
	has third '^\$1 = 1$' "after detach the guest ran on; a new GDB stops it"
	stop_q
else
	not_ok "reattach: quadrant did not listen"
	stop_q now
fi

# --- the guest exits under GDB -------------------------------------------------
cat >"$tmp/exit.gdb" <<'EOF'
set pagination off
set architecture i386:x86-64
target remote 127.0.0.1:PORT
continue
EOF
if start_q --gdb 0 -S guests/build/x86/hello32.elf; then
	gdb_script exit
	has exit 'exited with code 01' "W reply: the guest's exit status"
	stop_q
	if [ "$qstatus" -eq 1 ]; then
		ok "exit: quadrant exits with the guest's status"
	else
		not_ok "exit: status $qstatus"
	fi
else
	not_ok "exit: quadrant did not listen"
	stop_q now
fi

# --- malformed packets over the socket: errors, never a crash ---------------
if command -v python3 >/dev/null 2>&1 && start_q --gdb 0 -S $X32; then
	if python3 tests/gdb/badpackets.py "$port" >"$tmp/bad.out" 2>&1; then
		ok "malformed packets: nacks, errors, then normal service"
	else
		not_ok "malformed packets:"
		sed 's/^/#   /' "$tmp/bad.out" | head -20
	fi
	if kill -0 "$qpid" 2>/dev/null; then
		ok "malformed packets: quadrant is still running"
	else
		not_ok "malformed packets: quadrant died: $(tail -3 "$tmp/qerr")"
	fi
	stop_q now
else
	skip "malformed packets: no python3"
	[ -n "$qpid" ] && stop_q now
fi

# --- the command line --------------------------------------------------------
"$Q" run --gdb 1:2:x $X32 >/dev/null 2>"$tmp/err"
st=$?
if [ "$st" -eq 2 ] && grep -q "ADDR:\]PORT" "$tmp/err"; then
	ok "--gdb with a bad port: status 2 and a message"
else
	not_ok "--gdb bad port: status $st: $(cat "$tmp/err")"
fi
"$Q" run --gdb 0,i386 $A64 >/dev/null 2>"$tmp/err"
st=$?
if [ "$st" -eq 2 ] && grep -q "x86 guests" "$tmp/err"; then
	ok "--gdb ...,i386 refused for arm64"
else
	not_ok "--gdb ,i386 on arm64: status $st"
fi
tier_end
