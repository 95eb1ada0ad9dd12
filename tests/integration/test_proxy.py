# SPDX-License-Identifier: MIT
"""Proxy propagation (SPEC §7, src/lib/jail/proxy.h): `jailor create` writes
the proxy of jailor.conf, else of the environment, into the new jail's
/etc/environment and, when the jail has apt, its apt configuration; no proxy
writes nothing; a malformed proxy refuses the create with nothing made."""
import os
import stat
from pathlib import Path

import pytest

import rootfs
from test_create import in_root, jails

PROXY_VARS = ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "no_proxy", "NO_PROXY"]
APT_FILE = "etc/apt/apt.conf.d/90jailor-proxy"
RELEASE_ENV = 'PATH="/usr/local/bin:/usr/bin:/bin"\nhttp_proxy=http://stale:1\nLANG=C.UTF-8\n'


@pytest.fixture(scope="module")
def apt_tar(tmp_path_factory):
    """A busybox system that looks like Debian to the proxy code: /etc/apt
    (without apt.conf.d) and an /etc/environment of its own."""
    tree = rootfs.make_busybox_root(tmp_path_factory.mktemp("apt") / "root")
    (tree / "etc" / "apt").mkdir()
    (tree / "etc" / "environment").write_text(RELEASE_ENV)
    return rootfs.tar_root(tree, tmp_path_factory.mktemp("tar") / "apt.tar.gz", "gz")


@pytest.fixture
def pool(jailor, tmp_path, busybox_tar, apt_tar):
    """A dir pool with releases 'bb' (no apt) and 'deb' (apt); no proxy in
    the environment jailor runs in, whatever the machine has."""
    for var in PROXY_VARS:
        jailor.env.pop(var, None)
    (tmp_path / "pool").mkdir()
    jailor.run("activate", tmp_path / "pool")
    jailor.run("fetch", "-r", "bb", "-f", busybox_tar)
    jailor.run("fetch", "-r", "deb", "-f", apt_tar)
    return tmp_path / "pool" / "jailor"


def tree(top):
    """Every path under top, with the content of files."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(top):
        for d in dirnames:
            out[os.path.join(dirpath, d)] = "dir"
        for f in filenames:
            p = os.path.join(dirpath, f)
            out[p] = os.readlink(p) if os.path.islink(p) else Path(p).read_bytes()
    return out


def add_conf(jailor, text):
    """Appends lines to jailor.conf (activate wrote the pool there)."""
    path = jailor.conf_dir / "jailor.conf"
    path.write_text(path.read_text() + text)


def root_file(pool, name, path):
    return pool / "jails" / name / "root" / path


def env_lines(**values):
    """The lines jailor appends for these variables, lower then upper case."""
    out = ""
    for var in ("http_proxy", "https_proxy", "no_proxy"):
        if var in values:
            out += f"{var}={values[var]}\n{var.upper()}={values[var]}\n"
    return out


def test_proxy_from_jailor_conf(jailor, pool):
    add_conf(jailor, "http_proxy = http://proxy.example.org:3128\n"
                     "https_proxy = http://proxy.example.org:3129\n"
                     "no_proxy = localhost,.example.org,mirror.lan\n")
    # the environment's proxy does not mix in: jailor.conf's is whole
    jailor.env["HTTPS_PROXY"] = "http://from-env:1"
    jailor.run("create", "-r", "deb", "-n", "web", "-T")
    assert root_file(pool, "web", "etc/environment").read_text() == (
        'PATH="/usr/local/bin:/usr/bin:/bin"\nLANG=C.UTF-8\n'
        + env_lines(http_proxy="http://proxy.example.org:3128",
                    https_proxy="http://proxy.example.org:3129",
                    no_proxy="localhost,.example.org,mirror.lan"))
    apt = root_file(pool, "web", APT_FILE)
    assert apt.read_text() == (
        "// Written by jailor when this jail was created: the host's proxy.\n"
        'Acquire::http::Proxy "http://proxy.example.org:3128";\n'
        'Acquire::https::Proxy "http://proxy.example.org:3129";\n'
        'Acquire::http::Proxy::localhost "DIRECT";\n'
        'Acquire::https::Proxy::localhost "DIRECT";\n'
        'Acquire::http::Proxy::mirror.lan "DIRECT";\n'
        'Acquire::https::Proxy::mirror.lan "DIRECT";\n')
    assert stat.S_IMODE(apt.stat().st_mode) == 0o644
    assert stat.S_IMODE(apt.parent.stat().st_mode) == 0o755
    # the release is not touched
    assert (pool / "releases" / "deb" / "root" / "etc" / "environment").read_text() == RELEASE_ENV
    assert not (pool / "releases" / "deb" / "root" / "etc" / "apt" / "apt.conf.d").exists()


def test_proxy_from_the_environment(jailor, pool):
    jailor.env.update(HTTP_PROXY="http://upper:8080", http_proxy="http://lower:8080",
                      NO_PROXY="10.0.0.1")
    # a clone (an overlay on the dir pool): the files land in the jail's own layer
    jailor.run("create", "-r", "deb", "-n", "envjail")
    assert in_root(pool, "envjail", "etc/environment") == (
        'PATH="/usr/local/bin:/usr/bin:/bin"\nLANG=C.UTF-8\n'
        + env_lines(http_proxy="http://lower:8080", no_proxy="10.0.0.1"))
    assert in_root(pool, "envjail", APT_FILE) == (
        "// Written by jailor when this jail was created: the host's proxy.\n"
        'Acquire::http::Proxy "http://lower:8080";\n'
        'Acquire::http::Proxy::10.0.0.1 "DIRECT";\n')
    # a jail without apt gets the environment only, and /etc/environment is new there
    jailor.run("create", "-r", "bb", "-n", "noapt", "-T")
    assert root_file(pool, "noapt", "etc/environment").read_text() == env_lines(
        http_proxy="http://lower:8080", no_proxy="10.0.0.1")
    assert not root_file(pool, "noapt", "etc/apt").exists()


def test_no_proxy_writes_nothing(jailor, pool):
    jailor.env["no_proxy"] = "localhost"  # no proxy to bypass: still nothing
    jailor.run("create", "-r", "deb", "-n", "plain", "-T")
    jailor.run("create", "-r", "bb", "-n", "bare", "-T")
    assert root_file(pool, "plain", "etc/environment").read_text() == RELEASE_ENV
    assert not root_file(pool, "plain", "etc/apt/apt.conf.d").exists()
    assert not root_file(pool, "bare", "etc/environment").exists()


@pytest.mark.parametrize("where, var, value, message", [
    ("conf", "http_proxy", "proxy.example.org:3128",
     "Invalid http_proxy 'proxy.example.org:3128' in '{conf}': a proxy is an http:// or https:// URL"),
    ("conf", "https_proxy", 'http://p:1";evil "x',
     "Invalid https_proxy 'http://p:1\";evil \"x' in '{conf}': a proxy URL is printable ASCII "
     "without spaces"),
    ("env", "HTTPS_PROXY", "socks5://p:1080",
     "Invalid HTTPS_PROXY 'socks5://p:1080' in the environment: a proxy is an http:// or https:// URL"),
    ("env", "http_proxy", "http://p:1\nEVIL=1",
     "Invalid http_proxy 'http://p:1\\nEVIL=1' in the environment: a proxy URL is printable ASCII"),
])
def test_bad_proxy_refuses_the_create(jailor, pool, where, var, value, message):
    if where == "conf":
        add_conf(jailor, f"{var} = {value}\n")
    else:
        jailor.env[var] = value
    before = tree(pool)
    err = jailor.fails("create", "-r", "deb", "-n", "bad")
    conf = jailor.conf_dir / "jailor.conf"
    assert err.startswith("jailor: " + message.format(conf=conf)), err
    assert err.count("\n") == 1, err
    assert jails(pool) == []
    # not a file of the pool changed: no staging debris, no snapshot of the release
    assert tree(pool) == before
    assert "bad" not in jailor.run("list").stdout
