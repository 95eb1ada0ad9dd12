"""Resource limits through real jails (SPEC §6): memoryuse, maxproc and pcpu
bite on the jail's processes, `set` changes them on a running jail at once,
`off` removes them, a value the kernel refuses refuses the set, and stopping
the jail removes its cgroups.

Busybox jails on a directory pool; jail names start with "lim" (cgroups are
named by jail, machine-wide).  Works on cgroup v1 (hybrid hosts like this
project's machines) and v2.
"""
import os
import time
from pathlib import Path

import pytest

import rootfs
from conftest import CGROUP_DIR, with_dir_pool

CGROUP = Path("/sys/fs/cgroup")
V2 = (CGROUP / "cgroup.controllers").exists()
UNLIMITED = 2**62  # v1 shows -1 as a huge number rounded to pages
# For a shell line that leaves processes running in the jail: without it
# they would hold the exec's stdout (ash keeps a copy of redirected fds)
# and the exec would never see its end.
DETACH = "exec </dev/null >/dev/null 2>&1"


@pytest.fixture(scope="session")
def busybox_tar(busybox_tar_builtin_init):
    return busybox_tar_builtin_init


@pytest.fixture
def jailor(jailor, tmp_path, busybox_tar):
    """A directory pool holding the busybox release "bb"."""
    return with_dir_pool(jailor, tmp_path, busybox_tar)


def cg(controller, name):
    """The jail's cgroup directory holding controller's files."""
    return CGROUP / CGROUP_DIR / name if V2 else CGROUP / controller / CGROUP_DIR / name


def read(controller, name, v1_file, v2_file):
    return (cg(controller, name) / (v2_file if V2 else v1_file)).read_text().strip()


def memory_limit(name):
    value = read("memory", name, "memory.limit_in_bytes", "memory.max")
    return UNLIMITED if value == "max" or int(value) >= UNLIMITED else int(value)


def cpu_quota(name):
    """pcpu as the kernel holds it: percent of one CPU, None when unlimited."""
    if V2:
        quota, period = read("cpu", name, "", "cpu.max").split()
        return None if quota == "max" else int(quota) * 100 // int(period)
    quota = int(read("cpu", name, "cpu.cfs_quota_us", ""))
    period = int(read("cpu", name, "cpu.cfs_period_us", ""))
    return None if quota < 0 else quota * 100 // period


def events(controller, name, v1_file, v2_file):
    """A flat key-value control file as a dict of ints."""
    lines = read(controller, name, v1_file, v2_file).splitlines()
    return {k: int(v) for k, v in (line.split() for line in lines)}


def cpu_seconds(name):
    if V2:
        return events("cpu", name, "", "cpu.stat")["usage_usec"] / 1e6
    return int(read("cpuacct", name, "cpuacct.usage", "")) / 1e9


def cpu_share(name, seconds=2.0):
    """The jail's CPU use over seconds of wall time, in CPUs."""
    start_cpu, start = cpu_seconds(name), time.monotonic()
    time.sleep(seconds)
    return (cpu_seconds(name) - start_cpu) / (time.monotonic() - start)


def wait_for(what, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not what():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False


def jail_cgroups(name):
    """Every directory of the jail's cgroup left on the host."""
    return [d for d in [CGROUP / CGROUP_DIR / name, *CGROUP.glob(f"*/{CGROUP_DIR}/{name}")]
            if d.exists()]


def test_memoryuse_oom_kills_inside_the_jail(jailor):
    """A process over memoryuse is killed by the jail's own OOM, with the
    jail's init, the jail and the host left running."""
    jailor.run("create", "-r", "bb", "-n", "limmem", "memoryuse=32M")
    with jailor.started("limmem"):
        state = jailor.state("limmem")
        assert memory_limit("limmem") == 32 << 20
        before = events("memory", "limmem", "memory.oom_control", "memory.events")["oom_kill"]
        # one process doubling a string until it holds far more than 32M
        hog = jailor.run("exec", "limmem", "busybox", "awk", 'BEGIN { s = "x"; while (1) s = s s }',
                         check=False)
        assert hog.returncode == 137, hog  # SIGKILL
        after = events("memory", "limmem", "memory.oom_control", "memory.events")["oom_kill"]
        assert after == before + 1, "not the jail's own OOM killer"
        if not V2:
            assert int(read("memory", "limmem", "memory.failcnt", "")) > 0
        assert alive(state["init"]) and alive(state["supervisor"])
        assert jailor.run("exec", "limmem", "echo", "alive").stdout == "alive\n"
        # under the limit, the same program works
        ok = jailor.run("exec", "limmem", "busybox", "awk",
                        'BEGIN { s = "x"; for (i = 0; i < 20; i++) s = s s; print length(s) }')
        assert ok.stdout == f"{1 << 20}\n"


def test_maxproc_stops_a_fork_bomb(jailor):
    """maxproc=20: forks fail past 20 processes, the jail recovers once the
    bomb is spent, and stop kills a bomb that holds every slot."""
    jailor.run("create", "-r", "bb", "-n", "limfork", "maxproc=20")
    with jailor.started("limfork"):
        init = jailor.state("limfork")["init"]
        assert read("pids", "limfork", "pids.max", "pids.max") == "20"
        current = lambda: int(read("pids", "limfork", "pids.current", "pids.current"))
        # a classic bomb: each shell dies at its first failed fork
        bomb = jailor.run("exec", "limfork", "b() { b | b & }; b", check=False)
        assert "can't fork" in bomb.stderr, bomb
        assert events("pids", "limfork", "pids.events", "pids.events")["max"] > 0
        assert wait_for(lambda: current() <= 1), "the spent bomb left processes"
        assert alive(init)
        assert jailor.run("exec", "limfork", "echo", "responsive").stdout == "responsive\n"

        # a bomb whose processes stay once they have forked twice (those
        # whose fork fails die): it runs into the limit, never past it, and
        # leaves the jail full of sleeping processes
        refused = events("pids", "limfork", "pids.events", "pids.events")["max"]
        jailor.run("exec", "limfork", f"{DETACH}; b() {{ b & b & sleep 600; }}; b &")
        hit = lambda: events("pids", "limfork", "pids.events", "pids.events")["max"] > refused
        counts, deadline = [], time.monotonic() + 10
        while not (hit() and len(counts) > 50) and time.monotonic() < deadline:
            counts.append(current())
            time.sleep(0.01)
        assert hit(), f"no fork was refused: {counts}"
        assert max(counts) <= 20 and alive(init), counts
        pids = {int(p) for d in jail_cgroups("limfork") if (d / "cgroup.procs").exists()
                for p in (d / "cgroup.procs").read_text().split()}
        assert len(pids) > 2, pids  # the init and the sleeping bombs
        jailor.run("stop", "limfork")
        assert not any(alive(p) for p in pids), "stop left processes of the jail"
        assert not jail_cgroups("limfork")


def test_pcpu_holds_half_a_core_and_off_lifts_it(jailor):
    jailor.run("create", "-r", "bb", "-n", "limcpu", "pcpu=50")
    with jailor.started("limcpu"):
        assert cpu_quota("limcpu") == 50
        jailor.run("exec", "limcpu", f"{DETACH}; while :; do :; done &")
        time.sleep(0.3)
        share = cpu_share("limcpu")
        assert 0.3 < share < 0.7, f"pcpu=50 but the jail used {share:.2f} CPUs"
        jailor.run("set", "pcpu=off", "limcpu")
        assert cpu_quota("limcpu") is None
        time.sleep(0.3)
        share = cpu_share("limcpu")
        assert share > 0.8, f"pcpu=off but the jail used only {share:.2f} CPUs"


def config(jailor, name):
    return (Path(jailor.conf_dir).parent / "pool" / "jailor" / "jails" / name / "config.json").read_text()


def test_set_applies_limits_live_and_off_removes_them(jailor):
    jailor.run("create", "-r", "bb", "-n", "limlive")
    with jailor.started("limlive"):
        assert memory_limit("limlive") == UNLIMITED
        out = jailor.run("set", "memoryuse=64M", "limlive").stdout
        assert out == "memoryuse: off -> 64M\n"  # nothing to restart for
        assert memory_limit("limlive") == 64 << 20
        assert '"memoryuse": "64M"' in config(jailor, "limlive")
        # swap: v1 limits memory and swap together, v2 swap alone
        swap_file = "memory.swap.max" if V2 else "memory.memsw.limit_in_bytes"
        if (cg("memory", "limlive") / swap_file).exists():
            jailor.run("set", "swapuse=32M", "limlive")
            swap = read("memory", "limlive", swap_file, swap_file)
            assert int(swap) == (32 << 20 if V2 else 96 << 20), swap
            jailor.run("set", "swapuse=off", "limlive")
            swap = read("memory", "limlive", swap_file, swap_file)
            assert swap == "max" or int(swap) >= UNLIMITED, swap
        else:
            assert "swap accounting" in jailor.fails("set", "swapuse=32M", "limlive")

        jailor.run("set", "pcpu=30", "maxproc=50", "cpuset=0", "readbps=1M", "limlive")
        assert cpu_quota("limlive") == 30
        assert read("pids", "limlive", "pids.max", "pids.max") == "50"
        assert read("cpuset", "limlive", "cpuset.cpus", "cpuset.cpus") == "0"
        io = read("blkio", "limlive", "blkio.throttle.read_bps_device", "io.max")
        assert "1048576" in io, io
        # the processes are under them at once
        assert jailor.run("exec", "limlive", "busybox", "grep", "Cpus_allowed_list",
                          "/proc/self/status").stdout.split()[-1] == "0"

        jailor.run("set", "memoryuse=off", "pcpu=off", "maxproc=off", "cpuset=off",
                   "readbps=off", "limlive")
        assert memory_limit("limlive") == UNLIMITED
        assert cpu_quota("limlive") is None
        assert read("pids", "limlive", "pids.max", "pids.max") == "max"
        parent = (cg("cpuset", "limlive").parent / "cpuset.cpus").read_text().strip()
        assert read("cpuset", "limlive", "cpuset.cpus", "cpuset.cpus") in (parent, "")
        io = read("blkio", "limlive", "blkio.throttle.read_bps_device", "io.max")
        assert "1048576" not in io, io
        assert "memoryuse" not in config(jailor, "limlive")


def test_a_limit_the_kernel_refuses_refuses_the_set(jailor):
    jailor.run("create", "-r", "bb", "-n", "limbad", "memoryuse=64M")
    with jailor.started("limbad"):
        before = config(jailor, "limbad")
        missing = os.cpu_count() + 8
        err = jailor.fails("set", f"cpuset={missing}", "limbad")
        assert f"Cannot set cpuset={missing}" in err and "this host's CPUs" in err, err
        # with another limit in the same set: that one is written back too
        err = jailor.fails("set", "memoryuse=16M", f"cpuset={missing}", "limbad")
        assert f"cpuset={missing}" in err, err
        assert memory_limit("limbad") == 64 << 20
        assert config(jailor, "limbad") == before
        assert jailor.run("get", "cpuset", "limbad").stdout == "off\n"
    # a stopped jail's limits are only written; they apply at its start
    jailor.run("set", "memoryuse=48M", "limbad")
    assert not jail_cgroups("limbad")
    with jailor.started("limbad"):
        assert memory_limit("limbad") == 48 << 20
    assert not jail_cgroups("limbad")
