#!/usr/bin/python3
"""Write the hand-made seed inputs of the fuzz harnesses into tests/fuzz/corpus/NAME/.

The checked-in corpus started from these and from what fuzzing then found
(merged with -merge=1, see docs/testing.md). Each seed is a valid, typical
use of its module in the harness's input format (the comment at the top of
each tests/fuzz/fuzz_NAME.c), so fuzzing starts from the deep paths rather
than having to discover a whole driver handshake byte by byte.

Run from the top of the tree: tests/fuzz/mkseeds.py (needs dtc and cpio).
"""
import os
import struct
import subprocess
import sys
import tempfile

CORPUS = "tests/fuzz/corpus"


def u8(v): return struct.pack("<B", v & 0xff)
def u16(v): return struct.pack("<H", v & 0xffff)
def u32(v): return struct.pack("<I", v & 0xffffffff)
def u64(v): return struct.pack("<Q", v & 0xffffffffffffffff)


def size_code(size):
    """fuzz_access_size(): the size is 1 << (byte & 3)."""
    return u8({1: 0, 2: 1, 4: 2, 8: 3}[size])


def write(name, seed, data):
    path = os.path.join(CORPUS, name)
    os.makedirs(path, exist_ok=True)
    with open(os.path.join(path, seed), "wb") as f:
        f.write(data)


# ---- guest_dts and bundle: the real descriptions, compiled

def guest_dts():
    for d in ("configs/guests", "tests/guests/dts"):
        for f in sorted(os.listdir(d)):
            if f.endswith(".dts"):
                dtb = subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", os.path.join(d, f)],
                                     check=True, capture_output=True).stdout
                write("guest_dts", f[:-4] + ".dtb", dtb)


def cpio(files, links=()):
    with tempfile.TemporaryDirectory() as tmp:
        for name, data in files:
            os.makedirs(os.path.join(tmp, os.path.dirname(name)), exist_ok=True)
            with open(os.path.join(tmp, name), "wb") as f:
                f.write(data)
        for name, target in links:
            os.symlink(target, os.path.join(tmp, name))
        names = subprocess.run("find . | LC_ALL=C sort", shell=True, cwd=tmp, check=True,
                               capture_output=True).stdout
        return subprocess.run(["cpio", "-o", "-H", "newc", "--quiet"], input=names, cwd=tmp,
                              check=True, capture_output=True).stdout


def bundle():
    dtb = open(os.path.join(CORPUS, "guest_dts", "fw0.dtb"), "rb").read()
    write("bundle", "small.cpio", cpio([("fw0.dtb", dtb), ("boot.list", b"fw0.dtb\nfw1.dtb\n"),
                                        ("fw/disk.img", b"MANTLE-RAMDISK"), ("linux/Image", b"kernel")]))
    write("bundle", "one-file.cpio", cpio([("boot.list", b"fw0.dtb\n")]))
    write("bundle", "empty.cpio", cpio([]))
    write("bundle", "symlink.cpio", cpio([("boot.list", b"fw0.dtb\n")], [("link", "boot.list")]))


# ---- esr_decode: syndromes of the common load/store forms

def esr_decode():
    ec_dabt, il, isv, sse, sf, wnr, fsc_l3 = 0x24 << 26, 1 << 25, 1 << 24, 1 << 21, 1 << 15, 1 << 6, 0x07
    forms = {
        "ldr-w1": (2 << 22) | (1 << 16),
        "str-x2": (3 << 22) | (2 << 16) | sf | wnr,
        "ldrsb-x3": (0 << 22) | (3 << 16) | sse | sf,
        "ldrh-w30": (1 << 22) | (30 << 16),
        "str-wzr": (2 << 22) | (31 << 16) | wnr,
    }
    regs = b"".join(u64(0x1111111111111111 * (i % 15 + 1)) for i in range(31))
    for name, iss in forms.items():
        esr = ec_dabt | il | isv | iss | fsc_l3
        write("esr_decode", name, u64(esr) + u64(0x80fe) + regs)


# ---- vgic_dist: a guest enabling its distributor and taking interrupts

V_DREAD, V_DWRITE, V_RREAD, V_RWRITE, V_LINE, V_EDGE, V_SETHW, V_RAISEHW, V_SGIR, V_SGI1R, V_RUN, \
    V_PENDING, V_RESET, V_CAN_WAKE = range(14)


def dw(vcpu, off, size, val): return u8(V_DWRITE) + u8(vcpu) + u16(off) + size_code(size) + u64(val)
def dr(vcpu, off, size): return u8(V_DREAD) + u8(vcpu) + u16(off) + size_code(size)
def rw(off, size, val): return u8(V_RWRITE) + u32(off) + size_code(size) + u64(val)
def rr(off, size): return u8(V_RREAD) + u32(off) + size_code(size)
def run(vcpu, states=b""): return u8(V_RUN) + u8(vcpu) + states


def vgic_dist():
    v2 = (u8(0) + u8(1) + u8(4) + dw(0, 0x000, 4, 3) + dw(0, 0x104, 4, 0xffffffff) + dw(0, 0x828, 1, 2) +
          dw(0, 0x428, 1, 0x80) + dw(0, 0xc08, 4, 0x20000) + u8(V_LINE) + u8(0) + u16(40) + u8(1) +
          run(1) + run(1, b"\x02\x02\x02\x02") + u8(V_SGIR) + u8(0) + u32(0x00020003) + run(1) +
          run(1, b"\x00\x00\x00\x00") + dr(1, 0x200, 4) + dr(0, 0xf10, 4) + u8(V_PENDING) + u8(1) +
          u8(V_SETHW) + u16(41) + u16(75) + dw(0, 0x104, 4, 0x200) + u8(V_RAISEHW) + u16(41) + run(0) +
          run(0, b"\x02\x02") + run(0) + dr(0, 0x004, 4) + dr(0, 0xfe8, 4))
    write("vgic_dist", "v2-spi-sgi", v2)
    v3 = (u8(1) + u8(3) + u8(4) + dw(0, 0x000, 4, 2) + rw(0x14, 4, 0) + rw(0x10000 + 0x100, 4, 0xffff) +
          rw(0x10000 + 0x400, 1, 0x40) + dw(0, 0x104, 4, 0xffffffff) + dw(0, 0x6000 + 8 * 40, 8, 2) +
          u8(V_EDGE) + u8(0) + u16(40) + u8(V_SGI1R) + u8(0) + u64((5 << 24) | 0x6) + run(2) +
          run(2, b"\x02\x02\x02") + run(2) + run(2, b"\x00\x00\x00") + rr(0x20000 + 0x8, 8) + rr(0x14, 4) +
          rr(0x10000 + 0x200, 4) + dr(0, 0xffe8, 4) + u8(V_CAN_WAKE) + u8(2) + u32(1 << 27) + u8(V_RESET) +
          run(0))
    write("vgic_dist", "v3-route-sgi1r", v3)


# ---- pl011: a driver setting up the UART, printing and reading typed input

def pl011():
    def op(kind, off, size, rest=b""): return u8(kind) + u16(off) + size_code(size) + rest
    seed = (u8(0) + u16(1) +
            op(1, 0x24, 4, u32(13)) + op(1, 0x2c, 4, u32(0x70)) + op(1, 0x30, 4, u32(0x301)) +
            op(1, 0x38, 4, u32(0x50)) + op(1, 0x00, 4, u32(ord("A"))) +
            op(2 | (2 << 2), 0, 4, b"hi\r") + op(0, 0x18, 4) + op(0, 0x40, 4) + op(0, 0x00, 4) +
            op(0, 0x00, 1) + op(1, 0x44, 4, u32(0x7ff)) + op(0, 0x3c, 4) + op(0, 0xfe0, 4) +
            op(0, 0x01, 1) + op(3, 0, 4) + op(0, 0x30, 4))
    write("pl011", "driver", seed)


# ---- virtio: rings laid out in guest RAM

RAM = 0x40000000
F_NEXT, F_WRITE, F_INDIRECT = 1, 2, 4


def desc(addr, length, flags, nxt): return u64(addr) + u32(length) + u16(flags) + u16(nxt)


def ring_image(descs, extra):
    """A RAM image with the descriptor table at 0 and empty rings, plus (offset, bytes) pieces."""
    image = bytearray(0x600)
    table = b"".join(descs)
    image[:len(table)] = table
    for off, data in extra:
        image[off:off + len(data)] = data
    return bytes(image)


def virtqueue():
    Q_POP, Q_PUSH, Q_INTR, Q_ENABLE, Q_DISABLE, Q_AVAIL, Q_PUBLISH, Q_GWRITE, Q_RACE, Q_REINIT = range(10)
    descs = [desc(RAM + 0x200, 16, F_NEXT, 1), desc(RAM + 0x300, 512, F_WRITE, 0),
             desc(RAM + 0x180, 32, F_INDIRECT, 0)]
    indirect = desc(RAM + 0x210, 8, F_NEXT, 1) + desc(RAM + 0x500, 64, F_WRITE, 0)
    image = ring_image(descs, [(0x180, indirect), (0x200, b"request header!!")])
    header = u8(3) + u8(3) + u16(0x000) + u16(0x080) + u16(0x100) + u16(len(image)) + image
    ops = (u8(Q_PUBLISH) + u16(0) + u8(0) + u8(Q_PUBLISH) + u16(2) + u8(0) + u8(Q_AVAIL) +
           u8(Q_POP) + u16(0) + u16(64) + u8(Q_DISABLE) + u8(Q_POP) + u16(4) + u16(16) +
           u8(Q_PUSH) + u8(0) + u32(512) + u8(Q_PUSH) + u8(0) + u32(64) + u8(Q_INTR) + u8(Q_ENABLE) +
           u8(Q_POP) + u8(Q_RACE) + u16(0x002) + size_code(1) + u64(0x55) + u8(Q_PUBLISH) + u16(0) + u8(0) +
           u8(Q_POP) + u16(0) + u16(16) + u8(Q_GWRITE) + u16(0x082) + size_code(2) + u64(0x40) + u8(Q_POP) +
           u8(Q_REINIT) + u8(Q_INTR))
    write("virtqueue", "chains", header + ops)
    # The same without EVENT_IDX and INDIRECT: the indirect descriptor breaks the queue.
    write("virtqueue", "plain", u8(0) + header[1:] + ops)


def virtio_mmio():
    M_READ, M_WRITE, M_PUBLISH, M_GWRITE, M_SERVE, M_EVENT, M_RESET = range(7)

    def w(off, val): return u8(M_WRITE) + u16(off) + size_code(4) + u32(val)
    def r(off, size=4): return u8(M_READ) + u16(off) + size_code(size)
    descs = [desc(RAM + 0x200, 16, F_NEXT, 1), desc(RAM + 0x300, 64, F_WRITE, 0)]
    image = ring_image(descs, [])
    header = (u8(2) + u8(2) + u16(8) + u16(8) + u16(0) + u16(0) + u16(0) + u16(0x3c) + u64(1 << 9) +
              u16(len(image)) + image)
    handshake = (r(0x000) + r(0x004) + r(0x008) + w(0x070, 1) + w(0x070, 3) + w(0x014, 1) + r(0x010) +
                 w(0x024, 1) + w(0x020, 1) + w(0x024, 0) + w(0x020, 0x30000000) + w(0x070, 0xb) + r(0x070) +
                 w(0x030, 0) + r(0x034) + w(0x038, 8) + w(0x080, RAM) + w(0x084, 0) + w(0x090, RAM + 0x80) +
                 w(0x094, 0) + w(0x0a0, RAM + 0x100) + w(0x0a4, 0) + w(0x044, 1) + r(0x044) + w(0x070, 0xf))
    io = (u8(M_PUBLISH) + u8(0) + u16(0) + w(0x050, 0) + r(0x060) + w(0x064, 1) + r(0x100) + r(0x104, 2) +
          u8(M_WRITE) + u16(0x100) + size_code(1) + u32(7) + r(0x0fc) + u8(M_EVENT) + u8(1) +
          u8(M_PUBLISH) + u8(0) + u16(0) + u8(M_SERVE) + u8(0) + r(0x060) + w(0x064, 3) +
          u8(M_EVENT) + u8(2) + r(0x070) + w(0x070, 0) + r(0x044))
    write("virtio_mmio", "handshake-and-io", header + handshake + io)


def virtio_devices():
    def seg_len(n): return u16(n - 1)

    def chain(outs, ins):
        data = u8(len(outs)) + u8(len(ins))
        for out in outs:
            data += seg_len(len(out)) + out
        for n in ins:
            data += seg_len(n)
        return data

    def hdr(kind, sector): return u32(kind) + u32(0) + u64(sector)
    disk = u8(7) + u8(0) + u8(0) + u8(8)       # 8 sectors, writable, the whole disk
    write("virtio_devices", "blk-read", u8(0) + chain([hdr(0, 1)], [512, 1]) + disk)
    write("virtio_devices", "blk-write", u8(0) + chain([hdr(1, 2)[:5], hdr(1, 2)[5:] + bytes(100),
                                                         bytes(range(256)) + bytes(156)], [1]) + disk)
    write("virtio_devices", "blk-discard", u8(0) + chain([hdr(11, 0), u64(3) + u32(2) + u32(0)], [1]) + disk)
    write("virtio_devices", "blk-get-id", u8(0) + chain([hdr(8, 0)], [21]) + disk)
    write("virtio_devices", "blk-flush", u8(0) + chain([hdr(4, 0)], [1]) + disk)
    frame = bytes([0xff] * 6 + [0x52, 0x54, 0, 0x12, 0x34, 0x56, 0x08, 0x06]) + bytes(46)
    write("virtio_devices", "net-tx", u8(1) + chain([bytes(12), frame], []) + u16(1514))
    write("virtio_devices", "net-rx", u8(2) + chain([], [1526]) + u16(len(frame)) + frame)


# ---- shell_line: what people type

def shell_line():
    lines = {
        "guest-list": b"guest list\r",
        "guest-create": b"guest create fw1.dtb\r\n",
        "quoted": b"vserial bind 'linux0/uart0' \"a b\" c\\ d\r",
        "history": b"help\rguest list\r\x1b[A\x1b[A\x1b[B\r",
        "editing": b"abcdef\x1b[D\x1b[D\x7fX\x1b[3~\x01Y\x05Z\x1b[H\x1b[F\x1bOA\r",
        "cancel": b"guest\x03unknown cmd\r",
        "unterminated": b"echo 'unterminated\r",
    }
    for name, text in lines.items():
        write("shell_line", name, text)


def main():
    if not os.path.isdir(CORPUS):
        sys.exit("run from the top of the Mantle tree")
    guest_dts()
    bundle()
    esr_decode()
    vgic_dist()
    pl011()
    virtqueue()
    virtio_mmio()
    virtio_devices()
    shell_line()


if __name__ == "__main__":
    main()
