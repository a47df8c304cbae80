#!/usr/bin/python3
"""make bench: Mantle's exit paths timed from inside a guest, against the same firmware run natively.

The test firmware (tests/guests/fw, bench*.c) times each path with the PMU cycle counter under
qemu-system-aarch64 -icount shift=0,sleep=off, where a cycle is one instruction executed anywhere in
the machine, so every figure is exact and repeatable. Three runs per GIC version:
  native  the firmware at EL1 on QEMU virt, no EL2: what each operation costs on the bare machine
  stub    the firmware under an EL2 stub whose vectors only return: the bare exception round trip
  mantle  the firmware as guest bench0 (4 vCPUs on 2 host CPUs) beside its partner bench1
Rows join build/bench/results.json; make bench then draws the chart.
"""
import json
import os
import re
import sys
import time

import pexpect

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "../.."))
BUILD = os.environ.get("MANTLE_BUILD", os.path.join(ROOT, "build"))
QEMU = os.environ.get("QEMU", "qemu-system-aarch64")
FW = os.environ.get("MANTLE_BENCH_FW", os.path.join(BUILD, "guests", "fw.bin"))
MANTLE = os.environ.get("MANTLE_BIN", os.path.join(BUILD, "mantle.bin"))
BUNDLE = os.environ.get("MANTLE_BENCH_BUNDLE", os.path.join(BUILD, "bench-bundle.cpio"))
ICOUNT = ["-icount", "shift=0,sleep=off"]
TIMEOUT = 600
LINE = re.compile(r"BENCH (\S+) n=(\d+) min=(\d+) med=(\d+) p99=(\d+) unit=(\S+)")

# What each row compares: (label, benchmark, baseline run, baseline benchmark, target added).
# A target is the bound on instructions added over the native operation.
ROWS = [
    ("null hypercall (HVC)", "hypercall", "stub", "hypercall", 150),
    ("GIC distributor read (trap)", "gicd_read", "native", "gicd_read", 250),
    ("emulated PL011 read", "uart_read", "native", "uart_read", 250),
    ("emulated PL011 write", "uart_write", "native", "uart_write", 250),
    ("virtual IRQ completion (EOI)", "virq_eoi", "native", "virq_eoi", 0),
    ("virtual IPI round trip", "ipi_roundtrip", "native", "ipi_roundtrip", 1400),
    ("WFI wake-up round trip (IPI)", "wfi_wakeup_roundtrip", "native", "wfi_wakeup_roundtrip", None),
    ("vtimer deadline to handler", "vtimer_running", "native", "vtimer_running", 400),
    ("vtimer deadline to handler (WFI)", "vtimer_wfi", "native", "vtimer_wfi", None),
    ("pointer chase, 1000 steps", "pointer_chase_1000", "native", "pointer_chase_1000", None),
    ("spin-lock wait (4 vCPUs, 2 CPUs)", "spinlock_wait", "native", "spinlock_wait", None),
    ("spin-lock hand-over (average)", "spinlock_handover_avg", "native", "spinlock_handover_avg", None),
    ("I/O out: virtio notify", "io_notify", None, None, None),
    ("I/O round trip: notify to handler", "io_roundtrip", None, None, None),
    ("VM switch ping-pong (2 switches)", "vm_switch_pingpong", None, None, None),
    ("floor: 33 LDP/STP", "floor_33_ldp_stp", None, None, None),
]


class Console:
    def __init__(self, args):
        self.args = args
        self.log = []
        self.child = pexpect.spawn(QEMU, args, encoding="utf-8", codec_errors="replace", timeout=TIMEOUT)
        self.child.logfile_read = self

    def write(self, s):
        self.log.append(s)

    def flush(self):
        pass

    def expect(self, pattern, timeout=TIMEOUT):
        try:
            self.child.expect(pattern, timeout=timeout)
        except (pexpect.TIMEOUT, pexpect.EOF) as e:
            sys.exit(f"bench: {type(e).__name__} waiting for {pattern!r} in {QEMU} {' '.join(self.args)}\n"
                     f"--- console:\n{''.join(self.log)[-6000:]}")
        return self.child.match

    def close(self):
        self.child.terminate(force=True)


def results_from(text):
    found = {}
    for m in LINE.finditer(text):
        found[m.group(1)] = {"n": int(m.group(2)), "min": int(m.group(3)), "med": int(m.group(4)),
                             "p99": int(m.group(5)), "unit": m.group(6)}
    return found


def firmware_alone(gic, host):
    machine = f"virt,gic-version={gic}" + (",virtualization=on" if host == "stub" else "")
    c = Console(["-M", machine, "-cpu", "max", "-smp", "4", "-m", "256M", *ICOUNT, "-nographic",
                 "-kernel", FW, "-append", f"bench bench-host={host}"])
    try:
        c.expect("BENCH DONE")
        return results_from("".join(c.log).replace("\r", ""))
    finally:
        c.close()


def under_mantle(gic):
    c = Console(["-M", f"virt,virtualization=on,gic-version={gic}", "-cpu", "max", "-smp", "2",
                 "-m", "1G", *ICOUNT, "-nographic", "-kernel", MANTLE, "-initrd", BUNDLE])
    try:
        c.expect(r"guest bench0: stopped \(powered off\)")
        c.child.send("guest stats bench0\r")
        c.expect(r"guest stats bench0[\r\n]+")
        c.expect("mantle> ")
        stats = c.child.before.replace("\r", "")
        c.child.send("vserial bind bench0/uart0\r")
        c.expect("BENCH DONE")
        return results_from("".join(c.log).replace("\r", "")), stats
    finally:
        c.close()


def table(runs, gic):
    rows = []
    for label, name, base_run, base_name, target in ROWS:
        m = runs["mantle"].get(name)
        if not m:
            continue
        base = runs[base_run].get(base_name) if base_run else None
        row = {"operation": label, "gic": gic, "unit": m["unit"], "mantle": m["med"],
               "mantle_min": m["min"], "mantle_p99": m["p99"],
               "native": base["med"] if base else None,
               "added": m["med"] - base["med"] if base else None,
               "ratio": round(m["med"] / base["med"], 3) if base and base["med"] else None,
               "baseline": (f"{base_run} {base_name}" if base else None), "target_added": target}
        rows.append(row)
    return rows


def fmt(v):
    return "-" if v is None else str(v)


def main():
    out = os.path.join(BUILD, "bench", "results.json")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    labels = {r[0] for r in ROWS}
    try:
        with open(out) as f:
            kept = [r for r in json.load(f) if r.get("operation") not in labels]
    except (OSError, ValueError):
        kept = []
    rows, missed = [], []
    print(f"{'operation':36} {'gic':>3} {'mantle':>9} {'p99':>9} {'native':>9} {'added':>9} "
          f"{'ratio':>7} {'target':>7}   (cycles = instructions, median of the samples)")
    for gic in (2, 3):
        t0 = time.monotonic()
        runs = {"native": firmware_alone(gic, "native"), "stub": firmware_alone(gic, "stub")}
        runs["mantle"], stats = under_mantle(gic)
        for row in table(runs, gic):
            rows.append(row)
            target = row["target_added"]
            verdict = ""
            if target is not None and row["added"] is not None:
                verdict = "ok" if row["added"] <= target else "MISS"
                if verdict == "MISS":
                    missed.append(f"{row['operation']} (GICv{gic}): {row['added']} > {target}")
            print(f"{row['operation']:36} {gic:>3} {row['mantle']:>9} {row['mantle_p99']:>9} "
                  f"{fmt(row['native']):>9} {fmt(row['added']):>9} {fmt(row['ratio']):>7} "
                  f"{fmt(target):>7} {verdict}")
        print(f"--- GICv{gic}: {time.monotonic() - t0:.0f} s wall; Mantle's own count for bench0:")
        print("\n".join("    " + l for l in stats.strip().splitlines()[1:]))
    with open(out, "w") as f:
        json.dump(kept + rows, f, indent=1)
    print(f"written to {out}")
    if missed:
        print("targets missed:\n  " + "\n  ".join(missed))


if __name__ == "__main__":
    main()
