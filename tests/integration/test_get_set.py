"""jailor get and set on jails: iocage's formats, all-or-nothing checks (SPEC §5)."""
import fcntl
import json
import os
import subprocess
from pathlib import Path

import pytest

import rootfs
from conftest import jailor_root


@pytest.fixture
def web(jailor, tmp_path, busybox_tar):
    """A directory pool with release 'bb' and jail 'web'; returns the pool's jailor dir."""
    pool = tmp_path / "pool"
    pool.mkdir()
    jailor.run("activate", pool)
    jailor.run("fetch", "-r", "bb", "-f", busybox_tar)
    jailor.run("create", "-r", "bb", "-n", "web", "notes=first")
    return pool / "jailor"


@pytest.fixture
def any_pool_web(jailor, pool, busybox_tar):
    """A pool of each backend with release 'bb' and jail 'web'; returns (pool, jailor dir)."""
    jailor.run("activate", pool.pool)
    jailor.run("fetch", "-r", "bb", "-f", busybox_tar)
    jailor.run("create", "-r", "bb", "-n", "web")
    return pool, jailor_root(pool)


def config(root, name="web"):
    return json.loads((root / "jails" / name / "config.json").read_text())


def all_configs(root):
    """Every config.json of the pool, byte for byte."""
    return {p: p.read_bytes() for p in sorted(root.glob("*/*/config.json"))}


def test_get_one_and_all(jailor, web):
    assert jailor.run("get", "notes", "web").stdout == "first\n"
    assert jailor.run("get", "priority", "web").stdout == "99\n"
    assert jailor.run("get", "host_hostname", "web").stdout == "web\n"
    assert jailor.run("get", "release", "web").stdout == "bb\n"
    lines = jailor.run("get", "all", "web").stdout.splitlines()
    keys = [l.split(":", 1)[0] for l in lines]
    assert keys == sorted(keys)
    values = dict(l.split(":", 1) for l in lines)
    # iocage's get all prints a synthetic state too
    assert values["state"] == "down"
    assert values["notes"] == "first" and values["type"] == "jail" and values["template"] == "0"
    assert values["host_hostuuid"] == "web" and values["boot"] == "0"
    assert jailor.run("get", "-a", "web").stdout.splitlines() == lines
    assert jailor.json("get", "all", "web")["notes"] == "first"
    assert jailor.json("get", "notes", "web") == {"notes": "first"}
    assert jailor.run("get", "-s", "web").stdout == "down\n"
    assert jailor.run("get", "state", "web").stdout == "down\n"
    assert jailor.run("get", "-j", "web").stdout == "-\n"
    # default still reads defaults.json
    assert jailor.run("get", "notes", "default").stdout == "none\n"


def test_get_storage_values(jailor, any_pool_web):
    pool, root = any_pool_web
    assert jailor.run("get", "mountpoint", "web").stdout == f"{root}/jails/web\n"
    assert jailor.run("get", "origin", "web").stdout.strip() in (
        "releases/bb/root@web", f"{pool.pool}/jailor/releases/bb/root@web")
    for prop in ("used", "available"):
        value = jailor.run("get", prop, "web").stdout.strip()
        assert value[-1] in "BKMGTP" and float(value[:-1]) >= 0, (prop, value)
    assert "not available" in jailor.fails("get", "compressratio", "web")


def test_set_prints_old_and_new_and_writes_once(jailor, web):
    proc = jailor.run("set", "notes=hello world", "priority=5", "boot=yes", "web")
    assert proc.stdout == "notes: first -> hello world\npriority: 99 -> 5\nboot: 0 -> 1\n"
    c = config(web)
    assert c["notes"] == "hello world" and c["priority"] == 5 and c["boot"] == 1
    assert jailor.run("get", "priority", "web").stdout == "5\n"
    # a value equal to the default is dropped from config.json, so new defaults reach the jail
    assert jailor.run("set", "priority=99", "boot=off", "web").stdout == \
        "priority: 5 -> 99\nboot: 1 -> 0\n"
    assert "priority" not in config(web) and "boot" not in config(web)
    jailor.run("set", "priority=10", "default")
    assert jailor.run("get", "priority", "web").stdout == "10\n"
    assert jailor.json("set", "notes=x", "web") == [
        {"name": "notes", "old": "hello world", "new": "x", "restart": False}]
    # the jail's identity stays in its config even when it equals the computed default
    jailor.run("set", "host_hostname=web", "web")
    assert config(web)["host_hostname"] == "web"


def test_set_on_each_backend(jailor, any_pool_web):
    pool, root = any_pool_web
    jailor.run("set", "notes=on " + pool.backend, "vnet=on", "ip4_addr=vnet0|10.1.2.3/24", "web")
    assert config(root)["notes"] == "on " + pool.backend
    assert jailor.run("list", "-h").stdout == "-\tweb\tdown\tbb\t10.1.2.3\n"
    if pool.backend == "dir":
        before = all_configs(root)
        assert "dir backend cannot limit" in jailor.fails("set", "notes=no", "quota=1G", "web")
        assert all_configs(root) == before
        jailor.run("set", "quota=none", "web")  # nothing to lift is fine
    else:
        assert jailor.run("set", "quota=64M", "web").stdout == "quota: none -> 64M\n"
        assert config(root)["quota"] == "64M"
        if pool.backend == "zfs":
            out = subprocess.run(["zfs", "get", "-H", "-p", "-o", "value", "quota",
                                  f"{pool.pool}/jailor/jails/web/root"],
                                 capture_output=True, text=True, check=True).stdout
            assert out.strip() == str(64 << 20)
        else:
            # the limit holds: writing past it into the root fails
            big = root / "jails" / "web" / "root" / "big"
            with pytest.raises(OSError):
                with open(big, "wb") as f:
                    for _ in range(100):
                        f.write(b"\0" * (1 << 20))
                        f.flush()
                        os.fsync(f.fileno())
            big.unlink()
        jailor.run("set", "quota=none", "web")
        assert "quota" not in config(root)
    jailor.run("destroy", "web")


BAD_ASSIGNMENTS = [
    ("boot=onion", ["'onion'", "boot"]),
    ("priority=100", ["'100'", "priority"]),
    ("ip4_addr=vnet0|300.1.1.1/24", ["300.1.1.1"]),
    ("quota=lots", ["'lots'", "quota"]),
    ("frob=1", ["frob"]),
    ("priority", ["'priority'", "missing a value"]),
    ("securelevel=2", ["securelevel", "FreeBSD"]),
    ("release=other", ["release", "cannot be set"]),
    ("type=template", ["type", "cannot be set"]),
    ("host_hostuuid=x", ["host_hostuuid"]),
    ("nat_prefix=10.1", ["nat_prefix", "default"]),
    ("notes=again", ["notes", "twice"]),
]


@pytest.mark.parametrize("assignment,words", BAD_ASSIGNMENTS)
def test_bad_set_changes_nothing(jailor, web, assignment, words):
    before = all_configs(web)
    proc = jailor.run("set", "notes=changed", assignment, "web", check=False)
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("jailor: ")
    for w in words:
        assert w in proc.stderr
    assert proc.stdout == ""
    assert all_configs(web) == before


@pytest.mark.parametrize("name,words", [
    ("..", ["'..'"]),
    ("../x", ["'../x'"]),
    ("-x", ["'-x'"]),
    ("a" * 65, ["64"]),
    ("ALL", ["'ALL'", "reserved"]),
    ("nope", ["Jail 'nope' not found"]),
])
def test_bad_jail_names_and_missing_jails(jailor, web, name, words):
    before = all_configs(web)
    for args in (["get", "notes", name], ["get", "all", name], ["set", "notes=x", name]):
        proc = jailor.run(*args, check=False)
        assert proc.returncode != 0, args
        assert proc.stderr.count("\n") == 1, (args, proc.stderr)
        for w in words:
            assert w in proc.stderr, (args, proc.stderr)
    assert all_configs(web) == before
    assert not (web / "jails" / "x").exists()


def test_get_errors(jailor, web):
    assert jailor.fails("get", "frob", "web") == "jailor: Unknown property 'frob'\n"
    assert "FreeBSD" in jailor.fails("get", "securelevel", "web")
    proc = jailor.run("get", "notes", check=False)
    assert proc.returncode == 2
    jailor.run("create", "-e", "-n", "empty")
    assert jailor.fails("get", "release", "empty") == \
        "jailor: Property 'release' has no value in jail 'empty'\n"


def test_corrupt_jail_is_refused_and_left_alone(jailor, web):
    path = web / "jails" / "web" / "config.json"
    path.write_text('{"notes": ')
    err = jailor.fails("get", "notes", "web")
    assert "Jail 'web' cannot be used" in err and "config.json" in err and err.count("\n") == 1
    assert "cannot be used" in jailor.fails("set", "notes=x", "web")
    assert path.read_text() == '{"notes": '


def test_set_waits_for_nobody(jailor, web):
    """A jail another command holds is refused at once, and left unchanged."""
    locks = jailor.run_dir / "locks"
    locks.mkdir(parents=True, exist_ok=True)
    before = all_configs(web)
    with open(locks / "jail-web.lock", "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        err = jailor.fails("set", "notes=x", "web")
    assert "is busy" in err
    assert all_configs(web) == before
