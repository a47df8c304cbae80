"""make run's default set-up, driven from inside unmodified Debian Linux guests: virtio-blk
with ext4 on the host disk, virtio-net between linux0 and linux1, virtio-rng, virtio-console,
and the host virtio-rng passed through to linux1. One Mantle boot serves the whole module."""
import re

import pytest

from mantle_console import LINUX_BUNDLE, Mantle
from test_guests import bind, unbind
from test_linux import READY, BOOT_TIMEOUT, sh, wait_linux


@pytest.fixture(scope="module")
def mantle():
    m = Mantle(gic=3, cpu="max", smp=4, bundle=LINUX_BUNDLE)
    try:
        m.boot()
        for name in ("linux0", "linux1"):
            wait_linux(m, f"{name}/uart0")
            unbind(m)
        yield m
    finally:
        m.close()


def in_guest(m, port, command, timeout=120):
    """Run command in a guest's shell; long lines are fine (no wrapping at 80 columns)."""
    bind(m, port, history=False)
    try:
        m.send("\r")
        m.expect_text(r"# ", 30)
        sh(m, "stty cols 1000")
        return sh(m, command, timeout)
    finally:
        unbind(m)


def md5(text):
    found = re.findall(r"^([0-9a-f]{32})\s", text, re.M)
    assert len(found) == 1, text
    return found[0]


def test_devices_and_backends_are_listed(mantle):
    vdev = mantle.run("vdev list")
    for guest in ("linux0", "linux1"):
        for dev, kind in (("vda", "virtio-blk"), ("net0", "virtio-net"), ("rng0", "virtio-rng"),
                          ("hvc0", "virtio-console")):
            assert re.search(rf"^{guest}\s+{dev}\s+mantle,{kind}\s.*{kind} live", vdev, re.M), vdev
    assert re.search(r"^linux1\s+rngpt\s+mantle,passthrough\s.*host 0xa000000\+0x1000, host irq 48, "
                     r"guest sees virtio,mmio, DMA", vdev, re.M), vdev
    assert "fw0" not in mantle.run("vdev list linux0")
    assert mantle.run("vdev list nosuch").strip() == "error: vdev list: no guest named 'nosuch'"
    blk = mantle.run("blk list")
    assert re.search(r"^disk0\s+virtio-blk\s+0xa003e00\s+128 MiB", blk, re.M), blk
    assert "sectors 0+131072 to linux0/vda" in blk
    assert "sectors 131072+131072 to linux1/vda" in blk


def test_hwrng_gives_bytes(mantle):
    out = in_guest(mantle, "linux0/uart0",
                   "for i in 1 2; do head -c 32 /dev/hwrng | od -An -tx1 | tr -d ' \\n'; echo; done")
    lines = out.split()
    assert len(lines) == 2 and all(re.fullmatch(r"[0-9a-f]{64}", l) for l in lines), out
    assert lines[0] != lines[1]
    assert in_guest(mantle, "linux0/uart0", "cat /sys/class/misc/hw_random/rng_current").strip() \
        .startswith("virtio_rng")


def test_virtio_console_is_a_second_shell(mantle):
    assert in_guest(mantle, "linux0/hvc0", "echo hvc-$((6*7)); tty").split() == ["hvc-42", "/dev/hvc0"]
    assert re.search(r"hvc0 .*virtio-console live.*port linux0/hvc0, [1-9]\d* bytes in",
                     mantle.run("vdev list linux0"))


def test_ping_and_a_file_over_the_switch(mantle):
    ping = in_guest(mantle, "linux0/uart0", "ping -c 3 -W 5 10.0.0.11")
    assert "3 packets transmitted, 3 packets received" in ping, ping
    # linux0 serves a file (busybox nc sends stdin, then closes); linux1 fetches it.
    sent = in_guest(mantle, "linux0/uart0",
                    "dd if=/dev/urandom of=/tmp/data bs=1024 count=256 2>/dev/null; md5sum /tmp/data; "
                    "(nc -l -p 5000 < /tmp/data &)")
    got = in_guest(mantle, "linux1/uart0",
                   "nc 10.0.0.10 5000 > /tmp/got; echo nc=$?; md5sum /tmp/got; wc -c < /tmp/got")
    assert "nc=0" in got, got
    assert md5(got) == md5(sent), (sent, got)
    assert "262144" in got.split()
    switch = mantle.run("net switch")
    assert re.search(r"switch sw0: 2 ports, 2 addresses learned", switch), switch
    assert re.search(r"02:4d:00:00:00:0a on linux0/net0", switch), switch
    rows = {l.split()[0]: l.split() for l in switch.splitlines() if "/net0 " in l}
    assert int(rows["linux0/net0"][2]) > 262144 and int(rows["linux1/net0"][4]) > 262144, switch
    assert rows["linux1/net0"][5] == "0", switch          # no frame dropped on the way


def test_passthrough_rng_works_in_its_guest(mantle):
    before = [l for l in mantle.run("host irq").splitlines() if l.split()[:1] == ["48"]]
    out = in_guest(mantle, "linux1/uart0",
                   "cd /sys/class/misc/hw_random; for r in $(cat rng_available); do echo $r > rng_current; "
                   "echo $r $(timeout 10 head -c 32 /dev/hwrng | wc -c); done")
    rngs = dict(l.split() for l in out.splitlines() if l.startswith("virtio_rng"))
    assert len(rngs) == 2 and set(rngs.values()) == {"32"}, out    # Mantle's and the host's
    after = [l for l in mantle.run("host irq").splitlines() if l.split()[:1] == ["48"]]
    assert after, "host interrupt 48 (the passed-through virtio-rng) has no handler"
    total = lambda rows: sum(int(x) for x in rows[0].split()[1:-1]) if rows else 0
    assert total(after) > total(before), (before, after)


def test_ext4_survives_guest_reboot_and_mantle_reset(mantle):
    write = in_guest(mantle, "linux0/uart0",
                     "mount -t ext4 /dev/vda /mnt && dd if=/dev/urandom of=/mnt/payload bs=1024 count=512 "
                     "2>/dev/null && md5sum /mnt/payload && sync && umount /mnt && echo unmounted")
    assert "unmounted" in write, write
    digest = md5(write)
    check = "mount -t ext4 /dev/vda /mnt && md5sum /mnt/payload; umount /mnt"
    # The guest reboots: its disk is the same host sectors.
    bind(mantle, "linux0/uart0", history=False)
    mantle.send("reboot\r")
    mantle.expect(r"guest linux0: reset", 120)
    mantle.expect_text(READY, BOOT_TIMEOUT)
    unbind(mantle)
    assert md5(in_guest(mantle, "linux0/uart0", check)) == digest
    # linux1's half was not touched by any of it.
    assert "payload" not in in_guest(mantle, "linux1/uart0",
                                     "mount -t ext4 /dev/vda /mnt && ls /mnt; umount /mnt")
    # The whole machine resets: Mantle boots again and finds the data on the host disk.
    mantle.send("reset\r")
    mantle.expect(r"Mantle \d+\.\d+\.\d+ .* starting at EL2", timeout=60)
    mantle.wait_prompt(120)
    wait_linux(mantle, "linux0/uart0")
    unbind(mantle)
    assert md5(in_guest(mantle, "linux0/uart0", check)) == digest
    blk = mantle.run("blk list")
    assert re.search(r"^disk0\s+virtio-blk\s+\S+\s+128 MiB\s+\d+\s+\d+", blk, re.M), blk
