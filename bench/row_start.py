# SPDX-License-Identifier: MIT
"""start a jail, run /bin/true, exit; no network.

jailor has no one-shot "run" command: the closest is `jailor start` of a
busybox jail whose built-in init runs exec_start=/bin/true, then `jailor
stop` (the init reaps /bin/true at once and waits for its stop).  Both
commands are timed together, through a shell (hyperfine subtracts the
shell's own start), and so are the peers' one-shot commands.
"""
import shlex

from report import Result, against_ratio, ratio_text

TARGET = "≤ 0.8 × lxc-execute"


def measure(ctx):
    j, lxc, tree = ctx.jailor, ctx.lxc, ctx.busybox
    j("create", "-r", "bb", "-n", "true1", "exec_start=/bin/true")
    j.started.add("true1")  # stopped at cleanup should a run die between start and stop
    lxc.define("true1", f"dir:{tree}")
    cmds = {
        "jailor start+stop": f"{j.cmdline('start', 'true1')} >/dev/null && {j.cmdline('stop', 'true1')} >/dev/null",
        "lxc-execute": lxc.cmdline("lxc-execute", "true1", "--", "/bin/true"),
        "lxc-start -F": lxc.cmdline("lxc-start", "true1", "-F", "--", "/bin/true"),
        "systemd-nspawn": f"systemd-nspawn -q -D {tree} --register=no --keep-unit --private-network /bin/true",
        "systemd-nspawn, SYSTEMD_SECCOMP=0": f"SYSTEMD_SECCOMP=0 systemd-nspawn -q -D {tree} --register=no "
                                             f"--keep-unit --private-network /bin/true",
        "unshare+chroot (floor)": f"unshare -fmpuin chroot {tree} /bin/true",
    }
    t = ctx.hyperfine(cmds, shell=True, env=j.env)
    # jailor start alone, for the record: the stop comes before each run
    alone = ctx.hyperfine({"jailor start": j.cmdline("start", "true1")},
                          prepare={"jailor start": "sh -c " + shlex.quote(j.cmdline("stop", "true1") + " >/dev/null 2>&1; true")},
                          env=j.env)
    j.stop("true1")
    jm, lm = t["jailor start+stop"].median_ms, t["lxc-execute"].median_ms
    r = Result("start, run /bin/true, exit (busybox, no network)",
               jailor=f"start+stop {t['jailor start+stop'].text()}",
               peer=f"lxc-execute {t['lxc-execute'].text()}",
               ratio=ratio_text(jm, lm), target=TARGET, verdict=against_ratio(jm, lm, 0.8))
    for label in ("lxc-start -F", "systemd-nspawn", "systemd-nspawn, SYSTEMD_SECCOMP=0", "unshare+chroot (floor)"):
        r.also.append((label, f"{t[label].text()}; jailor/this {ratio_text(jm, t[label].median_ms)}"))
    r.also.append(("jailor start alone (stop before each run, untimed)", alone["jailor start"].text()))
    return [r]
