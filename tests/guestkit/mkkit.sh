#!/bin/sh
# mkkit.sh OUTDIR [cloud|generic]
#
# Build a Linux guest kit for Mantle from Debian's arm64 packages, resolved by
# name through apt at run time (no version is written down here):
#   OUTDIR/Image               raw arm64 kernel Image (64-byte header, "ARM\x64" at 56)
#   OUTDIR/initramfs.cpio.gz   busybox initramfs carrying the virtio/ext4 modules
#   OUTDIR/kernel-version      the kernel release (uname -r) the modules belong to
#   OUTDIR/kit-info            what went in: packages, versions, modules (also the up-to-date stamp)
# Downloaded .deb files are kept in build/guestkit/cache/ (GUESTKIT_CACHE overrides it) and
# reused while apt's candidate version is unchanged; a second run with nothing new is a no-op.
set -eu

usage() {
    echo "usage: $0 OUTDIR [cloud|generic]" >&2
    exit 2
}

if [ $# -lt 1 ] || [ $# -gt 2 ]; then usage; fi
OUTDIR=$1
FLAVOUR=${2:-cloud}
case $FLAVOUR in
cloud) META=linux-image-cloud-arm64 ;;
generic) META=linux-image-arm64 ;;
*) usage ;;
esac

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CACHE=${GUESTKIT_CACHE:-$ROOT/build/guestkit/cache}

# Drivers the guest needs; each is either shipped as a module (with its dependencies) or must be
# built into the kernel. Names use '_' (module names; file names may use '-').
WANT_MODULES="virtio_mmio virtio_blk virtio_console failover net_failover virtio_net virtio_rng
crc32c_generic crc16 mbcache jbd2 ext4"

# busybox applets linked in the initramfs (a fixed list: listing the arm64 binary's applets
# would need it to run, i.e. user-mode emulation). /bin/NAME or /sbin/NAME.
BIN_APPLETS="sh ash cat echo ls mkdir rmdir rm cp mv ln touch chmod chown mknod mount umount
sleep usleep date uname ps kill killall pidof free top uptime true false sync stty
head tail wc dd md5sum sha256sum grep egrep sed awk cut tr sort uniq tee xargs find test [ [[
printf expr seq env hostname dmesg vi more less hexdump xxd od stat df du nproc time timeout
watch setsid cttyhack tty id which basename dirname readlink realpath gzip gunzip zcat cpio
tar ping nc wget"
SBIN_APPLETS="init halt poweroff reboot insmod rmmod lsmod modprobe modinfo ip ifconfig route
udhcpc mdev sysctl devmem blockdev losetup mke2fs mkswap swapon swapoff switch_root getty
klogd syslogd"

log() { echo "mkkit: $*" >&2; }
die() { echo "mkkit: error: $*" >&2; exit 1; }

is_root() { [ "$(id -u)" -eq 0 ]; }

# ---------------------------------------------------------------- host tools and apt setup
need_tool() { # need_tool COMMAND DEBIAN-PACKAGE
    command -v "$1" >/dev/null 2>&1 && return 0
    is_root || die "'$1' is missing: run as root, or apt-get install $2"
    log "installing $2 (for $1)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$2" >&2
    command -v "$1" >/dev/null 2>&1 || die "'$1' still missing after installing $2"
}

PATH=$PATH:/usr/sbin:/sbin
export PATH
for t in dpkg dpkg-deb apt-get apt-cache; do
    command -v "$t" >/dev/null 2>&1 || die "$t is missing: this script needs a Debian host"
done
need_tool cpio cpio
need_tool gzip gzip
need_tool depmod kmod

if ! dpkg --print-foreign-architectures | grep -qx arm64 && [ "$(dpkg --print-architecture)" != arm64 ]; then
    is_root || die "arm64 is not a dpkg architecture here: run as root, or: dpkg --add-architecture arm64 && apt-get update"
    log "adding the arm64 architecture to dpkg"
    dpkg --add-architecture arm64
fi

# ---------------------------------------------------------------- resolve package names
# (apt-cache is slow here, about 1.5 s a call with no package cache: call it twice in all.)
# The metapackage depends on the current linux-image-<abi>-<flavour> (which is the signed one);
# the same kernel is also shipped unsigned as <name>-unsigned: take that when it exists.
meta_depends() {
    apt-cache depends "$META:arm64" 2>/dev/null |
        sed -n 's/^ *Depends: \(linux-image-[^ :]*\).*/\1/p' | head -n 1
}
KPKG=$(meta_depends)
if [ -z "$KPKG" ]; then
    is_root || die "apt's lists have no arm64 $META: run as root, or: apt-get update"
    log "apt's lists have no arm64 $META yet: apt-get update"
    apt-get update >&2
    KPKG=$(meta_depends)
    [ -n "$KPKG" ] || die "cannot resolve the kernel package behind $META:arm64 (apt-cache depends)"
fi
BPKG=busybox-static
POLICY=$(apt-cache policy "$KPKG-unsigned:arm64" "$KPKG:arm64" "$BPKG:arm64" 2>/dev/null)
# candidate PACKAGE: apt's candidate version of PACKAGE:arm64, or nothing
candidate() {
    printf '%s\n' "$POLICY" | awk -v want="$1" '
        /^[^ ]/ { cur = $1; sub(/:$/, "", cur); sub(/:arm64$/, "", cur) }
        cur == want && $1 == "Candidate:" && $2 != "(none)" { print $2 }'
}
if [ -n "$(candidate "$KPKG-unsigned")" ]; then
    KPKG=$KPKG-unsigned
fi
KVER_PKG=$(candidate "$KPKG")
[ -n "$KVER_PKG" ] || die "$KPKG:arm64 has no candidate version"
BVER_PKG=$(candidate "$BPKG")
[ -n "$BVER_PKG" ] || die "$BPKG:arm64 has no candidate version"
log "$FLAVOUR kernel: $KPKG $KVER_PKG; busybox: $BPKG $BVER_PKG"

# ---------------------------------------------------------------- up to date?
SCRIPT_SUM=$(sha256sum "$0" | cut -d' ' -f1)
STAMP="flavour $FLAVOUR
kernel-package $KPKG $KVER_PKG
busybox-package $BPKG $BVER_PKG
script $SCRIPT_SUM"
if [ -f "$OUTDIR/Image" ] && [ -f "$OUTDIR/initramfs.cpio.gz" ] && [ -f "$OUTDIR/kernel-version" ] &&
    [ -f "$OUTDIR/kit-info" ] && [ "$(head -n 4 "$OUTDIR/kit-info")" = "$STAMP" ]; then
    log "$OUTDIR is up to date ($(cat "$OUTDIR/kernel-version"))"
    exit 0
fi

# ---------------------------------------------------------------- download (cached)
mkdir -p "$CACHE"

# fetch PACKAGE VERSION: print the path of the cached .deb, downloading it if needed.
fetch() {
    _pkg=$1 _ver=$2 _hit=
    for _f in "$CACHE/${_pkg}"_*_arm64.deb; do
        [ -f "$_f" ] || continue
        if [ -z "$_hit" ] && [ "$(dpkg-deb -f "$_f" Package 2>/dev/null)" = "$_pkg" ] &&
            [ "$(dpkg-deb -f "$_f" Version 2>/dev/null)" = "$_ver" ]; then
            _hit=$_f
        else
            log "dropping stale $(basename "$_f")"
            rm -f "$_f"
        fi
    done
    if [ -z "$_hit" ]; then
        log "downloading $_pkg:arm64 $_ver"
        if is_root; then
            (cd "$CACHE" && apt-get -q -o APT::Sandbox::User=root download "$_pkg:arm64=$_ver") >&2
        else
            (cd "$CACHE" && apt-get -q download "$_pkg:arm64=$_ver") >&2
        fi
        for _f in "$CACHE/${_pkg}"_*_arm64.deb; do
            if [ -f "$_f" ] && [ "$(dpkg-deb -f "$_f" Version)" = "$_ver" ]; then
                _hit=$_f
            fi
        done
        [ -n "$_hit" ] || die "apt-get download $_pkg:arm64=$_ver left no .deb in $CACHE"
    fi
    echo "$_hit"
}

KDEB=$(fetch "$KPKG" "$KVER_PKG")
BDEB=$(fetch "$BPKG" "$BVER_PKG")

# An ABI bump renames the kernel package (linux-image-<abi>-<flavour>): drop this flavour's
# older kernels (signed or not) from the cache.
kflavour() { echo "$1" | sed 's/^linux-image-[0-9][^-]*-[0-9][^-]*-//; s/-unsigned$//'; }
for f in "$CACHE"/linux-image-*_arm64.deb; do
    [ -f "$f" ] || continue
    p=$(basename "$f")
    p=${p%%_*}
    if [ "$p" != "$KPKG" ] && [ "$(kflavour "$p")" = "$(kflavour "$KPKG")" ]; then
        log "dropping old kernel $(basename "$f")"
        rm -f "$f"
    fi
done

# ---------------------------------------------------------------- extract
mkdir -p "$OUTDIR"
WORK=$(mktemp -d "$OUTDIR/.work.XXXXXX") # beside the outputs: they are moved in place at the end
trap 'rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM
KX=$WORK/kernel
BX=$WORK/busybox
RD=$WORK/initramfs
dpkg-deb -x "$KDEB" "$KX"
dpkg-deb -x "$BDEB" "$BX"

MODROOT=
for d in "$KX/lib/modules" "$KX/usr/lib/modules"; do
    [ -d "$d" ] && MODROOT=$d && break
done
[ -n "$MODROOT" ] || die "$KPKG ships no lib/modules directory"
set -- "$MODROOT"/*
if [ $# -ne 1 ] || [ ! -d "$1" ]; then
    die "expected exactly one kernel release under $MODROOT, found: $*"
fi
KREL=$(basename "$1")
KMODS=$1
log "kernel release $KREL"

# The kernel: Debian's arm64 vmlinuz is already a raw Image (EFI stub); accept gzip too.
VMLINUZ=$KX/boot/vmlinuz-$KREL
[ -f "$VMLINUZ" ] || die "$KPKG has no boot/vmlinuz-$KREL"
arm64_magic() { [ "$(dd if="$1" bs=1 skip=56 count=4 2>/dev/null | od -An -tx1 | tr -d ' \n')" = 41524d64 ]; }
if arm64_magic "$VMLINUZ"; then
    cp "$VMLINUZ" "$WORK/Image"
elif [ "$(od -An -tx1 -N2 "$VMLINUZ" | tr -d ' \n')" = 1f8b ]; then
    gunzip -c "$VMLINUZ" >"$WORK/Image"
    arm64_magic "$WORK/Image" || die "gunzipped vmlinuz-$KREL is not an arm64 Image"
else
    die "vmlinuz-$KREL is neither a raw arm64 Image nor gzip (EFI zboot? not handled)"
fi

# ---------------------------------------------------------------- modules
# The package ships no modules.dep: generate one over the whole tree, then take the wanted
# modules with their dependencies, in load order (dependencies first).
if [ ! -e "$KX/lib/modules" ]; then # a merged-/usr package: depmod -b looks in lib/modules
    mkdir -p "$KX/lib"
    ln -s ../usr/lib/modules "$KX/lib/modules"
fi
depmod -b "$KX" "$KREL"
[ -s "$KMODS/modules.dep" ] || die "depmod produced no modules.dep"

# modorder.awk: reads modules.builtin then modules.dep, prints "mod PATH" lines in load
# order for the wanted modules and their dependencies, "builtin NAME" and "missing NAME".
cat >"$WORK/modorder.awk" <<'EOF'
function modname(path,    n) {
    n = path
    sub(/.*\//, "", n)
    sub(/\.ko(\.[a-z0-9]+)?$/, "", n)
    gsub(/-/, "_", n)
    return n
}
function visit(path,    list, n, i) {
    if (path in seen) return
    seen[path] = 1
    n = split(deps[path], list, " ")
    # modules.dep lists the whole closure; visiting each entry first gives a valid order
    for (i = 1; i <= n; i++) visit(list[i])
    print "mod " path
}
FNR == 1 { file++ }
file == 1 { builtin[modname($0)] = 1; next }
file == 2 {
    p = $1; sub(/:$/, "", p)
    d = $0; sub(/^[^:]*:[ ]*/, "", d)
    deps[p] = d
    bypath[modname(p)] = p
    next
}
END {
    n = split(want, w, " ")
    for (i = 1; i <= n; i++) {
        if (w[i] in bypath) visit(bypath[w[i]])
        else if (w[i] in builtin) print "builtin " w[i]
        else print "missing " w[i]
    }
}
EOF
touch "$KMODS/modules.builtin"
# shellcheck disable=SC2086  # the list is split into words on purpose
awk -v want="$(printf '%s ' $WANT_MODULES)" -f "$WORK/modorder.awk" "$KMODS/modules.builtin" "$KMODS/modules.dep" \
    >"$WORK/modorder"
if grep -q '^missing ' "$WORK/modorder"; then
    die "neither shipped as modules nor built in: $(sed -n 's/^missing //p' "$WORK/modorder" | tr '\n' ' ')"
fi

# ---------------------------------------------------------------- initramfs tree
mkdir -p "$RD"
for d in bin sbin etc etc/init.d proc sys dev dev/pts tmp run root mnt usr/bin usr/sbin \
    "lib/modules/$KREL"; do
    mkdir -p "$RD/$d"
done
chmod 1777 "$RD/tmp"
chmod 700 "$RD/root"

[ -f "$BX/bin/busybox" ] || die "$BPKG has no /bin/busybox"
cp "$BX/bin/busybox" "$RD/bin/busybox"
chmod 755 "$RD/bin/busybox"
for a in $BIN_APPLETS; do ln -s busybox "$RD/bin/$a"; done
for a in $SBIN_APPLETS; do ln -s ../bin/busybox "$RD/sbin/$a"; done
ln -s bin/busybox "$RD/init"

# Modules: copied uncompressed (busybox insmod/modprobe load plain .ko files), same layout as
# the kernel's tree, then a modules.dep for just these with depmod.
: >"$RD/etc/modules"
sed -n 's/^mod //p' "$WORK/modorder" | while read -r rel; do
    src=$KMODS/$rel
    dst=$RD/lib/modules/$KREL/${rel%.ko*}.ko
    mkdir -p "$(dirname "$dst")"
    case $rel in
    *.ko) cp "$src" "$dst" ;;
    *.ko.xz) xz -dc "$src" >"$dst" ;;
    *.ko.gz) gzip -dc "$src" >"$dst" ;;
    *.ko.zst) zstd -qdc "$src" >"$dst" ;;
    *) die "unknown module compression: $rel" ;;
    esac
    n=$(basename "$dst" .ko)
    echo "$n" | tr - _ >>"$RD/etc/modules"
done
for f in modules.builtin modules.builtin.modinfo modules.order; do
    if [ -f "$KMODS/$f" ]; then cp "$KMODS/$f" "$RD/lib/modules/$KREL/"; fi
done
depmod -b "$RD" "$KREL"
MODS_LOADED=$(paste -sd' ' "$RD/etc/modules")
MODS_BUILTIN=$(sed -n 's/^builtin //p' "$WORK/modorder" | paste -sd' ' -)

# Configuration: busybox init runs rcS (mounts, modules, ready marker), then a shell on the
# console; poweroff/reboot signal init, which ends with the reboot(2) that PSCI carries out.
cat >"$RD/etc/inittab" <<'EOF'
::sysinit:/etc/init.d/rcS
::respawn:/bin/cttyhack /bin/sh -l
::ctrlaltdel:/sbin/reboot
::shutdown:/etc/init.d/rcK
::restart:/sbin/init
EOF

cat >"$RD/etc/init.d/rcS" <<'EOF'
#!/bin/sh
# Mantle guest kit: run once by busybox init at boot.
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts
mount -t devpts devpts /dev/pts
mount -t tmpfs -o mode=755 tmpfs /run
hostname mantle-guest
# dependencies come first in /etc/modules; modprobe also resolves them from modules.dep
while read -r m; do
    modprobe "$m" || echo "rcS: cannot load module $m"
done </etc/modules
ip link set lo up 2>/dev/null
# mantle.ip=ADDRESS/PREFIX on the kernel command line: the address of eth0 (virtio-net).
for arg in $(cat /proc/cmdline); do
    case $arg in
    mantle.ip=*) addr=${arg#mantle.ip=} ;;
    esac
done
if [ -n "${addr:-}" ] && [ -e /sys/class/net/eth0 ]; then
    ip addr add "$addr" dev eth0 && ip link set eth0 up && echo "rcS: eth0 is $addr"
fi
# A virtio console (hvc0) gets a second shell of its own.
if [ -c /dev/hvc0 ]; then
    (while :; do setsid sh -c 'exec sh -l </dev/hvc0 >/dev/hvc0 2>&1'; sleep 1; done) &
fi
echo MANTLE-GUEST-READY
# The kernel's own clock at this point: what make bench compares (deterministic under -icount).
read -r up _ </proc/uptime
echo "MANTLE-GUEST-UPTIME $up"
EOF
cat >"$RD/etc/init.d/rcK" <<'EOF'
#!/bin/sh
# Mantle guest kit: run by busybox init before poweroff/reboot. Flush and detach what the user
# mounted (an ext4 disk on virtio-blk, say); the root in RAM stays.
sync
umount -a -r 2>/dev/null
sync
EOF
chmod 755 "$RD/etc/init.d/rcS" "$RD/etc/init.d/rcK"

cat >"$RD/etc/profile" <<'EOF'
export PATH=/sbin:/usr/sbin:/bin:/usr/bin
export HOME=/root
EOF
echo "root:x:0:0:root:/root:/bin/sh" >"$RD/etc/passwd"
echo "root:x:0:" >"$RD/etc/group"
echo mantle-guest >"$RD/etc/hostname"
printf '%s\n' "$KREL" >"$RD/etc/kernel-version"

# The kernel opens /dev/console before /init runs (its built-in initramfs has the node too).
if is_root; then
    mknod -m 600 "$RD/dev/console" c 5 1
    mknod -m 666 "$RD/dev/null" c 1 3
fi

# ---------------------------------------------------------------- pack and install
# Same packages, same script: same bytes (fixed times, owners and inode numbers, sorted names).
find "$RD" -exec touch -h -d "@${SOURCE_DATE_EPOCH:-0}" {} +
(cd "$RD" && find . -mindepth 1 | LC_ALL=C sort |
    cpio --quiet -o -H newc -R 0:0 --reproducible) |
    gzip -9 -n >"$WORK/initramfs.cpio.gz"

printf '%s\n' "$KREL" >"$WORK/kernel-version"
{
    echo "$STAMP"
    echo "kernel-release $KREL"
    echo "modules $MODS_LOADED"
    echo "builtin $MODS_BUILTIN"
} >"$WORK/kit-info"

for f in Image initramfs.cpio.gz kernel-version kit-info; do
    mv -f "$WORK/$f" "$OUTDIR/$f"
done
log "built $OUTDIR: Image $(wc -c <"$OUTDIR/Image") bytes, initramfs $(wc -c <"$OUTDIR/initramfs.cpio.gz") bytes"
log "modules: $MODS_LOADED"
log "built in: $MODS_BUILTIN"
