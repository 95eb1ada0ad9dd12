"""VNET jails whose addresses come from elsewhere (SPEC §7): DHCP from the
LAN's dnsmasq, SLAAC from its router advertisements, NAT on jailor's bridge
with port forwards; and what a SIGKILLed supervisor leaves for the next
command to clean.  Everything runs inside the test topology (netns.py)."""
import json
import os
import re
import signal
import subprocess
import time

import netns
from test_vnet import addrs, create, in_jail, links, net_tar, netj, running  # noqa: F401

LEASE_RE = re.compile(r"10\.77\.0\.1\d\d")


def wait_for(pred, what, timeout=15):
    deadline = time.monotonic() + timeout
    while True:
        got = pred()
        if got:
            return got
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def nat_table(topo):
    r = topo.run("host", "nft", "-j", "list", "table", "ip", "jailor", check=False)
    return json.loads(r.stdout) if r.returncode == 0 else None


def jail_links(topo):
    return [n for n in links(topo) if n.startswith("vnet") or n in ("bridge0", "jailor-nat")]


def test_dhcp_jail_gets_renews_and_releases_its_lease(netj, tmp_path):
    j = netj
    create(j, "d", "vnet=on", "dhcp=on")
    with netns.topology(tmp_path) as topo:
        with running(topo, j, "d"):
            row = [r for r in json.loads(topo.jailor(j, "--json", "list").stdout)
                   if r["name"] == "d"][0]
            lease = row["ip4"]
            assert LEASE_RE.fullmatch(lease), row
            assert f"vnet0|{lease}/24" in topo.jailor(j, "list", "-l").stdout
            assert f"inet {lease}/24" in in_jail(topo, j, "d", "ip", "addr", "show", "vnet0").stdout
            assert f"default via {netns.LAN_ROUTER}" in in_jail(topo, j, "d", "ip", "route").stdout
            in_jail(topo, j, "d", "ping", "-c", "1", "-W", "2", netns.LAN_ROUTER)
            resolv = in_jail(topo, j, "d", "cat", "/etc/resolv.conf").stdout
            assert f"nameserver {netns.LAN_ROUTER}" in resolv
            mac = j.run("get", "vnet0_mac", "d").stdout.split()[1]
            assert any(mac in l and lease in l for l in topo.dnsmasq_leases())
            # dnsmasq's 2 minute lease: the jail renews at T1, a minute in
            log = tmp_path / "dnsmasq.log"
            acks = lambda: len(re.findall(rf"DHCPACK\(lan0\) {lease} {mac}", log.read_text()))
            assert acks() == 1
            wait_for(lambda: acks() >= 2, "the renewal at T1", timeout=90)
            assert f"inet {lease}/24" in in_jail(topo, j, "d", "ip", "addr", "show", "vnet0").stdout
        # released on stop: the server forgets it at once
        assert re.search(rf"DHCPRELEASE\(lan0\) {lease} {mac}", (tmp_path / "dnsmasq.log").read_text())
        assert not any(lease in l for l in topo.dnsmasq_leases())
        assert jail_links(topo) == []
        assert "DHCP (not running)" in topo.jailor(j, "list", "-l").stdout


def test_dhcp_jail_without_a_server_fails_to_start_and_leaves_nothing(netj, tmp_path):
    j = netj
    create(j, "nolease", "vnet=on", "dhcp=on", "exec_timeout=3")
    with netns.topology(tmp_path, dhcp=False, http=False) as topo:
        start = time.monotonic()
        r = topo.jailor(j, "start", "nolease", check=False)
        assert r.returncode != 0 and "No DHCP lease on vnet0 within 3 s" in r.stderr, r.stderr
        assert time.monotonic() - start < 10
        assert jail_links(topo) == []
        assert addrs(topo, "eth0") == {f"{netns.HOST_ADDR}/24", f"{netns.HOST_ADDR6}/64"}
        assert not (j.run_dir / "nolease" / "state.json").exists()
        assert "down" in topo.jailor(j, "list").stdout


def test_slaac_address_appears(netj, tmp_path):
    j = netj
    create(j, "s", "vnet=on", "ip6_addr=vnet0|accept_rtadv")
    with netns.topology(tmp_path) as topo, running(topo, j, "s"):
        # usable once duplicate address detection is over (no longer "tentative")
        out = wait_for(lambda: re.search(r"inet6 (fd77:[0-9a-f:]+)/64 scope global dynamic",
                                         in_jail(topo, j, "s", "ip", "-6", "addr").stdout),
                       "a SLAAC address from the LAN's router advertisements")
        in_jail(topo, j, "s", "ping", "-6", "-c", "1", "-W", "2", netns.LAN6_ROUTER)
        topo.run("lan", "busybox", "ping", "-6", "-c", "1", "-W", "2", out.group(1))


def test_static_jail_ignores_router_advertisements(netj, tmp_path):
    j = netj
    create(j, "st", "vnet=on", "ip6_addr=vnet0|fd77::90/64")
    with netns.topology(tmp_path) as topo, running(topo, j, "st"):
        in_jail(topo, j, "st", "ping", "-6", "-c", "1", "-W", "2", netns.LAN6_ROUTER)
        time.sleep(1)
        out = in_jail(topo, j, "st", "ip", "-6", "addr").stdout
        assert re.findall(r"inet6 (fd77:\S+) scope global", out) == ["fd77::90/64"], out


def serve_page(topo, j, name, text, port=8000):
    in_jail(topo, j, name, "sh", "-c", f"mkdir -p /www && echo {text} > /www/index.html")
    in_jail(topo, j, name, "httpd", "-p", str(port), "-h", "/www")


def test_nat_jail_reaches_upstream_and_a_forward_reaches_it(netj, tmp_path):
    j = netj
    create(j, "web", "vnet=on", "nat=on", "nat_forwards=tcp(8000:8081)")
    create(j, "rival", "vnet=on", "nat=on", "nat_forwards=tcp(9000:8081)")
    with netns.topology(tmp_path, dhcp=False) as topo:
        other = topo.run("host", "nft", "add", "table", "ip", "other")
        with running(topo, j, "web"):
            out = in_jail(topo, j, "web", "wget", "-q", "-O", "-",
                          f"http://{netns.UPSTREAM_ADDR}:{netns.HTTP_PORT}/").stdout
            assert out == "upstream\n"
            # masqueraded: the upstream server saw the host's address
            assert f"{netns.HOST_ADDR} - -" in (tmp_path / "http.log").read_text()
            serve_page(topo, j, "web", "from-the-jail")
            page = topo.run("lan", "busybox", "wget", "-q", "-O", "-",
                            f"http://{netns.HOST_ADDR}:8081/").stdout
            assert page == "from-the-jail\n"
            addr = re.search(r"inet (172\.16\.\d+\.\d+)/16",
                             in_jail(topo, j, "web", "ip", "addr", "show", "vnet0").stdout).group(1)
            assert f"vnet0|{addr}/16" in topo.jailor(j, "list", "-l").stdout
            # a second jail claiming the host port: refused, naming both, nothing left of it
            before = nat_table(topo)
            r = topo.jailor(j, "start", "rival", check=False)
            assert r.returncode != 0 and "8081" in r.stderr and "'web'" in r.stderr \
                and "'rival'" in r.stderr, r.stderr
            assert nat_table(topo) == before
            assert len([n for n in links(topo) if n.startswith("vnet0.")]) == 1
        assert nat_table(topo) is None
        assert jail_links(topo) == []
        assert topo.run("host", "nft", "list", "table", "ip", "other").returncode == 0
        # the same address at the next start: it is derived from the name
        with running(topo, j, "web"):
            assert f"inet {addr}/16" in in_jail(topo, j, "web", "ip", "addr", "show", "vnet0").stdout


def test_a_killed_supervisor_leaves_nothing_after_the_next_command(netj, tmp_path):
    j = netj
    create(j, "k", "vnet=on", "nat=on", "nat_forwards=tcp(8000:8082)")
    create(j, "b", "vnet=on", "ip4_addr=10.77.0.95/24")
    with netns.topology(tmp_path, dhcp=False, http=False) as topo, running(topo, j, "k", "b"):
        assert nat_table(topo) is not None and "bridge0" in links(topo)
        for name in ("k", "b"):
            state = json.loads((j.run_dir / name / "state.json").read_text())
            os.kill(state["supervisor"], signal.SIGKILL)
            wait_for(lambda: not os.path.exists(f"/proc/{state['init']}"), "the jail's end")

        def clean():
            topo.jailor(j, "list")
            return nat_table(topo) is None and jail_links(topo) == []

        wait_for(clean, "the next command to clean up after the killed supervisors")
        # the uplink has the host's addresses back
        assert addrs(topo, "eth0") == {f"{netns.HOST_ADDR}/24", f"{netns.HOST_ADDR6}/64"}
        assert "default via" in topo.run("host", "ip", "route").stdout
