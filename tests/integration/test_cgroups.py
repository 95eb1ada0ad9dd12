# SPDX-License-Identifier: MIT
"""cgroups and resource limits on this machine's kernel (cgroup v1 or v2,
whichever the host has): the C test body, cgroup_harness.c, makes the cgroup
jailor/test-PID-limits, applies limits from jail properties, reads the control
files back, proves memoryuse, maxproc and pcpu bite on child processes,
changes limits live, removes them with "off", kills everything and removes
the cgroup.  tests/vm/run runs the same harness on a cgroup2-only kernel.

Needs root and a built tree: JAILOR_BUILD_DIR (default <repo>/build) must hold
tests/integration/cgroup-harness.  Whatever the harness leaves (it should
leave nothing; a crash could), this test kills and removes, then fails.
"""

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from conftest import CGROUP_DIR

REPO = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("JAILOR_BUILD_DIR", REPO / "build"))
CGROUP_ROOT = Path("/sys/fs/cgroup")


def unavailable(reason):
    if os.environ.get("JAILOR_MUST_WORK", "") not in ("", "0"):
        pytest.fail(f"{reason} (JAILOR_MUST_WORK is set)")
    pytest.skip(reason)


def jailor_dirs():
    """Every cgroup directory of this run's jails: one per v1 hierarchy, or the v2 one."""
    return [d for d in [CGROUP_ROOT / CGROUP_DIR, *CGROUP_ROOT.glob(f"*/{CGROUP_DIR}")]
            if d.is_dir()]


def cgroups_of(harness_pid):
    return sorted(
        (c for d in jailor_dirs() for c in d.glob(f"test-{harness_pid}-*")),
        key=lambda p: -len(p.parts),
    )


def procs_below(cgroup):
    pids = set()
    for procs in cgroup.rglob("cgroup.procs"):
        try:
            pids |= {int(p) for p in procs.read_text().split()}
        except OSError:
            pass
    return pids


def sweep(harness_pid):
    """Kills and removes what the harness left; returns what it found."""
    left = cgroups_of(harness_pid)
    for cgroup in left:
        for pid in procs_below(cgroup):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    for cgroup in left:
        for sub in sorted(cgroup.rglob("*"), key=lambda p: -len(p.parts)) + [cgroup]:
            if not sub.is_dir():
                continue
            for _ in range(100):
                try:
                    sub.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.05)
    for d in jailor_dirs():
        try:
            d.rmdir()  # only when empty: other jails keep it
        except OSError:
            pass
    return left


def test_cgroup_limits():
    harness = BUILD / "tests" / "integration" / "cgroup-harness"
    if not harness.is_file():
        pytest.fail(f"{harness} is missing: build the tree first (ninja -C {BUILD})")
    if os.geteuid() != 0:
        unavailable("the cgroup tests need root")
    if not CGROUP_ROOT.is_dir() or not any(CGROUP_ROOT.iterdir()):
        unavailable(f"no cgroup file system is mounted at {CGROUP_ROOT}")

    proc = subprocess.Popen(
        [str(harness), "/"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        output, _ = proc.communicate(timeout=180)
    except subprocess.TimeoutExpired:
        proc.kill()
        output, _ = proc.communicate()
        output += "\n(killed after 180 s)"
    finally:
        left = sweep(proc.pid)

    failed = [line for line in output.splitlines() if line.startswith("not ok")]
    assert proc.returncode == 0 and "cgroup-harness: PASS" in output, (
        f"cgroup-harness exited {proc.returncode}; failed checks:\n"
        + "\n".join(failed)
        + "\n\nfull output:\n"
        + output
    )
    assert not left, f"cgroup-harness left cgroups behind (now removed): {left}"
