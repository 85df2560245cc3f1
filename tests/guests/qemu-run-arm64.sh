#!/bin/sh
# qemu-run-arm64.sh IMAGE [extra qemu args]
#
# Run one arm64 guest image under QEMU exactly as the oracle does: the
# guest console (PL011 at 0x09000000) on stdout, QEMU's exit status as
# ours. The machine is QEMU's "virt" with 128 MiB of RAM at 0x40000000
# and -cpu max, which has every granule (4, 16 and 64 KiB); the ELF is
# loaded at its physical addresses and entered at EL1 with the MMU off.
# With neither EL2 nor EL3 emulated, QEMU implements PSCI itself with
# HVC as the conduit; a guest ends with PSCI SYSTEM_OFF, which makes
# QEMU exit with status 0 whatever the verdict (the verdict is the last
# line, PASS or FAIL). A run that takes longer than QEMU_TIMEOUT seconds
# (default 60) is killed, status 124.
#
# This is the one place that knows the arm64 QEMU command line;
# oracle-arm64.sh and any later runner call this script.
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
	"${QEMU:-qemu-system-aarch64}" \
	-M virt \
	-cpu max \
	-m 128 \
	-kernel "$image" \
	-display none \
	-serial stdio \
	-monitor none \
	-no-reboot \
	"$@" </dev/null
