"""jailor create and destroy; config.json and its migration (SPEC §2, §5)."""
import json
import os
import random
import re
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

import rootfs
from conftest import JAILOR


@pytest.fixture
def pool_with_release(jailor, pool, busybox_tar):
    """A pool of each backend, activated, with release 'bb'; returns its jailor dir."""
    jailor.run("activate", pool.pool)
    jailor.run("fetch", "-r", "bb", "-f", busybox_tar)
    if pool.backend == "zfs":
        out = subprocess.run(["zfs", "get", "-H", "-o", "value", "mountpoint", f"{pool.pool}/jailor"],
                             capture_output=True, text=True, check=True)
        return Path(out.stdout.strip())
    return Path(pool.path) / "jailor"


@pytest.fixture
def dir_pool(jailor, tmp_path, busybox_tar):
    pool = tmp_path / "pool"
    pool.mkdir()
    jailor.run("activate", pool)
    jailor.run("fetch", "-r", "bb", "-f", busybox_tar)
    return pool / "jailor"


def jails(root):
    return sorted(p.name for p in (root / "jails").iterdir())


def config(root, name, kind="jails"):
    return json.loads((root / kind / name / "config.json").read_text())


def in_root(root, name, path, jailor=None):
    """Reads a file of a jail's root; dir clones are overlays, so read the
    layers through a mount the way the runtime will: the storage harness is
    not needed, the files written at create live in the clone's upper layer
    or the plain root."""
    p = root / "jails" / name / "root" / path
    if p.exists():
        return p.read_text()
    # dir backend clone: unmounted overlay; its own layer holds what create wrote
    for upper in (root / ".storage" / "ids").glob("*/upper"):
        candidate = upper / path
        rec = json.loads((upper.parent / "record.json").read_text())
        if rec.get("name") == f"jails/{name}/root" and candidate.exists():
            return candidate.read_text()
    raise FileNotFoundError(p)


def test_create_clone_jail(jailor, pool, pool_with_release):
    root = pool_with_release
    proc = jailor.run("create", "-r", "bb", "-n", "web", "notes=hello world", "priority=5")
    assert proc.stdout == "web successfully created!\n"
    assert jails(root) == ["web"]
    c = config(root, "web")
    assert c == {"CONFIG_VERSION": 1, "release": "bb", "cloned_release": "bb",
                 "notes": "hello world", "priority": 5}
    assert in_root(root, "web", "etc/hostname") == "web\n"
    assert "127.0.1.1\tweb\n" in in_root(root, "web", "etc/hosts")
    mid = in_root(root, "web", "etc/machine-id")
    assert re.fullmatch(r"[0-9a-f]{32}\n", mid)
    # a clone copies nothing: the release snapshot @web is its origin
    if pool.backend == "zfs":
        origin = subprocess.run(["zfs", "get", "-H", "-o", "value", "origin",
                                 f"{pool.pool}/jailor/jails/web/root"], capture_output=True, text=True)
        assert origin.stdout.strip() == f"{pool.pool}/jailor/releases/bb/root@web"
    assert (root / "jails" / "web" / "fstab").read_text() == ""
    jailor.run("destroy", "web")
    assert jails(root) == []
    assert list((root / "staging").iterdir()) == []


def test_each_jail_has_its_own_machine_id(jailor, dir_pool):
    jailor.run("create", "-r", "bb", "-c", "3", "-n", "m")
    ids = {in_root(dir_pool, f"m_{i}", "etc/machine-id") for i in (1, 2, 3)}
    assert len(ids) == 3
    assert jails(dir_pool) == ["m_1", "m_2", "m_3"]


def test_create_thick_basejail_empty(jailor, pool, pool_with_release):
    root = pool_with_release
    jailor.run("create", "-r", "bb", "-n", "thick", "-T")
    jailor.run("create", "-r", "bb", "-n", "base", "-b")
    jailor.run("create", "-e", "-n", "empty")
    assert (root / "jails" / "thick" / "root" / "bin" / "busybox").is_file()
    assert "cloned_release" not in config(root, "thick")
    # basejail: the system dirs are empty mount points bound read-only from the release
    base = root / "jails" / "base" / "root"
    assert (base / "bin").is_dir() and list((base / "bin").iterdir()) == []
    assert (base / "etc" / "passwd").is_file()
    fstab = (root / "jails" / "base" / "fstab").read_text().splitlines()
    release_root = root / "releases" / "bb" / "root"
    assert f"{release_root}/bin\t/bin\tbind\tro\t0\t0\t# basejail" in fstab
    assert config(root, "base")["basejail"] == 1
    assert list((root / "jails" / "empty" / "root").iterdir()) == []
    assert "release" not in config(root, "empty")
    # the release has dependants now
    err = jailor.fails("destroy", "-r", "bb")
    assert "jails/base" in err
    for j in ("thick", "base", "empty"):
        jailor.run("destroy", j)
    jailor.run("destroy", "-r", "bb")


def test_uuid_names(jailor, dir_pool):
    name = jailor.run("create", "-r", "bb").stdout.split()[0]
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", name)
    short = jailor.run("create", "-r", "bb", "-s").stdout.split()[0]
    assert re.fullmatch(r"[0-9a-f]{8}", short)
    assert sorted(jails(dir_pool)) == sorted([name, short])


def test_create_fetches_a_missing_release(jailor, tmp_path, busybox_tar):
    pool = tmp_path / "pool"
    pool.mkdir()
    jailor.run("activate", pool)
    err = jailor.fails("create", "-r", "nosuchsuite", "-n", "x")
    assert "not a Debian suite jailor knows" in err
    assert jails(pool / "jailor") == []


@pytest.mark.parametrize("args,words", [
    (["-n", ".."], ["'..'"]),
    (["-n", "../x"], ["'../x'"]),
    (["-n", "-x"], ["'-x'"]),
    (["-n", "a" * 65], ["64"]),
    (["-n", "ALL"], ["'ALL'", "reserved"]),
    (["-n", "ok", "boot=onion"], ["'onion'", "boot"]),
    (["-n", "ok", "securelevel=2"], ["securelevel", "FreeBSD"]),
    (["-n", "ok", "frob=1"], ["frob"]),
    (["-n", "ok", "release=x"], ["release"]),
    (["-n", "ok", "ip4_addr=vnet0|300.1.1.1/24"], ["300.1.1.1"]),
])
def test_bad_create_makes_nothing(jailor, dir_pool, args, words):
    err = jailor.fails("create", "-r", "bb", *args)
    assert err.count("\n") == 1, err
    for w in words:
        assert w in err
    assert jails(dir_pool) == []
    assert list((dir_pool / "staging").iterdir()) == []


def test_duplicate_names_are_refused(jailor, dir_pool):
    jailor.run("create", "-r", "bb", "-n", "one")
    assert jailor.fails("create", "-r", "bb", "-n", "one") == "jailor: Jail 'one' already exists\n"
    jailor.run("create", "-r", "bb", "-n", "tpl", "template=yes")
    assert (dir_pool / "templates" / "tpl").is_dir()
    assert jailor.fails("create", "-r", "bb", "-n", "tpl") == "jailor: Jail 'tpl' already exists\n"
    assert "exactly one of" in jailor.fails("create", "-n", "x")
    assert "Template 'nope' not found" in jailor.fails("create", "-t", "nope", "-n", "x")
    assert "is a jail, not a template" in jailor.fails("create", "-t", "one", "-n", "x")


def test_concurrent_creates_of_one_name(jailor, dir_pool):
    procs = [subprocess.Popen([str(JAILOR), "create", "-r", "bb", "-n", "same"], env=jailor.env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(4)]
    results = [(p.wait(), p.stdout.read(), p.stderr.read()) for p in procs]
    winners = [r for r in results if r[0] == 0]
    assert len(winners) == 1, results
    for rc, out, err in results:
        if rc:
            assert err in ("jailor: Jail 'same' already exists\n",
                           "jailor: Jail 'same' is busy: another jailor command is changing it\n"), err
    assert jails(dir_pool) == ["same"]


def test_destroy_errors(jailor, dir_pool):
    assert jailor.fails("destroy", "ghost") == "jailor: Jail 'ghost' not found\n"
    assert "Invalid jail name" in jailor.fails("destroy", "../etc")


def test_created_hook_runs_on_the_host(jailor, dir_pool, tmp_path):
    mark = tmp_path / "created"
    jailor.run("create", "-r", "bb", "-n", "hooked", f"exec_created=echo $JAIL_NAME > {mark}")
    assert mark.read_text() == "hooked\n"
    proc = jailor.run("create", "-r", "bb", "-n", "failing", "exec_created=exit 3")
    assert "exec_created 'exit 3' of jail 'failing' failed (exit 3); the jail was created" in proc.stderr
    assert "failing" in jails(dir_pool)


def test_killed_create_and_destroy_leave_old_or_new(jailor, pool, pool_with_release, tmp_path):
    """SIGKILL at random points: afterwards the jail is whole or absent, and
    the command succeeds when repeated."""
    root = pool_with_release
    rng = random.Random(7)
    iterations = 8 if pool.backend == "zfs" else 15
    for i in range(iterations):
        cmd = ["create", "-r", "bb", "-n", "k", "-T"] if "k" not in jails(root) else ["destroy", "k"]
        p = subprocess.Popen([str(JAILOR), *cmd], env=jailor.env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0, 0.15))
        p.send_signal(signal.SIGKILL)
        p.wait()
        # as jailor sees it: a zfs rename killed before its mount is remounted
        # by the next command that opens the pool
        jailor.run("list", check=False)
        present = "k" in jails(root)
        if present:
            c = config(root, "k")  # whole: its config is there and readable
            assert c["release"] == "bb"
            assert (root / "jails" / "k" / "root" / "bin" / "busybox").exists()
        # the same command again succeeds (or has nothing left to do)
        again = jailor.run(*cmd, check=False)
        if cmd[0] == "create":
            assert again.returncode == 0 or "already exists" in again.stderr, again.stderr
        else:
            assert again.returncode == 0 or "not found" in again.stderr, again.stderr
    # destroying the name also clears what a killed create left in staging/
    jailor.run("destroy", "k", check=False)
    assert jails(root) == []
    assert list((root / "staging").iterdir()) == []


def copy_snapshots(pool):
    """The @jailor-copy- snapshots in the pool's jailor dataset (zfs)."""
    out = subprocess.run(["zfs", "list", "-H", "-t", "snapshot", "-o", "name", "-r",
                          f"{pool.pool}/jailor"], capture_output=True, text=True, check=True)
    return [n for n in out.stdout.split() if "@jailor-copy-" in n]


def wait_for_orphaned_sends(pool, timeout=60):
    """A killed copy's `zfs send | zfs recv` runs on to its end: wait for it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ps = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
        if not any(line.startswith(("zfs send", "zfs recv")) and pool.pool in line
                   for line in ps.splitlines()):
            return
        time.sleep(0.2)
    raise AssertionError("a zfs send or recv of a killed copy is still running")


@pytest.mark.parametrize("pool", ["zfs"], indirect=True)
def test_killed_thick_create_leaves_no_copy_snapshot(jailor, pool, pool_with_release):
    """A create -T killed while it sends the release leaves the snapshot it
    sends (@jailor-copy-<pid>-<start>); snaplist never shows it, and the next
    copy clears it."""
    root = pool_with_release
    killed_mid_copy = 0
    for attempt in range(12):
        if killed_mid_copy >= 2:
            break
        p = subprocess.Popen([str(JAILOR), "create", "-r", "bb", "-n", "k", "-T"], env=jailor.env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # kill it the moment its copy snapshot exists
        while p.poll() is None and not copy_snapshots(pool):
            time.sleep(0.01)
        p.send_signal(signal.SIGKILL)
        p.wait()
        wait_for_orphaned_sends(pool)
        left = copy_snapshots(pool)
        killed_mid_copy += bool(left)
        if "k" in jails(root):
            names = [s["name"] for s in jailor.json("snaplist", "k")]
            assert not [n for n in names if n.startswith("jailor-copy-")], names
        jailor.run("destroy", "k", check=False)
    assert killed_mid_copy, "no create was killed while its copy snapshot existed"
    # the next copy clears what the killed ones left
    jailor.run("create", "-r", "bb", "-n", "k", "-T")
    assert copy_snapshots(pool) == []
    assert (root / "jails" / "k" / "root" / "bin" / "busybox").exists()
    jailor.run("destroy", "k")


@pytest.mark.parametrize("pool", ["zfs"], indirect=True)
def test_copy_snapshots_hidden_and_cleared_when_their_copy_is_gone(jailor, pool,
                                                                    pool_with_release):
    root = pool_with_release
    jailor.run("create", "-r", "bb", "-n", "k", "-T")
    jail_root = subprocess.run(["zfs", "list", "-H", "-o", "name", "-r", f"{pool.pool}/jailor"],
                               capture_output=True, text=True, check=True).stdout.split()
    jail_root = next(n for n in jail_root if n.endswith("/jails/k/root"))
    release_root = jail_root.replace("/jails/k/root", "/releases/bb/root")
    # one left by a copy whose process is gone (no pid is that large), one by
    # a running copy: this test's process, named the way jailor names them
    start = open(f"/proc/{os.getpid()}/stat").read().rpartition(")")[2].split()[19]
    stale = [f"{jail_root}@jailor-copy-999999999-1", f"{release_root}@jailor-copy-12345678"]
    live = f"{release_root}@jailor-copy-{os.getpid()}-{start}"
    for snap in [*stale, live]:
        subprocess.run(["zfs", "snapshot", snap], check=True)
    jailor.run("snapshot", "-n", "mine", "k")
    assert [s["name"] for s in jailor.json("snaplist", "k")] == ["mine"]
    assert "is reserved" in jailor.fails("snapshot", "-n", "jailor-copy-1-1", "k")
    # a destroy clears the stale ones and leaves the one in use
    jailor.run("create", "-r", "bb", "-n", "other")
    jailor.run("destroy", "other")
    assert copy_snapshots(pool) == [live]
    subprocess.run(["zfs", "destroy", live], check=True)
    jailor.run("destroy", "k")
    assert jails(root) == []


IOCAGE_CONFIG = {
    "CONFIG_VERSION": "29",
    "allow_raw_sockets": 1,
    "boot": 1,
    "bpf": 1,
    "devfs_ruleset": "4",
    "exec_start": "/bin/sh /etc/rc",
    "exec_stop": "/bin/sh /etc/rc.shutdown",
    "exec_prestart": "/usr/bin/true",
    "host_hostname": "legacy",
    "host_hostuuid": "somethingelse",
    "ip4_addr": "vnet0|192.168.1.50/24",
    "jail_zfs_dataset": "iocage/jails/legacy/data",
    "notes": "from TrueNAS",
    "priority": "20",
    "release": "13.2-RELEASE-p4",
    "securelevel": "2",
    "vnet": 1,
}


def test_iocage_config_is_migrated_with_a_backup(jailor, dir_pool):
    jailor.run("create", "-r", "bb", "-n", "legacy")
    path = dir_pool / "jails" / "legacy" / "config.json"
    original = json.dumps(IOCAGE_CONFIG, indent=4, sort_keys=True)
    path.write_text(original)
    # the first read of the jail migrates it
    proc = jailor.run("get", "notes", "legacy")
    assert proc.stdout == "from TrueNAS\n"
    assert "migrated to schema 1; the original is in config_backup.json" in proc.stderr
    assert "dropped iocage settings with no Linux meaning: bpf, devfs_ruleset, jail_zfs_dataset, " \
           "securelevel" in proc.stderr
    migrated = json.loads(path.read_text())
    backup = dir_pool / "jails" / "legacy" / "config_backup.json"
    assert backup.read_text() == original
    assert migrated["CONFIG_VERSION"] == 1
    assert migrated["boot"] == 1 and migrated["vnet"] == 1 and migrated["allow_raw_sockets"] == 1
    assert migrated["priority"] == 20 and migrated["notes"] == "from TrueNAS"
    assert migrated["ip4_addr"] == "vnet0|192.168.1.50/24"
    assert migrated["host_hostname"] == "legacy" and migrated["host_hostuuid"] == "legacy"
    for gone in ("bpf", "devfs_ruleset", "securelevel", "jail_zfs_dataset", "exec_start",
                 "exec_stop", "exec_prestart"):
        assert gone not in migrated, gone
    # renaming the backup back restores the earlier settings, byte for byte
    backup.rename(path)
    assert path.read_text() == original


def test_destroy_release_with_its_jails(jailor, pool, pool_with_release):
    root = pool_with_release
    jailor.run("create", "-r", "bb", "-n", "c1")
    jailor.run("create", "-r", "bb", "-n", "b1", "-b")
    jailor.run("create", "-r", "bb", "-n", "t1", "-T")
    err = jailor.fails("destroy", "-r", "bb")
    assert "Release 'bb' has dependants: jails/c1, jails/b1" in err
    jailor.run("destroy", "-r", "-R", "bb")
    assert jails(root) == ["t1"]  # a thick jail does not depend on its release
    assert jailor.json("list", "-r") == []
    jailor.run("destroy", "t1")
