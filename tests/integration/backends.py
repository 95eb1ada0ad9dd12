# SPDX-License-Identifier: MIT
"""Temporary storage pools for the integration tests, one per backend.

Each context manager makes a pool under tmp_path, yields a Pool and, on the
way out, undoes everything it did even when the body raised: mounts (its own
and anything left mounted below the pool), loop devices, the zfs-fuse daemon
if it started one, and its files.  When the machine cannot provide the
backend (no zfs-fuse, no loop devices, no btrfs in the kernel...), entering
raises BackendUnavailable with the reason, having left nothing behind.

    with btrfs_pool(tmp_path) as pool:
        run([harness, pool.backend, pool.pool])
"""

import contextlib
import os
import secrets
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path


class BackendUnavailable(Exception):
    """This machine cannot provide the backend; the message says why."""


@dataclass(frozen=True)
class Pool:
    backend: str  # "dir", "btrfs" or "zfs"
    pool: str  # what `jailor activate` takes: a directory, or a zpool name
    path: Path  # the directory the pool is mounted at


def _run(argv, timeout=120):
    return subprocess.run(
        [str(a) for a in argv],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _need_tools(*tools):
    missing = [t for t in tools if not shutil.which(t)]
    if missing:
        raise BackendUnavailable("missing " + ", ".join(missing))


def _unescape_mountinfo(field):
    # mountinfo escapes space, tab, newline and backslash as \ooo
    out, i = [], 0
    while i < len(field):
        if field[i] == "\\" and field[i + 1 : i + 4].isdigit():
            out.append(chr(int(field[i + 1 : i + 4], 8)))
            i += 4
        else:
            out.append(field[i])
            i += 1
    return "".join(out)


def mounts_below(path):
    """Mount points at or below path, in the order to unmount them (newest first)."""
    top = os.path.realpath(path)
    found = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            mp = _unescape_mountinfo(line.split()[4])
            if mp == top or mp.startswith(top.rstrip("/") + "/"):
                found.append(mp)
    return list(reversed(found))


def umount_below(path):
    """Unmounts everything at or below path; lazily when a mount stays busy.
    Returns the problems met (an empty list when all went)."""
    problems = []
    for _ in range(3):
        mps = mounts_below(path)
        if not mps:
            return problems
        for mp in mps:
            r = _run(["umount", mp])
            if r.returncode != 0:
                problems.append(f"umount {mp}: {r.stderr.strip()}")
                _run(["umount", "-l", mp])
    left = mounts_below(path)
    if left:
        problems.append("still mounted: " + ", ".join(left))
    return problems


def _remove_tree(path):
    """rm -rf, but never while anything is mounted below (it would delete into it)."""
    path = Path(path)
    if not path.exists() and not path.is_symlink():
        return
    left = mounts_below(path)
    if left:
        raise RuntimeError(f"not removing {path}: still mounted: {', '.join(left)}")
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()


def _finish(problems):
    if problems:
        raise RuntimeError("pool cleanup failed: " + "; ".join(problems))


@contextlib.contextmanager
def dir_pool(tmp_path):
    """A directory pool: the embedded default backend."""
    root = Path(tmp_path) / "dir-pool"
    root.mkdir()
    try:
        yield Pool("dir", str(root), root)
    finally:
        problems = umount_below(root)
        try:
            _remove_tree(root)
        except Exception as e:  # noqa: BLE001 - reported below with the rest
            problems.append(str(e))
        _finish(problems)


@contextlib.contextmanager
def btrfs_pool(tmp_path, size=1 << 30):
    """A btrfs file system on a sparse file behind a loop device."""
    _need_tools("mkfs.btrfs", "losetup", "mount", "umount")
    if not os.path.exists("/dev/loop-control"):
        raise BackendUnavailable("no loop devices (/dev/loop-control is missing)")
    if os.geteuid() != 0:
        raise BackendUnavailable("needs root")
    image = Path(tmp_path) / "btrfs.img"
    mnt = Path(tmp_path) / "btrfs-pool"
    loop = None
    try:
        with open(image, "wb") as f:
            f.truncate(size)
        r = _run(["mkfs.btrfs", "-q", "-f", image])
        if r.returncode != 0:
            raise BackendUnavailable(f"mkfs.btrfs failed: {r.stderr.strip()}")
        r = _run(["losetup", "--find", "--show", image])
        if r.returncode != 0:
            raise BackendUnavailable(f"losetup failed: {r.stderr.strip()}")
        loop = r.stdout.strip()
        mnt.mkdir()
        r = _run(["mount", "-t", "btrfs", loop, mnt])
        if r.returncode != 0:
            raise BackendUnavailable(f"cannot mount btrfs: {r.stderr.strip()}")
        yield Pool("btrfs", str(mnt), mnt)
    finally:
        problems = umount_below(mnt)
        if loop:
            r = _run(["losetup", "-d", loop])
            if r.returncode != 0:
                problems.append(f"losetup -d {loop}: {r.stderr.strip()}")
        for p in (mnt, image):
            try:
                _remove_tree(p)
            except Exception as e:  # noqa: BLE001
                problems.append(str(e))
        _finish(problems)


def _zfs_daemon_answers():
    try:
        return _run(["zpool", "list", "-H"], timeout=20).returncode == 0
    except subprocess.TimeoutExpired:
        return False


def _stop(proc, timeout=30):
    """Stops a process we started, by its PID, and reaps it."""
    if proc.poll() is not None:
        return None
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout)
        return None
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)
        return f"zfs-fuse (pid {proc.pid}) ignored SIGTERM and was killed"


@contextlib.contextmanager
def zfs_pool(tmp_path, size=512 << 20):
    """A zpool on a sparse file vdev, served by zfs-fuse.

    Starts the zfs-fuse daemon only when none answers, and then stops exactly
    that process (by PID) on the way out.  The pool has a unique name
    (jtest<hex>) and is mounted under tmp_path.
    """
    _need_tools("zfs-fuse", "zpool", "zfs")
    if not os.path.exists("/dev/fuse"):
        raise BackendUnavailable("no FUSE (/dev/fuse is missing)")
    if os.geteuid() != 0:
        raise BackendUnavailable("needs root")
    tmp = Path(tmp_path)
    name = "jtest" + secrets.token_hex(4)
    vdev = tmp / "zfs.vdev"
    mnt = tmp / "zfs-pool"
    log_path = tmp / "zfs-fuse.log"
    run_dir = Path("/run/zfs")  # the daemon's socket directory
    run_dir_existed = run_dir.exists()
    daemon = None
    created = False
    try:
        if not _zfs_daemon_answers():
            with open(log_path, "wb") as log:
                # its own session: a ^C to the test run must not kill it
                # before the pool is destroyed
                daemon = subprocess.Popen(
                    [
                        "zfs-fuse",
                        "--no-daemon",
                        "--no-kstat-mount",
                        "--pidfile",
                        str(tmp / "zfs-fuse.pid"),
                    ],
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                    close_fds=True,
                )
            deadline = time.monotonic() + 30
            while not _zfs_daemon_answers():
                if daemon.poll() is not None or time.monotonic() > deadline:
                    raise BackendUnavailable(
                        "zfs-fuse did not start: " + log_path.read_text(errors="replace").strip()
                    )
                time.sleep(0.2)
        with open(vdev, "wb") as f:
            f.truncate(size)
        # cachefile=none: a pool a killed run leaves must not come back with the next daemon
        r = _run(["zpool", "create", "-o", "cachefile=none", "-m", mnt, name, vdev])
        if r.returncode != 0:
            raise BackendUnavailable(f"zpool create failed: {r.stderr.strip()}")
        created = True
        yield Pool("zfs", name, mnt)
    finally:
        problems = []
        if created:
            for attempt in range(20):
                r = _run(["zpool", "destroy", "-f", name])
                if r.returncode == 0:
                    break
                time.sleep(0.5)
            else:
                problems.append(f"zpool destroy {name}: {r.stderr.strip()}")
        problems += umount_below(mnt)
        if daemon is not None:
            msg = _stop(daemon)
            if msg:
                problems.append(msg)
            # the daemon made its socket directory; leave /run as it was
            if not run_dir_existed:
                with contextlib.suppress(OSError):
                    run_dir.rmdir()
        for p in (mnt, vdev, log_path, tmp / "zfs-fuse.pid"):
            try:
                _remove_tree(p)
            except Exception as e:  # noqa: BLE001
                problems.append(str(e))
        _finish(problems)


POOLS = {"dir": dir_pool, "btrfs": btrfs_pool, "zfs": zfs_pool}
