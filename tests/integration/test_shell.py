"""The management shell: commands, errors, line editing and history."""
import re

import pytest

LEFT, RIGHT, UP, DOWN = "\x1b[D", "\x1b[C", "\x1b[A", "\x1b[B"


@pytest.fixture
def mantle(boot_mantle):
    return boot_mantle(gic=3, cpu="max", smp=2)


def test_bad_arguments_give_one_line_errors(mantle):
    assert mantle.run("version now").strip() == "error: version: unexpected argument 'now'"
    assert mantle.run("host").strip() == "error: host: missing subcommand (info|irq|uptime)"
    assert mantle.run("host nope").strip() == \
        "error: host: unknown subcommand 'nope' (info|irq|uptime)"
    assert mantle.run('help "unterminated').strip() == "error: unterminated quote"
    # the shell still works afterwards
    assert "cpus online: 2 of 2" in mantle.run("host info")


def test_blank_line_just_prompts_again(mantle):
    assert mantle.run("").strip() == ""


def test_host_irq_counts_console_interrupts(mantle):
    out = mantle.run("host irq")
    lines = out.strip().splitlines()
    assert re.match(r"\s*IRQ\s+CPU0\s+CPU1\s+name$", lines[0]), out
    uart = [l for l in lines if l.rstrip().endswith("pl011 rx")]
    assert uart, out
    assert int(uart[0].split()[1]) > 0, "typing a command raised no UART interrupt on CPU0"
    assert any(l.rstrip().endswith("hyp timer") for l in lines)


def test_uptime_advances(mantle):
    def uptime():
        return float(re.search(r"up (\d+\.\d+) s", mantle.run("host uptime")).group(1))
    first = uptime()
    mantle.run("heap")
    assert uptime() > first


def test_heap_reports_allocator_statistics(mantle):
    out = mantle.run("heap")
    assert re.search(r"^heap:\s+4 MiB total, .* used \(peak .*\), .* free", out, re.M), out
    assert re.search(r"^pages: \d+ total \(2 GiB\), \d+ free", out, re.M), out
    assert re.search(r"\d+ allocations, \d+ frees, 0 failed, 0 bad frees", out), out


def test_sched_lists_cpus_and_threads(mantle):
    out = mantle.run("sched")
    assert re.search(r"^cpu0: online, current shell", out, re.M), out
    # CPU 1 runs guest fw0 in the default configuration, or idles
    assert re.search(r"^cpu1: online, current (idle/1|fw0/0)", out, re.M), out
    assert re.search(r"^\s+\d+ shell\s+0\s+\d+ running\s+10000", out, re.M), out
    assert re.search(r"^\s+\d+ idle/1\s+1\s+0 ", out, re.M), out


def test_backspace_at_end_and_in_the_middle(mantle):
    # "hostx" <BS> -> "host"; " innfo" <LEFT x3> <BS> drops the first n -> "host info"
    mantle.send("hostx\x7f innfo" + LEFT * 3 + "\x7f" + RIGHT * 3 + "\r")
    mantle.expect(r"cpus online: 2 of 2")
    mantle.wait_prompt()


def test_insert_in_the_middle(mantle):
    # "hst ifo": move back to insert the missing letters, then Enter mid-line
    mantle.send("hst ifo" + LEFT * 2 + "n" + LEFT * 5 + "o\r")
    mantle.expect(r"cpus online: 2 of 2")
    mantle.wait_prompt()


def test_history_recalls_previous_commands(mantle):
    mantle.run("host uptime")
    mantle.run("version")
    mantle.send(UP + UP + "\r")          # two back: host uptime
    mantle.expect(r"up \d+\.\d+ s")
    mantle.wait_prompt()
    mantle.send(UP + UP + DOWN + "\r")   # host uptime is newest now; one down from 2 back
    mantle.expect(r"up \d+\.\d+ s")
    mantle.wait_prompt()


def test_ctrl_c_discards_the_line(mantle):
    mantle.send("shutdown\x03")
    mantle.expect(r"\^C")
    mantle.wait_prompt()
    assert "cpus online" in mantle.run("host info")


def test_reset_reboots_the_machine(mantle):
    mantle.send("reset\r")
    mantle.expect("resetting the system")
    mantle.expect(r"Mantle \d+\.\d+\.\d+ .* starting at EL2", timeout=60)
    mantle.wait_prompt(60)
    mantle.send("shutdown\r")
    assert mantle.wait_exit() == 0
