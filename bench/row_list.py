# SPDX-License-Identifier: MIT
"""`jailor list` with N defined jails (busybox clones, stopped), against
`lxc-ls -f` with N defined containers of the same root."""
import time

from report import Result, against_limit, ratio_text
from timing import fmt_ms

TARGET = "≤ 50 ms"


def make_jails(ctx):
    """The N clone jails l_1 … l_N (the density row starts them); made once."""
    if not ctx.many:
        t0 = time.perf_counter()
        ctx.jailor("create", "-r", "bb", "-n", "l", "-c", ctx.count, timeout=3600)
        ctx.many = [f"l_{i}" for i in range(1, ctx.count + 1)]
        ctx.many_created_ms = (time.perf_counter() - t0) * 1000
    return ctx.many


def measure(ctx):
    j, lxc = ctx.jailor, ctx.lxc_many
    names = make_jails(ctx)
    for name in names:
        lxc.define(name, f"dir:{ctx.busybox}")
    n = len(names)
    t = ctx.hyperfine({"jailor list": " ".join(j.argv("list")),
                       "lxc-ls -f": f"lxc-ls -f -P {lxc.path}"}, env=j.env)
    jm, lm = t["jailor list"].median_ms, t["lxc-ls -f"].median_ms
    r = Result(f"list {n} defined jails", jailor=t["jailor list"].text(), peer=f"lxc-ls -f {t['lxc-ls -f'].text()}",
               ratio=ratio_text(jm, lm), target=TARGET, verdict=against_limit(jm, 50, "ms"))
    r.also.append((f"jailor create -c {n} (clone jails, dir pool)",
                   f"{fmt_ms(ctx.many_created_ms)}, {fmt_ms(ctx.many_created_ms / n)} per jail"))
    return [r]
