"""Start order at boot: boot-order and boot-delay-ms in the guest descriptions.

Each test boots a bundle of its own: the default test bundle with firmware
guests described here (compiled with dtc) and a boot.list naming them.
"""
import os
import re
import subprocess
import tempfile

import pytest

from mantle_console import Mantle

# name: (boot.list position is the order of this list, root properties)
GUESTS = [
    ("last", "autostart;"),                                          # no boot-order: after the rest
    ("tie1", "autostart; boot-order = <2>; boot-delay-ms = <500>;"),
    ("manual", ""),                                                  # created, never started at boot
    ("tie2", "autostart; boot-order = <2>; boot-delay-ms = <3000>;"),
    ("first", "autostart; boot-order = <1>; boot-delay-ms = <2000>;"),
]
# What boot_order_plan makes of it: lower order first, equal orders in boot.list order, the
# unordered guest last; no guest before the one ahead of it, so tie1 waits for first.
EXPECTED = [("first", "1", 2000), ("tie1", "2", 500), ("tie2", "2", 3000), ("last", "none", 0)]
EARLIEST_S = {"first": 2.0, "tie1": 2.0, "tie2": 3.0, "last": 3.0}

DTS = """/dts-v1/;
/ {{
	compatible = "mantle,guest";
	guest-name = "{name}";
	#address-cells = <2>;
	#size-cells = <2>;
	{props}
	cpus {{ #address-cells = <1>; #size-cells = <0>; cpu@0 {{ reg = <0>; pcpu = <{pcpu}>; }}; }};
	memory@40000000 {{ device_type = "memory"; reg = <0x0 0x40000000 0x0 0x00800000>; }};
	uart0@9000000 {{
		compatible = "arm,pl011"; reg = <0x0 0x09000000 0x0 0x1000>; interrupts = <0 1 4>;
	}};
	boot {{ kernel = "fw.bin"; }};
}};
"""

LOG = re.compile(r"\[\s*(\d+\.\d{6})\] ([^\r\n]*)")
# A whole start line: what is read past it may end mid-line.
STARTED_LINE = r"guest {name}: started at \d+\.\d{{3}} s \(boot-order \S+, delay \d+ ms\)"
STARTED = re.compile(r"guest (\S+): started at (\d+)\.(\d{3}) s \(boot-order (\S+), delay (\d+) ms\)")


def build_bundle(directory):
    """The default test bundle, with GUESTS' descriptions added and a boot.list of them."""
    base = os.path.abspath(os.environ.get("MANTLE_BUNDLE", "../../build/test-bundle.cpio"))
    root = os.path.join(directory, "bundle")
    os.makedirs(root)
    with open(base, "rb") as f:
        subprocess.run(["cpio", "-idm", "--quiet"], stdin=f, cwd=root, check=True)
    for i, (name, props) in enumerate(GUESTS):
        src = os.path.join(directory, f"{name}.dts")
        with open(src, "w") as f:
            f.write(DTS.format(name=name, props=props, pcpu=1 + i % 3))
        subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", os.path.join(root, f"{name}.dtb"),
                        src], check=True)
    with open(os.path.join(root, "boot.list"), "w") as f:
        f.write("# test_boot_order.py\n" + "".join(f"{name}.dtb\n" for name, _ in GUESTS))
    files = subprocess.run("find . -type f | LC_ALL=C sort", shell=True, cwd=root, check=True,
                           capture_output=True).stdout
    path = os.path.join(directory, "boot-order.cpio")
    with open(path, "wb") as out:
        subprocess.run(["cpio", "-o", "-H", "newc", "--quiet"], input=files, stdout=out, cwd=root,
                       check=True)
    return path


@pytest.fixture
def boot_ordered():
    """Boots Mantle on the bundle of GUESTS; yields it at its prompt."""
    with tempfile.TemporaryDirectory(prefix="mantle-boot-order-") as directory:
        m = Mantle(gic=3, cpu="max", smp=4, bundle=build_bundle(directory))
        try:
            yield m.boot()
        finally:
            m.close()


def log_lines(m):
    """(seconds, text) of every Mantle log line so far."""
    return [(float(t), text) for t, text in LOG.findall(m.console_log())]


def when(m, lines, text):
    found = [t for t, line in lines if line.startswith(text)]
    if len(found) != 1:
        m.fail(f"expected one log line starting {text!r}, found {len(found)}")
    return found[0]


def test_guests_start_in_boot_order_at_their_delays(boot_ordered):
    m = boot_ordered
    # guestd and the shell are free during the delays: a guest without autostart starts at once.
    assert m.run("guest kick manual").strip() == "guest manual started"
    for name, _, _ in EXPECTED:
        m.expect(STARTED_LINE.format(name=name), timeout=30)
    lines = log_lines(m)
    t0 = when(m, lines, "boot.list: creating its guests (boot delays count from now)")
    kicked = when(m, lines, "guest manual: started")
    first_start = when(m, lines, "guest first: started at")
    assert kicked < first_start, f"the shell's start waited for the boot delays\n{m.console_log()}"

    # Every guest is created, in boot.list order, before any starts.
    created = [(t, line.split()[1][:-1]) for t, line in lines if re.match(r"guest \S+: created from", line)]
    assert [n for _, n in created] == [n for n, _ in GUESTS], m.console_log()
    assert all(t < first_start for t, _ in created), m.console_log()

    starts = [(t, STARTED.match(line)) for t, line in lines if STARTED.match(line)]
    assert [(s.group(1), s.group(4), int(s.group(5))) for _, s in starts] == EXPECTED, m.console_log()
    previous = 0.0
    for t, s in starts:
        name, reported = s.group(1), int(s.group(2)) + int(s.group(3)) / 1000
        # Never early, by Mantle's own account and by the log's time stamps.
        assert reported >= EARLIEST_S[name], (name, reported, m.console_log())
        assert t - t0 >= EARLIEST_S[name], (name, t - t0, m.console_log())
        assert abs((t - t0) - reported) < 0.05, (name, t - t0, reported)
        assert t >= previous
        previous = t
        # Nor much later: a timer wakes guestd when the time comes (slack for a loaded host).
        assert t - t0 < EARLIEST_S[name] + 1.0, (name, t - t0, m.console_log())

    out = m.run("guest list")
    for name, _ in GUESTS:
        assert re.search(rf"^{name}\s+running\s", out, re.M), out
    assert re.search(r"^boot:\s+autostart, boot-order 1, delay 2000 ms$", m.run("guest info first"), re.M)
    assert re.search(r"^boot:\s+autostart, no boot-order, delay 0 ms$", m.run("guest info last"), re.M)
    assert re.search(r"^boot:\s+not started at boot \(no autostart\)$", m.run("guest info manual"), re.M)


def test_a_guest_destroyed_or_started_before_its_time_is_left_alone(boot_ordered):
    m = boot_ordered
    assert m.run("guest destroy tie2").strip() == "guest tie2 destroyed"
    assert m.run("guest kick first").strip() == "guest first started"
    m.expect(r"guest first: not started at boot: it was started before its time", timeout=30)
    m.expect(STARTED_LINE.format(name="tie1"), timeout=30)
    m.expect(STARTED_LINE.format(name="last"), timeout=30)
    lines = log_lines(m)
    t0 = when(m, lines, "boot.list: creating its guests")
    # tie1 still waited for first's time, and last for tie2's, gone or not.
    assert when(m, lines, "guest tie1: started at") - t0 >= 2.0, m.console_log()
    assert when(m, lines, "guest last: started at") - t0 >= 3.0, m.console_log()
    assert not [line for _, line in lines if line.startswith("guest tie2: started")], m.console_log()
    out = m.run("guest list")
    assert re.search(r"^first\s+running\s", out, re.M), out
    assert not re.search(r"^tie2\s", out, re.M), out
