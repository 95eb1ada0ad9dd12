"""A Debian bookworm jail booting its own systemd (SPEC §6, exec_start=auto).

One boot-and-stop on a dir pool: the release comes from debootstrap (cached
between runs, see conftest.fetch_bookworm), the jail boots systemd on this
machine's cgroup layout (hybrid v1 here: the jail gets its own cgroup2
subtree at /sys/fs/cgroup), and stopping it leaves nothing on the host.
"""
import json
import os
import time
from pathlib import Path

import pytest

from conftest import CGROUP_DIR, fetch_bookworm

BOOT_TIMEOUT = 60


@pytest.fixture
def bookworm_jail(jailor, tmp_path):
    pool = tmp_path / "pool"
    pool.mkdir()
    jailor.run("activate", pool)
    fetch_bookworm(jailor, pool)
    jailor.run("create", "-r", "bookworm", "-n", "deb")
    try:
        yield jailor
    finally:
        jailor.run("stop", "deb", check=False)


def system_state(jailor):
    """systemctl is-system-running, polled until the boot has settled."""
    deadline = time.monotonic() + BOOT_TIMEOUT
    while True:
        state = jailor.run("exec", "deb", "systemctl", "is-system-running", check=False).stdout.strip()
        if state in ("running", "degraded") or time.monotonic() > deadline:
            return state
        time.sleep(0.1)


def test_bookworm_boots_systemd_and_stops_clean(bookworm_jail, tmp_path):
    jailor = bookworm_jail
    jailor.run("start", "deb")
    init = json.loads((jailor.run_dir / "deb" / "state.json").read_text())["init"]
    state = system_state(jailor)
    failed = jailor.run("exec", "deb", "systemctl", "--failed", "--no-legend", check=False).stdout
    assert state in ("running", "degraded"), f"{state}; failed units: {failed}"
    assert os.readlink(f"/proc/{init}/exe").endswith("/systemd")
    assert jailor.run("exec", "deb", "systemd-detect-virt", "--container",
                      check=False).stdout == "container-other\n"
    # the jail's /sys/fs/cgroup is cgroup2, rooted at the jail's own cgroup,
    # and systemd has made its tree there
    assert jailor.run("exec", "deb", "stat", "-f", "-c", "%T", "/sys/fs/cgroup").stdout == "cgroup2fs\n"
    assert jailor.run("exec", "deb", "cat", "/proc/1/cgroup").stdout.endswith("::/init.scope\n")
    host_cgroup = Path(f"/proc/{init}/cgroup").read_text()
    assert f"::/{CGROUP_DIR}/deb/init.scope\n" in host_cgroup
    # the console shows the boot, and no host environment leaked into it
    env = jailor.run("exec", "deb", "cat", "/proc/1/environ").stdout.split("\0")
    assert "container=jailor" in env and not any(e.startswith("JAILOR_") for e in env)
    log = (tmp_path / "pool" / "jailor" / "log" / "deb-console.log").read_text()
    assert "Reached target" in log

    assert jailor.run("stop", "deb").stdout == "deb stopped\n"
    assert not os.path.exists(f"/proc/{init}")
    log = (tmp_path / "pool" / "jailor" / "log" / "deb-console.log").read_text()
    # systemd shut down on SIGRTMIN+3 by itself, not killed
    assert "Exiting container" in log and log.rstrip().endswith("init exited with status 0")
