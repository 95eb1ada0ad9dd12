#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""jailor against LXC and systemd-nspawn on this machine, side by side.

    bench/run.py [--smoke] [--rows start,exec,...] [--backends dir,btrfs,zfs]
                 [--count N] [--out FILE] [--doc docs/PERFORMANCE.md]

Runs as root, with the peers installed (`make bench` installs them).  Every
tool gets the same busybox root and the same Debian bookworm root; each row
prints jailor's time, its peer's, the ratio and the DESIGN.md target.
Everything the run makes is undone at the end, also when it fails.
--smoke runs each row once at a small size: it checks the scripts, it does
not measure (`make check` runs it).
"""
import argparse
import os
import shlex
import shutil
import sys
import threading
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import report  # noqa: E402
import row_boot  # noqa: E402
import row_clone  # noqa: E402
import row_density  # noqa: E402
import row_exec  # noqa: E402
import row_list  # noqa: E402
import row_start  # noqa: E402
import row_vnet  # noqa: E402
import timing  # noqa: E402
from workspace import JAILOR, Jailor, Lxc, Workspace, busybox_tar, busybox_tree, fetch_bookworm, run  # noqa: E402

ROWS = {"start": row_start, "exec": row_exec, "boot": row_boot, "clone": row_clone, "vnet": row_vnet,
        "list": row_list, "density": row_density}
TOOLS = ["hyperfine", "lxc-execute", "lxc-attach", "lxc-copy", "lxc-ls", "systemd-nspawn", "nsenter", "unshare",
         "mkfs.btrfs", "losetup", "busybox"]


class Context:
    """What the rows share: the workspace, the plan, the roots and tools."""

    def __init__(self, ws, plan, args):
        self.ws, self.plan = ws, plan
        self.backends = args.backends
        self.count = args.count
        self.many = None
        self.busybox = busybox_tree(ws)
        self.busybox_tar = busybox_tar(ws, self.busybox)
        self.pool = ws.path("pool")
        self.pool.mkdir()
        self.jailor = Jailor(ws, "jailor")
        self.jailor("activate", self.pool)
        self.jailor("fetch", "-r", "bb", "-f", self.busybox_tar)
        self.lxc = Lxc(ws, "lxc")
        self.lxc_many = Lxc(ws, "lxc-many")
        self.lxc_density = Lxc(ws, "lxc-density")
        self._bookworm = self._bookworm_copy = None
        self._bookworm_lock = threading.Lock()

    def bookworm(self):
        with self._bookworm_lock:
            if not self._bookworm:
                self._bookworm = fetch_bookworm(self.jailor, self.pool)
            return self._bookworm

    def bookworm_copy(self):
        """The peers' copy of jailor's bookworm release tree: the same files."""
        release = self.bookworm()
        with self._bookworm_lock:
            if not self._bookworm_copy:
                copy = self.ws.path("roots", "bookworm")
                run(["cp", "-a", "--reflink=auto", release, copy])
                self._bookworm_copy = copy
            return self._bookworm_copy

    def prepare_bookworm_meanwhile(self):
        """Smoke mode only (nothing is measured then): fetch and copy bookworm
        while the other rows run; the boot row waits for it.  A real run
        fetches it when the boot row needs it, with nothing else running."""
        def work():
            try:
                self.bookworm_copy()
            except Exception as e:  # noqa: BLE001 - the boot row reports it
                self._bookworm_failed = e
        self._bookworm_failed = None
        self._bookworm_thread = threading.Thread(target=work, daemon=True)
        self._bookworm_thread.start()

    def wait_for_bookworm_quietly(self):
        if getattr(self, "_bookworm_thread", None):
            self._bookworm_thread.join()

    def wait_for_bookworm(self):
        if getattr(self, "_bookworm_thread", None):
            self._bookworm_thread.join()
            if self._bookworm_failed:
                raise self._bookworm_failed

    def hyperfine(self, commands, **kw):
        return timing.hyperfine(self.plan, commands, **kw)

    def interleaved(self, steps, runs=None):
        return timing.interleaved(self.plan, steps, runs)


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--smoke", action="store_true", help="one run of each row at a small size, no measurement")
    ap.add_argument("--rows", default=",".join(ROWS), help="comma-separated, of: " + ",".join(ROWS))
    ap.add_argument("--backends", default="dir,btrfs,zfs", help="pools for the clone row")
    ap.add_argument("--count", type=int, help="jails for the list and density rows (default 1000, smoke 3)")
    ap.add_argument("--runs", type=int, help="timed runs per command (default 30)")
    ap.add_argument("--out", default="bench/results.md", help="where the table goes (default %(default)s)")
    ap.add_argument("--doc", help="also write the table into this file between its bench markers")
    ap.add_argument("--keep", action="store_true", help="keep the workspace directory (debugging)")
    args = ap.parse_args(argv)
    args.rows = [r for r in args.rows.split(",") if r]
    args.backends = [b for b in args.backends.split(",") if b]
    for r in args.rows:
        if r not in ROWS:
            ap.error(f"unknown row '{r}': expected some of {','.join(ROWS)}")
    for b in args.backends:
        if b not in row_clone.BACKENDS:
            ap.error(f"unknown backend '{b}': expected some of dir,btrfs,zfs")
    if args.count is None:
        args.count = 3 if args.smoke else 1000
    if not 1 <= args.count <= 1000:
        ap.error(f"--count {args.count}: expected 1 to 1000 (jailor create -c makes at most 1000)")
    return args


def check_ready():
    if os.geteuid() != 0:
        return "bench/run.py runs as root (it starts jails and containers)"
    if not JAILOR.exists():
        return f"{JAILOR} is not built; run 'make build'"
    missing = [t for t in TOOLS if not shutil.which(t)]
    if missing:
        return f"missing {', '.join(missing)}: run 'make bench', which installs the peers (tools/install-deps.sh bench)"
    return None


def main(argv):
    args = parse_args(argv)
    why = check_ready()
    if why:
        print(f"bench: {why}", file=sys.stderr)
        return 1
    plan = timing.Plan.smoke_plan() if args.smoke else timing.Plan()
    if args.runs:
        plan.runs = args.runs
        plan.rounds = min(plan.rounds, args.runs)
    command = "bench/run.py " + " ".join(shlex.quote(a) for a in argv) if argv else "bench/run.py"
    started = report.now()
    t0 = time.monotonic()
    ws = Workspace(keep=args.keep)
    results, failed = [], []
    try:
        ctx = Context(ws, plan, args)
        print(f"bench: ready in {time.monotonic() - t0:.1f} s", file=sys.stderr, flush=True)
        rows = args.rows
        if plan.smoke and "boot" in rows:
            ctx.prepare_bookworm_meanwhile()
            rows = [r for r in rows if r != "boot"] + ["boot"]
        for name in rows:
            print(f"bench: {name} ... ({time.monotonic() - t0:.1f} s)", file=sys.stderr, flush=True)
            try:
                results += ROWS[name].measure(ctx)
            except KeyboardInterrupt:
                raise
            except report.RowFailed as e:
                results += e.results
                failed.append(f"row {name}: {e}")
            except Exception as e:  # noqa: BLE001 - the other rows still run; the run fails at the end
                traceback.print_exc()
                failed.append(f"row {name}: {e}")
                results.append(report.Result(f"({name})", verdict=f"failed: {e}"))
    finally:
        if "ctx" in locals():
            # a fetch still going in the background must end before its pool goes
            ctx.wait_for_bookworm_quietly()
        print(f"bench: cleaning up ... ({time.monotonic() - t0:.1f} s)", file=sys.stderr, flush=True)
        problems = ws.cleanup()
    if problems:
        print("bench: cleanup problems:\n  " + "\n  ".join(problems), file=sys.stderr)
    table = report.render(results, command, plan, started, [])
    print(table)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(table)
    if args.doc:
        report.write_doc(args.doc, table)
    if failed or problems:
        print("bench: FAILED: " + "; ".join(failed + problems), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
