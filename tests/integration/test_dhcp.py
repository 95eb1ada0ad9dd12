# SPDX-License-Identifier: MIT
"""jailor's DHCP client (src/lib/net/dhcp_client.h) against dnsmasq.

The network is netns.py's topology plus a jail: the host namespace's eth0
joins a bridge br0, as vnet_default_interface would, and a veth pair joins
the bridge to a "jail" namespace where it is called vnet0.  dhcp-harness
(dhcp_harness.c) runs the client there and prints each lease event as a JSON
line; these tests read them.  Everything lives in namespaces the test makes
and deletes, whatever happens.  Needs root and dnsmasq.
"""

import contextlib
import ipaddress
import json
import os
import selectors
import signal
import subprocess
import time
from pathlib import Path

import pytest

import netns

REPO = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("JAILOR_BUILD_DIR", REPO / "build"))
HARNESS = BUILD / "tests" / "integration" / "dhcp-harness"

# dnsmasq's shortest lease is 2 minutes; T1 and T2 can be set shorter
SHORT_T1_T2 = ["dhcp-option=option:T1,6", "dhcp-option=option:T2,40"]

BLOCK_UNICAST_TO_SERVERS = """
table ip dhcp_test {
        chain out {
                type filter hook output priority 0;
                udp dport 67 drop
        }
}
"""


class Harness:
    """dhcp-harness on vnet0 in the jail namespace; its events as dicts."""

    def __init__(self, topo, *args):
        self.topo = topo
        self.proc = topo.popen("jail", HARNESS, "vnet0", *args, stdout=subprocess.PIPE,
                               stderr=open(topo.tmp / "harness.err", "ab"))
        self.events = []
        self.seen = 0
        self.buf = b""

    def _read(self, deadline):
        """Reads what the harness printed until deadline; False at EOF."""
        sel = selectors.DefaultSelector()
        sel.register(self.proc.stdout, selectors.EVENT_READ)
        left = deadline - time.monotonic()
        if left <= 0 or not sel.select(left):
            return True
        chunk = os.read(self.proc.stdout.fileno(), 65536)
        if not chunk:
            return False
        self.buf += chunk
        *lines, self.buf = self.buf.split(b"\n")
        self.events += [json.loads(line) for line in lines if line.strip()]
        return True

    def wait(self, event, timeout=30):
        """The next event named `event` (others on the way are passed over)."""
        deadline = time.monotonic() + timeout
        while True:
            for i in range(self.seen, len(self.events)):
                if self.events[i]["event"] == event:
                    self.seen = i + 1
                    return self.events[i]
            self.seen = len(self.events)
            if time.monotonic() > deadline:
                raise AssertionError(f"no '{event}' within {timeout} s; events: {self.events}\n"
                                     f"{self.log()}")
            if not self._read(deadline):
                raise AssertionError(f"harness ended (exit {self.proc.wait()}) without '{event}';"
                                     f" events: {self.events}\n{self.log()}")

    def stop(self):
        """SIGTERM: the harness stops the client (RELEASE unless --no-release) and exits."""
        self.proc.send_signal(signal.SIGTERM)
        stopped = self.wait("stopped", timeout=10)
        assert self.proc.wait(timeout=10) == 0
        return stopped

    def finish(self, timeout=30):
        """Waits for the harness to exit by itself; its exit status."""
        deadline = time.monotonic() + timeout
        while self._read(deadline):
            if time.monotonic() > deadline:
                raise AssertionError(f"harness still running; events: {self.events}")
        return self.proc.wait(timeout=5)

    def log(self):
        return "dnsmasq log tail:\n" + (self.topo.tmp / "dnsmasq.log").read_text()[-2000:]


def _jail_network(topo):
    """br0 in the host namespace holding eth0 (to the LAN) and vnet0's peer."""
    jail = topo.add_namespace("jail")
    for cmd in (["link", "add", "br0", "type", "bridge", "stp_state", "0"],
                ["addr", "flush", "dev", "eth0"],
                ["link", "set", "eth0", "master", "br0"],
                ["addr", "add", f"{netns.HOST_ADDR}/{netns.LAN_PREFIX}", "dev", "br0"],
                ["link", "set", "br0", "up"],
                ["link", "add", "vnet0h", "type", "veth", "peer", "name", "vnet0", "netns", jail],
                ["link", "set", "vnet0h", "master", "br0", "up"]):
        topo.run("host", "ip", *cmd)
    topo.run("jail", "ip", "link", "set", "vnet0", "up")


@pytest.fixture
def make_lan(tmp_path):
    """make_lan(dnsmasq_options=(), dhcp=True): the topology with a jail."""
    if not HARNESS.exists():
        pytest.fail(f"{HARNESS} is not built; run make first")
    before = netns.namespaces()
    with contextlib.ExitStack() as stack:
        def make(dnsmasq_options=(), dhcp=True):
            topo = stack.enter_context(netns.topology(tmp_path, dhcp=dhcp, http=False,
                                                      dnsmasq_options=dnsmasq_options))
            _jail_network(topo)
            return topo
        yield make
    assert netns.namespaces() == before


@pytest.fixture
def lan(make_lan):
    return make_lan()


def _in_range(address):
    low, high = (ipaddress.ip_address(a) for a in netns.DHCP_RANGE)
    return low <= ipaddress.ip_address(address) <= high


def _lease_lines(topo, address):
    return [line.split() for line in topo.dnsmasq_leases() if f" {address} " in line]


def _near(ms, seconds, slack=1500):
    """ms is `seconds` give or take slack ms."""
    return abs(ms - seconds * 1000) <= slack


def _wait_for(pred, what, timeout=10):
    deadline = time.monotonic() + timeout
    while not pred():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def test_discover_offer_request_ack(lan):
    h = Harness(lan, "--hostname", "web", "--no-release")
    mac = h.wait("started")["mac"]
    bound = h.wait("bound")
    assert _in_range(bound["address"]), bound
    assert bound["prefix"] == netns.LAN_PREFIX
    assert bound["router"] == netns.LAN_ROUTER
    assert bound["dns"] == [netns.LAN_ROUTER]
    assert bound["server_id"] == netns.LAN_ROUTER
    assert bound["lease_time"] == 120
    assert 0 < bound["t1"] < bound["t2"] < 120  # dnsmasq: about 50% and 87.5%, a little less
    # dnsmasq recorded the lease: expiry, MAC, address, the host name sent, client id 01:MAC
    _wait_for(lambda: _lease_lines(lan, bound["address"]), "the lease in dnsmasq's file")
    [[expiry, lease_mac, address, hostname, client_id]] = _lease_lines(lan, bound["address"])
    assert (lease_mac, address, hostname, client_id) == (mac, bound["address"], "web", f"01:{mac}")
    assert abs(int(expiry) - time.time() - 120) < 10
    # stopped without RELEASE: the server keeps the lease
    assert h.stop()["released"] is False
    assert _lease_lines(lan, bound["address"])


def test_renews_at_t1(make_lan):
    lan = make_lan(SHORT_T1_T2)
    h = Harness(lan, "--apply")
    bound = h.wait("bound")
    assert bound["t1"] <= 6 and bound["t2"] <= 40
    _wait_for(lambda: _lease_lines(lan, bound["address"]), "the lease in dnsmasq's file")
    first_expiry = int(_lease_lines(lan, bound["address"])[0][0])
    renewed = h.wait("renewed", timeout=20)
    # at T1 (counted from the REQUEST, a little before "bound"), unicast from the lease
    assert _near(renewed["ms"] - bound["ms"], bound["t1"]), (bound, renewed)
    assert renewed["address"] == bound["address"]
    _wait_for(lambda: int(_lease_lines(lan, bound["address"])[0][0]) >= first_expiry + 4,
              "dnsmasq to extend the lease")
    # and again at the renewed lease's T1
    again = h.wait("renewed", timeout=20)
    assert _near(again["ms"] - renewed["ms"], renewed["t1"]), (renewed, again)
    h.stop()


def test_rebinds_at_t2_when_the_server_cannot_be_reached_by_unicast(make_lan):
    lan = make_lan(["dhcp-option=option:T1,3", "dhcp-option=option:T2,8"])
    h = Harness(lan, "--apply")
    bound = h.wait("bound")
    # the jail's firewall now drops what the IP stack sends to DHCP servers: the unicast
    # REQUESTs of RENEWING are lost, REBINDING's broadcasts (packet socket) are not
    lan.run("jail", "nft", "-f", "-", input=BLOCK_UNICAST_TO_SERVERS)
    renewed = h.wait("renewed", timeout=20)
    assert _near(renewed["ms"] - bound["ms"], bound["t2"]), (bound, renewed)
    assert renewed["address"] == bound["address"]
    h.stop()


def test_forced_renewal(lan):
    h = Harness(lan, "--apply", "--renew-after", "1000")
    bound = h.wait("bound")
    renewed = h.wait("renewed", timeout=10)
    assert renewed["ms"] - bound["ms"] < 3000
    assert renewed["address"] == bound["address"]
    h.stop()


def test_retransmits_while_the_link_is_down(lan):
    lan.run("host", "ip", "link", "set", "vnet0h", "down")
    h = Harness(lan, "--timeout", "20000")
    h.wait("started")
    time.sleep(1)  # the first DISCOVER is lost; the next comes 3 to 5 s after it
    assert "DHCPDISCOVER" not in (lan.tmp / "dnsmasq.log").read_text()
    lan.run("host", "ip", "link", "set", "vnet0h", "up")
    bound = h.wait("bound")
    assert bound["ms"] >= 3000
    assert _in_range(bound["address"])
    h.stop()


def test_release_removes_the_lease(lan):
    h = Harness(lan, "--apply")
    bound = h.wait("bound")
    _wait_for(lambda: _lease_lines(lan, bound["address"]), "the lease in dnsmasq's file")
    assert h.stop()["released"] is True
    _wait_for(lambda: not _lease_lines(lan, bound["address"]), "dnsmasq to drop the lease")
    assert "DHCPRELEASE" in (lan.tmp / "dnsmasq.log").read_text()


def test_no_server_times_out(make_lan):
    lan = make_lan(dhcp=False)
    start = time.monotonic()
    h = Harness(lan, "--timeout", "2000")
    assert h.finish() == 1
    failed = h.wait("failed")
    assert failed["errno"] == 110  # ETIMEDOUT
    assert failed["message"] == "No DHCP lease on 'vnet0' within 2.000 s"
    assert time.monotonic() - start < 6
    assert not [e for e in h.events if e["event"] == "bound"]


def test_nak_restarts(lan):
    # INIT-REBOOT with an address of another network: dnsmasq (authoritative) says NAK
    h = Harness(lan, "--request", "10.99.0.5")
    h.wait("nak")
    bound = h.wait("bound")
    assert _in_range(bound["address"]), bound
    assert "DHCPNAK" in (lan.tmp / "dnsmasq.log").read_text()
    h.stop()


def test_reboot_keeps_the_earlier_address(lan):
    first = Harness(lan, "--no-release")
    address = first.wait("bound")["address"]
    first.stop()
    second = Harness(lan, "--request", address)
    bound = second.wait("bound")
    assert bound["address"] == address
    assert not [e for e in second.events if e["event"] == "nak"]
    second.stop()


def test_decline_starts_over_with_another_address(lan):
    h = Harness(lan, "--apply", "--decline")
    bound = h.wait("bound")
    expired = h.wait("expired")
    assert expired["address"] == bound["address"]
    again = h.wait("bound", timeout=40)
    # RFC 2131 §3.1.5: 10 s before asking again; dnsmasq offers another address
    assert again["ms"] - expired["ms"] >= 10000
    assert again["address"] != bound["address"] and _in_range(again["address"])
    assert "DHCPDECLINE" in (lan.tmp / "dnsmasq.log").read_text()
    h.stop()


def test_missing_interface(lan):
    proc = lan.run("jail", HARNESS, "nosuch0", check=False)
    assert proc.returncode == 1
    failed = json.loads(proc.stdout.splitlines()[-1])
    assert failed["event"] == "failed"
    assert failed["message"].startswith("No interface 'nosuch0'")
