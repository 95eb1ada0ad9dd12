"""Releases: fetch from archives, URLs and debootstrap; list, clean, destroy (SPEC §4)."""
import hashlib
import http.server
import json
import os
import re
import signal
import stat
import subprocess
import threading
import time
from pathlib import Path

import pytest

import rootfs
from conftest import JAILOR, fetch_bookworm, skip_or_fail


@pytest.fixture
def pool_root(jailor, pool):
    """An activated pool of each backend; returns its jailor directory."""
    jailor.run("activate", pool.pool)
    if pool.backend == "zfs":
        out = subprocess.run(["zfs", "get", "-H", "-o", "value", "mountpoint", f"{pool.pool}/jailor"],
                             capture_output=True, text=True, check=True)
        return Path(out.stdout.strip())
    return Path(pool.path) / "jailor"


@pytest.fixture(scope="session")
def busybox_tree(tmp_path_factory):
    return rootfs.make_busybox_root(tmp_path_factory.mktemp("busybox") / "root")


@pytest.fixture(scope="session")
def busybox_tar(busybox_tree, tmp_path_factory):
    return rootfs.tar_root(busybox_tree, tmp_path_factory.mktemp("tar") / "busybox.tar.gz", "gz")


def sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def releases(jailor):
    return [r["name"] for r in jailor.json("list", "-r")]


def assert_busybox_release(root: Path, xattrs=True):
    assert os.path.islink(root / "bin" / "sh") and os.readlink(root / "bin" / "sh") == "busybox"
    assert os.readlink(root / "usr" / "bin" / "env") == "/bin/busybox"
    null = os.lstat(root / "dev" / "null")
    assert stat.S_ISCHR(null.st_mode) and os.major(null.st_rdev) == 1 and os.minor(null.st_rdev) == 3
    owned = os.lstat(root / "usr" / "bin" / "owned")
    assert (owned.st_uid, owned.st_gid) == (1000, 1000)
    assert stat.S_IMODE(owned.st_mode) == 0o4755
    assert stat.S_IMODE(os.lstat(root / "tmp").st_mode) == 0o1777
    if xattrs:
        assert os.getxattr(root / "etc" / "passwd", "user.jailor-test") == b"kept"


@pytest.mark.parametrize("compress", ["", "gz", "xz", "zst"])
def test_fetch_archive_keeps_everything(jailor, tmp_path, busybox_tree, compress):
    pool = tmp_path / "pool"
    pool.mkdir()
    jailor.run("activate", pool)
    archive = rootfs.tar_root(busybox_tree, tmp_path / f"rootfs.tar{'.' + compress if compress else ''}",
                              compress)
    proc = jailor.run("fetch", "-r", "bb", "-f", archive)
    assert proc.stdout == "Release 'bb' fetched\n"
    assert proc.stderr == ""  # not a terminal: no progress output
    rel = pool / "jailor" / "releases" / "bb"
    assert_busybox_release(rel / "root")
    meta = json.loads((rel / "release.json").read_text())
    assert meta["name"] == "bb"
    assert meta["origin"] == {"type": "file", "source": str(archive)}
    assert meta["download"]["sha256"] == sha256(archive)
    assert meta["download"]["size"] == archive.stat().st_size
    assert meta["size"] > 1_000_000  # busybox itself
    assert meta["os_release"]["ID"] == "busybox"
    assert meta["fetched_at"].endswith("Z")
    assert (pool / "jailor" / "download" / "bb" / archive.name).read_bytes() == archive.read_bytes()
    assert releases(jailor) == ["bb"]


def test_fetch_on_every_backend(jailor, pool, pool_root, busybox_tar):
    jailor.run("fetch", "-r", "bb", "-f", busybox_tar)
    # zfs-fuse has no extended attributes (OpenZFS has)
    assert_busybox_release(pool_root / "releases" / "bb" / "root", xattrs=pool.backend != "zfs")
    assert releases(jailor) == ["bb"]
    if pool.backend != "dir":  # dir enforces read-only only while mounted for use
        with pytest.raises(OSError):
            (pool_root / "releases" / "bb" / "root" / "newfile").write_text("x")
    jailor.run("destroy", "-r", "bb")
    assert releases(jailor) == []


def test_list_formats(jailor, tmp_path, busybox_tar):
    pool = tmp_path / "pool"
    pool.mkdir()
    jailor.run("activate", pool)
    jailor.run("fetch", "-r", "bb2", "-f", busybox_tar)
    jailor.run("fetch", "-r", "bb1", "-f", busybox_tar)
    table = jailor.run("list", "-r").stdout.splitlines()
    assert "NAME" in table[1] and "OS" in table[1]
    assert "bb1" in table[3] and "Busybox test system" in table[3] and "file" in table[3]
    tabs = jailor.run("list", "-r", "-h").stdout.splitlines()
    assert [l.split("\t")[0] for l in tabs] == ["bb1", "bb2"]
    assert all(len(l.split("\t")) == 5 for l in tabs)


def test_fetch_refuses_an_existing_release(jailor, tmp_path, busybox_tar):
    pool = tmp_path / "pool"
    pool.mkdir()
    jailor.run("activate", pool)
    jailor.run("fetch", "-r", "bb", "-f", busybox_tar)
    err = jailor.fails("fetch", "-r", "bb", "-f", busybox_tar)
    assert "Release 'bb' is already fetched" in err


@pytest.mark.parametrize("kind,rule", [
    ("absolute", "absolute path"),
    ("dotdot", "'..' component"),
    ("symlink", "symbolic link pointing out of the release"),
    ("hardlink", "'..' component"),
])
def test_unsafe_archives_are_refused_whole(jailor, tmp_path, kind, rule):
    pool = tmp_path / "pool"
    pool.mkdir()
    jailor.run("activate", pool)
    bad = rootfs.bad_archive(tmp_path / f"{kind}.tar", kind)
    err = jailor.fails("fetch", "-r", "bad", "-f", bad)
    assert err.count("\n") == 1 and f"Archive '{bad}' is refused" in err and rule in err
    assert releases(jailor) == []
    assert list((pool / "jailor" / "download" / "bad").iterdir()) == []  # nothing kept
    assert not (tmp_path / "evil").exists() and not (pool / "evil").exists()


def test_truncated_archive_is_refused(jailor, tmp_path, busybox_tree):
    pool = tmp_path / "pool"
    pool.mkdir()
    jailor.run("activate", pool)
    whole = rootfs.tar_root(busybox_tree, tmp_path / "whole.tar.xz", "xz")
    cut = rootfs.truncated(whole, tmp_path / "cut.tar.xz")
    err = jailor.fails("fetch", "-r", "cut", "-f", cut)
    assert err.count("\n") == 1 and f"'{cut}'" in err
    assert releases(jailor) == []
    assert list((pool / "jailor" / "download" / "cut").iterdir()) == []
    # the name is free again
    jailor.run("fetch", "-r", "cut", "-f", whole)
    assert releases(jailor) == ["cut"]


@pytest.fixture
def http_server(tmp_path):
    """A web server on loopback serving tmp_path/www."""
    www = tmp_path / "www"
    www.mkdir()

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a, **kw):
            super().__init__(*a, directory=str(www), **kw)

        def log_message(self, *a):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield www, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_fetch_url_checks_the_sha256(jailor, tmp_path, busybox_tar, http_server):
    www, base = http_server
    (www / "rootfs.tar.gz").write_bytes(busybox_tar.read_bytes())
    pool = tmp_path / "pool"
    pool.mkdir()
    jailor.run("activate", pool)
    wrong = "0" * 64
    err = jailor.fails("fetch", "-r", "web", "--url", f"{base}/rootfs.tar.gz", "--sha256", wrong)
    assert f"Checksum mismatch for '{base}/rootfs.tar.gz': expected {wrong}, got {sha256(busybox_tar)}" in err
    assert releases(jailor) == []
    assert list((pool / "jailor" / "download" / "web").iterdir()) == []  # nothing kept
    jailor.run("fetch", "-r", "web", "--url", f"{base}/rootfs.tar.gz", "--sha256", sha256(busybox_tar))
    meta = json.loads((pool / "jailor" / "releases" / "web" / "release.json").read_text())
    assert meta["origin"] == {"type": "url", "source": f"{base}/rootfs.tar.gz"}
    assert_busybox_release(pool / "jailor" / "releases" / "web" / "root")


def test_fetch_url_errors(jailor, tmp_path, http_server):
    www, base = http_server
    pool = tmp_path / "pool"
    pool.mkdir()
    jailor.run("activate", pool)
    err = jailor.fails("fetch", "-r", "x", "--url", f"{base}/missing.tar", "--sha256", "a" * 64)
    assert "Cannot download" in err and "404" in err
    assert "needs --sha256" in jailor.fails("fetch", "-r", "x", "--url", f"{base}/a.tar")
    assert "expected 64 hex digits" in jailor.fails("fetch", "-r", "x", "--url", f"{base}/a", "--sha256", "abc")
    assert "expected http:// or https://" in jailor.fails("fetch", "-r", "x", "--url", "file:///etc/passwd",
                                                          "--sha256", "a" * 64)
    assert releases(jailor) == []


def test_fetch_bad_names_and_suites(jailor, tmp_path):
    pool = tmp_path / "pool"
    pool.mkdir()
    jailor.run("activate", pool)
    assert "Invalid release name" in jailor.fails("fetch", "-r", "../x", "-f", "/etc/passwd")
    assert "not a Debian suite jailor knows" in jailor.fails("fetch", "-r", "sid-ish")
    err = jailor.fails("fetch", "-r", "x", "-f", tmp_path / "nope.tar")
    assert "nope.tar" in err
    assert releases(jailor) == []


def test_fetch_list(jailor, tmp_path):
    pool = tmp_path / "pool"
    pool.mkdir()
    jailor.run("activate", pool)
    host = int(next(l for l in open("/etc/os-release") if l.startswith("VERSION_ID=")).split('"')[1])
    listed = jailor.json("fetch", "--list")
    assert [r["version"] for r in listed] == [v for v in (10, 11, 12, 13, 14) if v <= host]
    everything = jailor.json("fetch", "--list", "--all")
    assert len(everything) == 5
    newer = [r["name"] for r in everything if r["newer_than_host"]]
    assert newer == [r["name"] for r in everything if r["version"] > host]
    if newer:
        err = jailor.fails("fetch", "-r", newer[0])
        assert "is newer than this host" in err and "--force" in err
    assert "bookworm" in jailor.run("fetch", "--list").stdout


def test_clean_downloads_keeps_releases(jailor, tmp_path, busybox_tar):
    pool = tmp_path / "pool"
    pool.mkdir()
    jailor.run("activate", pool)
    jailor.run("fetch", "-r", "bb", "-f", busybox_tar)
    assert (pool / "jailor" / "download" / "bb").exists()
    assert jailor.run("clean", "-d").stdout == "Downloads removed\n"
    assert list((pool / "jailor" / "download").iterdir()) == []
    assert releases(jailor) == ["bb"]
    assert_busybox_release(pool / "jailor" / "releases" / "bb" / "root")


def test_destroy_release(jailor, tmp_path, busybox_tar):
    pool = tmp_path / "pool"
    pool.mkdir()
    jailor.run("activate", pool)
    assert jailor.fails("destroy", "-r", "nope") == "jailor: Release 'nope' not found\n"
    jailor.run("fetch", "-r", "bb", "-f", busybox_tar)
    # a basejail binds the release's directories: it depends on it
    jail = pool / "jailor" / "jails" / "base1"
    jail.mkdir()
    (jail / "config.json").write_text(json.dumps({"release": "bb", "basejail": 1}))
    err = jailor.fails("destroy", "-r", "bb")
    assert "Release 'bb' has dependants: jails/base1" in err and "-R" in err
    assert releases(jailor) == ["bb"]
    jail.joinpath("config.json").unlink()
    jail.rmdir()
    assert jailor.run("destroy", "-r", "bb").stdout == "Release 'bb' destroyed\n"
    assert releases(jailor) == []


def test_killed_fetch_leaves_nothing_and_can_be_redone(jailor, tmp_path):
    pool = tmp_path / "pool"
    pool.mkdir()
    jailor.run("activate", pool)
    big = tmp_path / "big"
    for i in range(3000):
        d = big / f"d{i % 30}"
        d.mkdir(parents=True, exist_ok=True)
        (d / f"f{i}").write_bytes(os.urandom(32 * 1024))
    archive = rootfs.tar_root(big, tmp_path / "big.tar")
    staging = pool / "jailor" / "download" / "big" / "partial" / "root"
    proc = subprocess.Popen([str(JAILOR), "fetch", "-r", "big", "-f", str(archive)], env=jailor.env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 60
    while time.time() < deadline and proc.poll() is None:
        if staging.is_dir() and any(staging.iterdir()):
            break
        time.sleep(0.005)
    assert proc.poll() is None, "the fetch finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert releases(jailor) == []
    jailor.run("fetch", "-r", "big", "-f", archive)
    assert releases(jailor) == ["big"]
    assert not staging.exists()
    assert len(list((pool / "jailor" / "releases" / "big" / "root" / "d7").iterdir())) == 100


@pytest.mark.parametrize("backend", ["dir", "btrfs"])
def test_fetch_bookworm_with_debootstrap(jailor, tmp_path, backend):
    """The real thing: a Debian release from the mirror the host uses."""
    import backends
    make = {"dir": backends.dir_pool, "btrfs": backends.btrfs_pool}[backend]
    try:
        (tmp_path / "pool").mkdir()
        cm = make(tmp_path / "pool", size=4 << 30) if backend == "btrfs" else make(tmp_path / "pool")
        p = cm.__enter__()
    except backends.BackendUnavailable as e:
        skip_or_fail(str(e))
    try:
        jailor.run("activate", p.pool)
        fetch_bookworm(jailor, p.path)
        root = Path(p.path) / "jailor" / "releases" / "bookworm" / "root"
        meta = json.loads((root.parent / "release.json").read_text())
        assert meta["origin"]["type"] == "debootstrap"
        assert meta["os_release"]["VERSION_CODENAME"] == "bookworm"
        assert os.readlink(root / "sbin" / "init").endswith("systemd")
        for pkg in ("systemd-sysv", "iproute2", "ca-certificates"):
            status = (root / "var/lib/dpkg/status").read_text()
            assert f"Package: {pkg}\nStatus: install ok installed" in status, pkg
        assert [r["name"] for r in jailor.json("list", "-r")] == ["bookworm"]
        jailor.run("destroy", "-r", "bookworm")
    finally:
        cm.__exit__(None, None, None)


def test_progress_shows_on_a_terminal_only(jailor, tmp_path, busybox_tar):
    """On a terminal, long work draws bytes, rate and time left on one line."""
    import pty
    pool = tmp_path / "pool"
    pool.mkdir()
    jailor.run("activate", pool)
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(str(JAILOR), [str(JAILOR), "fetch", "-r", "tty", "-f", str(busybox_tar)], jailor.env)
    out = b""
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    assert os.WEXITSTATUS(status) == 0, out
    text = out.decode()
    assert "Copying" in text and "Unpacking" in text
    assert re.search(r"Unpacking [\d.]+ \w*B / [\d.]+ \w*B \(\d+%\)  [\d.]+ \w*B/s", text), text
    assert "Release 'tty' fetched" in text
