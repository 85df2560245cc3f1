#!/bin/sh
# Install the Debian packages Quadrant needs to build, test and benchmark.
# Idempotent and quiet when everything is present. As root it runs
# apt-get; otherwise it prints the exact command to run and fails.
set -eu

PKGS="make gcc clang lld llvm pkg-config
libzydis-dev libcapstone-dev libncurses-dev libreadline-dev libsdl2-dev
libcriterion-dev gdb-multiarch qemu-system-x86 qemu-system-arm tmux bc procps"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "quadrant: installing missing packages:$missing" >&2
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		SUDO=sudo
	else
		echo "quadrant: not root; run this and try again:" >&2
		echo "  apt-get update && apt-get install -y$missing" >&2
		exit 1
	fi
else
	SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q >&2
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing >&2
