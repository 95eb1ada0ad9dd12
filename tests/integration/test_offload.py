# SPDX-License-Identifier: MIT
"""Hardware offloading (src/lib/net/offload.h) through offload-harness, in a
network namespace the test makes with a veth pair (veth lets `ethtool -K`
change TSO, GSO and GRO); every answer is checked against `ethtool -k`.
The namespace is deleted at the end, even on failure; nothing is changed
in the machine's own namespace (iface_is_physical only reads /sys there)."""
import fnmatch
import json
import os
import secrets
import subprocess

import pytest

import netns
from conftest import BUILD, skip_or_fail

HARNESS = BUILD / "tests" / "integration" / "offload-harness"
# the offloads jailor names, and the kernel features each stands for
GROUPS = {"tso": "tx-tcp*-segmentation", "gso": "tx-generic-segmentation", "gro": "rx-gro",
          "lro": "rx-lro"}
# ethtool -k prints these features under their old names
LEGACY = {"generic-segmentation-offload": "tx-generic-segmentation",
          "generic-receive-offload": "rx-gro", "large-receive-offload": "rx-lro"}


@pytest.fixture
def ns():
    """A namespace holding the veth pair va/vb; deleted afterwards."""
    if not subprocess.run(["which", "ethtool"], capture_output=True).stdout:
        skip_or_fail("ethtool is not installed (tools/install-deps.sh check)")
    name = f"jo-{secrets.token_hex(3)}"
    subprocess.run(["ip", "netns", "add", name], check=True)
    try:
        subprocess.run(["ip", "-n", name, "link", "add", "name", "va", "type", "veth", "peer",
                        "name", "vb"], check=True)
        yield name
    finally:
        subprocess.run(["ip", "netns", "delete", name], check=True)
        assert name not in netns.namespaces()


def run(ns, *cmd, check=True):
    proc = subprocess.run(["ip", "netns", "exec", ns, *map(str, cmd)], capture_output=True,
                          text=True, timeout=30)
    if check and proc.returncode != 0:
        raise AssertionError(f"{cmd}: exit {proc.returncode}\n{proc.stdout}{proc.stderr}")
    return proc


def harness(ns, *args, check=True):
    return run(ns, HARNESS, *args, check=check)


def features(ns, iface):
    """ethtool -k as {feature: (on, fixed)}; group headers (a line whose
    next lines are indented: "tcp-segmentation-offload") are left out."""
    out = {}
    lines = run(ns, "ethtool", "-k", iface).stdout.splitlines()[1:]
    for line, following in zip(lines, lines[1:] + [""]):
        if not line.startswith("\t") and following.startswith("\t"):
            continue
        name, _, state = line.strip().partition(": ")
        out[LEGACY.get(name, name)] = (state.startswith("on"), "[fixed]" in state)
    return out


def expected(ns, iface):
    """What offload_active must say, judged from ethtool -k."""
    f = features(ns, iface)
    on = [g for g, pattern in GROUPS.items()
          if any(v[0] for n, v in f.items() if fnmatch.fnmatchcase(n, pattern))]
    return {"on": bool(on), "which": ", ".join(on)}


def active(ns, iface):
    return json.loads(harness(ns, "active", iface).stdout)


@pytest.mark.parametrize("settings", [
    ["tso", "on", "gso", "on", "gro", "on"],
    ["tso", "off", "gso", "off", "gro", "on"],
    ["tso", "on", "gso", "off", "gro", "off"],
    ["tso", "off", "gso", "off", "gro", "off"],
])
def test_active_matches_ethtool(ns, settings):
    run(ns, "ethtool", "-K", "va", *settings)
    want = expected(ns, "va")
    assert active(ns, "va") == want
    # the combination asked for is what both see
    asked = [g for g, v in zip(settings[::2], settings[1::2]) if v == "on"]
    assert want["which"] == ", ".join(asked)
    # loopback: whatever its state, the same answer as ethtool's
    assert active(ns, "lo") == expected(ns, "lo")


def test_disable_turns_the_offloads_off_and_nothing_else(ns):
    run(ns, "ethtool", "-K", "va", "tso", "on", "gso", "on", "gro", "on")
    before, peer_before = features(ns, "va"), features(ns, "vb")
    assert active(ns, "va") == {"on": True, "which": "tso, gso, gro"}
    harness(ns, "disable", "va")
    after = features(ns, "va")
    assert expected(ns, "va") == {"on": False, "which": ""}
    assert active(ns, "va") == {"on": False, "which": ""}
    changed = {n for n in before if before[n] != after[n]}
    in_groups = {n for n in before if any(fnmatch.fnmatchcase(n, p) for p in GROUPS.values())}
    assert changed and changed <= in_groups, changed - in_groups
    assert features(ns, "vb") == peer_before
    # once off, again is a no-op that succeeds
    harness(ns, "disable", "va")
    assert features(ns, "va") == after


def test_errors_name_the_interface(ns):
    for cmd in ("active", "disable"):
        proc = harness(ns, cmd, "nosuch0", check=False)
        assert proc.returncode == 1
        assert proc.stderr == "ENODEV: No network interface 'nosuch0'\n"
        proc = harness(ns, cmd, "../../etc", check=False)
        assert proc.returncode == 1
        assert proc.stderr.startswith("EINVAL: Invalid interface name '../../etc'"), proc.stderr


def test_physical(ns):
    for iface in ("va", "vb", "lo", "nosuch0", "../lo"):
        assert harness(ns, "physical", iface).stdout == "no\n"
    # the machine's own interfaces, only read: a device behind it or not
    for iface in os.listdir("/sys/class/net"):
        want = os.path.exists(f"/sys/class/net/{iface}/device")
        got = subprocess.run([str(HARNESS), "physical", iface], capture_output=True, text=True,
                             check=True).stdout
        assert got == ("yes\n" if want else "no\n"), iface
