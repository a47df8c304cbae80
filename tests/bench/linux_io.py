#!/usr/bin/python3
"""make bench: virtio-blk and virtio-net throughput of a Linux guest under Mantle.

Under qemu-system-aarch64 -icount shift=0 (deterministic: 1 ns per instruction). The guest times
each transfer with its own clock (kernel log time stamps written around the command). virtio-blk sequential read and
write (busybox dd, O_DIRECT, 1 MiB blocks, 32 MiB) run natively too: the same kernel at EL1 with
the same disk image as a QEMU virtio-blk device; the ratio is Mantle over native throughput.
Guest-to-guest virtio-net (linux0 to linux1 through Mantle's switch, busybox nc) has no native
counterpart on one QEMU. Results join build/bench/results.json.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

import pexpect

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "../.."))
BUILD = os.path.join(ROOT, "build")
QEMU = os.environ.get("QEMU", "qemu-system-aarch64")
KIT = os.path.join(BUILD, "guestkit", "cloud")
TIMEOUT = 1800
MIB = 32
TIMED = re.compile(r"\[\s*(\d+\.\d+)\] BENCH-A[\s\S]*?\[\s*(\d+\.\d+)\] BENCH-B")
OPS = {
    "virtio-blk sequential read": f"dd if=/dev/vda of=/dev/null bs=1M count={MIB} iflag=direct",
    "virtio-blk sequential write": f"dd if=/dev/zero of=/dev/vda bs=1M count={MIB} oflag=direct; sync",
}


def timed(child, command):
    """Run command in the guest shell; MiB/s by the guest's clock (kernel log stamps: 1 us)."""
    child.send(f"echo BENCH-A >/dev/kmsg; {command} 2>/dev/null; echo BENCH-B >/dev/kmsg; "
               f"dmesg | grep BENCH- | tail -2; dmesg -c >/dev/null\r")
    child.expect(TIMED)
    seconds = float(child.match.group(2)) - float(child.match.group(1))
    return round(MIB / max(seconds, 1e-6), 2)


def spawn(args):
    child = pexpect.spawn(QEMU, args, encoding="utf-8", codec_errors="replace", timeout=TIMEOUT)
    child.logfile_read = open(os.path.join(BUILD, "bench", "linux_io.log"), "a")
    return child


def shell_ready(child):
    child.expect("MANTLE-GUEST-READY")
    child.expect(r"# ")
    child.send("stty cols 1000\r")
    child.expect(r"# ")


def native(gic, disk):
    child = spawn(["-M", f"virt,gic-version={gic}", "-cpu", "cortex-a57", "-smp", "2", "-m", "512M",
                   "-icount", "shift=0", "-nographic", "-kernel", os.path.join(KIT, "Image"),
                   "-initrd", os.path.join(KIT, "initramfs.cpio.gz"),
                   "-append", "console=ttyAMA0 nokaslr quiet",
                   "-global", "virtio-mmio.force-legacy=false",
                   "-drive", f"if=none,file={disk},format=raw,id=d0", "-device", "virtio-blk-device,drive=d0"])
    try:
        shell_ready(child)
        return {op: timed(child, cmd) for op, cmd in OPS.items()}
    finally:
        child.terminate(force=True)


def under_mantle(gic, disk):
    child = spawn(["-M", f"virt,virtualization=on,gic-version={gic}", "-cpu", "cortex-a57", "-smp", "4",
                   "-m", "2G", "-icount", "shift=0", "-nographic",
                   "-kernel", os.path.join(BUILD, "mantle.bin"),
                   "-initrd", os.path.join(BUILD, "mantle-bundle.cpio"),
                   "-global", "virtio-mmio.force-legacy=false",
                   "-drive", f"if=none,file={disk},format=raw,id=disk0", "-device", "virtio-blk-device,drive=disk0"])
    try:
        child.expect("mantle> ")
        child.send("guest destroy fw0\r")
        child.expect("mantle> ")
        child.send("vserial bind linux1/uart0\r")
        shell_ready(child)
        child.send("\x1dq")
        child.expect("mantle> ")
        child.send("vserial bind linux0/uart0\r")
        shell_ready(child)
        result = {op: timed(child, cmd) for op, cmd in OPS.items()}
        # linux0 serves zeroes; linux1 (bound next) times receiving them.
        child.send(f"(dd if=/dev/zero bs=1M count={MIB} 2>/dev/null | nc -l -p 5000 &)\r")
        child.expect(r"# ")
        child.send("\x1dq")
        child.expect("mantle> ")
        child.send("vserial bind linux1/uart0\r")
        child.expect(r"live; Ctrl-\]")
        child.send("\r")
        child.expect(r"# ")
        result["virtio-net guest to guest"] = timed(child, "nc 10.0.0.10 5000 | wc -c")
        return result
    finally:
        child.terminate(force=True)


def main():
    os.makedirs(os.path.join(BUILD, "bench"), exist_ok=True)
    results_path = os.path.join(BUILD, "bench", "results.json")
    ops = set(OPS) | {"virtio-net guest to guest"}
    try:
        with open(results_path) as f:
            results = [r for r in json.load(f) if r.get("operation") not in ops]
    except (OSError, ValueError):
        results = []
    with tempfile.TemporaryDirectory() as tmp:
        disk = os.path.join(tmp, "disk0.img")
        for gic in (2, 3):
            subprocess.run([os.path.join(ROOT, "scripts", "mkdisk.sh"), disk], check=True,
                           capture_output=True)
            nat = native(gic, disk)
            man = under_mantle(gic, disk)
            for op, value in man.items():
                row = {"operation": op, "gic": gic, "unit": "MiB/s", "mantle": value,
                       "native": nat.get(op), "added": None,
                       "ratio": round(value / nat[op], 3) if op in nat else None}
                results.append(row)
                print(f"{op:32} {gic:>3} {'MiB/s':>6} {value:>10.2f} "
                      f"{row['native'] if row['native'] is not None else '-':>10} {'':>10} "
                      f"{row['ratio'] if row['ratio'] is not None else '-':>7}")
    with open(results_path, "w") as f:
        json.dump(results, f, indent=1)
    print(f"written to {results_path}")


if __name__ == "__main__":
    sys.exit(main())
