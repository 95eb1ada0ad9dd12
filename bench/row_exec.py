# SPDX-License-Identifier: MIT
"""exec /bin/true in a running jail, against lxc-attach into a running
container of the same root; nsenter into the jail's namespaces is the floor."""
from report import Result, against_ratio, ratio_text

TARGET = "≤ 0.8 × lxc-attach"


def measure(ctx):
    j, lxc, tree = ctx.jailor, ctx.lxc, ctx.busybox
    j("create", "-r", "bb", "-n", "exec1")
    j.start("exec1")
    lxc.define("exec1", f"dir:{tree}", "lxc.init.cmd = /bin/sleep 1000000")
    lxc("lxc-start", "exec1", "-d")
    init = j.state("exec1")["init"]
    cmds = {
        "jailor exec": " ".join(j.argv("exec", "exec1", "/bin/true")),
        "lxc-attach": lxc.cmdline("lxc-attach", "exec1", "--", "/bin/true"),
        "nsenter (floor)": f"nsenter -t {init} -m -u -i -n -p -C -r -w /bin/true",
    }
    # -N: no shell; jailor's environment comes from this process
    t = ctx.hyperfine(cmds, env=j.env)
    j.stop("exec1")
    lxc("lxc-stop", "exec1", "-k")
    jm, lm = t["jailor exec"].median_ms, t["lxc-attach"].median_ms
    r = Result("exec /bin/true in a running jail", jailor=t["jailor exec"].text(),
               peer=f"lxc-attach {t['lxc-attach'].text()}", ratio=ratio_text(jm, lm), target=TARGET,
               verdict=against_ratio(jm, lm, 0.8))
    r.also.append(("nsenter (floor)", f"{t['nsenter (floor)'].text()}; jailor/this {ratio_text(jm, t['nsenter (floor)'].median_ms)}"))
    return [r]
