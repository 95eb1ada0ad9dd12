# SPDX-License-Identifier: MIT
"""Create a clone jail of the busybox release, on each backend, against the
storage operation underneath done by hand and against `lxc-copy -s`.

dir: jailor's clone is an overlay on the release; raw: one `mount -t
overlay` (its directories made beforehand, untimed); LXC: `lxc-copy -s -B
overlay`.  btrfs (a loop file): raw `btrfs subvolume snapshot`; LXC:
`lxc-copy -s` of a container whose root is a subvolume.  zfs (zfs-fuse, a
file vdev): raw `zfs clone` of a snapshot; LXC is not measured there.
Each creation is undone (untimed) before the next, so every run makes the
same first clone; the tools take turns.
"""
import shutil
import time

import backends
from report import Result, RowFailed, against_limit, ratio_text
from workspace import Jailor, Lxc, run

TARGET = "≤ raw + 5 ms"


def _jailor_steps(j):
    return (lambda i: j("create", "-r", "bb", "-n", f"c{i}"),
            lambda i: j("destroy", "-f", f"c{i}"))


def _dir(ctx):
    ws, tree, lxc = ctx.ws, ctx.busybox, ctx.lxc
    base = ws.path("raw-overlay")
    base.mkdir(exist_ok=True)

    def mount(i):
        for d in ("u", "w", "m"):
            (base / f"{d}{i}").mkdir()
        run(["mount", "-t", "overlay", "overlay", "-o",
             f"lowerdir={tree},upperdir={base}/u{i},workdir={base}/w{i}", f"{base}/m{i}"])

    def umount(i):
        run(["umount", f"{base}/m{i}"])
        for d in ("u", "w", "m"):
            shutil.rmtree(base / f"{d}{i}")

    # LXC copies only a root inside the container's directory: a copy of the same tree
    src = lxc.path / "csrc" / "rootfs"
    src.parent.mkdir()
    run(["cp", "-a", tree, src])
    lxc.define("csrc", f"dir:{src}")
    steps = {
        "jailor create": _jailor_steps(ctx.jailor),
        "raw": (mount, umount),
        "lxc-copy -s": (lambda i: lxc("lxc-copy", "csrc", "-s", "-B", "overlay", "-N", f"cp{i}"),
                        lambda i: lxc("lxc-destroy", f"cp{i}")),
    }
    return steps, "overlay mount"


def _pool_with_release(ctx, backend, make_pool):
    """A pool of the backend (the integration tests' own), and a jailor on it holding bb."""
    where = ctx.ws.path(backend)
    where.mkdir()
    pool = ctx.ws.enter(make_pool(where))
    j = Jailor(ctx.ws, f"jailor-{backend}")
    j("activate", pool.pool)
    j("fetch", "-r", "bb", "-f", ctx.busybox_tar)
    return pool, j


def _btrfs(ctx):
    ws = ctx.ws
    pool, j = _pool_with_release(ctx, "btrfs", lambda where: backends.btrfs_pool(where, size=2 << 30))
    src = pool.path / "raw-src"
    run(["btrfs", "subvolume", "create", src])
    run(["cp", "-a", f"{ctx.busybox}/.", src])
    lxc = Lxc(ws, "lxc-btrfs", path=pool.path / "lxc")
    (lxc.path / "csrc").mkdir()
    # LXC copies only a root inside the container's directory; a subvolume, to be snapshotted
    run(["btrfs", "subvolume", "create", lxc.path / "csrc" / "rootfs"])
    run(["cp", "-a", f"{ctx.busybox}/.", lxc.path / "csrc" / "rootfs"])
    lxc.define("csrc", f"btrfs:{lxc.path / 'csrc' / 'rootfs'}")
    steps = {
        "jailor create": _jailor_steps(j),
        "raw": (lambda i: run(["btrfs", "subvolume", "snapshot", src, pool.path / f"raw{i}"]),
                lambda i: run(["btrfs", "subvolume", "delete", pool.path / f"raw{i}"])),
        "lxc-copy -s": (lambda i: lxc("lxc-copy", "csrc", "-s", "-N", f"cp{i}"),
                        lambda i: lxc("lxc-destroy", f"cp{i}")),
    }
    return steps, "btrfs subvolume snapshot"


def _zfs(ctx):
    pool, j = _pool_with_release(ctx, "zfs", lambda where: backends.zfs_pool(where, size=1 << 30))
    src = f"{pool.pool}/rawsrc"
    run(["zfs", "create", src])
    mnt = run(["zfs", "get", "-H", "-o", "value", "mountpoint", src]).stdout.strip()
    run(["cp", "-a", f"{ctx.busybox}/.", mnt])
    run(["zfs", "snapshot", f"{src}@s"])
    steps = {
        "jailor create": _jailor_steps(j),
        "raw": (lambda i: run(["zfs", "clone", f"{src}@s", f"{pool.pool}/raw{i}"]),
                lambda i: _zfs_destroy(f"{pool.pool}/raw{i}")),
    }
    return steps, "zfs clone"


def _zfs_destroy(dataset, timeout=30):
    """zfs-fuse says "dataset is busy" for a while after a mount: unmount, then retry (untimed)."""
    run(["zfs", "unmount", dataset], check=False)
    deadline = time.monotonic() + timeout
    while True:
        p = run(["zfs", "destroy", dataset], check=False)
        if p.returncode == 0:
            return
        if "busy" not in p.stderr or time.monotonic() > deadline:
            raise RuntimeError(f"zfs destroy {dataset}: {p.stderr.strip()}")
        time.sleep(0.1)


BACKENDS = {"dir": _dir, "btrfs": _btrfs, "zfs": _zfs}


def measure(ctx):
    results, failed = [], []
    for name in BACKENDS:
        op = f"create a clone jail, {name} pool"
        if name not in ctx.backends:
            results.append(Result(op, target=TARGET, verdict=f"n/a: not run (--backends {','.join(ctx.backends)})"))
            continue
        try:
            results.append(_measure_backend(ctx, name, op))
        except Exception as e:  # noqa: BLE001 - the other backends still run
            results.append(Result(op, target=TARGET, verdict=f"failed: {e}"))
            failed.append(f"{name}: {e}")
    if failed:
        raise RowFailed("; ".join(failed), results)
    return results


def _measure_backend(ctx, name, op):
    steps, raw_label = BACKENDS[name](ctx)
    t = ctx.interleaved(steps)
    jm, rm = t["jailor create"].median_ms, t["raw"].median_ms
    r = Result(op, jailor=t["jailor create"].text(), peer=f"{raw_label} {t['raw'].text()}", ratio=ratio_text(jm, rm),
               target=TARGET, verdict=against_limit(jm, rm + 5, "ms"))
    if "lxc-copy -s" in t:
        lm = t["lxc-copy -s"].median_ms
        r.also.append((f"lxc-copy -s on {name}", f"{t['lxc-copy -s'].text()}; jailor/this {ratio_text(jm, lm)}"))
    else:
        r.also.append((f"lxc-copy -s on {name}", "not measured: LXC's zfs driver needs a ZFS it manages itself"))
    return r
