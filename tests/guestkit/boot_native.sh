#!/bin/sh
# boot_native.sh OUTDIR [GIC] [SMP]
# Boot a guest kit built by mkkit.sh directly on QEMU virt (no Mantle), console on this
# terminal. Wait for MANTLE-GUEST-READY and a shell prompt; `poweroff` in the guest (or
# Ctrl-A x) ends QEMU. Defaults: GIC 3, SMP 2. QEMU_EXTRA adds arguments, e.g.
#   QEMU_EXTRA='-device virtio-rng-device' tests/guestkit/boot_native.sh build/guestkit/cloud
set -eu
if [ $# -lt 1 ] || [ $# -gt 3 ]; then
    echo "usage: $0 OUTDIR [GIC] [SMP]" >&2
    exit 2
fi
KIT=$1
GIC=${2:-3}
SMP=${3:-2}
for f in Image initramfs.cpio.gz; do
    [ -f "$KIT/$f" ] || { echo "$0: no $KIT/$f (build it with tests/guestkit/mkkit.sh $KIT)" >&2; exit 1; }
done
set -x
# shellcheck disable=SC2086  # QEMU_EXTRA is meant to be split into words
exec qemu-system-aarch64 -M "virt,gic-version=$GIC" -cpu cortex-a57 -smp "$SMP" -m 512M \
    -nographic -kernel "$KIT/Image" -initrd "$KIT/initramfs.cpio.gz" \
    -append "console=ttyAMA0 nokaslr quiet" ${QEMU_EXTRA:-}
