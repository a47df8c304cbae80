"""Guest crashes and the SP805 watchdog: each kind of dead vCPU is recognised, logged once and
handled by the guest's on-crash policy, while the other guests keep running.

The test guests (tests/guests/dts/): crashr and crashh (on-crash restart / halt, on-abort inject,
each with an SP805 watchdog), abortr and aborth (on-abort stop, on-crash restart / halt). All four
run the test firmware straight to its shell, without the boot-time suites.
"""
import re
import time

import pytest

from test_guests import bind, unbind, fw_command

CRASH_TIMEOUT = 30


def create(m, *names):
    for name in names:
        assert f"created guest {name} (1 vCPUs)" in m.run(f"guest create {name}.dtb")
        fw_command(m, f"{name}/uart0", "hello", rf"fw: hello from {name}")


def info(m, name):
    out = m.run(f"guest info {name}")
    fields = dict(re.findall(r"^(\w[\w ]*?):\s+(.*)$", out, re.M))
    assert "state" in fields and "restarts" in fields, out
    return fields


def send_crash(m, name, command):
    bind(m, f"{name}/uart0", history=False)
    m.send(command + "\r")
    m.expect_text(r"fw: crashing: [^\n]*\n")
    unbind(m)


def wait_for_log(m, pattern, timeout=CRASH_TIMEOUT):
    """Wait until the console log matches pattern (the shell keeps being asked, so output flows)."""
    deadline = time.monotonic() + timeout
    while True:
        match = re.search(pattern, m.console_log())
        if match:
            return match
        if time.monotonic() > deadline:
            m.fail(f"no {pattern!r} in the log after {timeout}s")
        m.run("guest list")
        time.sleep(0.5)


def wait_until(m, what, check, timeout=CRASH_TIMEOUT):
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            m.fail(f"timed out after {timeout}s waiting until {what}")
        time.sleep(0.5)


def assert_restarted(m, name, restarts):
    """name was restarted (restarts times in all), booted again and answers."""
    wait_until(m, f"{name} has {restarts} restarts",
               lambda: info(m, name)["restarts"] == str(restarts))
    fields = info(m, name)
    assert fields["state"] == "running", fields
    # the history shows one more boot banner; then the firmware answers live
    bind(m, f"{name}/uart0")
    m.expect_text(r"(?:fw: %s up[^\n]*\n[\s\S]*){%d}fw> " % (name, restarts + 1), timeout=CRASH_TIMEOUT)
    unbind(m)
    fw_command(m, f"{name}/uart0", "hello", rf"fw: hello from {name}")


def assert_halted(m, name):
    wait_until(m, f"{name} is stopped", lambda: info(m, name)["state"] == "stopped (crashed)")
    time.sleep(1)
    fields = info(m, name)
    assert fields["state"] == "stopped (crashed)", fields
    assert fields["restarts"] == "0", fields
    assert re.search(rf"^{name}/0\s+\d+\s+blocked", m.run("vcpu list"), re.M)
    return fields


def others_answer(m):
    fw_command(m, "fw0/uart0", "hello", r"fw: hello from fw0")
    assert "cpus online: 4 of 4" in m.run("host info")


CASES = [
    # firmware command, what the crash line must say, host GIC (the CPU interface differs for WFI)
    ("crash vbar", r"exception loop: 32 instruction aborts in a row at IPA 0x42000200, PC 0x42000200", 2),
    # the store at the vector's second instruction, below an SP 16 MiB past RAM
    ("crash stack", r"exception loop: 32 data aborts in a row at IPA 0x42f[0-9a-f]{5}, "
                    r"PC 0x4[0-9a-f]*204", 3),
    ("crash loop", r"exception loop at PC 0x4[0-9a-f]+ \(VBAR_EL1 0x4[0-9a-f]+, ESR_EL1 0xf2000000,", 2),
    ("crash wfi", r"WFI with its timers off and its GIC CPU interface disabled", 2),
    ("crash wfi", r"WFI with its timers off and its GIC CPU interface disabled", 3),
]


@pytest.mark.parametrize("command,why,gic", CASES,
                         ids=[f"{c[0].split()[1]}-gicv{c[2]}" for c in CASES])
def test_crash_restarts_or_halts_per_policy(boot_mantle, command, why, gic):
    m = boot_mantle(gic=gic, cpu="max", smp=4)
    create(m, "crashr", "crashh")

    send_crash(m, "crashr", command)
    line = wait_for_log(m, r"guest crashr: vcpu0 crashed: ([^\n]*); on-crash restart")
    assert re.match(why, line.group(1)), line.group(0)
    assert_restarted(m, "crashr", 1)
    assert info(m, "crashr")["crashes"].startswith("1, the last: vcpu0: ")
    others_answer(m)

    send_crash(m, "crashh", command)
    line = wait_for_log(m, r"guest crashh: vcpu0 crashed: ([^\n]*); on-crash halt")
    assert re.match(why, line.group(1)), line.group(0)
    fields = assert_halted(m, "crashh")
    assert fields["crashes"].startswith("1, the last: vcpu0: "), fields
    # one crash, one line: the halted guest is not detected again
    assert len(re.findall(r"guest crashh: vcpu0 crashed", m.console_log())) == 1
    others_answer(m)
    # crashr, restarted, still answers; and crashh starts again from its images
    fw_command(m, "crashr/uart0", "hello", r"fw: hello from crashr")
    assert m.run("guest kick crashh").strip() == "guest crashh started"
    fw_command(m, "crashh/uart0", "hello", r"fw: hello from crashh")


@pytest.mark.parametrize("gic", [2, 3])
def test_bad_access_with_on_abort_stop_is_a_crash(boot_mantle, gic):
    m = boot_mantle(gic=gic, cpu="max", smp=4)
    create(m, "abortr", "aborth")

    bind(m, "abortr/uart0", history=False)
    m.send("read 20000000\r")
    unbind(m)
    wait_for_log(m, r"guest abortr: vcpu0 crashed: bad memory access: read at IPA 0x20000000; "
                    r"on-crash restart")
    assert_restarted(m, "abortr", 1)

    bind(m, "aborth/uart0", history=False)
    m.send("write 20000000 1\r")
    unbind(m)
    wait_for_log(m, r"guest aborth: vcpu0 crashed: bad memory access: write at IPA 0x20000000; "
                    r"on-crash halt")
    fields = assert_halted(m, "aborth")
    assert fields["crashes"] == "1, the last: vcpu0: bad memory access: write at IPA 0x20000000"
    others_answer(m)


def wdt(m, name, command, expect):
    bind(m, f"{name}/uart0", history=False)
    m.send(command + "\r")
    match = m.expect_text(expect)
    unbind(m)
    return match


def test_watchdog_registers_as_the_guest_sees_them(boot_mantle):
    m = boot_mantle(gic=2, cpu="cortex-a57", smp=4)
    create(m, "crashr")
    status = wdt(m, "crashr", "wdt status", r"fw: wdt: [^\n]*\n").group(0)
    # the DTB names it, its interrupt and its 1 MHz clock; the PrimeCell IDs are the SP805's
    assert "at 0x9100000, intid 62, id 05 18 14 00 0d f0 05 b1, load 0xffffffff, value 0xffffffff, " \
           "control 0x0, ris 0, mis 0, locked 0, pending 0" in status, status
    wdt(m, "crashr", "wdt lockcheck", r"fw: wdt: lock holds")
    started = wdt(m, "crashr", "wdt start 2000", r"fw: wdt: started[^\n]*\n").group(0)
    assert "load 0xf4240 at 1000000 Hz), control 0x3" in started, started
    # it counts down at 1 MHz: a second after the start, it ran out once: interrupt up, reloaded
    time.sleep(1.3)
    status = wdt(m, "crashr", "wdt status", r"fw: wdt: [^\n]*\n").group(0)
    assert re.search(r"control 0x3, ris 1, mis 1, locked 1, pending 1", status), status
    value = int(re.search(r"value 0x([0-9a-f]+)", status).group(1), 16)
    assert value < 1000000, status
    # a kick clears it; then stop
    wdt(m, "crashr", "wdt kick", r"fw: wdt: kicked")
    status = wdt(m, "crashr", "wdt status", r"fw: wdt: [^\n]*\n").group(0)
    assert re.search(r"ris 0, mis 0, locked 1, pending 0", status), status
    wdt(m, "crashr", "wdt stop", r"fw: wdt: stopped, control 0x0")
    vdevs = m.run("vdev list crashr")
    assert re.search(r"^crashr\s+watchdog\s+arm,sp805\s+0x9100000\s+62\s+load 0xf4240 value 0x[0-9a-f]+ "
                     r"control 0 ris 0 locked$", vdevs, re.M), vdevs
    time.sleep(2.5)
    assert info(m, "crashr")["restarts"] == "0"


@pytest.mark.parametrize("gic", [2, 3])
def test_watchdog_resets_a_guest_that_stops_kicking(boot_mantle, gic):
    m = boot_mantle(gic=gic, cpu="max", smp=4)
    create(m, "crashr", "crashh")

    # kicked for 4 s (twice its timeout), it stays up
    wdt(m, "crashr", "wdt start 2000", r"fw: wdt: started")
    wdt(m, "crashr", "wdt feed 4000", r"fw: wdt: fed for 4000 ms \(\d+ kicks\)[^\n]*ris 0")
    assert info(m, "crashr")["restarts"] == "0"
    assert "crashed" not in m.console_log()
    # then left alone, it is restarted by the watchdog
    wdt(m, "crashr", "wdt kick", r"fw: wdt: kicked")
    wait_for_log(m, r"guest crashr: vcpu0 crashed: watchdog; on-crash restart")
    assert_restarted(m, "crashr", 1)
    assert info(m, "crashr")["crashes"] == "1, the last: vcpu0: watchdog"
    # the restart reset the device: it is stopped and nothing more happens
    status = wdt(m, "crashr", "wdt status", r"fw: wdt: [^\n]*\n").group(0)
    assert "control 0x0, ris 0" in status, status
    others_answer(m)

    # with halt, it stays stopped
    wdt(m, "crashh", "wdt start 1000", r"fw: wdt: started")
    wait_for_log(m, r"guest crashh: vcpu0 crashed: watchdog; on-crash halt")
    assert assert_halted(m, "crashh")["crashes"] == "1, the last: vcpu0: watchdog"
    others_answer(m)
    time.sleep(2)
    assert info(m, "crashr")["restarts"] == "1"
    assert len(re.findall(r"crashed: watchdog", m.console_log())) == 2
