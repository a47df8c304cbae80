#!/usr/bin/python3
"""make bench: Linux boot time under Mantle against the same kernel booted natively.

Both runs use qemu-system-aarch64 -icount shift=0 (1 ns of emulated time per instruction), so the
kernel's own clock at the ready marker (/proc/uptime, printed by the kit's init) is deterministic.
Natively the kernel runs at EL1 on QEMU virt; under Mantle the other guests are destroyed first so
only Mantle and the measured guest run. Results join build/bench/results.json.
"""
import json
import os
import re
import sys
import time

import pexpect

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "../.."))
BUILD = os.path.join(ROOT, "build")
QEMU = os.environ.get("QEMU", "qemu-system-aarch64")
KIT = os.path.join(BUILD, "guestkit", "cloud")
UPTIME = re.compile(r"MANTLE-GUEST-UPTIME (\d+\.\d+)")
TIMEOUT = 900


def run(args, steps):
    child = pexpect.spawn(QEMU, args, encoding="utf-8", codec_errors="replace", timeout=TIMEOUT)
    log = []
    child.logfile_read = type("L", (), {"write": lambda self, s: log.append(s), "flush": lambda self: None})()
    try:
        return steps(child)
    except (pexpect.TIMEOUT, pexpect.EOF) as e:
        sys.exit(f"bench: {type(e).__name__} in {' '.join(args)}\n--- console:\n{''.join(log)[-4000:]}")
    finally:
        child.terminate(force=True)


def native(gic):
    args = ["-M", f"virt,gic-version={gic}", "-cpu", "cortex-a57", "-smp", "2", "-m", "512M",
            "-icount", "shift=0", "-nographic", "-kernel", os.path.join(KIT, "Image"),
            "-initrd", os.path.join(KIT, "initramfs.cpio.gz"),
            "-append", "console=ttyAMA0 nokaslr quiet"]
    def steps(c):
        c.expect(UPTIME)
        return float(c.match.group(1))
    return run(args, steps)


def under_mantle(gic):
    args = ["-M", f"virt,virtualization=on,gic-version={gic}", "-cpu", "cortex-a57", "-smp", "4",
            "-m", "2G", "-icount", "shift=0", "-nographic", "-kernel", os.path.join(BUILD, "mantle.bin"),
            "-initrd", os.path.join(BUILD, "mantle-bundle.cpio")]
    def steps(c):
        c.expect("mantle> ")
        for name in ("linux0", "linux1", "fw0"):
            c.send(f"guest destroy {name}\r")
            c.expect(rf"guest {name} destroyed|no guest named")
            c.expect("mantle> ")
        c.send("guest create linuxbench.dtb\r")
        c.expect("started guest linuxbench")
        c.expect("mantle> ")
        c.send("vserial bind linuxbench/uart0\r")
        c.expect(UPTIME)
        return float(c.match.group(1))
    return run(args, steps)


def main():
    results_path = os.path.join(BUILD, "bench", "results.json")
    os.makedirs(os.path.dirname(results_path), exist_ok=True)
    try:
        with open(results_path) as f:
            results = [r for r in json.load(f) if r.get("operation") != "linux boot to ready marker"]
    except (OSError, ValueError):
        results = []
    print(f"{'operation':32} {'gic':>3} {'unit':>6} {'mantle':>10} {'native':>10} {'added':>10} {'ratio':>7}")
    for gic in (2, 3):
        t0 = time.monotonic()
        nat = native(gic)
        man = under_mantle(gic)
        row = {"operation": "linux boot to ready marker", "gic": gic, "unit": "s",
               "mantle": man, "native": nat, "added": round(man - nat, 3),
               "ratio": round(man / nat, 3)}
        results.append(row)
        print(f"{row['operation']:32} {gic:>3} {'s':>6} {man:>10.3f} {nat:>10.3f} "
              f"{row['added']:>10.3f} {row['ratio']:>7.3f}   ({time.monotonic() - t0:.0f} s wall)")
    with open(results_path, "w") as f:
        json.dump(results, f, indent=1)
    print(f"written to {results_path}")


if __name__ == "__main__":
    main()
