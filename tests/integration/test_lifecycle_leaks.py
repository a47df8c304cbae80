"""No memory leaks across guest lifecycles: heap and free pages come back exactly.

The guest cycled is tests/guests/dts/cycle.dts: the test firmware with every
kind of virtio device (each with its backend thread), a PL011 and a virtio
console (two serial ports), a virtual switch port and a channel of its own.
"""
import re
import time

from test_guests import RESULT, bind, fw_command, firmware_results, guest_row, unbind

CYCLES = 100
RUN_MS = 20


def heap(m):
    """What `heap` says that must come back: live blocks, used, free blocks, free pages."""
    out = m.run("heap")
    allocs, frees, free_blocks = map(int, re.search(
        r"(\d+) allocations, (\d+) frees, \d+ failed, \d+ bad frees, (\d+) free blocks", out).groups())
    used = re.search(r"total, (\S+ \S+) used", out).group(1)
    pages = int(re.search(r"^pages: \d+ total \(\S+ \S+\), (\d+) free", out, re.M).group(1))
    return {"live blocks": allocs - frees, "used": used, "free blocks": free_blocks, "free pages": pages}


def threads(m):
    return sorted(re.findall(r"^\s*\d+ (\S+)\s+\d+\s+\d+ ", m.run("sched"), re.M))


def assert_nothing_of_cycle_left(m):
    assert guest_row(m, "cycle") is None
    for command in ("sched", "vserial list", "chan list", "vdev list", "blk list", "net switch"):
        out = m.run(command)
        assert "cycle" not in out, f"{command}:\n{out}"


def cycle_through_the_shell(m, then):
    """Create, boot, drive its virtio devices from inside the guest, then(m), destroy."""
    assert "created guest cycle (2 vCPUs)" in m.run("guest create cycle.dtb")
    firmware_results(m, "cycle/uart0")
    bind(m, "cycle/uart0", history=False)
    m.send("run virtio\r")
    match = m.expect_text(RESULT.pattern, 120)
    assert (match.group(1), match.group(2)) == ("7", "0"), match.group(0)
    then(m)
    assert m.run("guest destroy cycle").strip() == "guest cycle destroyed"


def leave(m):
    unbind(m)


def crash_and_leave(m):
    m.send("crash\r")
    unbind(m)


def leave_and_pause(m):
    unbind(m)
    assert m.run("guest pause cycle").strip() == "guest cycle paused"


def test_create_and_destroy_leaks_nothing(boot_mantle):
    m = boot_mantle(gic=3, cpu="max", smp=4)
    firmware_results(m, "fw0/uart0")
    firmware_results(m, "fw1/uart0")
    baseline, baseline_threads = heap(m), threads(m)

    # A few by hand, in different states at the end, with real requests on the rings (the suite's
    # hostile rings included) and a serial port that was bound.
    for then in (leave, crash_and_leave, leave_and_pause):
        cycle_through_the_shell(m, then)
    assert heap(m) == baseline
    assert_nothing_of_cycle_left(m)

    # Many more inside Mantle, which counts exactly before and after.
    out = m.run(f"debug lifecycle cycle.dtb {CYCLES} {RUN_MS}", timeout=150)
    assert f"lifecycle: {CYCLES} cycles of cycle.dtb, {RUN_MS} ms each" in out, out
    used = re.search(r"heap:  (\d+) -> (\d+) bytes used, (\d+) -> (\d+) blocks, "
                     r"(\d+) -> (\d+) free blocks", out)
    pages = re.search(r"pages: (\d+) -> (\d+) free", out)
    assert used and pages, out
    assert used.group(1) == used.group(2), f"heap bytes leaked: {out}"
    assert used.group(3) == used.group(4), f"heap blocks leaked: {out}"
    assert used.group(5) == used.group(6), f"the heap is more fragmented: {out}"
    assert pages.group(1) == pages.group(2), f"pages leaked: {out}"
    assert int(used.group(3)) == baseline["live blocks"], (out, baseline)
    assert int(pages.group(1)) == baseline["free pages"], (out, baseline)

    assert heap(m) == baseline
    assert threads(m) == baseline_threads
    assert_nothing_of_cycle_left(m)
    # The guests that stayed noticed nothing.
    assert guest_row(m, "fw0")[1] == "running"
    fw_command(m, "fw0/uart0", "hello", r"fw: hello from fw0")
    fw_command(m, "fw1/uart0", "hello", r"fw: hello from fw1")


def test_one_off_threads_are_freed_when_they_end(boot_mantle):
    m = boot_mantle(gic=3, cpu="max", smp=4)
    firmware_results(m, "fw1/uart0")
    baseline, baseline_threads = heap(m), threads(m)
    for _ in range(3):
        assert "spinning on CPU 3" in m.run("debug spin 3 6 20")
    # Each spins 20 ms, one after the other: then all three must be gone, stacks and all.
    deadline = time.monotonic() + 10
    while threads(m) != baseline_threads and time.monotonic() < deadline:
        time.sleep(0.1)
    assert threads(m) == baseline_threads, m.run("sched")
    assert heap(m) == baseline
