"""The network test topology: jailor's "host" in a network namespace of its
own, never the machine's real one.

    upstream ns                 lan ns (router)                  host ns
    eth0 10.88.0.2/24  <--->  up0 10.88.0.1/24
    HTTP server :8080         lan0 10.77.0.1/24  <--->  eth0 10.77.0.2/24
                              fd77::1/64               fd77::2/64
                              dnsmasq: DHCP 10.77.0.100-199, RAs for fd77::/64
                              forwards between up0 and lan0

The host's default routes go to the lan namespace, which routes on to the
upstream one.  No packet leaves these namespaces: none of them has a link
to the machine's real interfaces.  Everything is made with `ip` (the test
may shell out; jailor itself speaks netlink) and undone on the way out,
processes stopped by their PID.

Use:

    with netns.topology(tmp_path) as topo:
        topo.run("host", "ip", "addr")             # a command in a namespace
        topo.jailor(jailor, "start", "web")        # jailor inside the host ns
"""
import contextlib
import os
import re
import secrets
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

LAN_ROUTER = "10.77.0.1"
HOST_ADDR = "10.77.0.2"
LAN_PREFIX = 24
LAN6_ROUTER = "fd77::1"
HOST_ADDR6 = "fd77::2"
UPSTREAM_ROUTER = "10.88.0.1"
UPSTREAM_ADDR = "10.88.0.2"
HTTP_PORT = 8080
DHCP_RANGE = ("10.77.0.100", "10.77.0.199")


def _ip(*args, ns=None, check=True):
    cmd = ["ip", *(["-n", ns] if ns else []), *args]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)}: {proc.stderr.strip()}")
    return proc


@dataclass
class Topology:
    tag: str
    tmp: Path
    names: dict = field(default_factory=dict)  # role -> namespace name
    processes: list = field(default_factory=list)

    def ns(self, role):
        return self.names[role]

    def run(self, role, *cmd, check=True, timeout=60, **kw):
        """Runs cmd inside the namespace of role ("host", "lan", "upstream")."""
        proc = subprocess.run(["ip", "netns", "exec", self.ns(role), *map(str, cmd)],
                              capture_output=True, text=True, timeout=timeout, **kw)
        if check and proc.returncode != 0:
            raise AssertionError(f"{cmd} in {role}: exit {proc.returncode}\n{proc.stdout}{proc.stderr}")
        return proc

    def popen(self, role, *cmd, **kw):
        """Starts a long-running process in role's namespace; stopped at teardown by PID."""
        p = subprocess.Popen(["ip", "netns", "exec", self.ns(role), *map(str, cmd)],
                             start_new_session=True, **kw)
        self.processes.append(p)
        return p

    def jailor(self, j, *args, check=True, input=None, timeout=120):
        """Runs the jailor binary of the fixture `j` (conftest.Jailor) in the host namespace."""
        from conftest import JAILOR
        # nsenter, not `ip netns exec`: that one remounts /sys, and with it the
        # cgroup hierarchies under /sys/fs/cgroup that jails are put in
        proc = subprocess.run(["nsenter", f"--net=/run/netns/{self.ns('host')}", str(JAILOR),
                               *map(str, args)],
                              env=j.env, input=input, capture_output=True, text=True,
                              timeout=timeout)
        if check and proc.returncode != 0:
            raise AssertionError(f"jailor {' '.join(map(str, args))} exited {proc.returncode}\n"
                                 f"stdout: {proc.stdout}\nstderr: {proc.stderr}")
        return proc

    def add_namespace(self, role):
        """One more namespace, "j<role[0]>-TAG" (a jail's, say), deleted at teardown."""
        name = f"j{role[0]}-{self.tag}"
        self.names[role] = name
        _ip("netns", "add", name)
        _ip("link", "set", "lo", "up", ns=name)
        return name

    def dnsmasq_leases(self):
        path = self.tmp / "dnsmasq.leases"
        return path.read_text().splitlines() if path.exists() else []


def _wait_for(pred, what, timeout=10):
    deadline = time.monotonic() + timeout
    while not pred():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.05)


def _start_dnsmasq(topo, options=()):
    conf = topo.tmp / "dnsmasq.conf"
    conf.write_text("\n".join([
        "interface=lan0",
        "bind-interfaces",
        "port=0",  # no DNS service, DHCP and RAs only
        f"dhcp-range={DHCP_RANGE[0]},{DHCP_RANGE[1]},255.255.255.0,2m",
        f"dhcp-option=option:router,{LAN_ROUTER}",
        f"dhcp-option=option:dns-server,{LAN_ROUTER}",
        "dhcp-range=fd77::,ra-only,64,2m",
        "enable-ra",
        f"dhcp-leasefile={topo.tmp / 'dnsmasq.leases'}",
        "dhcp-authoritative",
        "log-dhcp",
        *options,
        "",
    ]))
    log = open(topo.tmp / "dnsmasq.log", "wb")
    topo.popen("lan", "dnsmasq", "--keep-in-foreground", "--no-daemon", f"--conf-file={conf}",
               "--no-resolv", "--no-hosts", f"--pid-file={topo.tmp / 'dnsmasq.pid'}",
               stdout=log, stderr=subprocess.STDOUT)
    log.close()


def _start_http_server(topo):
    www = topo.tmp / "www"
    www.mkdir(exist_ok=True)
    (www / "index.html").write_text("upstream\n")
    log = open(topo.tmp / "http.log", "wb")
    # the log shows each client's address: the NAT test reads it
    topo.popen("upstream", "/usr/bin/python3", "-m", "http.server", "--bind", UPSTREAM_ADDR,
               "--directory", www, str(HTTP_PORT), stdout=log, stderr=subprocess.STDOUT)
    log.close()
    _wait_for(lambda: f":{HTTP_PORT} " in topo.run("upstream", "ss", "-ltn").stdout,
              "the upstream HTTP server")


def _build(topo):
    host, lan, up = topo.ns("host"), topo.ns("lan"), topo.ns("upstream")
    for ns in (host, lan, up):
        _ip("netns", "add", ns)
        _ip("link", "set", "lo", "up", ns=ns)
    # host <-> lan
    _ip("link", "add", "eth0", "netns", host, "type", "veth", "peer", "name", "lan0", "netns", lan)
    _ip("addr", "add", f"{HOST_ADDR}/{LAN_PREFIX}", "dev", "eth0", ns=host)
    _ip("addr", "add", f"{HOST_ADDR6}/64", "dev", "eth0", "nodad", ns=host)
    _ip("link", "set", "eth0", "up", ns=host)
    _ip("addr", "add", f"{LAN_ROUTER}/{LAN_PREFIX}", "dev", "lan0", ns=lan)
    _ip("addr", "add", f"{LAN6_ROUTER}/64", "dev", "lan0", "nodad", ns=lan)
    _ip("link", "set", "lan0", "up", ns=lan)
    _ip("route", "add", "default", "via", LAN_ROUTER, ns=host)
    _ip("-6", "route", "add", "default", "via", LAN6_ROUTER, ns=host)
    # lan <-> upstream
    _ip("link", "add", "up0", "netns", lan, "type", "veth", "peer", "name", "eth0", "netns", up)
    _ip("addr", "add", f"{UPSTREAM_ROUTER}/24", "dev", "up0", ns=lan)
    _ip("link", "set", "up0", "up", ns=lan)
    _ip("addr", "add", f"{UPSTREAM_ADDR}/24", "dev", "eth0", ns=up)
    _ip("link", "set", "eth0", "up", ns=up)
    _ip("route", "add", "default", "via", UPSTREAM_ROUTER, ns=up)
    topo.run("lan", "sysctl", "-q", "-w", "net.ipv4.ip_forward=1")
    topo.run("lan", "sysctl", "-q", "-w", "net.ipv6.conf.all.forwarding=1")


def _teardown(topo):
    problems = []
    for p in reversed(topo.processes):
        if p.poll() is None:
            # ip netns exec execs the command: the PID is the server's own
            os.kill(p.pid, signal.SIGTERM)
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.kill(p.pid, signal.SIGKILL)
                p.wait()
    for ns in topo.names.values():
        # deleting a namespace deletes its veths (and their peers elsewhere)
        r = _ip("netns", "delete", ns, check=False)
        if r.returncode != 0 and "No such file" not in r.stderr:
            problems.append(f"{ns}: {r.stderr.strip()}")
    if problems:
        raise RuntimeError("network namespaces left behind: " + "; ".join(problems))


@contextlib.contextmanager
def topology(tmp_path, dhcp=True, http=True, dnsmasq_options=()):
    """The topology above; with dhcp, dnsmasq serves the LAN (dnsmasq_options:
    more lines for its configuration); with http, the upstream server runs."""
    tag = secrets.token_hex(3)
    topo = Topology(tag=tag, tmp=Path(tmp_path),
                    names={"host": f"jh-{tag}", "lan": f"jl-{tag}", "upstream": f"ju-{tag}"})
    try:
        _build(topo)
        if dhcp:
            _start_dnsmasq(topo, dnsmasq_options)
        if http:
            _start_http_server(topo)
        yield topo
    finally:
        _teardown(topo)


def namespaces():
    """The topologies' network namespaces (j?-TAG) that `ip netns` knows, for leak
    checks; others on the machine (a benchmark's, say) are none of the tests' business."""
    out = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    names = (line.split()[0] for line in out.splitlines() if line.strip())
    return sorted(n for n in names if re.fullmatch(r"j[a-z]-[0-9a-f]{6}", n))
