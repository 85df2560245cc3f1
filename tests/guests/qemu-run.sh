#!/bin/sh
# qemu-run.sh IMAGE [extra qemu args]
#
# Run one x86 guest image under QEMU exactly as the oracle does: the guest
# console (16550 at 0x3F8) on stdout, QEMU's exit status as ours. A guest
# ends by writing to isa-debug-exit at port 0xF4, so QEMU exits with
# (value << 1) | 1: 1 for PASS, 3 for FAIL. A run that takes longer than
# QEMU_TIMEOUT seconds (default 60) is killed, status 124.
#
# This is the one place that knows the QEMU command line; oracle.sh and
# any later runner call this script.
set -u

if [ $# -lt 1 ]; then
	echo "usage: $0 IMAGE [extra qemu args]" >&2
	exit 2
fi
image=$1
shift
if [ ! -r "$image" ]; then
	echo "$0: cannot read $image" >&2
	exit 2
fi

exec timeout "${QEMU_TIMEOUT:-60}" \
	"${QEMU:-qemu-system-x86_64}" \
	-kernel "$image" \
	-display none \
	-serial stdio \
	-device isa-debug-exit,iobase=0xf4,iosize=4 \
	-no-reboot \
	-m 128 \
	-monitor none \
	"$@" </dev/null
