# SPDX-License-Identifier: MIT
"""The jail's /etc/resolv.conf (src/lib/jail/resolver.h) written into
temporary jail roots through resolver-harness: atomically, mode 0644, and a
symbolic link in the jail is replaced, never followed out of it, even when
it names the host's own /etc/hostname.  resolver_content itself is unit
tested (tests/unit/test-resolver.c); here it runs on the host's real files."""
import os
import re
import stat
import subprocess
from pathlib import Path

import pytest

from conftest import BUILD

HARNESS = BUILD / "tests" / "integration" / "resolver-harness"
HOST_FILES = [Path("/etc/hostname"), Path("/etc/resolv.conf")]


@pytest.fixture(autouse=True)
def host_files_untouched():
    """Fails the test if a host file changed, and puts it back first."""
    def snap(p):
        st = os.lstat(p)
        return (p.read_bytes(), st.st_mode, st.st_ino)
    before = {p: snap(p) for p in HOST_FILES if p.exists()}
    yield
    changed = [p for p, s in before.items() if not p.exists() or snap(p) != s]
    for p in changed:
        p.write_bytes(before[p][0])
    assert not changed, f"the test changed host files: {changed}"


def harness(*args, input=""):
    return subprocess.run([str(HARNESS), *map(str, args)], input=input, capture_output=True,
                          text=True, timeout=30)


def write(root, content):
    proc = harness("write", root, input=content)
    assert proc.returncode == 0, proc.stderr
    return proc


def make_root(tmp_path):
    root = tmp_path / "root"
    (root / "etc").mkdir(parents=True)
    (root / "etc" / "hostname").write_text("jail\n")
    return root


def assert_written(root, content):
    f = root / "etc" / "resolv.conf"
    st = os.lstat(f)
    assert stat.S_ISREG(st.st_mode)
    assert stat.S_IMODE(st.st_mode) == 0o644
    assert f.read_text() == content
    # no temporary file left next to it
    assert sorted(p.name for p in (root / "etc").iterdir()) == ["hostname", "resolv.conf"]


def test_replaces_a_regular_file_atomically(tmp_path):
    root = make_root(tmp_path)
    old = root / "etc" / "resolv.conf"
    old.write_text("nameserver 10.9.9.9\n")
    os.chmod(old, 0o600)
    ino = os.stat(old).st_ino
    os.umask(0o077)  # the mode does not depend on the caller's umask
    try:
        write(root, "nameserver 192.0.2.1\n")
    finally:
        os.umask(0o022)
    assert_written(root, "nameserver 192.0.2.1\n")
    assert os.stat(old).st_ino != ino  # a new file renamed over the old one


def test_creates_a_missing_file(tmp_path):
    root = make_root(tmp_path)
    write(root, "nameserver 192.0.2.1\nsearch example.org\n")
    assert_written(root, "nameserver 192.0.2.1\nsearch example.org\n")


@pytest.mark.parametrize("target", ["/etc/hostname", "../../../../../../../../../etc/hostname",
                                    "../run/resolvconf/resolv.conf"])
def test_symlink_is_replaced_not_followed(tmp_path, target):
    """Debian with resolvconf or systemd-resolved links resolv.conf to /run;
    a hostile jail links it to the host's /etc/hostname.  Neither the host's
    file nor the jail's own /etc/hostname changes: the link itself goes."""
    root = make_root(tmp_path)
    os.symlink(target, root / "etc" / "resolv.conf")
    write(root, "nameserver 192.0.2.1\n")
    assert_written(root, "nameserver 192.0.2.1\n")
    assert (root / "etc" / "hostname").read_text() == "jail\n"


def test_symlink_to_a_file_outside_the_root(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "victim").write_text("keep me\n")
    root = make_root(tmp_path)
    os.symlink(outside / "victim", root / "etc" / "resolv.conf")
    write(root, "nameserver 192.0.2.1\n")
    assert_written(root, "nameserver 192.0.2.1\n")
    assert (outside / "victim").read_text() == "keep me\n"


@pytest.mark.parametrize("etc_link", ["../../../../../../../etc", "OUTSIDE"])
def test_etc_linked_out_of_the_root_fails_cleanly(tmp_path, etc_link):
    """/etc itself a link leading out: resolved inside the root it leads
    nowhere, so the write fails in one line and nothing is written anywhere."""
    outside = tmp_path / "outside"
    outside.mkdir()
    root = tmp_path / "root"
    root.mkdir()
    os.symlink(str(outside) if etc_link == "OUTSIDE" else etc_link, root / "etc")
    proc = harness("write", root, input="nameserver 192.0.2.1\n")
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "/etc" in lines[0] and str(root) in lines[0], proc.stderr
    assert list(outside.iterdir()) == []


def test_directory_in_the_way_fails_cleanly(tmp_path):
    root = make_root(tmp_path)
    (root / "etc" / "resolv.conf").mkdir()
    proc = harness("write", root, input="nameserver 192.0.2.1\n")
    assert proc.returncode == 1
    assert proc.stderr.startswith("EISDIR: Cannot write '/etc/resolv.conf' in"), proc.stderr
    assert sorted(p.name for p in (root / "etc").iterdir()) == ["hostname", "resolv.conf"]


def host_resolver_text():
    """What resolver=/etc/resolv.conf must copy on this machine (see resolver.h)."""
    text = Path("/etc/resolv.conf").read_text()
    upstream = Path("/run/systemd/resolve/resolv.conf")
    if re.search(r"^\s*nameserver\s+127\.0\.0\.53\s*$", text, re.M) and upstream.exists():
        return upstream.read_text()
    return text


def test_apply_each_kind_of_value(tmp_path):
    root = make_root(tmp_path)
    (root / "etc" / "resolv.conf").write_text("nameserver 10.9.9.9\n")
    os.chmod(root / "etc" / "resolv.conf", 0o644)
    # none and /dev/null leave the jail's file as it is
    for value in ("none", "/dev/null"):
        proc = harness("apply", root, value)
        assert proc.returncode == 0 and proc.stdout == "left\n", proc.stderr
        assert_written(root, "nameserver 10.9.9.9\n")
    proc = harness("apply", root, "nameserver 192.0.2.1;search example.org;options ndots:2")
    assert proc.stdout == "written\n", proc.stderr
    assert_written(root, "nameserver 192.0.2.1\nsearch example.org\noptions ndots:2\n")
    proc = harness("apply", root, "/etc/resolv.conf")
    assert proc.stdout == "written\n", proc.stderr
    assert_written(root, host_resolver_text())


def test_apply_refuses_a_malformed_value(tmp_path):
    root = make_root(tmp_path)
    proc = harness("apply", root, "nameserver 192.0.2.1;nameserver not-an-address")
    assert proc.returncode == 1
    assert proc.stderr.startswith("EINVAL: "), proc.stderr
    assert "not-an-address" in proc.stderr
    assert sorted(p.name for p in (root / "etc").iterdir()) == ["hostname"]
