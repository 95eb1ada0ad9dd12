"""The benchmarks (bench/run.py) in their smoke mode: every row runs once,
at a small size, so that the scripts cannot rot.  Nothing here judges a
time: benchmarks are not tests.  The zfs pool of the clone row is left out
(the machine's zfs-fuse daemon is shared with other test runs; `make
bench` measures it), and says so in its row."""
import os
import shutil
import subprocess
import sys

from conftest import BUILD, REPO, skip_or_fail

ROWS = [
    "start, run /bin/true, exit",
    "exec /bin/true in a running jail",
    "boot bookworm (systemd) until running",
    "create a clone jail, dir pool",
    "create a clone jail, btrfs pool",
    "create a clone jail, zfs pool",
    "start with VNET on a bridge",
    "list 3 defined jails",
    "supervisor memory per running jail",
    "3 busybox jails running at once",
]


def test_every_bench_row_runs_once(tmp_path):
    missing = [t for t in ("hyperfine", "lxc-execute", "systemd-nspawn") if not shutil.which(t)]
    if missing:
        skip_or_fail(f"the bench's peers are not installed ({', '.join(missing)}): run tools/install-deps.sh bench")
    out = tmp_path / "results.md"
    proc = subprocess.run(
        ["/usr/bin/python3", str(REPO / "bench" / "run.py"), "--smoke", "--backends", "dir,btrfs",
         "--count", "3", "--out", str(out)],
        env=dict(os.environ, JAILOR_BUILD_DIR=str(BUILD)), capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    table = out.read_text()
    lines = [line for line in table.splitlines() if line.startswith("| ")]
    for row in ROWS:
        found = [line for line in lines if line.startswith(f"| {row}")]
        assert found, f"no row '{row}' in:\n{table}"
    assert "| create a clone jail, zfs pool |" in table and "n/a: not run (--backends dir,btrfs)" in table
    # every measured row has a number, and only VNET may say n/a (until jailor start wires it)
    for line in lines[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) == 6 and cells[0] != "operation" and "zfs pool" not in cells[0] and "VNET" not in cells[0]:
            assert " ms" in cells[1] or " MB" in cells[1], line
            assert not cells[5].startswith(("failed", "n/a")), line
