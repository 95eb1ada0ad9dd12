# SPDX-License-Identifier: MIT
"""Where a bench run keeps everything it makes, and how it undoes it.

A Workspace is one temporary directory plus a stack of undo actions.  Every
row registers the undo of what it makes the moment it makes it (a jail, an
LXC container, a pool, a mount, a network namespace), and the stack runs in
reverse when the run ends, also when a row fails or the run is interrupted
(SIGINT/SIGTERM become KeyboardInterrupt, so `finally` blocks run).
"""
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "integration"))

import backends  # noqa: E402  (the integration tests' pools: same code, same pools)
import rootfs  # noqa: E402  (the integration tests' busybox root)

BUILD = Path(os.environ.get("JAILOR_BUILD_DIR", REPO / "build"))
JAILOR = BUILD / "src" / "cli" / "jailor"
DEBOOTSTRAP_CACHE = Path("/var/cache/jailor-test/bookworm-debootstrap.tgz")
LXC_COMMON = "/usr/share/lxc/config/common.conf"


def run(argv, check=True, timeout=300, **kw):
    """Runs argv (no shell); a failure raises with the command's stderr."""
    proc = subprocess.run([str(a) for a in argv], capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL, **kw)
    if check and proc.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, argv))}: exit {proc.returncode}: "
                           f"{(proc.stderr or proc.stdout).strip()}")
    return proc


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


class Workspace:
    def __init__(self, keep=False):
        self.dir = Path(tempfile.mkdtemp(prefix="jailor-bench.", dir="/var/tmp"))
        self.undo = []
        self.keep = keep
        self.run_dir = None
        # LXC leaves cgroups of its own (lxc.pivot, where a monitor parks itself) in every
        # hierarchy; those that were not there before the run go with it
        self.lxc_cgroups_before = set(lxc_cgroups())
        signal.signal(signal.SIGTERM, _raise_interrupt)
        signal.signal(signal.SIGHUP, _raise_interrupt)

    def run_path(self, name):
        """A directory on /run (tmpfs), removed at cleanup."""
        if not self.run_dir:
            self.run_dir = Path(tempfile.mkdtemp(prefix="jailor-bench.", dir="/run"))
            self.on_exit(shutil.rmtree, self.run_dir, ignore_errors=True)
        return self.run_dir / name

    def path(self, *parts):
        p = self.dir.joinpath(*parts)
        p.parent.mkdir(parents=True, exist_ok=True)
        return p

    def on_exit(self, fn, *args, **kw):
        """Registers an undo action; returns a handle that forget() drops
        once the thing was undone early."""
        item = (fn, args, kw)
        self.undo.append(item)
        return item

    def forget(self, item):
        with contextlib.suppress(ValueError):
            self.undo.remove(item)

    def enter(self, cm):
        """Enters a context manager now and exits it at cleanup."""
        value = cm.__enter__()
        self.on_exit(cm.__exit__, None, None, None)
        return value

    def cleanup(self):
        """Undoes everything, newest first; returns the problems met."""
        problems = []
        # no signal may cut the cleanup short
        old = {s: signal.signal(s, signal.SIG_IGN) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
        try:
            while self.undo:
                fn, args, kw = self.undo.pop()
                try:
                    fn(*args, **kw)
                except Exception as e:  # noqa: BLE001 - every undo gets its turn
                    problems.append(f"{getattr(fn, '__name__', fn)}: {e}")
            problems += backends.umount_below(self.dir)
            for d in sorted(set(lxc_cgroups()) - self.lxc_cgroups_before, reverse=True):
                try:
                    os.rmdir(d)
                except OSError as e:
                    problems.append(f"rmdir {d}: {e}")
            if not problems and not self.keep:
                shutil.rmtree(self.dir, ignore_errors=True)
        finally:
            for s, h in old.items():
                signal.signal(s, h)
        return problems


def lxc_monitors(lxcpath):
    """PIDs of the [lxc monitor] processes of containers under lxcpath."""
    found = []
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                cmd = (p / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if cmd.startswith("[lxc monitor]") and str(lxcpath) in cmd:
                found.append(int(p.name))
    return found


def lxc_cgroups():
    """LXC's top-level cgroups (lxc.pivot, lxc.payload.*, lxc.monitor.*) in every hierarchy."""
    root = Path("/sys/fs/cgroup")
    return [str(d) for top in [root, *root.iterdir()] if top.is_dir()
            for d in top.glob("lxc.*") if d.is_dir()]


class Jailor:
    """The jailor binary with a configuration, run directory and pool of its own."""

    def __init__(self, ws, name, prefix=()):
        self.ws = ws
        self.prefix = list(prefix)  # what runs it elsewhere (row_vnet: in a network namespace)
        base = ws.path(name)
        base.mkdir(exist_ok=True)
        # runtime state on tmpfs, as /run/jailor is on a real host
        self.run_dir = ws.run_path(name)
        # the jails' cgroups apart from any other jailor's (a test run's, when one runs the smoke mode)
        cgroup_dir = os.environ.get("JAILOR_CGROUP_DIR") or f"jailor-bench-{os.getpid()}"
        self.env = dict(os.environ, JAILOR_CONF_DIR=str(base / "conf"), JAILOR_RUN_DIR=str(self.run_dir),
                        JAILOR_EMBEDDED_POOL=str(base / "embedded"), JAILOR_CGROUP_DIR=cgroup_dir)
        self.started = set()
        ws.on_exit(self.stop_all)

    def argv(self, *args):
        return [*self.prefix, str(JAILOR), *map(str, args)]

    def cmdline(self, *args):
        """The command as one shell line (for hyperfine, which is given self.env)."""
        return " ".join(self.argv(*args))

    def __call__(self, *args, check=True, timeout=300):
        return run(self.argv(*args), check=check, timeout=timeout, env=self.env)

    def start(self, name):
        self.started.add(name)
        self("start", name)

    def stop(self, name):
        self("stop", name, check=False)
        self.started.discard(name)

    def state(self, name):
        path = self.run_dir / name / "state.json"
        return json.loads(path.read_text()) if path.exists() else None

    def stop_all(self):
        """Stops every jail this run started; a supervisor that will not stop is killed by its PID."""
        for name in sorted(self.started):
            self("stop", name, check=False, timeout=120)
        for name in sorted(self.started):
            st = self.state(name)
            if st:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(st["supervisor"], signal.SIGKILL)
        self.started.clear()

    def activate_pool(self, pool):
        self("activate", pool)


class Lxc:
    """LXC containers under a private lxcpath; stopped and destroyed at cleanup."""

    def __init__(self, ws, name, prefix=(), path=None):
        self.path = Path(path) if path else ws.path(name)
        self.path.mkdir(exist_ok=True)
        self.prefix = list(prefix)
        self.names = []
        ws.on_exit(self.destroy_all)

    def argv(self, tool, name, *args):
        return [*self.prefix, tool, "-P", str(self.path), "-n", name, *map(str, args)]

    def cmdline(self, tool, name, *args):
        return " ".join(self.argv(tool, name, *args))

    def __call__(self, tool, name, *args, check=True):
        return run(self.argv(tool, name, *args), check=check)

    def define(self, name, rootfs_spec, *extra):
        """A container with jailor's defaults' counterpart: LXC's common
        confinement (seccomp, dropped capabilities, device cgroup), no
        network, no extra ttys, no AppArmor (this kernel has none)."""
        d = self.path / name
        d.mkdir(exist_ok=True)
        lines = [f"lxc.include = {LXC_COMMON}", f"lxc.uts.name = {name}", f"lxc.rootfs.path = {rootfs_spec}",
                 "lxc.apparmor.profile = unconfined", "lxc.tty.max = 0", "lxc.log.level = ERROR",
                 "lxc.signal.halt = SIGRTMIN+3", *extra]
        if not any(x.startswith("lxc.net.") for x in extra):
            lines.append("lxc.net.0.type = empty")
        (d / "config").write_text("\n".join(lines) + "\n")
        self.names.append(name)
        return name

    def running(self):
        out = run(["lxc-ls", "-P", self.path, "--running", "-1"], check=False).stdout
        return out.split()

    def destroy_all(self):
        """Every container under this lxcpath: stopped (killed), then its directory goes."""
        for name in self.running():
            run(self.argv("lxc-stop", name, "-k"), check=False)
        left = self.running()
        if left:
            raise RuntimeError(f"LXC containers still running: {left}")
        # a monitor outlives lxc-stop a moment, and parks itself in lxc.pivot as it goes:
        # wait for ours to be gone, so that the run's cleanup removes lxc.pivot after them
        if not wait_until(lambda: not lxc_monitors(self.path), 60, step=0.05):
            raise RuntimeError(f"LXC monitors still running: {lxc_monitors(self.path)}")
        # lxc-copy snapshots may have mounted nothing, but their directories hold overlay deltas
        for d in self.path.iterdir():
            if d.is_dir() and (d / "config").exists() and "btrfs" in (d / "config").read_text():
                run(["lxc-destroy", "-P", self.path, "-n", d.name], check=False)
        shutil.rmtree(self.path, ignore_errors=True)


def busybox_tree(ws):
    """The busybox root every tool runs: the integration tests' one, without
    /sbin/init, so that jailor runs its built-in init in it."""
    tree = rootfs.make_busybox_root(ws.path("roots", "busybox"))
    os.unlink(tree / "sbin" / "init")
    return tree


def busybox_tar(ws, tree):
    return rootfs.tar_root(tree, ws.path("roots", "busybox.tar.gz"), "gz")


def fetch_bookworm(jailor, pool_dir):
    """jailor fetch of bookworm from the debootstrap download the tests cache
    (made here, once, when missing); returns the release's root directory."""
    if DEBOOTSTRAP_CACHE.exists():
        jailor("fetch", "-r", "bookworm", "--tarball", DEBOOTSTRAP_CACHE, timeout=1800)
    else:
        jailor("fetch", "-r", "bookworm", timeout=1800)
        DEBOOTSTRAP_CACHE.parent.mkdir(parents=True, exist_ok=True)
        tmp = DEBOOTSTRAP_CACHE.with_suffix(".part")
        shutil.copyfile(Path(pool_dir) / "jailor/download/bookworm/bookworm-debootstrap.tgz", tmp)
        tmp.rename(DEBOOTSTRAP_CACHE)
    return Path(pool_dir) / "jailor" / "releases" / "bookworm" / "root"


def mem_used_kib():
    """MemTotal - MemAvailable, as peers.md measures density."""
    info = {}
    for line in Path("/proc/meminfo").read_text().splitlines():
        k, v = line.split(":", 1)
        info[k] = int(v.split()[0])
    return info["MemTotal"] - info["MemAvailable"]


def rss_pss_kib(pid):
    """(RSS, PSS) of a process in KiB, from smaps_rollup."""
    rss = pss = 0
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Rss:"):
            rss = int(line.split()[1])
        elif line.startswith("Pss:"):
            pss = int(line.split()[1])
    return rss, pss


def wait_until(pred, timeout, step=0.01):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(step)
    return None
