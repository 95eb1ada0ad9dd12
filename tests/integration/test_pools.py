"""Pools: activate, deactivate, pools, auto-selection (SPEC §2)."""
import os
import shutil
import subprocess
import threading
import time

import pytest

from conftest import skip_or_fail

TREE = ["download", "releases", "jails", "templates", "images", "log"]


def conf_pool(jailor):
    for line in jailor.conf().splitlines():
        if line.startswith("pool = "):
            return line.split(" = ", 1)[1]
    return None


def assert_dataset(pool, name):
    """Each directory of the tree is a dataset/subvolume where the backend has them."""
    path = pool.path / "jailor" if pool.backend != "zfs" else None
    if pool.backend == "zfs":
        out = subprocess.run(["zfs", "list", "-H", "-o", "name", f"{pool.pool}/jailor/{name}"],
                             capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
    elif pool.backend == "btrfs":
        # a subvolume's root directory is inode 256
        assert os.stat(path / name).st_ino == 256
    else:
        assert (path / name).is_dir()


def test_activate_creates_the_tree(jailor, pool):
    proc = jailor.run("activate", pool.pool)
    assert proc.stdout == f"Pool '{pool.pool}' activated\n"
    assert "Default configuration missing, created" in proc.stderr
    assert conf_pool(jailor) == str(pool.pool)
    assert f"backend = {pool.backend}" in jailor.conf()
    for name in TREE:
        assert_dataset(pool, name)
    listed = {p["pool"]: p for p in jailor.json("pools")}
    assert listed[str(pool.pool)]["active"] is True
    assert listed[str(pool.pool)]["backend"] == pool.backend
    assert sum(p["active"] for p in listed.values()) == 1


def test_activate_again_is_quiet_and_keeps_the_tree(jailor, pool):
    jailor.run("activate", pool.pool)
    proc = jailor.run("activate", pool.pool)
    assert "Default configuration missing" not in proc.stderr


def test_pools_table_marks_the_active_one(jailor, tmp_path):
    target = tmp_path / "p1"
    target.mkdir()
    jailor.run("activate", target)
    out = jailor.run("pools").stdout.splitlines()
    assert out[0].startswith("+") and "POOL" in out[1] and out[2].startswith("+=")
    rows = [l for l in out if str(target) in l]
    assert len(rows) == 1 and "| *" in rows[0]
    embedded = [l for l in out if str(jailor.embedded) in l]
    assert len(embedded) == 1 and "embedded default" in embedded[0]


def test_one_active_pool_at_a_time(jailor, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    jailor.run("activate", a)
    jailor.run("activate", b)
    assert conf_pool(jailor) == str(b)
    active = [p["pool"] for p in jailor.json("pools") if p["active"]]
    assert active == [str(b)]


def test_deactivate(jailor, tmp_path):
    a = tmp_path / "a"
    a.mkdir()
    jailor.run("activate", a)
    err = jailor.fails("deactivate", tmp_path)
    assert f"Pool '{tmp_path}' is not the active pool (active: {a})" in err
    assert conf_pool(jailor) == str(a)
    assert jailor.run("deactivate", a).stdout == f"Pool '{a}' deactivated\n"
    assert conf_pool(jailor) is None
    assert not any(p["active"] for p in jailor.json("pools"))
    # the pool's data stays
    assert (a / "jailor" / "jails").is_dir()


def test_deactivate_with_nothing_active(jailor, tmp_path):
    err = jailor.fails("deactivate", "tank")
    assert err == "jailor: Pool 'tank' is not the active pool (active: none)\n"


@pytest.mark.parametrize("make_bad,rule", [
    (lambda t: t / "missing", "does not exist"),
    (lambda t: (t / "file").write_text("x") and t / "file", "is not a directory"),
    (lambda t: "no_such_zpool", "is not a ZFS pool"),
])
def test_activate_refuses_what_is_not_a_pool(jailor, tmp_path, make_bad, rule):
    bad = make_bad(tmp_path)
    err = jailor.fails("activate", bad)
    assert err.count("\n") == 1 and f"Pool '{bad}' " in err and rule in err
    assert not jailor.conf_dir.exists()


def test_activate_refuses_a_network_share(jailor, tmp_path):
    if not shutil.which("bindfs"):
        skip_or_fail("bindfs is not installed")
    src, share = tmp_path / "export", tmp_path / "share"
    src.mkdir()
    share.mkdir()
    # a real FUSE mount that says it is sshfs, as an sshfs share would
    subprocess.run(["bindfs", "-o", "subtype=sshfs,fsname=host:/export", src, share], check=True)
    try:
        err = jailor.fails("activate", share)
        assert "is on a network share (fuse.sshfs" in err
        assert err.count("\n") == 1
        assert not (src / "jailor").exists()
        assert not jailor.conf_dir.exists()
    finally:
        subprocess.run(["umount", share], check=True)


def test_warns_when_less_than_10_gib_is_free(jailor, tmp_path):
    import backends
    try:
        (tmp_path / "small").mkdir()
        cm = backends.btrfs_pool(tmp_path / "small")
        pool = cm.__enter__()
    except backends.BackendUnavailable as e:
        skip_or_fail(str(e))
    try:
        proc = jailor.run("activate", pool.pool)
        assert "free; at least 10 GiB is recommended" in proc.stderr
    finally:
        cm.__exit__(None, None, None)


def test_no_warning_with_enough_space(jailor, tmp_path):
    st = os.statvfs(tmp_path)
    if st.f_bavail * st.f_frsize < 11 << 30:
        pytest.skip("the test directory itself has less than 11 GiB free")
    target = tmp_path / "big"
    target.mkdir()
    assert "10 GiB" not in jailor.run("activate", target).stderr


def zpools():
    out = subprocess.run(["zpool", "list", "-H", "-o", "name"], capture_output=True, text=True)
    return out.stdout.split() if out.returncode == 0 else []


def test_autoselects_the_embedded_default_without_zfs(jailor):
    if zpools():
        pytest.skip("this machine has ZFS pools, which auto-selection would prefer")
    proc = jailor.run("get", "priority", "default")
    assert proc.stdout == "99\n"
    assert f"Setting up pool '{jailor.embedded}' for jailor" in proc.stderr
    assert conf_pool(jailor) == str(jailor.embedded)
    assert (jailor.embedded / "jailor" / "defaults.json").is_file()
    # once chosen, it stays chosen quietly
    assert "Setting up" not in jailor.run("get", "priority", "default").stderr


def test_autoselects_the_first_zfs_pool(jailor, tmp_path):
    import backends
    if zpools():
        pytest.skip("this machine already has ZFS pools; not touching them")
    try:
        (tmp_path / "z").mkdir()
        cm = backends.zfs_pool(tmp_path / "z")
        pool = cm.__enter__()
    except backends.BackendUnavailable as e:
        skip_or_fail(str(e))
    try:
        proc = jailor.run("get", "priority", "default")
        assert f"Setting up pool '{pool.pool}' for jailor" in proc.stderr
        assert conf_pool(jailor) == pool.pool
        assert "backend = zfs" in jailor.conf()
        assert not jailor.embedded.exists()
    finally:
        cm.__exit__(None, None, None)


def test_a_vanished_active_pool_is_a_clear_error(jailor, tmp_path):
    a = tmp_path / "gone"
    a.mkdir()
    jailor.run("activate", a)
    shutil.rmtree(a)
    err = jailor.fails("get", "all", "default")
    assert f"Active pool '{a}' is not available" in err
    assert not a.exists()


def test_activation_waits_for_the_pool_lock(jailor, tmp_path):
    import fcntl
    target = tmp_path / "locked"
    target.mkdir()
    lockdir = jailor.run_dir / "locks"
    lockdir.mkdir(parents=True)
    with open(lockdir / "pool.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        proc = subprocess.Popen([str(jailor_binary()), "activate", str(target)], env=jailor.env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(0.5)
        assert proc.poll() is None, "activate did not wait for the pool lock"
        assert conf_pool(jailor) is None
    assert proc.wait(timeout=30) == 0
    assert conf_pool(jailor) == str(target)


def jailor_binary():
    from conftest import JAILOR
    return JAILOR
