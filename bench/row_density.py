# SPDX-License-Identifier: MIT
"""Density: N busybox jails running at once, against N LXC containers.

jailor: the N clone jails of the list row, started (`jailor start` with
100 names at a time), each with its supervisor and built-in init.  LXC: N
containers of the same root, each an overlay like jailor's clones, started
with `lxc-start -d` running `sleep` as their init.  Memory is MemTotal -
MemAvailable before the first start and 2 s after the last, divided by N;
the per-process numbers are the supervisors' (LXC: the `[lxc monitor]`
processes') RSS and PSS from smaps_rollup.  The tools run one after the
other, each stopping all of its own before the next starts.
"""
import os
import statistics
import time

from report import Result, against_limit
from row_list import make_jails
from timing import fmt_ms
from workspace import lxc_monitors, mem_used_kib, rss_pss_kib, run

BATCH = 100
SETTLE_S = 2


def _batches(names):
    for i in range(0, len(names), BATCH):
        yield names[i:i + BATCH]


def _median_kib(pids):
    sizes = [rss_pss_kib(p) for p in pids]
    return statistics.median(s[0] for s in sizes), statistics.median(s[1] for s in sizes)


def _jailor(ctx, names):
    j = ctx.jailor
    before = mem_used_kib()
    t0 = time.perf_counter()
    failed, warned = [], set()
    for batch in _batches(names):
        j.started.update(batch)
        p = j("start", *batch, check=False, timeout=3600)
        for line in p.stderr.splitlines():
            # host-limit warnings (jailor tune) are not failures
            if "jailor tune --apply" in line:
                warned.add(line.split(" is ")[0].removeprefix("jailor: "))
            elif line.strip():
                failed.append(line)
    started_s = time.perf_counter() - t0
    time.sleep(SETTLE_S)
    used = mem_used_kib() - before
    states = [j.state(n) for n in names]
    running = [s for s in states if s and os.path.exists(f"/proc/{s['init']}")]
    sup = _median_kib([s["supervisor"] for s in running]) if running else (0, 0)
    init = _median_kib([s["init"] for s in running]) if running else (0, 0)
    t1 = time.perf_counter()
    lst = run(j.argv("list", "-h"), env=j.env)
    list_ms = (time.perf_counter() - t1) * 1000
    t2 = time.perf_counter()
    for batch in _batches(names):
        j("stop", *batch, check=False, timeout=3600)
        j.started.difference_update(batch)
    stop_s = time.perf_counter() - t2
    return dict(n=len(names), running=len(running), failed=failed, warned=sorted(warned), start_s=started_s,
                stop_s=stop_s,
                used_kib=used, sup=sup, init=init, list_ms=list_ms, listed=len(lst.stdout.splitlines()))


def _lxc(ctx, n):
    lxc, tree = ctx.lxc_density, ctx.busybox
    names = [f"d{i}" for i in range(n)]
    for name in names:
        delta = lxc.path / name / "delta0"
        delta.mkdir(parents=True)
        lxc.define(name, f"overlay:{tree}:{delta}", "lxc.init.cmd = /bin/sleep 1000000")
    before = mem_used_kib()
    t0 = time.perf_counter()
    failed = []
    for name in names:
        p = lxc("lxc-start", name, "-d", check=False)
        if p.returncode != 0:
            failed.append(f"{name}: {p.stderr.strip()}")
    started_s = time.perf_counter() - t0
    time.sleep(SETTLE_S)
    used = mem_used_kib() - before
    monitors = lxc_monitors(lxc.path)
    mon = _median_kib(monitors) if monitors else (0, 0)
    running = len(lxc.running())
    t2 = time.perf_counter()
    for name in names:
        lxc("lxc-stop", name, "-k", check=False)
    stop_s = time.perf_counter() - t2
    return dict(n=n, running=running, failed=failed, start_s=started_s, stop_s=stop_s, used_kib=used, mon=mon)


def measure(ctx):
    names = make_jails(ctx)
    n = len(names)
    jr = _jailor(ctx, names)
    lr = _lxc(ctx, n)
    sup_rss, sup_pss = jr["sup"]
    mon_rss, mon_pss = lr["mon"]
    per_jail = jr["used_kib"] / n / 1024
    per_lxc = lr["used_kib"] / n / 1024
    r1 = Result("supervisor memory per running jail", jailor=f"RSS {sup_rss / 1024:.2f} MB, PSS {sup_pss / 1024:.2f} MB",
                peer=f"[lxc monitor] RSS {mon_rss / 1024:.2f} MB, PSS {mon_pss / 1024:.2f} MB",
                ratio=f"{sup_rss / mon_rss:.2f}" if mon_rss else "n/a", target="≤ 1 MB RSS",
                verdict=against_limit(sup_rss / 1024, 1.0, "MB"))
    r1.also.append(("jailor built-in init (the jail's PID 1)",
                    f"RSS {jr['init'][0] / 1024:.2f} MB, PSS {jr['init'][1] / 1024:.2f} MB"))
    ok = jr["running"] == n and not jr["failed"]
    r2 = Result(f"{n} busybox jails running at once",
                jailor=f"{jr['running']}/{n} up; start {fmt_ms(jr['start_s'] * 1000)}, {per_jail:.2f} MB each",
                peer=f"LXC {lr['running']}/{n} up; start {fmt_ms(lr['start_s'] * 1000)}, {per_lxc:.2f} MB each",
                ratio=f"time {jr['start_s'] / lr['start_s']:.2f}, memory {per_jail / per_lxc:.2f}" if per_lxc > 0 and lr["start_s"] else "n/a",
                target="1000 busybox jails, none failing",
                verdict=("met" if n >= 1000 else f"{n} jails up, none failing (smoke size)") if ok
                else f"missed: {n - jr['running']} of {n} not running: {'; '.join(jr['failed'][:3])}")
    r2.also.append((f"stop all {n}", f"jailor {fmt_ms(jr['stop_s'] * 1000)}; LXC (lxc-stop -k each) {fmt_ms(lr['stop_s'] * 1000)}"))
    r2.also.append((f"jailor list with {n} running", f"{fmt_ms(jr['list_ms'])} ({jr['listed']} lines), one run"))
    if jr["warned"]:
        r2.also.append(("jailor start warned about host limits", ", ".join(jr["warned"])))
    if lr["failed"]:
        r2.also.append(("LXC failures", "; ".join(lr["failed"][:3])))
    return [r1, r2]
