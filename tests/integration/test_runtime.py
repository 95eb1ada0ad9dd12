"""Running jails: start, exec, stop, confinement, stale state (SPEC §6)."""
import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

import rootfs
from conftest import JAILOR


@pytest.fixture(scope="session")
def busybox_tar(tmp_path_factory):
    tree = rootfs.make_busybox_root(tmp_path_factory.mktemp("busybox") / "root")
    # no /sbin/init: jailor's built-in init runs the jail
    os.unlink(tree / "sbin" / "init")
    return rootfs.tar_root(tree, tmp_path_factory.mktemp("tar") / "busybox.tar.gz", "gz")


@pytest.fixture
def running(jailor, pool, busybox_tar):
    """A started busybox jail 'web' on each backend; stopped afterwards whatever happens."""
    jailor.run("activate", pool.pool)
    jailor.run("fetch", "-r", "bb", "-f", busybox_tar)
    jailor.run("create", "-r", "bb", "-n", "web")
    jailor.run("start", "web")
    try:
        yield jailor
    finally:
        jailor.run("stop", "web", check=False)
        state = jailor.run_dir / "web" / "state.json"
        if state.exists():  # the supervisor must not outlive a failed test
            pid = json.loads(state.read_text())["supervisor"]
            os.kill(pid, signal.SIGKILL)


def state(jailor):
    return json.loads((jailor.run_dir / "web" / "state.json").read_text())


def host_processes_of_jail(init_pid):
    """Host PIDs whose PID namespace is the jail's."""
    ns = os.readlink(f"/proc/{init_pid}/ns/pid")
    found = []
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                if os.readlink(p / "ns" / "pid") == ns:
                    found.append(int(p.name))
            except OSError:
                pass
    return found


def test_start_exec_stop(running, pool):
    jailor = running
    st = state(jailor)
    assert jailor.run("exec", "web", "hostname").stdout == "web\n"
    assert jailor.run("exec", "web", "cat", "/etc/hostname").stdout == "web\n"
    ps = jailor.run("exec", "web", "ps").stdout
    assert "jailor-init" in ps and len(ps.splitlines()) <= 4  # the jail sees only itself
    assert jailor.run("exec", "web", "sh", "-c", "exit 7", check=False).returncode == 7
    assert jailor.run("exec", "web", "echo $((6*7))").stdout == "42\n"  # one word: a shell line
    out = jailor.run("exec", "web", "cat", input="through stdin").stdout
    assert out == "through stdin"
    assert "already running" in jailor.fails("start", "web")
    init = st["init"]
    assert host_processes_of_jail(init)
    assert jailor.run("stop", "web").stdout == "web stopped\n"
    assert not (jailor.run_dir / "web" / "state.json").exists()
    assert not os.path.exists(f"/proc/{init}")
    assert "web is not running!" in jailor.fails("exec", "web", "true")
    assert "web is not running!" in jailor.fails("stop", "web")
    log = (Path(pool.path) / "jailor" / "log" / "web-console.log").read_text() if pool.backend != "zfs" else None
    if log is not None:
        assert "jail 'web' started" in log and "init exited" in log
    for c in ("memory", "pids", "cpu"):
        assert not os.path.exists(f"/sys/fs/cgroup/{c}/jailor/web")
    assert not os.path.exists("/sys/fs/cgroup/unified/jailor/web")


def test_confinement_from_inside(running):
    jailor = running
    denied = {
        "mount": "mount -t tmpfs none /mnt",
        "mknod of the host disk": "mknod /tmp/disk b 253 0",
        "sysrq": "echo h > /proc/sysrq-trigger",
        "host hostname": "echo evil > /proc/sys/kernel/hostname",
        "clock": "date -s 2001-01-01",
        "host process": "kill -0 1 && ls /proc | grep -c '^[0-9]' | grep -qv '^[0-9][0-9][0-9]'",
    }
    for what, cmd in denied.items():
        if what == "host process":
            # the jail's PID 1 is its own init; no host process is visible
            out = jailor.run("exec", "web", "ls /proc | grep -c '^[0-9]'").stdout
            assert int(out) < 10, what
            continue
        proc = jailor.run("exec", "web", cmd, check=False)
        # busybox date reports the refusal but exits 0
        assert proc.returncode != 0 or "not permitted" in proc.stderr, f"{what} succeeded: {proc}"
    assert jailor.run("exec", "web", "cat", "/proc/1/cmdline", check=False).returncode == 0


def test_supervisor_killed_is_recovered(running):
    jailor = running
    st = state(jailor)
    os.kill(st["supervisor"], signal.SIGKILL)
    # the init dies with its supervisor, and with it every process of the jail
    deadline = time.time() + 10
    while time.time() < deadline and os.path.exists(f"/proc/{st['init']}"):
        time.sleep(0.02)
    assert not os.path.exists(f"/proc/{st['init']}")
    # the state is stale: not reported as running, and the jail starts again
    assert "web is not running!" in jailor.fails("exec", "web", "true")
    jailor.run("start", "web")
    assert jailor.run("exec", "web", "hostname").stdout == "web\n"


def test_hooks_see_the_jail(jailor, tmp_path, busybox_tar):
    pool = tmp_path / "pool"
    pool.mkdir()
    jailor.run("activate", pool)
    jailor.run("fetch", "-r", "bb", "-f", busybox_tar)
    mark = tmp_path / "hooks"
    jailor.run("create", "-r", "bb", "-n", "h",
               f"exec_prestart=echo pre $JAIL_NAME >> {mark}",
               f"exec_poststart=echo post $JAIL_PID >> {mark}",
               f"exec_poststop=echo stopped >> {mark}")
    jailor.run("start", "h")
    pid = json.loads((jailor.run_dir / "h" / "state.json").read_text())["init"]
    jailor.run("stop", "h")
    assert mark.read_text() == f"pre h\npost {pid}\nstopped\n"
    jailor.run("create", "-r", "bb", "-n", "h2", "exec_prestart=exit 4")
    err = jailor.fails("start", "h2")
    assert "exec_prestart 'exit 4' of jail 'h2' failed (exit 4)" in err
    assert not (jailor.run_dir / "h2" / "state.json").exists()


def test_changes_that_need_a_stopped_jail_are_refused(running, tmp_path):
    jailor = running
    jailor.run("snapshot", "web", "-n", "s1")
    for args in (["fstab", "-a", "web", str(tmp_path), "/mnt/x"], ["export", "web"],
                 ["rollback", "web", "-n", "s1"], ["rename", "web", "web2"],
                 ["clone", "web", "-n", "w3"], ["destroy", "web"]):
        err = jailor.fails(*args)
        assert "Jail 'web' is running: stop it before" in err, (args, err)
    assert jailor.run("destroy", "-f", "web").stdout == "web destroyed\n"
    assert not (jailor.run_dir / "web" / "state.json").exists()
