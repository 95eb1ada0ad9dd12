# SPDX-License-Identifier: MIT
"""start with VNET on a bridge → /bin/true → exit, against LXC with a veth
on the same bridge.

Everything happens inside a network namespace this row makes (its own
"host" with a bridge br0), never on the machine's interfaces.  The row
first checks that `jailor start` of a vnet=on jail really gives the jail
its vnet0 on br0; until jailor does that, the row says n/a and why.
"""
import secrets
import subprocess

from report import Result, not_measured, ratio_text
from workspace import Jailor, Lxc, run

OP = "start with VNET on a bridge, run /bin/true, exit"
TARGET = "none in DESIGN.md"


def _netns(ws):
    """A network namespace with bridge br0, and the prefix that runs a
    command there: nsenter into it and into a mount namespace whose /sys
    is the namespace's (LXC looks for the bridge in /sys/class/net), with
    the host's cgroup mounts put back in place (`ip netns exec` mounts a
    new /sys too, but hides them).  Both tools run through the same prefix."""
    ns = "jbench-" + secrets.token_hex(4)
    run(["ip", "netns", "add", ns])
    ws.on_exit(run, ["ip", "netns", "del", ns])
    run(["ip", "-n", ns, "link", "set", "lo", "up"])
    run(["ip", "-n", ns, "link", "add", "br0", "type", "bridge", "stp_state", "0", "forward_delay", "0"])
    run(["ip", "-n", ns, "addr", "add", "10.99.0.1/24", "dev", "br0"])
    run(["ip", "-n", ns, "link", "set", "br0", "up"])
    saved = ws.path("vnet-cgroup")
    saved.mkdir()
    holder = subprocess.Popen(
        ["nsenter", f"--net=/run/netns/{ns}", "unshare", "-m", "--propagation", "private", "sh", "-c",
         f"mount --rbind /sys/fs/cgroup {saved} && mount -t sysfs sysfs /sys && "
         f"mount --rbind {saved} /sys/fs/cgroup && echo ready && exec sleep 1000000"],
        stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True, start_new_session=True)
    ws.on_exit(_end, holder)
    if holder.stdout.readline().strip() != "ready":
        raise RuntimeError("cannot make the mount namespace for the VNET row")
    # the holder is sh exec'd into sleep: the same PID, in the namespaces
    return ns, ["nsenter", f"--net=/run/netns/{ns}", f"--mount=/proc/{holder.pid}/ns/mnt"]


def _end(proc):
    """Stops the namespace holder this row started, by its PID."""
    proc.kill()
    proc.wait(10)


def _vnet_works(j, ns):
    """None when a started vnet=on jail has vnet0 on br0, else why not."""
    p = j("start", "v1", check=False)
    if p.returncode != 0:
        return f"jailor start of a vnet=on jail fails here: {p.stderr.strip()}"
    j.started.add("v1")
    try:
        init = j.state("v1")["init"]
        inside = run(["nsenter", "-t", init, "-n", "ip", "-br", "link", "show", "vnet0"], check=False)
        if inside.returncode != 0:
            return "jailor start does not wire VNET yet: the vnet=on jail has no vnet0"
        ports = run(["ip", "-n", ns, "-br", "link", "show", "master", "br0"]).stdout
        if not ports.strip():
            return "jailor start gives the jail vnet0 but puts nothing on bridge br0"
        return None
    finally:
        j.stop("v1")


def measure(ctx):
    ws = ctx.ws
    ns, prefix = _netns(ws)
    pool = ws.path("vnet-pool")
    pool.mkdir()
    j = Jailor(ws, "jailor-vnet", prefix=prefix)
    j("activate", pool)
    j("fetch", "-r", "bb", "-f", ctx.busybox_tar)
    j("create", "-r", "bb", "-n", "v1", "exec_start=/bin/true", "vnet=on", "interfaces=vnet0:br0",
      "ip4_addr=vnet0|10.99.0.2/24")
    why = _vnet_works(j, ns)
    if why:
        return [not_measured(OP, TARGET, why)]
    lxc = Lxc(ws, "lxc-vnet", prefix=prefix)
    lxc.define("v1", f"dir:{ctx.busybox}", "lxc.net.0.type = veth", "lxc.net.0.link = br0",
               "lxc.net.0.flags = up", "lxc.net.0.name = eth0", "lxc.net.0.ipv4.address = 10.99.0.3/24")
    j.started.add("v1")
    cmds = {
        "jailor start+stop": f"{j.cmdline('start', 'v1')} >/dev/null && {j.cmdline('stop', 'v1')} >/dev/null",
        "lxc-execute, veth": lxc.cmdline("lxc-execute", "v1", "--", "/bin/true"),
    }
    t = ctx.hyperfine(cmds, shell=True, env=j.env)
    j.stop("v1")
    jm, lm = t["jailor start+stop"].median_ms, t["lxc-execute, veth"].median_ms
    return [Result(OP, jailor=f"start+stop {t['jailor start+stop'].text()}",
                   peer=f"lxc-execute, veth {t['lxc-execute, veth'].text()}", ratio=ratio_text(jm, lm),
                   target=TARGET, verdict="faster than LXC" if jm < lm else "slower than LXC")]
