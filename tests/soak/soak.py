#!/usr/bin/python3
"""make soak: Mantle under load for SOAK_SECONDS (600) with random lifecycle actions; not in make test.

make run's guests (linux0 and linux1 on their halves of a fresh host disk, with network and rng; fw0)
on 4 CPUs (GICv3, -cpu max), plus the checksum guest and the attack guest (tests/guests/dts/). While
it runs:
  - each Linux guest runs a background job (LOAD_SCRIPT) that writes files to its ext4 /dev/vda
    (dd, sync, an md5sum file beside each, renamed into place only after a sync), reads older ones
    back through an emptied page cache, pings its peer and fetches a file from it with nc; the
    driver checks in on it between actions;
  - the attack guest runs `run attack` again and again; the checksum guest checksums its RAM;
  - every 20-40 s, a random action from Mantle's shell: `guest pause` then `guest resume`, or
    `guest reset`, on fw0, attack, linux0 or linux1. A reset guest is waited for (self-tests
    passed, or Linux at its shell with its files intact), then its load starts again. The actions
    come from a seeded RNG: SOAK_SEED=N repeats a run's sequence (not its timing).
At the end: no unexpected line in Mantle's log, every guest answers, every file read back from disk
after a final sync has the md5 it was written with (files from before resets too), the checksum
guest counted no mismatch, no attack escaped, and once attack and checksum are destroyed the heap,
free pages and threads are back to what they were right after boot. Exit status 0 only if all of
that holds; a failure prints the console log's tail (the whole log goes to SOAK_LOG).
"""
import collections
import contextlib
import hashlib
import itertools
import os
import random
import re
import signal
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
# The integration harness's relative defaults (../../build/...) hold from its directory.
os.chdir(os.path.join(ROOT, "tests", "integration"))
sys.path.insert(0, os.getcwd())

from mantle_console import LINUX_BUNDLE, Mantle  # noqa: E402
from test_guests import RESULT, bind, firmware_results, guest_row, unbind  # noqa: E402
from test_lifecycle_leaks import heap, threads  # noqa: E402
from test_linux import BOOT_TIMEOUT, READY, sh, wait_linux  # noqa: E402

SECONDS = int(os.environ.get("SOAK_SECONDS", "600"))
LOG_PATH = os.environ.get("SOAK_LOG", os.path.join(ROOT, "build", "soak", "console.log"))
ACTION_GAP = (20.0, 40.0)          # seconds between lifecycle actions
PAUSE_LEN = (1.0, 5.0)             # how long a paused guest stays paused
TARGETS = ("fw0", "attack", "linux0", "linux1")
PEER = {"linux0": "10.0.0.11", "linux1": "10.0.0.10"}
FW_GUESTS = ("fw0", "attack", "checksum")
FW_BOOT_TIMEOUT = 300              # reset to self-test summary
RESET_TIMEOUT = 300                # `guest reset` zeroes the guest's RAM first: 256 MiB take a while
ATTACK_RUN_TIMEOUT = 900           # one `run attack`: about 2 min on a busy TCG host
ATTACK_QUIET_LIMIT = 400           # no new attack output for this long: it is stuck
STALL_LIMIT = 300                  # a Linux load that wrote nothing for this long is stuck
TAIL_LINES = 80
TYPE_PIECE = 64                    # bytes typed into a guest before waiting for their echo

# The guest side of the load, typed into each Linux guest as /tmp/soak.sh (run as `sh /tmp/soak.sh
# PEER`). Files d1.. in /mnt/soak; dN.md5 appears (atomically, after a sync) only once dN is on disk,
# so after a reset every dN.md5 must still match. d1-d4 are kept for the whole run; later files are
# read back and deleted 12 writes later. Status line in /tmp/soak.st, problems in /tmp/soak.err.
LOAD_SCRIPT = r"""P=$1; D=/mnt/soak; S=/tmp/soak
mkdir -p $D; rm -f $D/*.new
for f in $D/d*; do case $f in *.md5) ;; *) [ -e $f.md5 ] || rm -f $f ;; esac; done
seq 1 30000 > $S.blob; B=$(md5sum < $S.blob); size=$(wc -c < $S.blob)
nc -ll -p 5000 -e cat $S.blob > /dev/null 2>&1 & echo $! > $S.srv
n=$(ls $D | sed -n "s/^d\([0-9]*\)[.]md5$/\1/p" | sort -n | tail -n 1); n=$((${n:-0} + 1))
w=0; v=0; po=0; pf=0; no=0; ns=0
while :; do
 f=$D/d$n
 if dd if=/dev/urandom of=$f bs=4096 count=32 2>/dev/null && sync && md5sum $f > $f.new && sync &&
    mv $f.new $f.md5 && sync; then
  w=$((w + 1))
 else
  echo "writing d$n failed" >> $S.err
 fi
 o=$((n - 12))
 if [ $o -gt 4 ] && [ -e $D/d$o.md5 ]; then
  echo 3 > /proc/sys/vm/drop_caches
  if md5sum -c -s $D/d$o.md5; then v=$((v + 1)); else echo "d$o read back wrong" >> $S.err; fi
  rm -f $D/d$o.md5 $D/d$o
 fi
 n=$((n + 1))
 if ping -c 2 -W 3 $P > /dev/null 2>&1; then po=$((po + 1)); else pf=$((pf + 1)); fi
 timeout 20 nc $P 5000 < /dev/null > $S.got 2> /dev/null
 if [ "$(md5sum < $S.got)" = "$B" ]; then
  no=$((no + 1))
 elif [ $(wc -c < $S.got) -ge $size ]; then
  echo "nc: wrong data from $P" >> $S.err
 else
  ns=$((ns + 1))
 fi
 echo "soak-status next=$n written=$w verified=$v ping_ok=$po ping_fail=$pf nc_ok=$no nc_short=$ns" \
  > $S.st.new
 mv $S.st.new $S.st
 sleep 1
done
"""
# The kernel's complaints, time stamps turned into "dmesg(T)" so they are not taken for Mantle's log
# lines; the [x] keep the typed text itself from matching FATAL.
DMESG_SCRIPT = r"""p="bu[g]:|oop[s]:|internal erro[r]|warnin[g]: cpu|call trac[e]|i/o erro[r]"
p="$p|ext4-fs (erro[r]|warnin[g])|blk_update_reques[t]|detected stal[l]|soft locku[p]|hung tas[k]|kernel pani[c]"
dmesg | grep -iE "$p" | sed "s/^\[ *\([0-9.]*\)\] /dmesg(\1) /"
"""
STATUS = re.compile(r"soak-status next=(\d+) written=(\d+) verified=(\d+) ping_ok=(\d+) ping_fail=(\d+) "
                    r"nc_ok=(\d+) nc_short=(\d+)")
COUNTERS = ("written", "verified", "ping_ok", "ping_fail", "nc_ok", "nc_short")
VERIFY = ("sync; echo 3 > /proc/sys/vm/drop_caches; c=0; b=0; for m in /mnt/soak/d*.md5; do [ -e $m ] || "
          "continue; c=$((c + 1)); md5sum -c -s $m || { b=$((b + 1)); echo \"BAD $m\"; }; done; "
          "echo \"soak-verify files=$c bad=$b\"")
ATTACK_SUMMARY = re.compile(r"ATTACK SUMMARY: (\d+) attempts, (\d+) escaped, (\d+) notes")

# Mantle's log lines: "[  12.345678] cpu1: warning: message".
MANTLE_LINE = re.compile(r"\[\s*\d+\.\d{6}\] (?:cpu\d+: )?(error: |warning: )?([^\n]*)\n")
# Anywhere in the console output: Mantle's panics and EL2 exception dumps, a guest kernel's oops.
FATAL = re.compile(r"PANIC: |\*\*\* unexpected exception|\*\*\* CPU \d+ halted|Kernel panic|"
                   r"Internal error: Oops|Unable to handle kernel|\bBUG: ")


class SoakFailure(Exception):
    pass


class SoakMantle(Mantle):
    """The harness's Mantle; a failed wait raises SoakFailure, the log is printed once at the end."""

    def fail(self, what):
        raise SoakFailure(what)


def say(t0, text):
    print(f"[{time.monotonic() - t0:7.1f} s] {text}", flush=True)


_markers = itertools.count()


def gsh(m, command, timeout=60):
    """Run command in the bound Linux guest's shell, return its output: test_linux.sh for any length.

    Typed in pieces, each echoed (so read by the guest) before the next: a serial port's input
    buffer in Mantle holds 256 bytes, and what arrives while it is full is dropped.
    """
    marker = f"__soak_{next(_markers)}__"
    line = f"{command}; echo {marker}"
    for i in range(0, len(line), TYPE_PIECE):
        piece = line[i:i + TYPE_PIECE]
        m.send(piece)
        m.expect_text(re.escape(piece), 30)
    m.send("\r")
    out = m.expect_text(rf"(?ms)\n(.*?)^{marker}\n", timeout).group(1)
    m.expect_text(r"# ", 30)
    return out


def type_file(m, path, text):
    """Write text to path in the bound Linux guest, in lines typed through printf; checked by md5."""
    lines = text.rstrip("\n").split("\n")
    assert not any("'" in line for line in lines)
    gsh(m, f"rm -f {path}")
    chunk = []
    for line in lines + [None]:
        if line is not None and sum(len(x) + 3 for x in chunk) + len(line) < 600:
            chunk.append(line)
            continue
        if chunk:
            gsh(m, "printf '%s\\n' " + " ".join(f"'{x}'" for x in chunk) + f" >> {path}")
        chunk = [line]
    want = hashlib.md5(text.encode()).hexdigest()
    got = gsh(m, f"md5sum {path}").split()
    if not got or got[0] != want:
        m.fail(f"{path} was typed wrong: md5 {got[:1]}, expected {want}")


@contextlib.contextmanager
def linux_shell(m, name):
    """The guest's console shell, lines unwrapped; unbound again after (after a failure, the
    diagnostics leave it)."""
    bind(m, f"{name}/uart0", history=False)
    m.send("\r")
    m.expect_text(r"# ", 60)
    sh(m, "stty cols 1000")
    yield
    unbind(m)


class Soak:
    def __init__(self, m, seed):
        self.m = m
        self.seed = seed
        self.rng = random.Random(seed)
        self.t0 = time.monotonic()
        self.failures = []
        self.actions = collections.Counter()       # ("pause", guest) / ("reset", guest)
        self.resets = collections.Counter()
        self.load = {name: {"total": collections.Counter(), "now": collections.Counter(),
                            "progress_at": 0.0, "errors": set(), "verified_after_reset": 0}
                     for name in PEER}
        self.attack = {"runs": 0, "cut": 0, "escapes": 0, "notes": 0, "attempts": 0, "token": None,
                       "seq": 0, "started": 0.0, "seen": 0, "seen_at": 0.0}
        self.marks = 0
        self.baseline = None
        self.checksum = None

    def note(self, text):
        say(self.t0, text)

    def failure(self, text):
        self.failures.append(text)
        self.note(f"FAILURE: {text}")

    # ------------------------------------------------------------ Linux load
    def mount(self, name):
        """In the bound guest: /dev/vda on /mnt (after a reset, ext4 replays its journal here)."""
        out = gsh(self.m, "grep -q ' /mnt ' /proc/mounts || mount -t ext4 /dev/vda /mnt; "
                  "grep -c ' /mnt ' /proc/mounts", 120)
        if out.strip().splitlines()[-1:] != ["1"]:
            self.m.fail(f"{name}: /dev/vda did not mount: {out!r}")

    def start_load(self, name):
        """In the bound guest, /dev/vda mounted: (re)write the scripts and start the load job."""
        m = self.m
        type_file(m, "/tmp/soak.sh", LOAD_SCRIPT)
        type_file(m, "/tmp/soak-dmesg.sh", DMESG_SCRIPT)
        gsh(m, f"sh /tmp/soak.sh {PEER[name]} < /dev/null > /dev/null 2>&1 & echo $! > /tmp/soak.pid")
        st = self.load[name]
        st["total"].update(st["now"])
        st["now"] = collections.Counter()
        st["progress_at"] = time.monotonic()

    def verify_files(self, name, when):
        """In the bound guest: every file with an md5 beside it reads back (page cache dropped) right."""
        out = gsh(self.m, VERIFY, 300)
        match = re.search(r"soak-verify files=(\d+) bad=(\d+)", out)
        if not match:
            self.m.fail(f"{name}: no verification result: {out!r}")
        files, bad = int(match.group(1)), int(match.group(2))
        if bad:
            self.failure(f"{name}: {bad} of {files} files read back wrong {when}: "
                         + " ".join(re.findall(r"BAD (\S+)", out)))
        return files

    def check_load(self, name):
        """In the bound guest: read the load's status, its error file and the kernel's complaints."""
        out = gsh(self.m, "cat /tmp/soak.st /tmp/soak.err 2>/dev/null; sh /tmp/soak-dmesg.sh", 60)
        st = self.load[name]
        match = STATUS.search(out)
        if match:
            now = collections.Counter(dict(zip(COUNTERS, map(int, match.groups()[1:]))))
            if now["written"] > st["now"]["written"]:
                st["progress_at"] = time.monotonic()
            st["now"] = now
        if time.monotonic() - st["progress_at"] > STALL_LIMIT:
            self.m.fail(f"{name}: its load wrote no file for {STALL_LIMIT} s: {out!r}")
        for line in out.splitlines():
            line = line.strip()
            if line and not STATUS.search(line) and line not in st["errors"]:
                st["errors"].add(line)
                self.failure(f"{name}: {line}")

    def check_in_linux(self, name):
        with linux_shell(self.m, name):
            self.check_load(name)

    # ------------------------------------------------------------ firmware guests
    def fw_hello(self, name):
        bind(self.m, f"{name}/uart0", history=False)
        self.m.send("hello\r")
        self.m.expect_text(rf"fw: hello from {name}\n", 30)
        unbind(self.m)

    def fw_mark(self, name):
        """An unknown command echoed into an idle firmware's history: output after it is newer."""
        self.marks += 1
        mark = f"soak-mark-{self.marks}-here"
        bind(self.m, f"{name}/uart0", history=False)
        self.m.send(mark + "\r")
        self.m.expect_text(rf"unknown command '{mark}'", 30)
        unbind(self.m)
        return mark

    def fw_wait_selftests(self, name, mark):
        """After a reset: the firmware booted again (after mark in its history) and passed its suites."""
        bind(self.m, f"{name}/uart0", history=True)
        match = self.m.expect_text(re.escape(mark) + rf"[\s\S]*?fw: {name} up[\s\S]*?" + RESULT.pattern,
                                   FW_BOOT_TIMEOUT)
        unbind(self.m)
        passed, failed = int(match.group(1)), int(match.group(2))
        if failed:
            fails = re.findall(r"TEST \S+ FAIL[^\n]*", match.group(0))
            self.failure(f"{name}: {failed} self-tests failed after a reset: {fails}")
        return passed

    def attack_start(self):
        """Bound to attack at its prompt: a fresh token, then `run attack`."""
        a = self.attack
        a["seq"] += 1
        a["token"] = f"soak-attack-{a['seq']}-run"
        self.m.send(a["token"] + "\r")
        self.m.expect_text(rf"unknown command '{a['token']}'", 30)
        self.m.send("run attack\r")
        self.m.expect_text(r"fw: attack: \d+ classes", 60)
        a["started"] = a["seen_at"] = time.monotonic()
        a["seen"] = 0

    def attack_poll(self, restart=True, timeout=0.0):
        """Did the run since the last token end? Count it and (restart) start the next one."""
        a, m = self.attack, self.m
        replay = bind(m, "attack/uart0", history=True)
        at = replay.rfind(a["token"])
        if at < 0:
            m.fail(f"attack: its history no longer holds {a['token']}")
        if timeout:
            pattern = re.escape(a["token"]) + r"[\s\S]*?" + ATTACK_SUMMARY.pattern + r"[\s\S]*?fw> "
            tail = m.expect_text(pattern, timeout).group(0)
        else:
            tail = replay[at:]
        if re.search(r"fw: attack up", tail):
            self.failure("attack: the firmware booted again during a run nobody reset")
        summary = ATTACK_SUMMARY.search(tail)
        if summary:
            attempts, escaped, notes = map(int, summary.groups())
            a["runs"] += 1
            a["attempts"] += attempts
            a["escapes"] += escaped
            a["notes"] += notes
            if escaped:
                escapes = re.findall(r"ESCAPE [^\n]*", tail)
                self.failure(f"attack: run {a['seq']}: {escaped} escaped: {escapes[:10]}")
            self.note(f"attack: run {a['seq']} done: {attempts} attempts, {escaped} escaped, {notes} notes")
            if restart:
                m.send("\r")
                m.expect_text(r"fw> ", 30)
                self.attack_start()
        else:
            now = time.monotonic()
            if len(tail) > a["seen"]:
                a["seen"], a["seen_at"] = len(tail), now
            if now - a["seen_at"] > ATTACK_QUIET_LIMIT:
                m.fail(f"attack: no output for {ATTACK_QUIET_LIMIT} s in run {a['seq']}")
            if now - a["started"] > ATTACK_RUN_TIMEOUT:
                m.fail(f"attack: run {a['seq']} still going after {ATTACK_RUN_TIMEOUT} s")
        unbind(m)

    # ------------------------------------------------------------ lifecycle actions
    def expect_reply(self, command, reply, timeout=30):
        out = self.m.run(command, timeout).strip()
        if out != reply:
            self.m.fail(f"`{command}` said {out!r}, expected {reply!r}")

    def pause(self, name, seconds):
        self.expect_reply(f"guest pause {name}", f"guest {name} paused")
        row = guest_row(self.m, name)
        if not row or row[1] != "paused":
            self.failure(f"{name}: `guest list` says {row} while paused")
        time.sleep(seconds)
        self.expect_reply(f"guest resume {name}", f"guest {name} resumed")
        if name == "fw0":
            self.fw_hello(name)

    def reset(self, name):
        began = time.monotonic()
        if name in PEER:
            self.check_in_linux(name)          # its counters and kernel log die with it
        elif name == "fw0":
            mark = self.fw_mark(name)
        else:
            self.attack_poll()                 # a run that ended meanwhile still counts
        self.expect_reply(f"guest reset {name}", f"guest {name} reset", RESET_TIMEOUT)
        self.resets[name] += 1
        if name in PEER:
            # Linux needs seconds before its first line: the live output holds the whole boot.
            bind(self.m, f"{name}/uart0", history=False)
            self.m.expect_text(READY, BOOT_TIMEOUT)
            self.m.expect_text(r"built-in shell[\s\S]*?# ", 60)
            unbind(self.m)
            st = self.load[name]
            with linux_shell(self.m, name):
                self.mount(name)
                files = self.verify_files(name, f"after reset {self.resets[name]}")
                # d1-d4 are never deleted: what was reported written must be there.
                written = (st["total"] + st["now"])["written"]
                if files < min(written, 4):
                    self.failure(f"{name}: {files} files on disk after reset {self.resets[name]}, "
                                 f"{written} had been written")
                st["verified_after_reset"] += files
                self.start_load(name)
            return f"back in {time.monotonic() - began:.0f} s, {files} files intact, load restarted"
        if name == "attack":
            mark = self.attack["token"]
            self.attack["cut"] += 1
        passed = self.fw_wait_selftests(name, mark)
        if name == "attack":
            bind(self.m, "attack/uart0", history=False)
            self.m.send("\r")
            self.m.expect_text(r"fw> ", 30)
            self.attack_start()
            unbind(self.m)
        return f"back in {time.monotonic() - began:.0f} s, {passed} self-tests passed"

    def draw(self):
        # Every draw is made whatever the outcome, so a seed always gives the same sequence.
        gap = self.rng.uniform(*ACTION_GAP)
        target = self.rng.choice(TARGETS)
        kind = self.rng.choice(("pause", "reset"))
        length = self.rng.uniform(*PAUSE_LEN)
        return gap, target, kind, length

    # ------------------------------------------------------------ phases
    def setup(self):
        m = self.m
        m.boot()
        for name in PEER:
            wait_linux(m, f"{name}/uart0")
            unbind(m)
        self.note("Mantle and both Linux guests are up")
        self.baseline = (heap(m), threads(m))
        for name in ("checksum", "attack"):
            out = m.run(f"guest create {name}.dtb")
            if f"created guest {name} (2 vCPUs)" not in out:
                m.fail(f"guest create {name}.dtb: {out!r}")
            firmware_results(m, f"{name}/uart0", FW_BOOT_TIMEOUT)
        bind(m, "checksum/uart0", history=False)
        m.send("checksum start\r")
        m.expect_text(r"fw: checksum: started: [^\n]*\n", 60)
        unbind(m)
        bind(m, "attack/uart0", history=False)
        m.send("\r")
        m.expect_text(r"fw> ", 30)
        self.attack_start()
        unbind(m)
        for name in PEER:
            with linux_shell(m, name):
                self.mount(name)
                self.start_load(name)
        self.note("checksum loop, attack runs and Linux loads started")

    def soak(self):
        start = time.monotonic()
        deadline = start + SECONDS
        index = 0
        gap, target, kind, length = self.draw()
        next_at = start + gap
        while True:
            for name in PEER:
                self.check_in_linux(name)
            self.attack_poll()
            now = time.monotonic()
            if now >= deadline:
                break
            if now < next_at:
                time.sleep(min(next_at, deadline) - now)
                if time.monotonic() >= deadline:
                    continue
            index += 1
            self.actions[(kind, target)] += 1
            if kind == "pause":
                self.pause(target, length)
                self.note(f"action {index}: paused {target} for {length:.1f} s")
            else:
                self.note(f"action {index}: reset {target}: {self.reset(target)}")
            gap, target, kind, length = self.draw()
            next_at = time.monotonic() + gap

    def finish(self):
        m = self.m
        self.note("soak time over: waiting for the attack run in progress")
        self.attack_poll(restart=False, timeout=ATTACK_RUN_TIMEOUT)
        # Loads stop; every file still on disk must read back as written, and the network still works.
        for name in PEER:
            with linux_shell(m, name):
                self.check_load(name)
                gsh(m, "kill $(cat /tmp/soak.pid) $(cat /tmp/soak.srv); sleep 3; sync")
                files = self.verify_files(name, "at the end")
                if files < 4:
                    self.failure(f"{name}: only {files} files on disk at the end (the first 4 are kept)")
                self.load[name]["final_files"] = files
                if gsh(m, "echo soak-alive-$((6 * 7))").strip() != "soak-alive-42":
                    self.failure(f"{name}: does not answer echo")
        with linux_shell(m, "linux0"):
            gsh(m, "(nc -l -p 5001 -e cat /tmp/soak.blob > /dev/null 2>&1 &)")
        with linux_shell(m, "linux1"):
            out = gsh(m, "ping -c 3 -W 5 10.0.0.10; timeout 30 nc 10.0.0.10 5001 < /dev/null > /tmp/final; "
                     "md5sum < /tmp/final; md5sum < /tmp/soak.blob", 120)
            sums = re.findall(r"^([0-9a-f]{32})\s", out, re.M)
            if "3 packets transmitted, 3 packets received" not in out or len(sums) != 2 or sums[0] != sums[1]:
                self.failure(f"network after the soak: ping or nc from linux1 to linux0 failed: {out!r}")
        for name in PEER:
            totals = self.load[name]["total"] + self.load[name]["now"]
            if not totals["written"] or not totals["nc_ok"] or not totals["ping_ok"]:
                self.failure(f"{name}: its load did too little: {dict(totals)}")
        # Every guest answers and none stopped, crashed or restarted on its own.
        self.fw_hello("fw0")
        self.fw_hello("attack")
        bind(m, "checksum/uart0", history=False)
        m.send("checksum status\r")
        match = m.expect_text(r"fw: checksum: (\d+) rounds, (\d+) mismatches[^\n]*\n", 30)
        unbind(m)
        self.checksum = (int(match.group(1)), int(match.group(2)))
        if not self.checksum[0] or self.checksum[1]:
            self.failure(f"checksum: {match.group(0).strip()}")
        for name in ("linux0", "linux1", "fw0", "checksum", "attack"):
            row = guest_row(m, name)
            if not row or row[1] != "running" or row[-1] != str(self.resets[name]):
                self.failure(f"{name}: `guest list` says {row}; expected running, "
                             f"{self.resets[name]} restarts")
            crashes = re.search(r"^crashes:\s+(\d+)", m.run(f"guest info {name}"), re.M)
            if not crashes or crashes.group(1) != "0":
                self.failure(f"{name}: `guest info` counts crashes: {crashes.group(0) if crashes else None}")
        # The extra guests go; the allocators and threads are as right after boot.
        for name in ("attack", "checksum"):
            self.expect_reply(f"guest destroy {name}", f"guest {name} destroyed", RESET_TIMEOUT)
        after = (heap(m), threads(m))
        if after[0] != self.baseline[0]:
            self.failure(f"heap and pages not back to the baseline: {self.baseline[0]} -> {after[0]}")
        if after[1] != self.baseline[1]:
            self.failure(f"threads not back to the baseline: {self.baseline[1]} -> {after[1]}")
        self.check_log()

    def check_log(self):
        """Mantle's log lines: only the expected ones; nothing fatal anywhere in the output."""
        text = self.m.console_log().replace("\r", "")
        self.expected = collections.Counter()
        logged_resets = collections.Counter()
        unexpected = []
        for match in MANTLE_LINE.finditer(text):
            level, msg = match.group(1) or "", match.group(2)
            guest = re.match(r"guest (\S+): ", msg)
            guest = guest.group(1) if guest else None
            if level == "error: ":
                unexpected.append(match.group(0).strip())
            elif level == "warning: ":
                if guest in FW_GUESTS and re.match(r"guest \S+: vcpu\d+: ", msg):
                    self.expected["firmware guests' refused accesses (their self-tests, the attacks)"] += 1
                elif guest == "attack" and re.match(r"guest attack: \w+: malformed virtqueue", msg):
                    self.expected["attack's malformed virtqueues"] += 1
                else:
                    unexpected.append(match.group(0).strip())
            elif guest and re.match(r"guest \S+: stopped", msg):
                unexpected.append(match.group(0).strip())
            elif guest and re.fullmatch(r"guest \S+: reset", msg):
                logged_resets[guest] += 1
        for line in unexpected[:20]:
            self.failure(f"unexpected log line: {line}")
        if len(unexpected) > 20:
            self.failure(f"... and {len(unexpected) - 20} more unexpected log lines")
        for match in FATAL.finditer(text):
            start = text.rfind("\n", 0, match.start()) + 1
            self.failure(f"fatal output: {text[start:text.find(chr(10), match.end())]}")
        if logged_resets != self.resets:
            self.failure(f"resets logged {dict(logged_resets)}, resets done {dict(self.resets)}")

    def summary(self, elapsed):
        print(f"soak: seed {self.seed}, {SECONDS} s of soak, {elapsed:.0f} s in all")
        kinds = collections.Counter()
        for (kind, _), n in self.actions.items():
            kinds[kind] += n
        print(f"soak: {sum(self.actions.values())} actions: {kinds['pause']} pause+resume, "
              f"{kinds['reset']} reset; "
              + ", ".join(f"{k} {g} x{n}" for (k, g), n in sorted(self.actions.items())))
        for name, st in self.load.items():
            t = st["total"] + st["now"]
            print(f"soak: {name}: {t['written']} files written, {t['verified']} read back during the run, "
                  f"{st['verified_after_reset']} after its resets, {st.get('final_files', '?')} at the end; "
                  f"ping {t['ping_ok']} ok {t['ping_fail']} failed; "
                  f"nc {t['nc_ok']} ok {t['nc_short']} cut short")
        a = self.attack
        print(f"soak: attack: {a['runs']} runs finished ({a['attempts']} attempts), {a['cut']} cut short by "
              f"resets, {a['escapes']} escaped, {a['notes']} notes")
        if self.checksum:
            print(f"soak: checksum: {self.checksum[0]} rounds, {self.checksum[1]} mismatches")
        for what, n in sorted(getattr(self, "expected", {}).items()):
            print(f"soak: expected log lines: {n} {what}")


def main():
    seed = os.environ.get("SOAK_SEED")
    seed = int(seed) if seed else random.SystemRandom().randrange(1 << 32)
    print(f"soak: {SECONDS} s, seed {seed} (SOAK_SEED={seed} repeats this run's actions)", flush=True)

    def out_of_time(signum, frame):
        raise SoakFailure("the soak as a whole ran out of time")
    signal.signal(signal.SIGALRM, out_of_time)
    signal.alarm(SECONDS + 3600)

    m = SoakMantle(gic=3, cpu="max", smp=4, bundle=LINUX_BUNDLE)
    soak = Soak(m, seed)
    state = ""
    try:
        soak.setup()
        soak.soak()
        soak.finish()
    except (SoakFailure, AssertionError) as e:
        soak.failure(f"stopped: {str(e).splitlines()[0] if str(e) else type(e).__name__}")
        state = m.diagnostics()
    finally:
        signal.alarm(0)
        log = m.console_log()
        os.makedirs(os.path.dirname(LOG_PATH), exist_ok=True)
        with open(LOG_PATH, "w") as f:
            f.write(log)
        m.close()
    soak.summary(time.monotonic() - soak.t0)
    if soak.failures:
        tail = log.replace("\r", "").rstrip("\n").split("\n")[-TAIL_LINES:]
        print(f"--- console log, last {TAIL_LINES} lines (all of it: {LOG_PATH}):")
        print("\n".join(tail))
        if state:
            print("--- state after the failure:")
            print(state.replace("\r", ""))
        print(f"soak: FAILED ({len(soak.failures)}):")
        for line in soak.failures:
            print(f"  {line}")
        sys.exit(1)
    print(f"soak: PASSED (console log: {LOG_PATH})")


if __name__ == "__main__":
    main()
