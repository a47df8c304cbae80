#!/bin/sh
# mkdisk.sh IMAGE [PART_MIB]
# Make the host disk the default Linux guests share: two ext4 filesystems of PART_MIB MiB
# (default 64) back to back, labelled linux0 and linux1. configs/guests/linux0.dts and
# linux1.dts give each guest its half as a sector range, so the sizes must agree with them.
# No root needed (mkfs.ext4 on a plain file).
set -eu
IMAGE=$1
PART_MIB=${2:-64}
PATH=$PATH:/usr/sbin:/sbin
command -v mkfs.ext4 >/dev/null || { echo "mkdisk: mkfs.ext4 missing: apt-get install e2fsprogs" >&2; exit 1; }
dir=$(dirname "$IMAGE")
mkdir -p "$dir"
tmp=$(mktemp -d "$dir/.mkdisk.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
for name in linux0 linux1; do
    truncate -s "${PART_MIB}M" "$tmp/$name.img"
    mkfs.ext4 -q -F -L "$name" -E root_owner=0:0 "$tmp/$name.img"
done
cp --sparse=always "$tmp/linux0.img" "$tmp/disk.img"
dd if="$tmp/linux1.img" of="$tmp/disk.img" bs=1M seek="$PART_MIB" conv=sparse,notrunc status=none
mv "$tmp/disk.img" "$IMAGE"
echo "mkdisk: $IMAGE: two ${PART_MIB} MiB ext4 filesystems (linux0, linux1)" >&2
