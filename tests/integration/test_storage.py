# SPDX-License-Identifier: MIT
"""The storage layer on each backend, for real: a temporary pool per backend
(backends.py) and the C test body (storage_harness.c) run against it.

Needs root and a built tree: JAILOR_BUILD_DIR (default <repo>/build) must hold
tests/integration/storage-harness.  A backend this machine cannot provide is
skipped with the reason, unless JAILOR_MUST_WORK=1, where that is a failure.
"""

import contextlib
import os
import subprocess
from pathlib import Path

import pytest

from backends import POOLS, BackendUnavailable

REPO = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("JAILOR_BUILD_DIR", REPO / "build"))


def must_work():
    return os.environ.get("JAILOR_MUST_WORK", "") not in ("", "0")


def unavailable(reason):
    if must_work():
        pytest.fail(f"{reason} (JAILOR_MUST_WORK is set)")
    pytest.skip(reason)


@pytest.mark.parametrize("backend", ["dir", "btrfs", "zfs"])
def test_storage(backend, tmp_path):
    harness = BUILD / "tests" / "integration" / "storage-harness"
    if not harness.is_file():
        pytest.fail(f"{harness} is missing: build the tree first (ninja -C {BUILD})")
    if os.geteuid() != 0:
        unavailable("the storage tests need root")

    with contextlib.ExitStack() as stack:
        try:
            pool = stack.enter_context(POOLS[backend](tmp_path))
        except BackendUnavailable as e:
            unavailable(f"{backend} backend unavailable: {e}")
        env = dict(
            os.environ,
            JAILOR_CONF_DIR=str(tmp_path / "conf"),
            JAILOR_RUN_DIR=str(tmp_path / "run"),
        )
        proc = subprocess.run(
            [str(harness), pool.backend, pool.pool],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=600,
            env=env,
        )
        output = proc.stdout + proc.stderr
        failed = [line for line in output.splitlines() if line.startswith("not ok")]
        assert proc.returncode == 0, (
            f"storage-harness {pool.backend} {pool.pool} exited {proc.returncode}; "
            f"failed checks:\n" + "\n".join(failed) + "\n\nfull output:\n" + output
        )
