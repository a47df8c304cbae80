"""Virtio devices and inter-guest channels seen from our test firmware (no Linux needed)."""
import re

import pytest

from test_guests import RESULT, bind, unbind, firmware_results, guest_row, run_suite


@pytest.mark.parametrize("gic", [2, 3])
def test_virtio_rng_and_blk_work_and_hostile_rings_need_a_reset(boot_mantle, gic):
    m = boot_mantle(gic=gic, cpu="max", smp=4)
    passed, failed, out = run_suite(m, "fw0/uart0", "virtio", 120)
    assert (passed, failed) == (7, 0), out
    for name in ("rng_read", "blk_read_sector0", "hostile_loop", "hostile_address",
                 "hostile_length", "hostile_avail_idx", "bad_queue_size"):
        assert f"TEST virtio.{name} PASS" in out, out
    # Each hostile ring was logged once and left Mantle, fw1 and the device itself working.
    log = m.console_log()
    assert len(re.findall(r"guest fw0: (rng0|disk0): malformed virtqueue", log)) >= 3, log
    assert guest_row(m, "fw0")[1] == "running"
    assert guest_row(m, "fw1")[1] == "running"
    vdev = m.run("vdev list fw0")
    # The suite leaves its devices reset; each served requests.
    assert re.search(r"rng0 .*virtio-rng (live|reset), [1-9]\d* requests", vdev), vdev
    assert re.search(r"disk0 .*virtio-blk (live|reset), [1-9]\d* requests", vdev), vdev
    blk = m.run("blk list")
    assert re.search(r"^fw0/disk0\s+ramdisk\s+fw/disk.img\s+64 KiB", blk, re.M), blk
    # The other guest still passes its own self-tests after the attack.
    bind(m, "fw1/uart0", history=False)
    m.send("run\r")
    match = m.expect_text(r"run[\s\S]*?" + RESULT.pattern, 120)
    unbind(m)
    assert int(match.group(2)) == 0, match.group(0)


def test_channel_doorbells_both_ways(boot_mantle):
    m = boot_mantle(gic=3, cpu="max", smp=4)
    firmware_results(m, "fw0/uart0")
    firmware_results(m, "fw1/uart0")
    # fw0 writes and rings; the edge stays latched in fw1's vGIC until fw1 looks.
    bind(m, "fw0/uart0", history=False)
    m.send("chan send hello over fwlink\r")
    m.expect_text(r"fw: chan: sent #1 to fw1: 0")
    unbind(m)
    bind(m, "fw1/uart0", history=False)
    m.send("chan recv\r")
    m.expect_text(r'fw: chan: doorbell from fw0: #1 "hello over fwlink"')
    m.send("chan send and back\r")
    m.expect_text(r"fw: chan: sent #1 to fw0: 0")
    unbind(m)
    bind(m, "fw0/uart0", history=False)
    m.send("chan recv\r")
    m.expect_text(r'fw: chan: doorbell from fw1: #1 "and back"')
    unbind(m)
    table = m.run("chan list")
    assert re.search(r"^fwlink\s+0x10000\s+fw0\s+1\s+fw1\s+1\s*$", table, re.M), table
    # Without its peer, a ring says so (-3) and the channel keeps the surviving end's memory.
    assert m.run("guest destroy fw1").strip().endswith("destroyed")
    bind(m, "fw0/uart0", history=False)
    m.send("chan send anyone\r")
    m.expect_text(r"fw: chan: sent #2 to fw1: -3")
    unbind(m)
    assert re.search(r"^fwlink\s+0x10000\s+fw0\s+2\s+-", m.run("chan list"), re.M)
    # fw1 comes back to the same shared memory: fw0's second message is there.
    assert "created guest fw1" in m.run("guest create fw1.dtb")
    firmware_results(m, "fw1/uart0")
    bind(m, "fw0/uart0", history=False)
    m.send("chan send welcome back\r")
    m.expect_text(r"fw: chan: sent #3 to fw1: 0")
    unbind(m)
    bind(m, "fw1/uart0", history=False)
    m.send("chan recv\r")
    m.expect_text(r'fw: chan: doorbell from fw0: #3 "welcome back"')
    unbind(m)
