# SPDX-License-Identifier: MIT
"""jailor's netlink layer (src/lib/net/) for real, through net-harness
(net_harness.c): each operation runs inside network namespaces the test
makes, and its result is checked independently with `ip -j`.

Nothing here touches the machine's own interfaces: every link is made in a
namespace of the test's (deleted at the end, even on failure), and an
autouse fixture checks that the root namespace gained no link of ours.
The kernel has veth, bridge and macvlan; no dummy links, so a veth stands
in for a physical parent.
"""
import json
import os
import secrets
import subprocess
from pathlib import Path

import pytest

import netns
from conftest import BUILD, skip_or_fail

HARNESS = BUILD / "tests" / "integration" / "net-harness"


def _ip(*args, check=True):
    proc = subprocess.run(["ip", *args], capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise AssertionError(f"ip {' '.join(args)}: {proc.stderr.strip()}")
    return proc


def _root_link_names():
    return {l["ifname"] for l in json.loads(_ip("-j", "link", "show").stdout)}


class Namespaces:
    """Fresh network namespaces by role ("a", "b", ...), each with lo up."""

    def __init__(self, tag):
        self.tag = tag
        self.names = {}

    def add(self, role):
        name = f"jn{role}-{self.tag}"
        _ip("netns", "add", name)
        self.names[role] = name
        _ip("-n", name, "link", "set", "lo", "up")
        return name

    def path(self, role):
        return f"/run/netns/{self.names[role]}"

    def harness(self, role, *args, via_fd=False, check=True):
        """Runs net-harness inside role's namespace, or from the root namespace
        with the socket opened in role's by rtnl_open_in (via_fd)."""
        if via_fd:
            cmd = [str(HARNESS), "-n", self.path(role), *map(str, args)]
        else:
            cmd = ["ip", "netns", "exec", self.names[role], str(HARNESS), *map(str, args)]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        if check and proc.returncode != 0:
            raise AssertionError(f"net-harness {' '.join(map(str, args))} in {role}: exit "
                                 f"{proc.returncode}\n{proc.stdout}{proc.stderr}")
        return proc

    def fails(self, role, *args, via_fd=False):
        """A harness run that must fail; returns its one line of error."""
        proc = self.harness(role, *args, via_fd=via_fd, check=False)
        assert proc.returncode == 1, f"{args}: exit {proc.returncode}\n{proc.stdout}{proc.stderr}"
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1, proc.stderr
        return lines[0]

    def ip(self, role, *args):
        return _ip("-n", self.names[role], *args)

    def ipj(self, role, *args):
        return json.loads(self.ip(role, "-j", *args).stdout or "[]")

    def link(self, role, name):
        """`ip -d link show NAME` as a dict, or None when there is no such link."""
        proc = _ip("-n", self.names[role], "-j", "-d", "link", "show", "dev", name, check=False)
        return json.loads(proc.stdout)[0] if proc.returncode == 0 else None

    def links(self, role):
        return [l["ifname"] for l in self.ipj(role, "link", "show")]


@pytest.fixture(autouse=True)
def root_namespace_untouched():
    before = _root_link_names()
    yield
    added = {n for n in _root_link_names() - before if n.startswith(("jt", "vnet"))}
    assert not added, f"links of the test appeared in the root namespace: {added}"


@pytest.fixture
def ns():
    if not HARNESS.is_file():
        pytest.fail(f"{HARNESS} is missing: build the tree first (make)")
    if os.geteuid() != 0:
        skip_or_fail("the netlink tests need root")
    spaces = Namespaces(secrets.token_hex(3))
    try:
        spaces.add("a")
        spaces.add("b")
        yield spaces
    finally:
        problems = []
        for name in spaces.names.values():
            r = _ip("netns", "delete", name, check=False)
            if r.returncode != 0:
                problems.append(f"{name}: {r.stderr.strip()}")
        assert not problems, problems


def test_veth_pair_across_namespaces(ns):
    # made from the root namespace: the socket is opened in a (rtnl_open_in),
    # the peer lands in b directly
    ns.harness("a", "veth", "jt0", "jt1", ns.path("b"), via_fd=True)
    a, b = ns.link("a", "jt0"), ns.link("b", "jt1")
    assert a["linkinfo"]["info_kind"] == "veth"
    assert b["linkinfo"]["info_kind"] == "veth"
    assert ns.link("a", "jt1") is None and ns.link("b", "jt0") is None
    shown = json.loads(ns.harness("a", "show", "jt0").stdout)
    assert shown["name"] == "jt0" and shown["kind"] == "veth"
    assert shown["ifindex"] == a["ifindex"] and shown["mac"] == a["address"]
    assert shown["mtu"] == a["mtu"] and shown["up"] is False and shown["master"] is None
    listed = json.loads(ns.harness("b", "list").stdout)
    assert [(l["name"], l["kind"]) for l in listed] == [("lo", ""), ("jt1", "veth")]
    # a pair within one namespace
    ns.harness("a", "veth", "jt2", "jt3")
    assert {"jt2", "jt3"} <= set(ns.links("a"))


def test_bridge_stp_off_with_enslaved_veth(ns):
    assert ns.harness("a", "ensure-bridge", "jtbr0").stdout.strip() == "created"
    assert ns.harness("a", "ensure-bridge", "jtbr0").stdout.strip() == "exists"
    br = ns.link("a", "jtbr0")
    assert br["linkinfo"]["info_kind"] == "bridge"
    assert br["linkinfo"]["info_data"]["stp_state"] == 0
    ns.harness("a", "veth", "jt0", "jt1", ns.path("b"))
    ns.harness("a", "master", "jt0", "jtbr0")
    assert ns.link("a", "jt0")["master"] == "jtbr0"
    assert json.loads(ns.harness("a", "show", "jt0").stdout)["master"] == "jtbr0"
    ns.harness("a", "master", "jt0", "none")
    assert "master" not in ns.link("a", "jt0")
    # a bridge made outright: STP off too
    ns.harness("b", "bridge", "jtbr1")
    assert ns.link("b", "jtbr1")["linkinfo"]["info_data"]["stp_state"] == 0
    # a name taken by something that is not a bridge
    msg = ns.fails("a", "ensure-bridge", "jt0")
    assert msg == "EEXIST: Network interface 'jt0' exists and is not a bridge but veth"


def test_macvlan_on_a_parent(ns):
    # a veth stands in for the host's NIC (no dummy links on this kernel)
    ns.harness("a", "veth", "jtp0", "jtp1")
    ns.harness("a", "macvlan", "jtm0", "jtp0")
    m = ns.link("a", "jtm0")
    assert m["linkinfo"]["info_kind"] == "macvlan"
    assert m["linkinfo"]["info_data"]["mode"] == "bridge"
    assert m["link"] == "jtp0"
    # straight into another namespace (a jail's), named there
    ns.harness("a", "macvlan", "eth0", "jtp0", ns.path("b"), via_fd=True)
    assert ns.link("a", "eth0") is None
    m = ns.link("b", "eth0")
    assert m["linkinfo"]["info_kind"] == "macvlan" and m["linkinfo"]["info_data"]["mode"] == "bridge"
    assert ns.fails("a", "macvlan", "jtm1", "jtnope") == "ENODEV: No network interface 'jtnope'"


def test_mtu_mac_up_down_rename(ns):
    ns.harness("a", "veth", "jt0", "jt1")
    ns.harness("a", "mtu", "jt0", "1400")
    ns.harness("a", "mac", "jt0", "02:00:00:00:00:01")
    ns.harness("a", "up", "jt0")
    l = ns.link("a", "jt0")
    assert l["mtu"] == 1400 and l["address"] == "02:00:00:00:00:01" and "UP" in l["flags"]
    shown = json.loads(ns.harness("a", "show", "jt0").stdout)
    assert shown["mtu"] == 1400 and shown["mac"] == "02:00:00:00:00:01" and shown["up"] is True
    # the kernel's own reason (extended ack) is in the message
    msg = ns.fails("a", "mtu", "jt0", "100000")
    assert msg == "EINVAL: Cannot set the MTU of 'jt0' to 100000: mtu greater than device maximum"
    assert ns.link("a", "jt0")["mtu"] == 1400
    ns.harness("a", "down", "jt0")
    assert "UP" not in ns.link("a", "jt0")["flags"]
    ns.harness("a", "rename", "jt0", "vnet0")
    assert ns.link("a", "jt0") is None and ns.link("a", "vnet0")["mtu"] == 1400
    assert ns.fails("a", "rename", "vnet0", "jt1") == (
        "EEXIST: Cannot rename network interface 'vnet0' to 'jt1': a network interface named "
        "'jt1' already exists")


def _addrs(ns, role, dev):
    return {(a["local"], a["prefixlen"]): a
            for i in ns.ipj(role, "addr", "show", "dev", dev) for a in i["addr_info"]}


def test_addresses_v4_v6(ns):
    ns.harness("a", "veth", "jt0", "jt1")
    ns.harness("a", "addr-add", "ip4_addr", "jt0|10.66.0.5/24")
    ns.harness("a", "addr-add", "ip4_addr", "jt0|10.67.0.5/255.255.0.0")
    ns.harness("a", "addr-add", "ip6_addr", "jt0|fd66::5/64", "nodad")
    ns.harness("a", "addr-add", "ip6_addr", "jt0|fd67::5/64")
    seen = _addrs(ns, "a", "jt0")
    assert seen[("10.66.0.5", 24)]["broadcast"] == "10.66.0.255"
    assert ("10.67.0.5", 16) in seen
    assert seen[("fd66::5", 64)].get("nodad") is True
    assert not seen[("fd67::5", 64)].get("nodad")
    listed = json.loads(ns.harness("a", "addrs", "jt0").stdout)
    assert {(a["local"], a["prefixlen"], a["nodad"]) for a in listed} >= {
        ("10.66.0.5", 24, False), ("10.67.0.5", 16, False), ("fd66::5", 64, True),
        ("fd67::5", 64, False)}
    assert all(a["ifindex"] == ns.link("a", "jt0")["ifindex"] for a in listed)
    all_addrs = json.loads(ns.harness("a", "addrs", "all").stdout)
    assert ("127.0.0.1", 8) in {(a["local"], a["prefixlen"]) for a in all_addrs}
    assert ns.fails("a", "addr-add", "ip4_addr", "jt0|10.66.0.5/24") == (
        "EEXIST: Cannot add address 10.66.0.5/24 to 'jt0': it has it already")
    ns.harness("a", "addr-del", "ip4_addr", "jt0|10.66.0.5/24")
    ns.harness("a", "addr-del", "ip6_addr", "jt0|fd66::5/64")
    seen = _addrs(ns, "a", "jt0")
    assert ("10.66.0.5", 24) not in seen and ("fd66::5", 64) not in seen
    assert ("10.67.0.5", 16) in seen and ("fd67::5", 64) in seen
    assert ns.fails("a", "addr-del", "ip4_addr", "jt0|10.66.0.5/24") == (
        "EADDRNOTAVAIL: Cannot remove address 10.66.0.5/24 from 'jt0': it does not have it")
    # parsing is the property parser's: its message, quoting the input
    assert ns.fails("a", "addr-add", "ip4_addr", "jt0|10.66.0.0/24") == (
        "EINVAL: Invalid entry 'jt0|10.66.0.0/24' in 'ip4_addr': this is the network address "
        "of its subnet, not a host address")


def _routes(ns, role, family):
    return ns.ipj(role, f"-{family}", "route", "show")


def test_routes_v4_v6(ns):
    # both ends up in one namespace: the link has carrier, the gateways are on it
    ns.harness("a", "veth", "jt0", "jt1")
    ns.harness("a", "addr-add", "ip4_addr", "jt0|10.66.0.2/24")
    ns.harness("a", "addr-add", "ip6_addr", "jt0|fd66::2/64", "nodad")
    ns.harness("a", "up", "jt0")
    ns.harness("a", "up", "jt1")
    assert ns.fails("a", "gateway", "4") == "ENOENT: No IPv4 default route"
    ns.harness("a", "route-add", "4", "default", "10.66.0.1", "-")
    ns.harness("a", "route-add", "6", "default", "fd66::1", "jt0")
    ns.harness("a", "route-add", "4", "10.70.0.0/16", "10.66.0.1", "-")
    ns.harness("a", "route-add", "4", "10.71.0.0/24", "-", "jt1")
    ns.harness("a", "route-add", "6", "fd70::/48", "fd66::1", "jt0")
    v4 = {r["dst"]: r for r in _routes(ns, "a", 4)}
    assert v4["default"]["gateway"] == "10.66.0.1" and v4["default"]["dev"] == "jt0"
    assert v4["10.70.0.0/16"]["gateway"] == "10.66.0.1"
    assert v4["10.71.0.0/24"]["dev"] == "jt1" and v4["10.71.0.0/24"]["scope"] == "link"
    v6 = {r["dst"]: r for r in _routes(ns, "a", 6)}
    assert v6["default"]["gateway"] == "fd66::1" and v6["default"]["dev"] == "jt0"
    assert v6["fd70::/48"]["gateway"] == "fd66::1"
    assert ns.harness("a", "gateway", "4").stdout.split() == ["10.66.0.1", "jt0"]
    assert ns.harness("a", "gateway", "6", via_fd=True).stdout.split() == ["fd66::1", "jt0"]
    assert ns.fails("a", "route-add", "4", "default", "10.66.0.1", "-") == (
        "EEXIST: Cannot add route default via 10.66.0.1: it exists already")
    # the kernel's reason for an unreachable gateway
    msg = ns.fails("a", "route-add", "4", "10.72.0.0/16", "10.99.0.1", "-")
    assert msg.startswith("ENETUNREACH: Cannot add route 10.72.0.0/16 via 10.99.0.1: "), msg
    ns.harness("a", "route-del", "4", "default", "-", "-")
    ns.harness("a", "route-del", "6", "default", "fd66::1", "-")
    ns.harness("a", "route-del", "4", "10.71.0.0/24", "-", "jt1")
    assert "default" not in {r["dst"] for r in _routes(ns, "a", 4)}
    assert "default" not in {r["dst"] for r in _routes(ns, "a", 6)}
    assert "10.71.0.0/24" not in {r["dst"] for r in _routes(ns, "a", 4)}
    assert "10.70.0.0/16" in {r["dst"] for r in _routes(ns, "a", 4)}
    assert ns.fails("a", "gateway", "6") == "ENOENT: No IPv6 default route"
    assert ns.fails("a", "route-del", "4", "default", "-", "-") == (
        "ESRCH: Cannot delete route default: there is no such route")
    assert ns.fails("a", "route-add", "4", "10.73.0.0/16", "-", "jtnope") == (
        "ENODEV: Cannot add route 10.73.0.0/16 dev jtnope: No network interface 'jtnope'")


def test_default_route_interface(ns, tmp_path):
    # the topology's host: IPv4 and IPv6 default routes through eth0
    with netns.topology(tmp_path, dhcp=False, http=False) as topo:
        out = topo.run("host", HARNESS, "default-iface").stdout.strip()
        assert out == "eth0"
        assert topo.run("host", HARNESS, "gateway", "4").stdout.split() == [netns.LAN_ROUTER,
                                                                             "eth0"]
        assert topo.run("host", HARNESS, "gateway", "6").stdout.split() == [netns.LAN6_ROUTER,
                                                                             "eth0"]
    # IPv6 only: its interface
    ns.harness("a", "veth", "jt0", "jt1")
    ns.harness("a", "addr-add", "ip6_addr", "jt1|fd66::2/64", "nodad")
    ns.harness("a", "up", "jt0")
    ns.harness("a", "up", "jt1")
    ns.harness("a", "route-add", "6", "default", "fd66::1", "jt1")
    assert ns.harness("a", "default-iface").stdout.strip() == "jt1"
    # IPv4 wins over IPv6
    ns.harness("a", "addr-add", "ip4_addr", "jt0|10.66.0.2/24")
    ns.harness("a", "route-add", "4", "default", "10.66.0.1", "-")
    assert ns.harness("a", "default-iface", via_fd=True).stdout.strip() == "jt0"
    # none
    assert ns.fails("b", "default-iface") == (
        "ENOENT: No default route, IPv4 or IPv6, to find the interface by")


def test_move_link_between_namespaces(ns):
    ns.harness("a", "veth", "jt0", "jt1")
    ns.harness("a", "mtu", "jt1", "1450")
    ns.harness("a", "netns", "jt1", ns.path("b"))
    assert ns.link("a", "jt1") is None
    moved = ns.link("b", "jt1")
    assert moved["linkinfo"]["info_kind"] == "veth" and moved["mtu"] == 1450
    # a name taken in the target namespace
    ns.harness("b", "veth", "jt0", "jt9")
    assert ns.fails("a", "netns", "jt0", ns.path("b"), via_fd=True) == (
        "EEXIST: Cannot move network interface 'jt0' to another namespace: a network interface "
        "named 'jt0' already exists there")
    assert ns.link("a", "jt0") is not None


def test_delete(ns):
    ns.harness("a", "veth", "jt0", "jt1", ns.path("b"))
    ns.harness("a", "ensure-bridge", "jtbr0")
    ns.harness("a", "delete", "jt0")
    # deleting one end of a veth pair deletes its peer, in its own namespace too
    assert ns.link("a", "jt0") is None and ns.link("b", "jt1") is None
    ns.harness("a", "delete", "jtbr0", via_fd=True)
    assert ns.links("a") == ["lo"]
    assert ns.fails("a", "delete", "jt0") == "ENODEV: No network interface 'jt0'"


def test_errors_name_the_interface(ns):
    ns.harness("a", "veth", "jt0", "jt1", ns.path("b"))
    ns.harness("a", "bridge", "jtbr0")
    for args in (["up", "jtx"], ["down", "jtx"], ["mtu", "jtx", "1400"],
                 ["mac", "jtx", "02:00:00:00:00:01"], ["master", "jtx", "jtbr0"],
                 ["master", "jt0", "jtx"], ["rename", "jtx", "jty"], ["show", "jtx"],
                 ["netns", "jtx", ns.path("b")], ["addrs", "jtx"],
                 ["addr-add", "ip4_addr", "jtx|10.0.0.5/24"]):
        assert ns.fails("a", *args) == "ENODEV: No network interface 'jtx'", args
    # creating a name that exists: EEXIST naming it, wherever it is
    assert ns.fails("a", "veth", "jt0", "jt5") == (
        "EEXIST: Cannot create veth pair 'jt0'/'jt5': a network interface named 'jt0' already "
        "exists")
    assert ns.fails("a", "veth", "jt6", "jt1", ns.path("b")) == (
        "EEXIST: Cannot create veth pair 'jt6'/'jt1': a network interface named 'jt1' already "
        "exists in the peer's namespace")
    assert ns.fails("a", "bridge", "jt0") == (
        "EEXIST: Cannot create bridge 'jt0': a network interface named 'jt0' already exists")
    assert ns.fails("a", "macvlan", "jtbr0", "jt0") == (
        "EEXIST: Cannot create macvlan 'jtbr0' on 'jt0': a network interface named 'jtbr0' "
        "already exists")
    assert ns.links("a") == ["lo", "jt0", "jtbr0"]
    # names the kernel would refuse are refused with the rule
    assert ns.fails("a", "bridge", "jt-name-far-too-long") == (
        "EINVAL: Invalid value 'jt-name-far-too-long' for 'interface name': an interface name "
        "is 1 to 15 characters without '/', ':', '%' or spaces")
    # a namespace fd that is not a network namespace
    proc = subprocess.run([str(HARNESS), "-n", "/proc/self/ns/uts", "list"], capture_output=True,
                          text=True)
    assert proc.returncode == 1
    assert proc.stderr.startswith("EINVAL: Cannot enter the network namespace of fd "), proc.stderr


def test_sysctl_in_namespace(ns):
    root_forward = Path("/proc/sys/net/ipv4/ip_forward").read_text()
    out = ns.harness("a", "sysctl", "net.ipv4.ip_forward", "1").stdout.strip()
    assert out == "1"
    cat = subprocess.run(["ip", "netns", "exec", ns.names["a"], "cat",
                          "/proc/sys/net/ipv4/ip_forward"], capture_output=True, text=True)
    assert cat.stdout.strip() == "1"
    # only the namespace changed
    assert Path("/proc/sys/net/ipv4/ip_forward").read_text() == root_forward
    ns.harness("a", "veth", "vnet0", "jt1")
    assert ns.harness("a", "sysctl", "net.ipv6.conf.vnet0.accept_ra", "2").stdout.strip() == "2"
    # an interface name with a dot: the '/' spelling, as sysctl(8)
    ns.harness("a", "veth", "jt0.5", "jt2")
    assert ns.harness("a", "sysctl", "net/ipv6/conf/jt0.5/accept_ra", "0").stdout.strip() == "0"
    cat = subprocess.run(["ip", "netns", "exec", ns.names["a"], "cat",
                          "/proc/sys/net/ipv6/conf/jt0.5/accept_ra"], capture_output=True,
                         text=True)
    assert cat.stdout.strip() == "0"
    assert ns.fails("a", "sysctl", "kernel.hostname", "x") == (
        "EINVAL: Invalid sysctl 'kernel.hostname': jailor sets only network sysctls, net.*")
    assert ns.fails("a", "sysctl", "net/ipv4/../../kernel/hostname", "x") == (
        "EINVAL: Invalid sysctl 'net/ipv4/../../kernel/hostname': empty, '.' or '..' component")
    assert ns.fails("a", "sysctl", "net.ipv6.conf.jtnope.accept_ra", "2") == (
        "ENOENT: No sysctl 'net.ipv6.conf.jtnope.accept_ra' in this namespace")


def test_lists_read_dumps_of_many_parts(ns):
    # 300 links and 600 addresses: the dumps come in several parts
    lines = []
    for i in range(150):
        lines.append(f"link add jt{i}a type veth peer name jt{i}b")
        lines.append(f"addr add 10.80.{i}.1/24 dev jt{i}a")
        lines.append(f"addr add fd80:{i:x}::1/64 dev jt{i}a nodad")
    subprocess.run(["ip", "-n", ns.names["a"], "-batch", "-"], input="\n".join(lines) + "\n",
                   text=True, check=True)
    listed = json.loads(ns.harness("a", "list").stdout)
    assert [l["name"] for l in listed] == ns.links("a")
    assert len(listed) == 301
    addrs = json.loads(ns.harness("a", "addrs", "all", via_fd=True).stdout)
    assert len({a["local"] for a in addrs} & {f"10.80.{i}.1" for i in range(150)}) == 150
    assert len(json.loads(ns.harness("a", "addrs", "jt149a").stdout)) == 2
