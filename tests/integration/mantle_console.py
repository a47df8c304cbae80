"""Drive a Mantle instance booted in QEMU over its UART (pexpect).

Every wait has a timeout; a failed wait raises AssertionError carrying the
whole console log, so a failing test shows what Mantle printed.
"""
import io
import os
import re
import shlex
import shutil
import subprocess
import tempfile
import time

import pexpect

PROMPT = "mantle> "
# Mantle's log lines ("[    1.234567] ...") are written whole, under the
# console lock, but may land between any two characters of a typed command's
# echo or between lines of its output: commands are matched and read with
# them skipped.
LOG_LINE = r"\[\s*\d+\.\d{6}\] [^\n]*\n"


def echo_pattern(command):
    """A regex for the echo of command, allowing log lines between characters."""
    skip = rf"(?:{LOG_LINE})*"
    return skip.join(re.escape(c) for c in command) + skip + r"\r+\n"


def strip_log_lines(text):
    return re.sub(LOG_LINE, "", text)
BOOT_TIMEOUT = float(os.environ.get("MANTLE_BOOT_TIMEOUT", "60"))
CMD_TIMEOUT = float(os.environ.get("MANTLE_CMD_TIMEOUT", "20"))


LINUX_BUNDLE = os.environ.get("MANTLE_LINUX_BUNDLE", "../../build/mantle-bundle.cpio")


MKDISK = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../scripts/mkdisk.sh")


def make_disk(directory):
    """A fresh copy of make run's host disk (two ext4 halves, linux0's and linux1's)."""
    path = os.path.join(directory, "disk0.img")
    subprocess.run([MKDISK, path], check=True, capture_output=True)
    return path


def linux_devices(disk):
    """What make run gives QEMU for the default Linux guests (see QEMU_DEVICES in the Makefile)."""
    return ["-drive", f"if=none,file={disk},format=raw,id=disk0",
            "-device", "virtio-blk-device,drive=disk0",
            "-device", "virtio-rng-device,bus=virtio-mmio-bus.0,iommu_platform=on"]


def qemu_command(gic=3, cpu="max", smp=4, mem="2G", extra=(), bundle=None):
    qemu = os.environ.get("QEMU", "qemu-system-aarch64")
    binary = os.environ.get("MANTLE_BIN", "../../build/mantle.bin")
    bundle = bundle or os.environ.get("MANTLE_BUNDLE", "../../build/test-bundle.cpio")
    initrd = ["-initrd", bundle] if bundle and os.path.exists(bundle) else []
    return [qemu, "-M", f"virt,virtualization=on,gic-version={gic}", "-cpu", cpu,
            "-smp", str(smp), "-m", mem, "-nographic", "-kernel", binary, *initrd,
            "-global", "virtio-mmio.force-legacy=false", *extra]


class Mantle:
    def __init__(self, gic=3, cpu="max", smp=4, mem="2G", extra=(), bundle=None, disk=None):
        """bundle=LINUX_BUNDLE boots make run's guests; they get a fresh disk unless disk= names one."""
        self.tmpdir = None
        if bundle == LINUX_BUNDLE:
            if disk is None:
                self.tmpdir = tempfile.mkdtemp(prefix="mantle-disk-")
                disk = make_disk(self.tmpdir)
            extra = [*linux_devices(disk), *extra]
        self.disk = disk
        self.cmd = qemu_command(gic, cpu, smp, mem, extra, bundle)
        self.log = io.StringIO()
        self._text_carry = ""
        self.child = pexpect.spawn(self.cmd[0], self.cmd[1:], encoding="utf-8",
                                   codec_errors="replace", timeout=CMD_TIMEOUT)
        self.child.logfile_read = self.log

    def console_log(self):
        return self.log.getvalue()

    def diagnostics(self):
        """Best effort, after a failure: leave any vserial, then ask for sched and vcpu list."""
        if not self.child.isalive():
            return ""
        start = len(self.console_log())
        try:
            self.child.send("\x1dq\r")
            for command in ("sched", "vcpu list", "guest list"):
                self.child.send(command + "\r")
                self.child.expect(re.escape(PROMPT), timeout=5)
        except (pexpect.TIMEOUT, pexpect.EOF):
            pass
        return self.console_log()[start:]

    def fail(self, what):
        log = self.console_log()
        extra = self.diagnostics()
        raise AssertionError(
            f"{what}\n--- command: {shlex.join(self.cmd)}\n--- console log:\n{log}"
            f"\n--- state after the failure:\n{extra}")

    def expect(self, pattern, timeout=CMD_TIMEOUT):
        """Wait for a regex (or list of them); returns the match."""
        try:
            self.child.expect(pattern, timeout=timeout)
        except pexpect.TIMEOUT:
            self.fail(f"timed out after {timeout}s waiting for {pattern!r}")
        except pexpect.EOF:
            self.fail(f"QEMU exited while waiting for {pattern!r}")
        return self.child.match

    def expect_text(self, pattern, timeout=CMD_TIMEOUT):
        """Like expect, but on the stream with Mantle's log lines taken out.

        For a guest's output through vserial: another CPU's log line may land
        between any two of the guest's characters. Returns the match; the
        stream is consumed up to where it was found.
        """
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        # What earlier calls read past their match is searched first.
        seen, self._text_carry = self._text_carry, ""
        while True:
            text = strip_log_lines(seen.replace("\r", ""))
            match = regex.search(text)
            if match:
                self._text_carry = text[match.end():]
                return match
            left = deadline - time.monotonic()
            if left <= 0:
                self.fail(f"timed out after {timeout}s waiting for {pattern!r} (log lines skipped)")
            try:
                self.child.expect(r"[\s\S]+", timeout=min(left, 0.5))
                seen += self.child.after
            except pexpect.TIMEOUT:
                pass
            except pexpect.EOF:
                self.fail(f"QEMU exited while waiting for {pattern!r}")

    def wait_prompt(self, timeout=CMD_TIMEOUT):
        self.expect(re.escape(PROMPT), timeout)

    def boot(self):
        self.wait_prompt(BOOT_TIMEOUT)
        return self

    def send(self, text):
        self.child.send(text)

    def run(self, command, timeout=CMD_TIMEOUT):
        """Type a command, return its output (without the echo and the next prompt)."""
        self.child.send(command + "\r")
        # The pty may add its own CR: line ends arrive as \r\n or \r\r\n.
        self.expect(echo_pattern(command), timeout)
        self.expect(re.escape(PROMPT), timeout)
        return strip_log_lines(self.child.before.replace("\r", ""))

    def wait_exit(self, timeout=CMD_TIMEOUT):
        """Wait for QEMU to exit; returns its exit status."""
        try:
            self.child.expect(pexpect.EOF, timeout=timeout)
        except pexpect.TIMEOUT:
            self.fail(f"QEMU still running {timeout}s after it should have exited")
        self.child.close()
        return self.child.exitstatus

    def close(self):
        if self.child.isalive():
            self.child.terminate(force=True)
        if self.tmpdir:
            shutil.rmtree(self.tmpdir, ignore_errors=True)
