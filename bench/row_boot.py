# SPDX-License-Identifier: MIT
"""Boot Debian bookworm with its systemd to a settled system and power it off.

Every tool boots the same tree: jailor's bookworm release (fetched from the
debootstrap download the tests cache), a clone jail of it for jailor (on a
directory pool: an overlay), a thick jail (a plain copy) to show what the
overlay costs, one copy of it for LXC and nspawn.  "Booted" is `systemctl is-system-running`
answering running or degraded, asked inside the guest every 10 ms (plus
the time the question takes), each tool through its own way in (jailor exec, lxc-attach;
nsenter for nspawn, which has none without machined); then each powers it
off its own way (jailor stop, lxc-stop, SIGTERM to systemd-nspawn: all
three send systemd SIGRTMIN+3) and the time until it is gone is added.
No network: a new empty network namespace for all three.
"""
import subprocess
import time

from report import Result, against_ratio, ratio_text
from timing import Stats
from workspace import run, wait_until

TARGET = "≤ 1 × LXC"
BOOT_TIMEOUT = 60
POLL_PAUSE_S = 0.01
SETTLED = ("running", "degraded")


def _poll(argv, env=None):
    """Asks until the guest has settled; argv may be a function giving the command each time."""
    def settled():
        cmd = argv() if callable(argv) else argv
        if not cmd:
            return False
        p = subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL, env=env)
        return p.stdout.strip() in SETTLED
    # a pause between questions, so that asking does not take a CPU from the boot (2 CPUs here)
    if not wait_until(settled, BOOT_TIMEOUT, step=POLL_PAUSE_S):
        raise RuntimeError(f"not booted within {BOOT_TIMEOUT} s")


class JailorBoot:
    def __init__(self, j, name):
        self.j, self.name = j, name

    def boot(self):
        self.j.start(self.name)
        _poll(self.j.argv("exec", self.name, "systemctl", "is-system-running"), env=self.j.env)

    def off(self):
        self.j("stop", self.name)
        self.j.started.discard(self.name)


class LxcBoot:
    def __init__(self, lxc):
        self.lxc = lxc

    def boot(self):
        self.lxc("lxc-start", "deb", "-d")
        _poll(self.lxc.argv("lxc-attach", "deb", "--", "systemctl", "is-system-running"))

    def off(self):
        self.lxc("lxc-stop", "deb", "-t", "60")


class NspawnBoot:
    def __init__(self, ws, tree):
        self.ws, self.tree, self.proc = ws, tree, None

    def boot(self):
        log = open(self.ws.path("nspawn-boot.log"), "ab")
        self.proc = subprocess.Popen(["systemd-nspawn", "-q", "-b", "-D", str(self.tree), "--register=no",
                                      "--keep-unit", "--private-network"], stdin=subprocess.DEVNULL,
                                     stdout=log, stderr=log, start_new_session=True)
        self.undo = self.ws.on_exit(self._kill)
        _poll(self._ask)

    def _ask(self):
        """nsenter into the container's init: the child of systemd-nspawn (found anew each
        time: early on the child is nspawn's own, not yet the container's)."""
        p = run(["pgrep", "-P", str(self.proc.pid)], check=False)
        pids = p.stdout.split()
        return ["nsenter", "-t", pids[0], "-a", "systemctl", "is-system-running"] if pids else None

    def off(self):
        self.proc.terminate()
        self.proc.wait(60)
        self.ws.forget(self.undo)

    def _kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(30)


def measure(ctx):
    ctx.wait_for_bookworm()
    release = ctx.bookworm()
    copy = ctx.bookworm_copy()
    j, lxc = ctx.jailor, ctx.lxc
    j("create", "-r", "bookworm", "-n", "deb")
    # a thick jail is a plain directory, as LXC's and nspawn's roots are: the clone's overlay cost apart
    j("create", "-r", "bookworm", "-n", "debthick", "-T")
    lxc.define("deb", f"dir:{copy}")
    tools = {"jailor": JailorBoot(j, "deb"), "jailor, thick jail": JailorBoot(j, "debthick"),
             "LXC": LxcBoot(lxc), "systemd-nspawn": NspawnBoot(ctx.ws, copy)}
    boot = {k: Stats() for k in tools}
    total = {k: Stats() for k in tools}
    runs = 1 if ctx.plan.smoke else max(5, ctx.plan.runs // 3)
    for i in range(runs):
        order = list(tools)[i % len(tools):] + list(tools)[:i % len(tools)]
        for name in order:
            t0 = time.perf_counter()
            tools[name].boot()
            t1 = time.perf_counter()
            tools[name].off()
            t2 = time.perf_counter()
            boot[name].times.append(t1 - t0)
            total[name].times.append(t2 - t0)
    jm, lm = boot["jailor"].median_ms, boot["LXC"].median_ms
    r = Result("boot bookworm (systemd) until running", jailor=boot["jailor"].text(),
               peer=f"LXC {boot['LXC'].text()}", ratio=ratio_text(jm, lm), target=TARGET,
               verdict=against_ratio(jm, lm, 1.0))
    r.also.append(("jailor, thick jail (-T: a plain directory, no overlay), boot until running",
                   f"{boot['jailor, thick jail'].text()}; this/LXC {ratio_text(boot['jailor, thick jail'].median_ms, lm)}"))
    r.also.append(("systemd-nspawn, boot until running", f"{boot['systemd-nspawn'].text()}; jailor/this "
                   f"{ratio_text(jm, boot['systemd-nspawn'].median_ms)}"))
    for name in tools:
        r.also.append((f"{name}, boot + power off", total[name].text()))
    r.also.append(("runs", f"{runs} boots per tool, interleaved"))
    return [r]
