"""Unmodified Debian Linux (tests/guestkit) under Mantle: SMP, timers, interrupts, power."""
import itertools
import re

import pytest

from mantle_console import LINUX_BUNDLE
from test_guests import bind, unbind, guest_row

READY = "MANTLE-GUEST-READY"
BOOT_TIMEOUT = 300
_markers = itertools.count()


def wait_linux(m, port):
    """Bind to port and wait until the guest's /init said it is ready."""
    bind(m, port)
    m.expect_text(READY, BOOT_TIMEOUT)
    # The shell starts after the marker; typed too early, input is echoed before it reads it.
    m.expect_text(r"built-in shell[\s\S]*# ", 60)


def sh(m, command, timeout=60):
    """Run command in the bound guest's shell; return its output (log lines and CRs removed).

    Waits for the next prompt too, so the following command is never typed ahead: a busy
    shell's tty echoes typed-ahead input once, and the line editor echoes it again.
    """
    marker = f"__mantle_{next(_markers)}__"
    echo = f"{command}; echo {marker}\n"
    m.send(f"{command}; echo {marker}\r")
    match = m.expect_text(rf"(?ms){re.escape(echo)}(.*?)^{marker}\n", timeout)
    out = match.group(1).rsplit(echo, 1)[-1]
    m.expect_text(r"# ", 30)
    return out


def two_timestamps(m, seconds):
    """`date +%s` around `sleep seconds`: the two values, or a failure with the console log."""
    out = sh(m, f"date +%s; sleep {seconds}; date +%s")
    stamps = re.findall(r"^\d+$", out, re.M)
    if len(stamps) != 2 or len(out.split()) != 2:
        m.fail(f"expected two timestamps, got {out!r}")
    return [int(x) for x in stamps]


def interrupt_counts(m):
    """(timer count summed over CPUs, IPI count summed) from /proc/interrupts."""
    text = sh(m, "cat /proc/interrupts")
    timer = ipi = 0
    for line in text.splitlines():
        fields = line.split()
        counts = [int(f) for f in fields[1:] if f.isdigit()]
        if "arch_timer" in line:
            timer += sum(counts)
        elif fields and fields[0].startswith("IPI"):
            ipi += sum(counts)
    return timer, ipi


@pytest.mark.parametrize("gic", [2, 3])
def test_linux_boots_with_two_cpus_keeps_time_and_powers_off(boot_mantle, gic):
    m = boot_mantle(gic=gic, cpu="max", smp=4, bundle=LINUX_BUNDLE)
    wait_linux(m, "linux0/uart0")
    assert sh(m, "grep -c ^processor /proc/cpuinfo").strip() == "2"
    timer1, ipi1 = interrupt_counts(m)
    sh(m, "sleep 1")
    timer2, ipi2 = interrupt_counts(m)
    assert timer2 > timer1 > 0, (timer1, timer2)
    assert ipi2 >= ipi1 > 0, (ipi1, ipi2)
    seconds = two_timestamps(m, 5)
    assert 5 <= seconds[1] - seconds[0] <= 6, seconds
    m.send("poweroff\r")
    m.expect(r"guest linux0: stopped \(powered off\)", 120)     # Mantle's log: raw stream
    unbind(m)
    assert guest_row(m, "linux0")[1] == "stopped"
    assert guest_row(m, "fw0")[1] == "running"


@pytest.mark.parametrize("gic", [2, 3])
def test_linux_on_a_single_cpu_host(boot_mantle, gic):
    # make run's guests want CPUs 1-3 and are refused; linuxup fits on CPU 0.
    m = boot_mantle(gic=gic, cpu="cortex-a57", smp=1, bundle=LINUX_BUNDLE)
    assert "created guest linuxup (1 vCPUs)" in m.run("guest create linuxup.dtb")
    assert m.run("guest kick linuxup").strip() == "guest linuxup started"
    wait_linux(m, "linuxup/uart0")
    assert sh(m, "grep -c ^processor /proc/cpuinfo").strip() == "1"
    seconds = two_timestamps(m, 2)
    assert 2 <= seconds[1] - seconds[0] <= 3, seconds
    unbind(m)
    assert "cpus online: 1 of 1" in m.run("host info")


def test_linux_reboot_restarts_the_guest(boot_mantle):
    m = boot_mantle(gic=3, cpu="max", smp=4, bundle=LINUX_BUNDLE)
    wait_linux(m, "linux0/uart0")
    m.send("reboot\r")
    m.expect(r"guest linux0: reset", 120)
    m.expect_text(READY, BOOT_TIMEOUT)
    m.expect_text(r"built-in shell[\s\S]*# ", 60)
    assert sh(m, "echo back").strip() == "back"
    unbind(m)
    assert guest_row(m, "linux0")[-1] == "1"


def test_two_linux_guests_at_once(boot_mantle):
    m = boot_mantle(gic=2, cpu="max", smp=4, bundle=LINUX_BUNDLE)
    wait_linux(m, "linux0/uart0")
    sh(m, "echo linux0-was-here > /tmp/who")
    unbind(m)
    wait_linux(m, "linux1/uart0")
    # separate machines: linux1 has its own /tmp
    assert "No such file" in sh(m, "cat /tmp/who 2>&1")
    assert sh(m, "grep -c ^processor /proc/cpuinfo").strip() == "2"
    m.send("poweroff\r")
    m.expect(r"guest linux1: stopped \(powered off\)", 120)
    unbind(m)
    bind(m, "linux0/uart0")
    assert sh(m, "cat /tmp/who").strip() == "linux0-was-here"
    unbind(m)


def test_no_interrupt_leaks_between_guests_sharing_cpus(boot_mantle):
    # fw1 runs on CPUs 2 and 3, where linux0's vCPUs take timer interrupts all the time:
    # list registers left by one guest must never reach the other.
    from test_guests import run_irq_suite
    m = boot_mantle(gic=3, cpu="max", smp=4, bundle=LINUX_BUNDLE)
    wait_linux(m, "linux0/uart0")
    unbind(m)
    assert "created guest fw1" in m.run("guest create fw1.dtb")
    passed, failed = run_irq_suite(m, "fw1/uart0")
    assert (passed, failed) == (8, 0), f"irq suite beside Linux: {passed} passed, {failed} failed"
    bind(m, "linux0/uart0")
    assert sh(m, "echo still-here").strip() == "still-here"
    unbind(m)
