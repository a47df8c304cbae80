#!/bin/sh
# Make sure the Debian packages the build and the tests need are installed.
# As root it installs what is missing; otherwise it prints the one command to run.
set -eu
PKGS="gcc-aarch64-linux-gnu picolibc-aarch64-linux-gnu libfdt-dev:arm64 device-tree-compiler \
qemu-system-arm libcmocka-dev libfdt1 cpio e2fsprogs kconfig-frontends-nox python3-pytest python3-pexpect gcc make \
clang-14 libclang-rt-14-dev"
# Extra packages one target alone needs (make bench: gnuplot-nox) come as arguments.
PKGS="$PKGS $*"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "deps: missing Debian packages:$missing"
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: run as root:"
	echo "  dpkg --add-architecture arm64 && apt-get update && apt-get install -y$missing"
	exit 1
fi
case "$missing" in *:arm64*)
	dpkg --print-foreign-architectures | grep -qx arm64 || dpkg --add-architecture arm64 ;;
esac
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q $missing
