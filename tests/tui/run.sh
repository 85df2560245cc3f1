#!/bin/sh
# The TUI in a real terminal: tmux runs `quadrant tui` in a detached
# session of a fixed size on a private server, send-keys presses keys,
# capture-pane reads the screen. Every wait polls the screen for an
# expected string with a timeout (no fixed sleeps).
#
#   tests/tui/run.sh          the tier (make guest-tests)
#   tests/tui/run.sh --docs   also write docs/tui-paging32.txt and
#                             docs/tui-paging32-shadow.txt, the README's
#                             captures (120x40, after a fault)
set -u
. tests/lib.sh
tier_begin tui
Q=${Q:-./quadrant}
G=guests/build/x86
SOCK="quadrant-tui-$$"
T="tmux -L $SOCK"
tmp=$(mktemp -d)
DOCS=0
[ "${1:-}" = "--docs" ] && DOCS=1
cleanup() { $T kill-server 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

if ! command -v tmux >/dev/null; then
	skip "tmux is not installed"
	tier_end
	exit $?
fi
if [ ! -x "$Q" ] || [ ! -f "$G/paging32.elf" ]; then
	skip "$Q or $G/paging32.elf is missing (make all)"
	tier_end
	exit $?
fi

# One server for the whole tier, kept alive by an idle session, so that
# ending a test's session never races with the server shutting down.
$T new-session -d -s keep -x 80 -y 24 "sleep 3600"
S=none
N=0

# start W H CMD...: a fresh session running CMD; its exit status is
# printed as QUADRANT-EXIT=N and the pane stays for us to read.
start() {
	w=$1; h=$2; shift 2
	$T kill-session -t "$S" 2>/dev/null
	N=$((N + 1))
	S=q$N
	$T new-session -d -s "$S" -x "$w" -y "$h" \
		"$* ; echo QUADRANT-EXIT=\$?; sleep 120"
	$T set-option -t "$S" status off >/dev/null
}

screen() { $T capture-pane -p -t "$S" 2>/dev/null; }

# wait_for STRING [SECONDS]: poll the screen until STRING shows.
wait_for() {
	limit=$(( ${2:-10} * 10 ))
	n=0
	while [ $n -lt $limit ]; do
		if screen | grep -qF -- "$1"; then
			return 0
		fi
		sleep 0.1
		n=$((n + 1))
	done
	screen > "$tmp/last"
	return 1
}

# wait_gone STRING [SECONDS]: poll until STRING is no longer shown.
wait_gone() {
	limit=$(( ${2:-10} * 10 ))
	n=0
	while [ $n -lt $limit ]; do
		screen | grep -qF -- "$1" || return 0
		sleep 0.1
		n=$((n + 1))
	done
	return 1
}

# check NAME STRING [SECONDS]: ok if STRING shows up in time.
check() {
	if wait_for "$2" "${3:-10}"; then
		ok "$1"
	else
		not_ok "$1: '$2' not on screen:"
		sed 's/^/#   /' "$tmp/last"
	fi
}

keys() { $T send-keys -t "$S" "$@"; }

quit_clean() {
	keys q
	check "$1: q quits with status 0" "QUADRANT-EXIT=0"
}

# --- 120x40: step to a fault, the walk and the TDP tree --------------------
start 120 40 "$Q" tui "$G/paging32.elf"
check "120x40: the TUI starts with its key bar" "q Quit"
keys f
check "120x40: f stops at the guest page fault" "#PF 0x2 at gva 0x50000124"
check "120x40: the walk shows the faulting guest level" "guest L2 PDE  [320]"
check "120x40: the walk shows the EPT levels before it" "EPT   L4 PML4E[  0]"
check "120x40: the walk highlights where it faulted" "FAULT at L2: entry not present"
check "120x40: the walk animation reaches the last level" "step 4/4"
wait_gone "(visiting)" 5 && ok "120x40: the walk animation ends" || not_ok "the walk animation does not end"
check "120x40: the tree shows the TDP tables" "EPT root hpa 0x1000"
check "120x40: the tree highlights the touched node" ">>       - PDE[  6] 0xc00000"
if [ "$DOCS" = 1 ]; then
	mkdir -p docs
	screen > docs/tui-paging32.txt
	ok "wrote docs/tui-paging32.txt"
fi
keys :
keys -l "frobnicate now"
keys Enter
check "a bad command shows an error" "error: unknown command 'frobnicate'"
keys :
keys -l "x/zz 0"
keys Enter
check "a bad format shows an error" "'z' is not a format"
keys :
keys -l "break event nosuchevent"
keys Enter
check "a bad event filter shows an error" "error:"
keys "?"
check "? shows the help" "step one instruction"
keys x
wait_gone "step one instruction" 5 && ok "any key closes the help" || not_ok "the help stays open"
keys Tab Tab
check "Tab moves the focus" ">1 Registers <"
keys s
check "s steps one instruction" "Stepped 1"
keys c
check "c runs the guest to its exit" "The guest exited with status 1" 30
quit_clean "120x40"

# --- 80x24, and resizing ------------------------------------------------------
start 80 24 "$Q" tui "$G/paging32.elf"
check "80x24: the TUI starts" "q Quit"
keys f
check "80x24: the walk shows the fault" "gst PDE  [320]"
check "80x24: the tree shows the TDP tables" "EPT root"
if screen | grep -qF "Events"; then
	not_ok "80x24: the event pane should share the bottom-left slot"
else
	ok "80x24: the small layout"
fi
$T resize-window -t "$S" -x 140 -y 45
check "resize to 140x45: the large layout shows the event log" "-4 Events" 
check "resize to 140x45: the walk keeps its addresses" "hpa 0x1000"
$T resize-window -t "$S" -x 80 -y 24
wait_gone "-4 Events" 5 && ok "resize back to 80x24: the small layout again" || not_ok "resize back to 80x24"
check "resize back to 80x24: the walk is still there" "FAULT"
quit_clean "80x24"

# --- stopping a run: any key, Ctrl-C ---------------------------------------------
if [ -f "$G/loop32.elf" ]; then
	start 100 30 "$Q" tui "$G/loop32.elf"
	check "loop32: the TUI starts" "q Quit"
	keys c
	check "c shows the guest running" "RUNNING" 
	keys x
	check "any key stops the run" "Interrupted"
	keys c
	check "c runs again" "RUNNING"
	keys C-c
	check "Ctrl-C stops the run" "stopped: interrupted"
	quit_clean "loop32"
else
	skip "loop32.elf is missing: stopping a run untested"
fi

# --- the CLI's tui command ------------------------------------------------------
start 100 30 "$Q" debug "$G/paging32.elf"
check "the CLI starts" "(quadrant"
keys -l "tui"
keys Enter
check "tui switches the CLI to the TUI" "q Quit"
keys f
check "the TUI on the CLI's session steps to a fault" "FAULT at L2"
keys q
check "q in the TUI returns to the CLI" "Back in the CLI"
keys -l "info machine"
keys Enter
check "the CLI continues the same session" "stopped (until)"
keys -l "quit"
keys Enter
check "the CLI quits" "QUADRANT-EXIT=0"

# --- shadow MMU ------------------------------------------------------------------
start 120 40 "$Q" tui --mmu shadow "$G/paging32.elf"
if ! wait_for "q Quit" 5; then
	not_ok "shadow: the TUI does not start: $(screen | head -3)"
else
	check "shadow: the tree shows the shadow roots" "Shadow pages"
	keys f
	if wait_for "FAULT" 10; then
		ok "shadow: f stops at a fault"
	else
		not_ok "shadow: f does not reach a fault"
	fi
	# The 32-bit guest's directory, shadowed by PAE directories.
	check "shadow: the tree shows a shadow page with its quadrant" \
		"L2 quadrant 3 gfn 0xc00"
	check "shadow: the walk pane shows the shadow walk after the guest's" \
		"then the shadow walk"
	if [ "$DOCS" = 1 ]; then
		screen > docs/tui-paging32-shadow.txt
		ok "wrote docs/tui-paging32-shadow.txt"
	fi
	quit_clean "shadow"
fi

# --- arm64 stage-2 ------------------------------------------------------------------
A=guests/build/arm64/mmu39.elf
if [ -f "$A" ]; then
	start 140 45 "$Q" tui "$A"
	if ! wait_for "q Quit" 5; then
		not_ok "arm64: the TUI does not start on $A"
	else
		keys :
		keys -l "stepi 200000"
		keys Enter
		wait_for "Stepped" 20 || wait_for "exited" 1
		if screen | grep -qF "concatenated"; then
			ok "arm64: the stage-2 tree shows the concatenated first level"
		else
			not_ok "arm64: no concatenated stage-2 level on screen"
			screen | sed 's/^/#   /' | head -45
		fi
		quit_clean "arm64"
	fi
else
	skip "arm64 guests are not built"
fi

tier_end
