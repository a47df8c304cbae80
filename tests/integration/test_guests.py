"""Guests: our firmware runs as isolated guests; the shell manages their whole life."""
import re

from mantle_console import strip_log_lines

import pytest

RESULT = re.compile(r"fw: (\d+) passed, (\d+) failed")


def bind(m, port, history=True):
    """Hand the console to port. Mantle replays the port's history, then a banner, then goes
    live; with history, later expect_text calls search the replay first, else only live output."""
    m.send(f"vserial bind {port}\r")
    m.expect(re.escape(f"[{port}: live; Ctrl-] then q returns to the shell]") + r"\r*\n")
    raw = m.child.before.replace("\r", "")
    # Mantle puts the banner on a line of its own: the newline before it is not the guest's,
    # and without it a line the guest was half-way through joins up with its live rest.
    if raw.endswith("\n"):
        raw = raw[:-1]
    replay = strip_log_lines(raw)
    m._text_carry = replay if history else ""
    return replay


def unbind(m):
    m.send("\x1dq")
    m.expect(r"\[back to mantle")
    m.wait_prompt()


def firmware_results(m, port, timeout=60):
    """Bind to port, read the firmware's self-test summary, return (passed, failed)."""
    bind(m, port)
    match = m.expect_text(RESULT.pattern, timeout)
    unbind(m)
    passed, failed = int(match.group(1)), int(match.group(2))
    if failed:
        fails = "\n".join(l for l in strip_log_lines(m.console_log().replace("\r", "")).splitlines()
                          if re.match(r"TEST \S+ FAIL", l))
        raise AssertionError(f"{port}: {passed} passed, {failed} failed:\n{fails}")
    return passed, failed


def guest_row(m, name):
    rows = [l.split() for l in m.run("guest list").splitlines() if l.split()[:1] == [name]]
    return rows[0] if rows else None


def fw_command(m, port, command, expect):
    bind(m, port, history=False)
    m.send(command + "\r")
    m.expect_text(expect)
    unbind(m)


@pytest.mark.parametrize("gic", [2, 3])
def test_default_guests_run_and_pass_their_self_tests(boot_mantle, gic):
    m = boot_mantle(gic=gic, cpu="max", smp=4)
    log = m.console_log()
    assert "guest fw0: created from fw0.dtb (1 vCPUs)" in log
    assert "guest fw1: created from fw1.dtb (2 vCPUs)" in log
    out = m.run("guest list")
    assert re.search(r"^fw0\s+running\s+1\s+64 MiB\s+0$", out, re.M), out
    assert re.search(r"^fw1\s+running\s+2\s+", out, re.M), out
    for port in ("fw0/uart0", "fw1/uart0"):
        passed, failed = firmware_results(m, port)
        assert failed == 0 and passed >= 25, f"{port}: {passed} passed, {failed} failed"
    # what the firmware provoked was logged, and nothing else was disturbed
    log = m.console_log()
    # LORID_EL1 traps to Mantle on -cpu max (FEAT_LOR), which refuses it and says so
    assert re.search(r"guest fw0: vcpu0: read of system register op0=3 op1=0 CRn=10 CRm=4 op2=7 "
                     r"at pc 0x[0-9a-f]+: UNDEFINED", log), "the LOR trap was not logged"
    assert re.search(r"guest fw0: vcpu0: read at IPA 0x20000000 .*outside its memory", log)
    assert "cpus online: 4 of 4" in m.run("host info")


def test_firmware_answers_through_vserial(boot_mantle):
    m = boot_mantle(gic=3, cpu="cortex-a57", smp=4)
    firmware_results(m, "fw0/uart0")
    fw_command(m, "fw0/uart0", "hello", r"fw: hello from fw0")
    fw_command(m, "fw1/uart0", "hello", r"fw: hello from fw1")
    ports = m.run("vserial list")
    assert re.search(r"^fw0/uart0\s+-\s+\d+$", ports, re.M), ports
    assert re.search(r"^fw1/uart0\s+-\s+\d+$", ports, re.M), ports
    assert m.run("vserial bind nope/uart0").strip() == \
        "error: vserial bind: no port named 'nope/uart0' (see vserial list)"


def test_three_smp_guests_on_four_pcpus(boot_mantle):
    m = boot_mantle(gic=3, cpu="max", smp=4)
    assert "created guest smp2 (2 vCPUs)" in m.run("guest create smp2.dtb")
    assert "created guest smp3 (3 vCPUs)" in m.run("guest create smp3.dtb")
    for port in ("fw1/uart0", "smp2/uart0", "smp3/uart0"):
        passed, failed = firmware_results(m, port)
        assert failed == 0, f"{port}: {failed} failed"
    vcpus = m.run("vcpu list")
    for name in ("fw1/0", "fw1/1", "smp2/0", "smp2/1", "smp3/0", "smp3/1", "smp3/2"):
        assert re.search(rf"^{re.escape(name)}\s+\d+\s+\w+\s+(on|off)\s+\d+", vcpus, re.M), vcpus
    # the shell shares CPU 0 with smp2/0 and still answers
    assert "cpus online: 4 of 4" in m.run("host info")


def test_shell_stays_responsive_while_a_guest_spins_on_its_cpu(boot_mantle):
    m = boot_mantle(gic=2, cpu="cortex-a57", smp=2)
    m.run("guest create smp2.dtb")
    firmware_results(m, "smp2/uart0")
    bind(m, "smp2/uart0")
    m.send("spin\r")
    m.expect(r"spin")
    unbind(m)
    for _ in range(3):
        assert "cpus online: 2 of 2" in m.run("host info")
    assert re.search(r"smp2/0\s+0\s+(running|ready)", m.run("vcpu list"))


def test_pause_resume_reset_destroy_and_create_again(boot_mantle):
    m = boot_mantle(gic=3, cpu="max", smp=4)
    firmware_results(m, "fw1/uart0")
    pages_before = None

    assert m.run("guest pause fw1").strip() == "guest fw1 paused"
    assert guest_row(m, "fw1")[1] == "paused"
    vcpus = m.run("vcpu list")
    assert re.search(r"^fw1/0\s+2\s+blocked", vcpus, re.M), vcpus
    assert m.run("guest pause fw1").strip() == "error: guest pause: fw1 is paused (needs running)"
    assert m.run("guest resume fw1").strip() == "guest fw1 resumed"
    fw_command(m, "fw1/uart0", "hello", r"fw: hello from fw1")

    assert m.run("guest reset fw1").strip() == "guest fw1 reset"
    assert guest_row(m, "fw1")[-1] == "1"          # restarts
    bind(m, "fw1/uart0")
    # the history shows a second boot banner and a second full run
    m.expect_text(r"fw: fw1 up[\s\S]*fw: fw1 up[\s\S]*" + RESULT.pattern, timeout=60)
    unbind(m)

    pages_free = lambda: int(re.search(r"(\d+) free \(", m.run("heap")).group(1))
    with_fw1 = pages_free()
    assert m.run("guest destroy fw1").strip() == "guest fw1 destroyed"
    assert guest_row(m, "fw1") is None
    assert "fw1/uart0" not in m.run("vserial list")
    assert "fw1/" not in m.run("vcpu list")
    freed = pages_free() - with_fw1
    assert freed >= 64 * 1024 // 4 + 16, f"destroy freed only {freed} pages"
    assert m.run("guest info fw1").strip() == "error: guest info: no guest named 'fw1'"

    assert "created guest fw1 (2 vCPUs)" in m.run("guest create fw1.dtb")
    assert pages_free() == with_fw1                 # the same memory, no leak
    passed, failed = firmware_results(m, "fw1/uart0")
    assert failed == 0


def test_guest_poweroff_and_crash_leave_the_other_guest_running(boot_mantle):
    m = boot_mantle(gic=2, cpu="max", smp=4)
    firmware_results(m, "fw0/uart0")
    firmware_results(m, "fw1/uart0")
    bind(m, "fw0/uart0")
    m.send("off\r")
    m.expect(r"guest fw0: stopped \(powered off\)")
    unbind(m)
    assert guest_row(m, "fw0")[1] == "stopped"
    assert re.search(r"^state:\s+stopped \(powered off\)$", m.run("guest info fw0"), re.M)
    fw_command(m, "fw1/uart0", "hello", r"fw: hello from fw1")

    bind(m, "fw1/uart0")
    m.send("crash\r")
    unbind(m)
    # fw0 can be started again from its images, and answers while fw1 is wrecked
    assert m.run("guest kick fw0").strip() == "guest fw0 started"
    passed, failed = firmware_results(m, "fw0/uart0")
    assert failed == 0
    fw_command(m, "fw0/uart0", "hello", r"fw: hello from fw0")
    assert "cpus online: 4 of 4" in m.run("host info")


def test_memmap_dumpmem_dumpreg_and_devtree(boot_mantle):
    m = boot_mantle(gic=3, cpu="max", smp=4)
    firmware_results(m, "fw1/uart0")
    mm = m.run("guest memmap fw1")
    assert re.search(r"^0x040000000-0x043ffffff -> 0x0[0-9a-f]{8} ram\s+32 x 2 MiB$", mm, re.M), mm
    assert re.search(r"^0x000000000-0x00000ffff -> 0x0[0-9a-f]{8} rom\s+16 x 4 KiB$", mm, re.M), mm
    assert re.search(r"0x009000000-0x009000fff\s+emulated\s+uart0 \(arm,pl011\)", mm), mm

    info = m.run("guest info fw1")
    dtb = re.search(r"dtb at (0x[0-9a-f]+)", info).group(1)
    dump = m.run(f"guest dumpmem fw1 {dtb} 16")
    assert re.match(r"\s*0x0[0-9a-f]+: d0 0d fe ed", dump), dump
    assert m.run("guest dumpmem fw1 0x80000000 16").strip() == \
        "error: guest dumpmem: 0x80000000+16 is not in fw1's memory"
    assert "must be numbers" in m.run("guest dumpmem fw1 0xzz 16")

    regs = m.run("vcpu dumpreg fw1/1")
    assert re.search(r"^x30 0x[0-9a-f]{16}  pc  0x[0-9a-f]{16}$", regs, re.M), regs
    assert m.run("vcpu dumpreg fw1/7").strip() == "error: vcpu dumpreg: fw1 has vCPUs 0..1, not '7'"

    chosen = m.run("devtree print /chosen")
    assert re.search(r"linux,initrd-start = <", chosen), chosen
    assert m.run("devtree print /nope").strip() == \
        "error: devtree print: no node '/nope' in the host device tree"


@pytest.mark.parametrize("dtb,message", [
    ("bad-overlap.dtb", r"error: guest create: bad-overlap\.dtb: /uart0@40001000: .*overlap.*"),
    ("bad-pcpu.dtb", r"error: guest create: bad-pcpu\.dtb: /cpus/cpu@0: .*CPU 9.*"),
    ("bad-bigkernel.dtb", r"error: guest create: bad-bigkernel\.dtb: kernel fw\.bin \(.* loaded at 0x40080000\) is larger than RAM memory \(64 KiB\)"),
    ("missing.dtb", r"error: guest create: missing\.dtb is not in the guest bundle"),
    ("fw0.dtb", r"error: guest create: fw0\.dtb: a guest named fw0 exists already"),
])
def test_bad_descriptions_are_refused_and_change_nothing(boot_mantle, dtb, message):
    m = boot_mantle(gic=3, cpu="cortex-a57", smp=4)
    before = m.run("guest list")
    pages = re.search(r"(\d+) free \(", m.run("heap")).group(1)
    out = m.run(f"guest create {dtb}").strip()
    assert re.fullmatch(message, out), out
    assert m.run("guest list") == before
    assert re.search(r"(\d+) free \(", m.run("heap")).group(1) == pages


def test_lifecycle_commands_reject_unknown_guests(boot_mantle):
    m = boot_mantle(gic=2, cpu="cortex-a57", smp=1)
    for op in ("info", "kick", "pause", "resume", "reset", "destroy", "memmap"):
        assert m.run(f"guest {op} ghost").strip() == f"error: guest {op}: no guest named 'ghost'"
    assert m.run("guest pause").strip() == "error: guest pause: usage: guest pause NAME"


def test_passthrough_maps_a_host_device_and_refuses_what_is_taken(boot_mantle):
    m = boot_mantle(gic=3, cpu="max", smp=4)
    assert "created guest pt0 (1 vCPUs)" in m.run("guest create passthrough.dtb")
    mm = m.run("guest memmap pt0")
    assert re.search(r"^0x00a000000-0x00a000fff -> 0x00a000000 device 1 x 4 KiB$", mm, re.M), mm
    info = m.run("guest info pt0")
    assert "mmio0      passthrough of host 0xa000000+0x1000 at 0xa000000, host irq 48" in info
    firmware_results(m, "pt0/uart0")
    # the guest reads the real device: QEMU's virtio-mmio magic "virt"
    fw_command(m, "pt0/uart0", "read 0x0a000000", r"0xa000000: 0x74726976")

    assert m.run("guest create bad-passthrough-taken.dtb").strip() == (
        "error: guest create: bad-passthrough-taken.dtb: mmio0: host range 0xa000000+0x1000 belongs to pt0")
    assert m.run("guest create bad-passthrough-uart.dtb").strip() == (
        "error: guest create: bad-passthrough-uart.dtb: mmio0: host range 0x9000000+0x1000 "
        "belongs to mantle: pl011 console")
    assert m.run("guest create bad-passthrough-ram.dtb").strip() == (
        "error: guest create: bad-passthrough-ram.dtb: mmio0: host range 0x40000000+0x1000 is host RAM")
    # destroying pt0 frees the device for another guest
    m.run("guest destroy pt0")
    assert "created guest pt1 (1 vCPUs)" in m.run("guest create bad-passthrough-taken.dtb")


def run_suite(m, port, suite, timeout=180):
    """Run one of the firmware's on-request suites; return (passed, failed, its output)."""
    firmware_results(m, port)                      # the boot-time run is over
    bind(m, port, history=False)
    m.send(f"run {suite}\r")
    match = m.expect_text(rf"run {suite}[\s\S]*?" + RESULT.pattern, timeout)
    unbind(m)
    return int(match.group(1)), int(match.group(2)), match.group(0)


def run_irq_suite(m, port):
    """The firmware's on-request interrupt suite (vGIC, SGIs, timers); returns (passed, failed)."""
    return run_suite(m, port, "irq")[:2]


@pytest.mark.parametrize("gic", [2, 3])
def test_firmware_interrupt_suite_on_the_vgic(boot_mantle, gic):
    m = boot_mantle(gic=gic, cpu="max", smp=4)
    passed, failed = run_irq_suite(m, "fw1/uart0")
    assert (passed, failed) == (8, 0), f"irq suite: {passed} passed, {failed} failed"


@pytest.mark.parametrize("gic", [2, 3])
def test_passthrough_interrupt_is_hardware_linked(boot_mantle, gic):
    # QEMU virt's PL031 RTC (host SPI 2) given to guest ptrtc: its match interrupt reaches the
    # guest, and fires again only because the guest's deactivation reached the host interrupt.
    m = boot_mantle(gic=gic, cpu="max", smp=4)
    assert "created guest ptrtc" in m.run("guest create ptrtc.dtb")
    firmware_results(m, "ptrtc/uart0")
    for run in (1, 2):
        fw_command(m, "ptrtc/uart0", "rtcirq 09010000 34", r"rtcirq: 2 of 2 interrupts")
        irqs = m.run("host irq")
        row = [l.split() for l in irqs.splitlines() if l.split()[:1] == ["34"]]
        assert row and row[0][-1] == "ptrtc" and int(row[0][4]) == 2 * run, irqs
    # destroying the guest gives the interrupt back
    m.run("guest destroy ptrtc")
    row = [l for l in m.run("host irq").splitlines() if l.split()[:1] == ["34"]]
    assert not row or row[0].rstrip().endswith("(no handler)"), row
