"""Running jails: start, exec, stop, confinement, stale state (SPEC §6)."""
import json
import os
import pty
import select
import signal
import subprocess
import time
from pathlib import Path

import pytest

import rootfs
from conftest import CGROUP_DIR, JAILOR, with_dir_pool


@pytest.fixture(scope="session")
def busybox_tar(busybox_tar_builtin_init):
    return busybox_tar_builtin_init


@pytest.fixture
def running(jailor, pool, busybox_tar):
    """A started busybox jail 'web' on each backend; stopped afterwards whatever happens."""
    jailor.run("activate", pool.pool)
    jailor.run("fetch", "-r", "bb", "-f", busybox_tar)
    jailor.run("create", "-r", "bb", "-n", "web")
    with jailor.started("web"):
        yield jailor


def state(jailor):
    return jailor.state("web")


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
        assert not os.path.exists(f"/sys/fs/cgroup/{c}/{CGROUP_DIR}/web")
    assert not os.path.exists(f"/sys/fs/cgroup/unified/{CGROUP_DIR}/web")


@pytest.fixture
def dir_pool(jailor, tmp_path, busybox_tar):
    """A directory pool holding the busybox release "bb"."""
    return with_dir_pool(jailor, tmp_path, busybox_tar)


def inside(jailor, name, script):
    """Runs a shell line in jail name as its root; stdout and stderr together."""
    proc = jailor.run("exec", name, "{ " + script + "; } 2>&1", check=False)
    return proc.stdout + proc.stderr


def host_disk():
    """(major, minor) of the whole disk holding the host's /, else of the
    first real disk in /sys/block (a / on zfs or overlayfs has none)."""
    dev = os.stat("/").st_dev
    sys_dev = Path(f"/sys/dev/block/{os.major(dev)}:{os.minor(dev)}")
    if sys_dev.exists():
        if (sys_dev / "partition").exists():
            sys_dev = sys_dev.resolve().parent
        return tuple(int(n) for n in (sys_dev / "dev").read_text().split(":"))
    for disk in sorted(Path("/sys/block").iterdir()):
        if not disk.name.startswith(("loop", "ram", "zram")):
            return tuple(int(n) for n in (disk / "dev").read_text().split(":"))
    pytest.fail("no block device on this host to aim at")


def test_confinement_from_inside(dir_pool, tmp_path):
    """As the jail's root, every way at the host fails; beside each refusal
    a control shows that the tool used works where it is allowed."""
    jailor = dir_pool
    jailor.run("create", "-r", "bb", "-n", "limconf")
    jailor.run("create", "-r", "bb", "-n", "limmount", "allow_mount=1", "allow_mount_tmpfs=1")
    host = subprocess.Popen(["sleep", "3607"])
    marker = tmp_path / "host-only-marker"
    marker.write_text("host\n")
    hostname = Path("/proc/sys/kernel/hostname").read_text()
    forward = Path("/proc/sys/net/ipv4/ip_forward").read_text()
    try:
        with jailor.started("limconf", "limmount"):
            # host processes: not seen, not signalled; the jail's own are both
            # (the words echoed are split in the script: ps shows the script)
            out = inside(jailor, "limconf",
                         f"sleep 3608 & p=$!; ps; test -e /proc/{host.pid} && echo sees''-host; "
                         f"kill -0 {host.pid}; echo signal=$?; kill -9 {host.pid}; "
                         "kill -9 $p && echo own''-killed")
            assert "sleep 3608" in out and "own-killed" in out, out
            assert "sleep 3607" not in out and "sees-host" not in out, out
            assert "signal=1" in out and "No such process" in out, out
            assert host.poll() is None, "the jail killed a host process"

            # mounting: refused without allow_mount, works with it
            cmd = "mkdir -p /mnt; mount -t tmpfs none /mnt; echo mount=$?; grep ' /mnt ' /proc/mounts"
            out = inside(jailor, "limconf", cmd)
            assert "mount=0" not in out and "tmpfs" not in out, out
            out = inside(jailor, "limmount", cmd)
            assert "mount=0" in out and "/mnt tmpfs" in out, out

            # the host's disk: no node for it can be made (a FIFO can)
            major, minor = host_disk()
            out = inside(jailor, "limconf",
                         f"mknod /tmp/disk b {major} {minor}; echo mknod=$?; "
                         "head -c 512 /tmp/disk | wc -c; mknod /tmp/fifo p && test -p /tmp/fifo && "
                         "echo fifo-ok")
            assert "mknod=1" in out and "Operation not permitted" in out, out
            assert "fifo-ok" in out, out

            # /proc/sys is read-only but for the jail's own network namespace
            out = inside(jailor, "limconf",
                         "echo evil > /proc/sys/kernel/hostname; echo hostname=$?; hostname; "
                         "echo 1 > /proc/sys/net/ipv4/ip_forward && cat /proc/sys/net/ipv4/ip_forward")
            assert "hostname=1" in out and "Read-only file system" in out, out
            assert "limconf\n1\n" in out, out
            assert Path("/proc/sys/kernel/hostname").read_text() == hostname
            assert Path("/proc/sys/net/ipv4/ip_forward").read_text() == forward

            # sysrq: read-only where the kernel has it (this one may not)
            out = inside(jailor, "limconf", "echo h > /proc/sysrq-trigger; echo sysrq=$?")
            assert "sysrq=1" in out, out
            if Path("/proc/sysrq-trigger").exists():
                assert "Read-only file system" in out, out

            # modules: the kernel never sees the request (an unconfined root
            # would get "invalid module format", or ENOSYS without modules)
            out = inside(jailor, "limconf", "insmod /bin/busybox; echo insmod=$?")
            assert "insmod=1" in out and "Operation not permitted" in out, out

            # the clock: reading works, setting does not (busybox date exits 0)
            out = inside(jailor, "limconf", "date -s 2001-01-01; adjtimex -o 1; date +%Y")
            assert out.count("Operation not permitted") == 2, out
            assert int(out.split()[-1]) >= 2024 and time.time() > 1.7e9, out

            # /proc/1/root is the jail's root, not the host's
            out = inside(jailor, "limconf",
                         f"readlink /proc/1/root; cat /proc/1/root/etc/hostname; "
                         f"test -e /proc/1/root{marker} && echo reached-host; "
                         f"test -e {marker} && echo reached-host; "
                         "[ \"$(ls /proc/1/root)\" = \"$(ls /)\" ] && echo same-root")
            assert out == "/\nlimconf\nsame-root\n", out
            assert marker.exists() and Path(f"/proc/self/root{marker}").exists()
    finally:
        host.kill()
        host.wait()


def test_no_descriptor_leaks_into_a_jail(dir_pool, tmp_path):
    """A directory the caller of start or exec left inheritable would lead
    out of the jail through /proc/PID/fd: only stdin, stdout and stderr go
    in, into the init as into commands."""
    jailor = dir_pool
    (tmp_path / "host-only-marker").write_text("host\n")
    opened = os.open(tmp_path, os.O_RDONLY | os.O_DIRECTORY)
    fd = os.dup2(opened, 77)  # inheritable, and above what the shells use
    os.close(opened)
    try:
        jailor.run("create", "-r", "bb", "-n", "limfd")
        jailor.run("start", "limfd", pass_fds=[fd])
        try:
            # control: the host sees the marker through the descriptor
            assert "host-only-marker" in os.listdir(f"/proc/self/fd/{fd}")
            out = inside(jailor, "limfd",
                         f"ls /proc/self/fd/{fd}/; ls /proc/1/fd; "
                         "for f in /proc/[0-9]*/fd/*; do echo $f $(readlink $f); done")
            assert "host-only-marker" not in out and str(tmp_path) not in out, out
            assert f"/proc/self/fd/{fd}/: No such file or directory" in out, out
            assert "\n0\n1\n2\n" in out, out  # the init holds only its console
        finally:
            jailor.stop_for_sure("limfd")
    finally:
        os.close(fd)


def test_device_nodes_in_the_jail_tree_do_not_open(dir_pool, tmp_path):
    """Nodes that came with the root (archives keep them, a copy of a host
    tree has them) open neither a loop device the host reads nor the host's
    disk: only the jail's own /dev has working devices."""
    jailor = dir_pool
    jailor.run("create", "-r", "bb", "-n", "limdev", "-T")  # a plain directory: nodes can be put there
    root = tmp_path / "pool" / "jailor" / "jails" / "limdev" / "root"
    image = tmp_path / "disk.img"
    image.write_bytes(b"HOSTSECRET" + bytes(1 << 20))
    loop = subprocess.run(["losetup", "-f", "--show", image], capture_output=True, text=True,
                          check=True).stdout.strip()
    try:
        os.mknod(root / "root" / "loop", 0o60600, os.stat(loop).st_rdev)
        os.mknod(root / "root" / "disk", 0o60600, os.makedev(*host_disk()))
        # control: the same node opens from the host
        assert (root / "root" / "loop").read_bytes()[:10] == b"HOSTSECRET"
        with jailor.started("limdev"):
            out = inside(jailor, "limdev",
                         "ls -l /root; head -c 10 /root/loop; echo loop=$?; "
                         "head -c 10 /root/disk; echo disk=$?; head -c 3 /dev/zero | wc -c")
            assert "HOSTSECRET" not in out, out
            assert "loop=1" in out and "disk=1" in out, out
            assert out.count("Permission denied") == 2, out
            assert out.endswith("3\n"), out  # /dev/zero, the jail's own, works
    finally:
        subprocess.run(["losetup", "-d", loop], check=True)


def test_basejail_system_directories_are_read_only(dir_pool):
    jailor = dir_pool
    jailor.run("create", "-r", "bb", "-n", "limbase", "-b")
    with jailor.started("limbase"):
        out = inside(jailor, "limbase",
                     "for d in /bin /sbin /usr /usr/bin; do touch $d/x; echo $d=$?; done; "
                     "rm /bin/ls; mount -o remount,rw /usr; touch /usr/x; "
                     "touch /etc/x && echo etc-ok; ls /bin/ls")
        for d in ("/bin", "/sbin", "/usr", "/usr/bin"):
            assert f"{d}=1" in out, out
        assert out.count("Read-only file system") == 6, out
        assert "etc-ok\n/bin/ls\n" in out, out


def console(jailor, name, keys):
    """Runs jailor console NAME on a pseudo-terminal, typing each of keys
    once the shell has answered; returns (output, exit status)."""
    pid, master = pty.fork()
    if pid == 0:
        os.execve(str(JAILOR), [str(JAILOR), "console", name], jailor.env)
    out = b""
    deadline = time.time() + 30
    pending = list(keys)
    idle_since = time.time()
    while time.time() < deadline:
        ready, _, _ = select.select([master], [], [], 0.1)
        if ready:
            try:
                data = os.read(master, 4096)
            except OSError:  # EIO: the console is gone
                break
            if not data:
                break
            out += data
            idle_since = time.time()
        elif pending and time.time() - idle_since > 0.3:
            os.write(master, pending.pop(0))
            idle_since = time.time()
    os.close(master)
    _, status = os.waitpid(pid, 0)
    return out.decode(errors="replace"), os.waitstatus_to_exitcode(status)


def test_console_is_a_login_shell_on_a_pty(dir_pool):
    jailor = dir_pool
    jailor.run("create", "-r", "bb", "-n", "limtty")
    with jailor.started("limtty"):
        out, status = console(jailor, "limtty", [b"tty; echo hi-$((1+1))\n", b"exit\n"])
        assert status == 0, out
        assert "hi-2" in out and "/dev/pts/" in out, out
    out, status = console(jailor, "limtty", [])
    assert status == 1 and "limtty is not running!" in out, out


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
