"""Mantle boots to its shell on every supported host configuration."""
import re

import pytest

CONFIGS = [(gic, cpu, smp) for gic in (2, 3) for cpu in ("cortex-a57", "max") for smp in (1, 4)]
COMMANDS = ["help", "version", "host info", "host irq", "host uptime", "heap", "sched",
            "reset", "shutdown"]


@pytest.mark.parametrize("gic,cpu,smp", CONFIGS, ids=[f"gic{g}-{c}-smp{s}" for g, c, s in CONFIGS])
def test_boot_to_shell_and_shutdown(boot_mantle, gic, cpu, smp):
    m = boot_mantle(gic=gic, cpu=cpu, smp=smp)
    log = m.console_log()
    assert re.search(r"memory map:", log), "boot log lacks the memory map"
    assert re.search(rf"{smp} of {smp} CPUs online", log)
    assert re.search(r"ready: \d+\.\d+ s from entry to prompt", log)

    info = m.run("host info")
    assert re.search(rf"^cpus online: {smp} of {smp}$", info, re.M), info
    assert re.search(rf"^gic:\s+v{gic} ", info, re.M), info
    assert re.search(r"^timer:\s+62500000 Hz$", info, re.M), info
    assert re.search(r"^memory:\s+2 GiB total", info, re.M), info
    model = "Cortex-A57" if cpu == "cortex-a57" else "QEMU max"
    assert model in info

    helptext = m.run("help")
    for cmd in COMMANDS:
        assert re.search(rf"^  {re.escape(cmd)}\s+\S", helptext, re.M), f"help lacks {cmd}"

    version = m.run("version")
    assert re.search(r"^Mantle \d+\.\d+\.\d+$", version, re.M), version
    assert re.search(r"git revision: \S+", version)
    assert re.search(r"built:\s+\d{4}-\d\d-\d\d", version)
    assert re.search(r"compiler:\s+gcc \d+", version)

    out = m.run("frobnicate")
    assert out.strip() == "error: unknown command 'frobnicate' (type 'help')"

    m.send("shutdown\r")
    m.expect("powering off")
    assert m.wait_exit() == 0
