"""A CPU that faults is dumped and halted alone; the scheduler's priorities and slices hold."""
import re


def vcpu_row(sched_out, name):
    rows = [l.split() for l in sched_out.splitlines() if re.match(rf"\s*\d+ {name}\s", l)]
    assert rows, f"no vCPU {name} in:\n{sched_out}"
    id_, _, cpu, prio, state, slice_us, runs, runtime_us = rows[-1]
    return {"cpu": int(cpu), "prio": int(prio), "state": state, "runs": int(runs),
            "runtime_us": int(runtime_us)}


def test_fault_dumps_registers_and_halts_only_that_cpu(boot_mantle):
    m = boot_mantle(gic=2, cpu="cortex-a57", smp=2)
    m.send("debug fault 1\r")
    m.expect(r"\*\*\* unexpected exception on CPU 1: sync \(EL2\)")
    m.expect(r"running vCPU: debug-fault")
    m.expect(r"EC 0x25 \(data abort, same EL\)")
    m.expect(r"FAR_EL2 0x0000000000000008")
    m.expect(r"x30 0x[0-9a-f]{16}  sp  0x[0-9a-f]{16}")
    m.expect(r"\*\*\* CPU 1 halted")
    # The shell's prompt may have come before or after the dump: ask for a fresh one.
    m.run("")

    # CPU 0 and its shell carry on
    assert "cpus online: 1 of 2" in m.run("host info")
    sched = m.run("sched")
    assert re.search(r"^cpu1: halted, current debug-fault", sched, re.M), sched
    assert re.search(r"^cpu0: online, current shell", sched, re.M), sched
    assert m.run("debug fault 1").strip() == "error: debug fault: CPU 1 is not online"
    m.send("shutdown\r")
    assert m.wait_exit() == 0


def test_debug_commands_reject_bad_arguments(boot_mantle):
    m = boot_mantle(gic=3, cpu="max", smp=2)
    assert m.run("debug fault 0").strip() == \
        "error: debug fault: CPU 0 runs the shell; pick another"
    assert m.run("debug fault 2").strip() == "error: debug: bad CPU '2' (0..1)"
    assert m.run("debug fault").strip() == "error: debug fault: usage: debug fault CPU"
    assert m.run("debug spin x 1 1").strip() == "error: debug: bad CPU 'x' (0..1)"
    assert m.run("debug spin 1 0 10").strip() == \
        "error: debug spin: priority 0 is the idle vCPU's"
    assert m.run("debug spin 1 99 10").strip() == "error: debug: bad priority '99' (0..7)"
    assert m.run("debug spin 1 1 99999999999999999999").strip() == \
        "error: debug: bad duration '99999999999999999999' (0..600000)"
    assert "cpus online: 2 of 2" in m.run("host info")


def test_equal_priority_vcpu_is_time_sliced_with_the_shell(boot_mantle):
    m = boot_mantle(gic=3, cpu="cortex-a57", smp=1)
    # The shell runs at priority 5: a busy vCPU at 5 on the same CPU must
    # give it the CPU back at every slice end, so the shell answers while
    # the spinner is still alive.
    assert "spinning on CPU 0 at priority 5 for 3000 ms" in m.run("debug spin 0 5 3000")
    spin = vcpu_row(m.run("sched"), "debug-spin")
    assert spin["state"] in ("ready", "running"), spin
    spin = vcpu_row(m.run("sched"), "debug-spin")
    assert spin["state"] in ("ready", "running"), spin
    assert spin["runs"] >= 2, "the spinner was never preempted and resumed"


def test_higher_priority_vcpu_runs_before_the_shell(boot_mantle):
    m = boot_mantle(gic=2, cpu="max", smp=1)
    # At priority 7 the spinner outranks the shell: the shell's own reply
    # waits until it has spun its 500 ms, and by then it has ended and been freed.
    def uptime():
        return float(re.search(r"up (\d+\.\d+) s", m.run("host uptime")).group(1))
    before = uptime()
    assert "spinning on CPU 0 at priority 7 for 500 ms" in m.run("debug spin 0 7 500")
    assert uptime() - before >= 0.5
    assert not re.search(r"^\s*\d+ debug-spin\s", m.run("sched"), re.M)
