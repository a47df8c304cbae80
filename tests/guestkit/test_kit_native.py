"""Boot the Linux guest kit natively (QEMU virt, no Mantle) and check it works.

Run: cd tests/guestkit && /usr/bin/python3 -m pytest -q

The kit is built (or found up to date) with mkkit.sh in ../../build/guestkit/<flavour>;
MANTLE_GUESTKIT_FLAVOUR=generic picks Debian's generic kernel instead of the cloud one, and
MANTLE_GUESTKIT_DIR=DIR uses an already built kit as it is. Every wait has a timeout
(MANTLE_BOOT_TIMEOUT, MANTLE_CMD_TIMEOUT, seconds); a failed wait prints the console log.
"""
import io
import os
import re
import shutil
import subprocess
import time

import pexpect
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
FLAVOUR = os.environ.get("MANTLE_GUESTKIT_FLAVOUR", "cloud")
BOOT_TIMEOUT = float(os.environ.get("MANTLE_BOOT_TIMEOUT", "90"))
CMD_TIMEOUT = float(os.environ.get("MANTLE_CMD_TIMEOUT", "20"))
BUILD_TIMEOUT = 1800
READY = "MANTLE-GUEST-READY"
SMP = 2


@pytest.fixture(scope="session")
def kit():
    given = os.environ.get("MANTLE_GUESTKIT_DIR")
    if given:
        outdir = given
    else:
        outdir = os.path.join(ROOT, "build", "guestkit", FLAVOUR)
        build = subprocess.run([os.path.join(HERE, "mkkit.sh"), outdir, FLAVOUR],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               timeout=BUILD_TIMEOUT)
        assert build.returncode == 0, "mkkit.sh failed:\n" + build.stdout
    for name in ("Image", "initramfs.cpio.gz", "kernel-version"):
        assert os.path.isfile(os.path.join(outdir, name)), f"kit has no {name} in {outdir}"
    return outdir


@pytest.fixture(scope="session")
def ext4_disk(tmp_path_factory):
    """A small ext4 image holding hello.txt, or None when mke2fs is not installed."""
    mke2fs = shutil.which("mke2fs") or shutil.which("/sbin/mke2fs") or shutil.which("/usr/sbin/mke2fs")
    if not mke2fs:
        return None
    tmp = tmp_path_factory.mktemp("disk")
    content = tmp / "content"
    content.mkdir()
    (content / "hello.txt").write_text("hello from the host\n")
    image = tmp / "disk.ext4"
    subprocess.run([mke2fs, "-q", "-F", "-t", "ext4", "-d", str(content), str(image), "16M"],
                   check=True, timeout=60, stdout=subprocess.DEVNULL)
    return str(image)


class Guest:
    """A kit booted by boot_native.sh, driven over its console."""

    def __init__(self, kit, gic, smp, extra=()):
        env = dict(os.environ, QEMU_EXTRA=" ".join(extra))
        self.log = io.StringIO()
        self.started = time.monotonic()
        self.child = pexpect.spawn(os.path.join(HERE, "boot_native.sh"), [kit, str(gic), str(smp)],
                                   env=env, encoding="utf-8", codec_errors="replace",
                                   timeout=CMD_TIMEOUT)
        self.child.logfile_read = self.log

    def expect(self, pattern, timeout=CMD_TIMEOUT, what=None):
        try:
            return self.child.expect(pattern, timeout=timeout)
        except (pexpect.TIMEOUT, pexpect.EOF) as e:
            kind = "timeout" if isinstance(e, pexpect.TIMEOUT) else "QEMU exited"
            raise AssertionError(f"{kind} ({timeout:g}s) waiting for {what or pattern!r}\n"
                                 f"----- console log -----\n{self.log.getvalue()}\n"
                                 f"----- end of console log -----") from None

    def fail(self, message):
        raise AssertionError(f"{message}\n----- console log -----\n{self.log.getvalue()}\n"
                             f"----- end of console log -----")

    def boot(self):
        # The marker is alone on its line; the prompt "/ # " is followed by ESC [6n.
        self.expect(r"(?:^|\n)" + READY + r"\r*\n", BOOT_TIMEOUT, READY)
        self.ready_after = time.monotonic() - self.started
        self.expect("# ", CMD_TIMEOUT, "the first shell prompt")
        return self

    def run(self, command, timeout=CMD_TIMEOUT):
        """Run command in the guest shell; return (exit status, output)."""
        line = f"{command}; echo =RC=$?=END"
        self.child.sendline(line)
        # The shell echoes the line, wrapping it at 80 columns with CR/LF: skip that echo.
        self.expect("[\r\n]*".join(re.escape(c) for c in line) + r"\r*\n", timeout,
                    f"the echo of {command!r}")
        # The echo shows "$?", the output a number: only the output matches.
        self.expect(r"=RC=(\d+)=END", timeout, f"the end of {command!r}")
        status = int(self.child.match.group(1))
        output = self.child.before.replace("\r", "")
        self.expect("# ", timeout, f"the prompt after {command!r}")
        return status, output

    def check(self, command, timeout=CMD_TIMEOUT):
        status, output = self.run(command, timeout)
        if status != 0:
            self.fail(f"{command!r} exited with {status}:\n{output}")
        return output

    def wait_exit(self, timeout=CMD_TIMEOUT, what="QEMU to exit"):
        self.expect(pexpect.EOF, timeout, what)
        self.child.close()
        return self.child.exitstatus

    def close(self):
        if self.child.isalive():
            self.child.close(force=True)


def device_args(disk):
    args = ["-device", "virtio-rng-device",
            "-device", "virtio-serial-device",
            "-netdev", "user,id=net0", "-device", "virtio-net-device,netdev=net0"]
    if disk:
        args += ["-drive", f"if=none,format=raw,file={disk},id=disk0",
                 "-device", "virtio-blk-device,drive=disk0"]
    return args


@pytest.fixture(scope="module", params=[2, 3], ids=["gicv2", "gicv3"])
def guest(request, kit, ext4_disk):
    g = Guest(kit, request.param, SMP, device_args(ext4_disk))
    g.disk = ext4_disk
    try:
        yield g.boot()
    finally:
        g.close()


def test_ready_marker(guest):
    print(f"ready marker after {guest.ready_after:.2f}s wall")
    assert guest.ready_after < BOOT_TIMEOUT


def test_cpuinfo_shows_cpus(guest):
    output = guest.check("cat /proc/cpuinfo")
    cpus = re.findall(r"^processor\s*:\s*(\d+)", output, re.M)
    if cpus != [str(i) for i in range(SMP)]:
        guest.fail(f"expected processors 0..{SMP - 1} in /proc/cpuinfo, got {cpus}")


def test_virtio_mmio_loaded_or_builtin(guest):
    modules = guest.check("cat /proc/modules")
    builtin = guest.check("cat /lib/modules/$(uname -r)/modules.builtin")
    if not re.search(r"^virtio_mmio ", modules, re.M) and "/virtio_mmio.ko" not in builtin:
        guest.fail("virtio_mmio is neither loaded nor built in")
    guest.check("ls -d /sys/bus/platform/drivers/virtio-mmio")


def test_virtio_devices_bound(guest):
    for driver in ("virtio_rng", "virtio_console", "virtio_net") + (("virtio_blk",) if guest.disk else ()):
        guest.check(f"ls -d /sys/bus/virtio/drivers/{driver}/virtio*")
    assert "virtio_rng" in guest.check("cat /sys/class/misc/hw_random/rng_current")
    guest.check("ip link show eth0")


def test_ext4_on_virtio_blk(guest):
    if not guest.disk:
        pytest.skip("mke2fs not installed on the host")
    guest.check("mount -t ext4 /dev/vda /mnt")
    assert "hello from the host" in guest.check("cat /mnt/hello.txt")
    guest.check("echo written-in-guest > /mnt/guest.txt && umount /mnt")
    guest.check("mount -t ext4 /dev/vda /mnt")
    assert "written-in-guest" in guest.check("cat /mnt/guest.txt")
    guest.check("umount /mnt")


def test_applet_links_resolve(guest):
    # every link in /bin and /sbin must name an applet this busybox has
    output = guest.check("for f in /bin/* /sbin/*; do n=${f##*/}; "
                         "busybox --list | grep -qxF \"$n\" || echo \"NO\"\"-APPLET $n\"; done")
    missing = re.findall(r"NO-APPLET (\S+)", output)
    missing = [m for m in missing if m != "busybox"]
    if missing:
        guest.fail(f"links to applets busybox lacks: {missing}")


def test_sleep(guest):
    output = guest.check("cat /proc/uptime; sleep 1; cat /proc/uptime", timeout=CMD_TIMEOUT + 1)
    before, after = (float(line.split()[0]) for line in output.split("\n")[:2])
    assert 1.0 <= after - before < CMD_TIMEOUT, output


def test_job_control(guest):
    guest.child.sendline("sleep 100")
    time.sleep(0.5)
    guest.child.sendcontrol("c")
    guest.expect("# ", CMD_TIMEOUT, "the prompt after Ctrl-C")
    status, _ = guest.run("true")
    assert status == 0
    assert "Running" in guest.check("sleep 100 & jobs; kill %1")


def test_poweroff(guest):
    # last in this module: the guest is gone afterwards
    guest.child.sendline("poweroff")
    status = guest.wait_exit(CMD_TIMEOUT, "QEMU to exit after poweroff (PSCI SYSTEM_OFF)")
    assert status == 0
    assert "reboot: Power down" in guest.log.getvalue()


def test_reboot(kit):
    # -no-reboot makes QEMU exit on the PSCI SYSTEM_RESET that reboot ends with
    g = Guest(kit, 3, 1, ["-no-reboot"])
    try:
        g.boot()
        g.child.sendline("reboot")
        assert g.wait_exit(CMD_TIMEOUT, "QEMU to exit after reboot (PSCI SYSTEM_RESET)") == 0
        assert "reboot: Restarting system" in g.log.getvalue()
    finally:
        g.close()
