"""Jail networking at start and stop (SPEC §7): no network, shared IP, VNET
on a bridge with static addresses, and the checks at create, set and start.

Every jail runs inside the test topology (netns.py): jailor itself runs in
the "host" namespace, never in the machine's real one."""
import contextlib
import json
import os
import signal
import time

import pytest

import netns
import rootfs
from conftest import with_dir_pool


@pytest.fixture(scope="session")
def net_tar(tmp_path_factory):
    """busybox with the network applets, no /sbin/init: the built-in init runs it."""
    tree = rootfs.make_busybox_root(tmp_path_factory.mktemp("busybox-net") / "root",
                                    applets=rootfs.NET_APPLETS)
    os.unlink(tree / "sbin" / "init")
    return rootfs.tar_root(tree, tmp_path_factory.mktemp("tar") / "busybox-net.tar.gz", "gz")


@pytest.fixture
def netj(jailor, tmp_path, net_tar):
    return with_dir_pool(jailor, tmp_path, net_tar)


@contextlib.contextmanager
def running(topo, j, *names):
    """Starts the jails in the host namespace; stops them whatever happens."""
    started = []
    try:
        for name in names:
            topo.jailor(j, "start", name)
            started.append(name)
        yield
    finally:
        for name in reversed(started):
            topo.jailor(j, "stop", name, check=False)
            state = j.run_dir / name / "state.json"
            if state.exists():
                with contextlib.suppress(ProcessLookupError, ValueError, KeyError):
                    os.kill(json.loads(state.read_text())["supervisor"], signal.SIGKILL)


def in_jail(topo, j, name, *cmd, check=True):
    return topo.jailor(j, "exec", name, *cmd, check=check)


def links(topo, role="host"):
    return {l["ifname"]: l for l in json.loads(topo.run(role, "ip", "-j", "-d", "link").stdout)}


def addrs(topo, ifname, role="host"):
    out = json.loads(topo.run(role, "ip", "-j", "addr", "show", "dev", ifname).stdout)
    return {f"{a['local']}/{a['prefixlen']}" for a in out[0]["addr_info"] if a["scope"] == "global"}


def routes(topo, role="host", family="-4"):
    return json.loads(topo.run(role, "ip", "-j", family, "route").stdout)


def create(j, name, *props):
    j.run("create", "-r", "bb", "-n", name, "allow_raw_sockets=1", *props)


def test_a_jail_with_nothing_set_has_only_loopback(netj, tmp_path):
    j = netj
    create(j, "alone")
    with netns.topology(tmp_path, dhcp=False, http=False) as topo, running(topo, j, "alone"):
        out = in_jail(topo, j, "alone", "ip", "-o", "link").stdout
        assert [l.split(":")[1].strip() for l in out.splitlines()] == ["lo"]
        r = in_jail(topo, j, "alone", "ping", "-c", "1", "-W", "1", netns.HOST_ADDR, check=False)
        assert r.returncode != 0 and "unreachable" in (r.stdout + r.stderr).lower()
        assert in_jail(topo, j, "alone", "ping", "-c", "1", "127.0.0.1").returncode == 0


def test_two_vnet_jails_on_a_bridge_reach_each_other_the_host_and_the_lan(netj, tmp_path):
    j = netj
    create(j, "a", "vnet=on", "ip4_addr=vnet0|10.77.0.50/24", "ip6_addr=vnet0|fd77::50/64")
    create(j, "b", "vnet=on", "ip4_addr=10.77.0.51/24")
    with netns.topology(tmp_path, dhcp=False, http=False) as topo:
        before_routes = routes(topo)
        with running(topo, j, "a", "b"):
            host = links(topo)
            # the bridge was made with STP off, the uplink in it with the host's addresses moved
            assert host["bridge0"]["linkinfo"]["info_kind"] == "bridge"
            assert host["eth0"].get("master") == "bridge0"
            assert addrs(topo, "bridge0") >= {f"{netns.HOST_ADDR}/24", f"{netns.HOST_ADDR6}/64"}
            assert addrs(topo, "eth0") == set()
            assert topo.run("host", "cat", "/sys/class/net/bridge0/bridge/stp_state").stdout.strip() == "0"
            assert any(r["dst"] == "default" and r["dev"] == "bridge0" for r in routes(topo))
            # each jail: vnetN.JID on the host, in the bridge
            for name in ("a", "b"):
                jid = json.loads((j.run_dir / name / "state.json").read_text())["init"]
                end = host[f"vnet0.{jid}"]
                assert end["master"] == "bridge0"
                # the MACs are stored at first start, the jail side one more than the host side
                mac_host, mac_jail = j.run("get", "vnet0_mac", name).stdout.split()
                assert end["address"] == mac_host
                jail_link = in_jail(topo, j, name, "cat", "/sys/class/net/vnet0/address").stdout
                assert jail_link.strip() == mac_jail
            # reachability
            in_jail(topo, j, "a", "ping", "-c", "1", "-W", "2", "10.77.0.51")
            in_jail(topo, j, "b", "ping", "-c", "1", "-W", "2", netns.HOST_ADDR)
            in_jail(topo, j, "a", "ping", "-c", "1", "-W", "2", netns.LAN_ROUTER)
            in_jail(topo, j, "a", "ping", "-c", "1", "-W", "2", netns.LAN6_ROUTER)
            topo.run("lan", "busybox", "ping", "-c", "1", "-W", "2", "10.77.0.50")
            # defaultrouter=auto: the host's gateway, which the jail's subnet reaches
            out = in_jail(topo, j, "a", "ip", "route").stdout
            assert f"default via {netns.LAN_ROUTER} dev vnet0" in out
        # teardown: no jail link, the bridge gone, the uplink's addresses and routes back
        host = links(topo)
        assert not [n for n in host if n.startswith("vnet") or n == "bridge0"], host.keys()
        assert "master" not in host["eth0"]
        assert addrs(topo, "eth0") == {f"{netns.HOST_ADDR}/24", f"{netns.HOST_ADDR6}/64"}
        assert routes(topo) == before_routes


def test_macs_are_stable_across_restarts(netj, tmp_path):
    j = netj
    create(j, "m", "vnet=on", "ip4_addr=10.77.0.52/24")
    assert "has no value" in j.fails("get", "vnet0_mac", "m")  # generated at the first start
    with netns.topology(tmp_path, dhcp=False, http=False) as topo:
        with running(topo, j, "m"):
            first = j.run("get", "vnet0_mac", "m").stdout.strip()
        with running(topo, j, "m"):
            jail_mac = in_jail(topo, j, "m", "cat", "/sys/class/net/vnet0/address").stdout.strip()
    host_mac, jail_side = first.split()
    assert jail_side == jail_mac and host_mac != jail_side
    assert j.run("get", "vnet0_mac", "m").stdout.strip() == first
    assert int(host_mac.split(":")[0], 16) & 0x03 == 0x02  # locally administered, unicast


def test_shared_ip_jail_is_reachable_from_the_lan(netj, tmp_path):
    j = netj
    create(j, "shared", "ip4_addr=eth0|10.77.0.60/24")
    with netns.topology(tmp_path, dhcp=False, http=False) as topo:
        with running(topo, j, "shared"):
            out = in_jail(topo, j, "shared", "ip", "-o", "addr", "show", "dev", "eth0").stdout
            assert "10.77.0.60/24" in out
            topo.run("lan", "busybox", "ping", "-c", "1", "-W", "2", "10.77.0.60")
            in_jail(topo, j, "shared", "ping", "-c", "1", "-W", "2", netns.LAN_ROUTER)
            # the host itself has no macvlan: the jail's device lives in the jail alone
            assert not [n for n in links(topo) if n not in ("lo", "eth0")]
        assert set(links(topo)) == {"lo", "eth0"}


@pytest.mark.parametrize("props, message", [
    (["dhcp=on"], "dhcp=on needs vnet=on"),
    (["nat=on"], "nat=on needs vnet=on"),
    (["vnet=on", "nat=on", "dhcp=on"], "cannot be combined"),
    (["ip6_addr=vnet0|accept_rtadv"], "needs vnet=on"),
    (["ip4_addr=nosuch0|10.0.0.5/24"], "'nosuch0': no such network interface"),
    (["vnet=on", "ip4_addr=vnet1|10.0.0.5/24"], "'interfaces' does not list"),
    (["vnet=on", "ip4_addr=10.0.0.5/24", "defaultrouter=10.1.0.1"], "outside every subnet"),
    (["vnet=on", "ip4_addr=10.0.0.5/33"], "ip4_addr"),
])
def test_create_refuses_a_network_that_cannot_work(netj, props, message):
    j = netj
    err = j.fails("create", "-r", "bb", "-n", "bad", *props)
    assert message in err and len(err.strip().splitlines()) == 1, err
    assert "bad" not in j.run("list", "-h").stdout


def test_an_address_of_another_jail_is_refused_at_create_and_set(netj):
    j = netj
    create(j, "first", "vnet=on", "ip4_addr=10.77.0.70/24")
    err = j.fails("create", "-r", "bb", "-n", "second", "vnet=on", "ip4_addr=vnet0|10.77.0.70/16")
    assert "10.77.0.70" in err and "'first'" in err
    create(j, "third", "vnet=on", "ip4_addr=10.77.0.71/24")
    before = j.run("get", "all", "third").stdout
    err = j.fails("set", "ip4_addr=10.77.0.70/24", "third")
    assert "'first'" in err
    assert j.run("get", "all", "third").stdout == before


def test_set_refuses_dhcp_with_nat_and_changes_nothing(netj):
    j = netj
    create(j, "n", "vnet=on", "nat=on")
    err = j.fails("set", "dhcp=on", "n")
    assert "cannot be combined" in err
    assert j.run("get", "dhcp", "n").stdout.strip() == "0"


def test_start_refuses_an_interface_that_went_away(netj, tmp_path):
    j = netj
    with netns.topology(tmp_path, dhcp=False, http=False) as topo:
        topo.run("host", "ip", "link", "add", "gone0", "type", "veth", "peer", "name", "gone1")
        topo.jailor(j, "create", "-r", "bb", "-n", "later", "ip4_addr=gone0|10.77.0.80/24")
        topo.run("host", "ip", "link", "del", "gone0")
        r = topo.jailor(j, "start", "later", check=False)
        assert r.returncode != 0 and "'gone0'" in r.stderr, r.stderr
        assert not (j.run_dir / "later" / "state.json").exists()


def test_several_interfaces_addresses_routers_and_mtus(netj, tmp_path):
    j = netj
    create(j, "multi", "vnet=on", "interfaces=vnet0:bridge0,vnet1:lab0",
           "ip4_addr=vnet0|10.77.0.91/24,vnet0|10.77.0.92/24,vnet1|192.168.50.1/24",
           "ip6_addr=vnet0|fd77::91/64", "defaultrouter=10.77.0.2", "defaultrouter6=none",
           "vnet1_mtu=1400")
    create(j, "peer", "vnet=on", "interfaces=vnet0:lab0", "ip4_addr=192.168.50.2/24",
           "vnet_default_interface=none", "defaultrouter=none")
    with netns.topology(tmp_path, dhcp=False, http=False) as topo, running(topo, j, "multi", "peer"):
        out = in_jail(topo, j, "multi", "ip", "-o", "addr").stdout
        for a in ("10.77.0.91/24", "10.77.0.92/24", "192.168.50.1/24", "fd77::91/64"):
            assert a in out, out
        route4 = in_jail(topo, j, "multi", "ip", "route").stdout
        assert "default via 10.77.0.2 dev vnet0" in route4
        assert "default" not in in_jail(topo, j, "multi", "ip", "-6", "route").stdout
        assert "default" not in in_jail(topo, j, "peer", "ip", "route").stdout
        # vnet0 follows its bridge (the uplink's 1500); vnet1 is set; lab0 has no uplink
        mtu = lambda name, nic: in_jail(topo, j, name, "cat", f"/sys/class/net/{nic}/mtu").stdout.strip()
        assert (mtu("multi", "vnet0"), mtu("multi", "vnet1")) == ("1500", "1400")
        host = links(topo)
        assert "master" not in host["lab0"] or host["lab0"]["master"] is None
        assert {n for n, l in host.items() if l.get("master") == "lab0"} == {
            f"vnet1.{json.loads((j.run_dir / 'multi' / 'state.json').read_text())['init']}",
            f"vnet0.{json.loads((j.run_dir / 'peer' / 'state.json').read_text())['init']}"}
        in_jail(topo, j, "peer", "ping", "-c", "1", "-W", "2", "192.168.50.1")
        in_jail(topo, j, "multi", "ping", "-c", "1", "-W", "2", netns.HOST_ADDR)
