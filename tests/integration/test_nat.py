# SPDX-License-Identifier: MIT
"""NAT for real: the library (src/lib/net/nat.h, through nat-harness) in the
network test topology (netns.py).  nftables state is per network namespace,
so every nft command here runs in the topology's "host" namespace and the
machine's own firewall is never read or touched.

Two "jail" namespaces are made here with `ip` (jailor's own netlink layer is
another part): each with a veth whose host end is on a bridge in the host
namespace, the bridge holding the NAT subnet's gateway address, as the
runtime will set it up.

    jail ns "web"  eth0 172.16.x.y/16 --+
                                         +-- jbr0 172.16.0.1/16 (host ns) --- eth0 10.77.0.2 --- lan --- upstream
    jail ns "db"   eth0 172.16.x.z/16 --+

nat_forwards follow iocage: tcp(JAILPORT:HOSTPORT), so tcp(8000:8081)
forwards the host's port 8081 to the jail's port 8000.
"""
import json
import os
import subprocess
import time
from pathlib import Path

import pytest

import netns
from conftest import BUILD, skip_or_fail

HARNESS = BUILD / "tests" / "integration" / "nat-harness"
BRIDGE = "jbr0"
JAIL_PORT = 8000
HOST_PORT = 8081


class Nat:
    """The topology plus jail namespaces and the harness run in the host namespace."""

    def __init__(self, topo, tmp_path):
        self.topo = topo
        self.tmp = tmp_path
        self.env = dict(os.environ, JAILOR_RUN_DIR=str(tmp_path / "run"),
                        JAILOR_CONF_DIR=str(tmp_path / "conf"))

    def harness(self, *args, check=True):
        proc = self.topo.run("host", HARNESS, *args, check=False, env=self.env)
        if check and proc.returncode != 0:
            raise AssertionError(f"nat-harness {args}: exit {proc.returncode}: {proc.stderr}")
        return proc

    def nft(self, *args, **kw):
        return self.topo.run("host", "nft", *args, **kw).stdout

    def jailor_table(self):
        """`nft -j list table ip jailor`, or None when there is no such table."""
        proc = self.topo.run("host", "nft", "-j", "list", "table", "ip", "jailor", check=False)
        if proc.returncode != 0:
            assert "No such file or directory" in proc.stderr, proc.stderr
            return None
        return proc.stdout

    def add_jail_ns(self, role, name):
        """A namespace playing the jail `name`, its address picked by the library."""
        ns = f"jj{len(self.topo.names)}-{self.topo.tag}"
        # registered first: the topology's teardown deletes it whatever happens next
        self.topo.names[role] = ns
        subprocess.run(["ip", "netns", "add", ns], check=True)
        taken = [j["addr"] for j in getattr(self, "jails", {}).values()]
        addr = self.harness("pick", "172.16", name, *taken).stdout.strip()
        host_end = f"v{role}"
        subprocess.run(["ip", "link", "add", host_end, "netns", self.topo.ns("host"), "type", "veth",
                        "peer", "name", "eth0", "netns", ns], check=True)
        host = ["ip", "-n", self.topo.ns("host")]
        jail = ["ip", "-n", ns]
        subprocess.run([*host, "link", "set", host_end, "master", BRIDGE, "up"], check=True)
        subprocess.run([*jail, "link", "set", "lo", "up"], check=True)
        subprocess.run([*jail, "addr", "add", f"{addr}/16", "dev", "eth0"], check=True)
        subprocess.run([*jail, "link", "set", "eth0", "up"], check=True)
        subprocess.run([*jail, "route", "add", "default", "via", self.gateway], check=True)
        self.jails = getattr(self, "jails", {})
        self.jails[name] = {"role": role, "addr": addr}
        return addr

    def fetch(self, role, url):
        return self.topo.run(role, "/usr/bin/python3", "-c",
                             "import sys, urllib.request;"
                             "print(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode())",
                             url, timeout=30).stdout.strip()

    def serve(self, role, text, port):
        """An HTTP server in role's namespace answering text; its log is tmp/ROLE-http.log."""
        www = self.tmp / f"{role}-www"
        www.mkdir()
        (www / "index.html").write_text(text + "\n")
        log = open(self.tmp / f"{role}-http.log", "wb")
        self.topo.popen(role, "/usr/bin/python3", "-m", "http.server", "--bind", "0.0.0.0",
                        "--directory", www, str(port), stdout=log, stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + 10
        while f":{port} " not in self.topo.run(role, "ss", "-ltn").stdout:
            assert time.monotonic() < deadline, f"the HTTP server in {role} did not start"
            time.sleep(0.05)

    def log_clients(self, name):
        """The client addresses of the requests in an HTTP server's log."""
        lines = (self.tmp / name).read_text().splitlines()
        return [l.split()[0] for l in lines if '"GET ' in l]


@pytest.fixture
def nat(tmp_path):
    if not HARNESS.is_file():
        pytest.fail(f"{HARNESS} is missing: build the tree first (make)")
    if os.geteuid() != 0:
        skip_or_fail("the NAT tests need root")
    with netns.topology(tmp_path, dhcp=False) as topo:
        n = Nat(topo, tmp_path)
        network, n.gateway = n.harness("subnet", "172.16").stdout.split()
        assert network == "172.16.0.0/16"
        host = ["ip", "-n", topo.ns("host")]
        subprocess.run([*host, "link", "add", BRIDGE, "type", "bridge", "stp_state", "0"], check=True)
        subprocess.run([*host, "addr", "add", f"{n.gateway}/16", "dev", BRIDGE], check=True)
        subprocess.run([*host, "link", "set", BRIDGE, "up"], check=True)
        # someone else's table, which jailor must leave exactly as it is
        n.nft("-f", "-", input="table ip other {\n"
              "  set keep { type ipv4_addr; elements = { 192.0.2.1 } }\n"
              "  chain post { type nat hook postrouting priority 50; policy accept;\n"
              "    ip saddr @keep counter accept comment \"not jailor's\"\n"
              "  }\n"
              "}\n")
        yield n


def other_table(nat):
    return nat.nft("list", "table", "ip", "other"), nat.nft("-j", "list", "table", "ip", "other")


def elements_of(listing, jail):
    """The elements tagged with jail in an `nft -j` listing, as sorted JSON texts."""
    found = []

    def walk(x):
        if isinstance(x, dict):
            if x.get("comment") == f"jailor:{jail}":
                found.append(json.dumps(x, sort_keys=True))
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    walk(json.loads(listing) if listing else None)
    return sorted(found)


def test_nat_masquerade_forwards_conflicts_and_removal(nat):
    other_before = other_table(nat)
    machine_forwarding = Path("/proc/sys/net/ipv4/ip_forward").read_text()

    # removing what is not there is fine, and makes no table
    nat.harness("remove", "ghost")
    assert nat.jailor_table() is None
    assert nat.harness("list").stdout == ""

    web = nat.add_jail_ns("web", "web")
    assert web == nat.harness("pick", "172.16", "web").stdout.strip()  # stable
    # the caller's part (jailor's runtime: sysctl_net_write), in the host namespace only
    nat.topo.run("host", "sysctl", "-q", "-w", "net.ipv4.ip_forward=1")
    # first a stale claim of web's own (a killed run): the next add replaces it
    nat.harness("add", "web", web, "eth0", "tcp(1:2)")
    nat.harness("add", "web", web, "eth0", f"tcp({JAIL_PORT}:{HOST_PORT})")
    table = nat.jailor_table()
    assert '"jailor:web"' in table and '"tcp", 1]' not in table
    assert nat.harness("list").stdout.split() == ["web"]

    # masquerade: the jail reaches upstream, which sees the host's address
    assert nat.fetch("web", f"http://{netns.UPSTREAM_ADDR}:{netns.HTTP_PORT}/") == "upstream"
    assert nat.log_clients("http.log") == [netns.HOST_ADDR]

    # the forward: the LAN reaches the jail's server through the host's port
    nat.serve("web", "jail web", JAIL_PORT)
    assert nat.fetch("lan", f"http://{netns.HOST_ADDR}:{HOST_PORT}/") == "jail web"
    assert nat.log_clients("web-http.log") == [netns.LAN_ROUTER]  # DNAT only, no SNAT
    # ... and so does the host itself (the output chain)
    assert nat.fetch("host", f"http://{netns.HOST_ADDR}:{HOST_PORT}/") == "jail web"

    # a second jail claiming the same host port is refused, changing nothing
    db = nat.add_jail_ns("db", "db")
    assert db != web
    before = nat.jailor_table()
    proc = nat.harness("add", "db", db, "eth0", "tcp(8070-8090)", check=False)
    assert proc.returncode == 1
    assert proc.stderr.strip() == (f"EADDRINUSE Host port {HOST_PORT}/tcp is already forwarded to "
                                   "NAT jail 'web': 'db' cannot forward it too"), proc.stderr
    assert nat.jailor_table() == before
    # another protocol on that port, and another port, are fine
    nat.harness("add", "db", db, "eth0", f"udp({HOST_PORT}),tcp({JAIL_PORT}:8082)")
    assert nat.harness("list").stdout.split() == ["db", "web"]

    # one jail reaches another through the host's forwarded port (hairpin)
    assert nat.fetch("db", f"http://{netns.HOST_ADDR}:{HOST_PORT}/") == "jail web"
    assert nat.log_clients("web-http.log")[-1] == nat.gateway
    # ... even to itself, once its bridge port may send a frame back where it came from
    # (the runtime's part: hairpin mode on the jail's port)
    subprocess.run(["ip", "-n", nat.topo.ns("host"), "link", "set", "vweb", "type", "bridge_slave",
                    "hairpin", "on"], check=True)
    assert nat.fetch("web", f"http://{netns.HOST_ADDR}:{HOST_PORT}/") == "jail web"
    assert nat.log_clients("web-http.log")[-1] == nat.gateway

    # removal takes exactly web's elements
    db_elements = elements_of(nat.jailor_table(), "db")
    nat.harness("remove", "web")
    table = nat.jailor_table()
    assert not elements_of(table, "web") and web not in table
    assert elements_of(table, "db") == db_elements
    assert nat.harness("list").stdout.split() == ["db"]
    proc = nat.topo.run("lan", "/usr/bin/python3", "-c",
                        "import urllib.request;"
                        f"urllib.request.urlopen('http://{netns.HOST_ADDR}:{HOST_PORT}/', timeout=2)",
                        check=False)
    assert proc.returncode != 0  # the forward is gone
    nat.harness("remove", "web")  # again: nothing there, fine

    # the last jail takes the table with it
    nat.harness("remove", "db")
    assert nat.jailor_table() is None
    tables = nat.nft("list", "tables").split("\n")
    assert [t for t in tables if t] == ["table ip other"]

    assert other_table(nat) == other_before
    assert Path("/proc/sys/net/ipv4/ip_forward").read_text() == machine_forwarding


def test_nat_refuses_a_taken_address_and_bad_input(nat):
    addr = nat.harness("pick", "172.16", "web").stdout.strip()
    nat.harness("add", "web", addr, "eth0", "none")
    before = nat.jailor_table()
    proc = nat.harness("add", "db", addr, "eth0", "none", check=False)
    assert proc.returncode == 1
    assert proc.stderr.strip() == (f"EADDRINUSE Address {addr} is already used by NAT jail 'web': "
                                   "'db' cannot use it too")
    # the picker steps past it when told it is taken
    assert nat.harness("pick", "172.16", "web", addr).stdout.strip() != addr
    proc = nat.harness("add", "db", "172.16.9.9", 'eth"0', "none", check=False)
    assert proc.returncode == 1 and "Invalid NAT interface" in proc.stderr
    proc = nat.harness("add", "-db", "172.16.9.9", "eth0", "none", check=False)
    assert proc.returncode == 1 and "Invalid jail name" in proc.stderr
    assert nat.jailor_table() == before
    nat.harness("remove", "web")
    assert nat.jailor_table() is None
