"""jailor snapshot, snaplist, rollback and snapremove on every backend (SPEC §5)."""
import json
import os
import random
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest

import rootfs
from conftest import JAILOR, jailor_root


# ---- fixtures and helpers, shared with test_rename_clone.py ----


@pytest.fixture
def jroot(jailor, pool, busybox_tar):
    """A pool of each backend, activated, with release 'bb'; returns its jailor directory."""
    jailor.run("activate", pool.pool)
    jailor.run("fetch", "-r", "bb", "-f", busybox_tar)
    jailor.root = jailor_root(pool)
    return jailor.root


def jails(root, kind="jails"):
    return sorted(p.name for p in (root / kind).iterdir())


def config(root, name, kind="jails"):
    return json.loads((root / kind / name / "config.json").read_text())


def edit_config(root, name, **changes):
    """Changes config.json the way a user editing it by hand would."""
    path = root / "jails" / name / "config.json"
    c = json.loads(path.read_text())
    c.update(changes)
    path.write_text(json.dumps(c, indent=4, sort_keys=True))


def layer(root, ds):
    """The directory holding what a dataset itself contains: the dataset, or for
    a dir-backend clone (an overlay, mounted only while jailor works in it)
    its own upper layer, found through the record store's names."""
    link = root / ".storage" / "names" / ds / "@id"
    if link.is_symlink():
        upper = root / ".storage" / "ids" / os.readlink(link) / "upper"
        if upper.is_dir():
            return upper
    return root / ds


def snapshots_of(pool, root, ds):
    """Names of the storage snapshots of dataset ds, oldest first, asked of the storage itself."""
    if pool.backend == "zfs":
        out = subprocess.run(["zfs", "list", "-H", "-t", "snapshot", "-o", "name", "-s", "createtxg",
                              "-d", "1", f"{pool.pool}/jailor/{ds}"],
                             capture_output=True, text=True, check=True).stdout
        return [line.split("@", 1)[1] for line in out.splitlines() if "@" in line]
    ident = os.readlink(root / ".storage" / "names" / ds / "@id")
    rec = json.loads((root / ".storage" / "ids" / ident / "record.json").read_text())
    return [s["name"] for s in rec.get("snapshots", [])]


def overlay_mounts(root):
    """Overlay mounts below the pool: jailor only mounts one while it works in a root."""
    top = str(Path(root).resolve())
    found = []
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        fields = line.split()
        fstype = fields[fields.index("-") + 1]
        if fstype == "overlay" and fields[4].startswith(top):
            found.append(fields[4])
    return found


def snaplist(jailor, name):
    return jailor.json("snaplist", name)


def listed(jailor):
    """The jails `jailor list` shows; it agrees with the directories jails/."""
    names = [line.split("\t")[1] for line in jailor.run("list", "-h").stdout.splitlines()]
    assert names == jails(jailor.root), (names, jails(jailor.root))
    return names


def get_all(jailor, name):
    """`jailor get all NAME` as a dict: the state a user sees."""
    out = jailor.run("get", "all", name).stdout
    return dict(line.split(":", 1) for line in out.splitlines())


def kill_soon(jailor, args, rng):
    """Starts jailor ARGS, SIGKILLs it after a random 0-200 ms, and waits for
    the helpers it ran (cp, zfs), which outlive it, to finish on their own."""
    p = subprocess.Popen([str(JAILOR), *map(str, args)], env=jailor.env, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True)
    time.sleep(rng.uniform(0, 0.2))
    p.send_signal(signal.SIGKILL)
    p.wait()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            os.killpg(p.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    raise AssertionError(f"helpers of the killed jailor {args} still run")


# ---- the tests ----

def test_snapshot_and_rollback_restore_root_config_and_fstab(jailor, pool, jroot):
    jailor.run("create", "-r", "bb", "-n", "web", "notes=first")
    root = layer(jroot, "jails/web/root")
    (root / "etc" / "motd").write_text("one\n")
    fstab = jroot / "jails" / "web" / "fstab"
    proc = jailor.run("snapshot", "web", "-n", "first")
    assert proc.stdout == "Snapshot: jails/web@first created.\n"
    assert proc.stderr == ""

    (layer(jroot, "jails/web/root") / "etc" / "motd").write_text("two\n")
    edit_config(jroot, "web", notes="second")
    fstab.write_text("/srv\t/srv\tbind\tro\t0\t0\n")
    assert jailor.run("snapshot", "-n", "second", "web").stdout == \
        "Snapshot: jails/web@second created.\n"

    root = layer(jroot, "jails/web/root")
    (root / "etc" / "motd").write_text("three\n")
    (root / "etc" / "new").write_text("later\n")
    edit_config(jroot, "web", notes="third")
    fstab.write_text("")
    assert [s["name"] for s in snaplist(jailor, "web")] == ["first", "second"]
    assert snapshots_of(pool, jroot, "jails/web/root") == ["first", "second"]

    # back to the second: root, config and fstab as they were
    assert jailor.run("rollback", "web", "-n", "second").stdout == \
        "Rolled back to: jails/web@second\n"
    root = layer(jroot, "jails/web/root")
    assert (root / "etc" / "motd").read_text() == "two\n"
    assert not (root / "etc" / "new").exists()
    assert config(jroot, "web")["notes"] == "second"
    assert fstab.read_text() == "/srv\t/srv\tbind\tro\t0\t0\n"
    assert (root / "etc" / "hostname").read_text() == "web\n"  # identity is part of the root

    # back to the first: the later snapshot goes, as with zfs rollback -r
    jailor.run("rollback", "web", "-n", "first", "-f")
    root = layer(jroot, "jails/web/root")
    assert (root / "etc" / "motd").read_text() == "one\n"
    assert config(jroot, "web")["notes"] == "first"
    assert fstab.read_text() == ""
    assert [s["name"] for s in snaplist(jailor, "web")] == ["first"]
    assert snapshots_of(pool, jroot, "jails/web/root") == ["first"]
    assert sorted(os.listdir(jroot / "jails" / "web" / "snapshots")) == ["first.json"]

    # rollback never leaves the root mounted
    assert overlay_mounts(jroot) == []
    assert jailor.run("snapremove", "web", "-n", "first").stdout == \
        "Snapshot: jails/web@first destroyed.\n"
    assert snaplist(jailor, "web") == []
    assert snapshots_of(pool, jroot, "jails/web/root") == []
    assert os.listdir(jroot / "jails" / "web" / "snapshots") == []
    jailor.run("destroy", "web")


def test_snapshot_default_name_and_snaplist_formats(jailor, pool, jroot):
    jailor.run("create", "-r", "bb", "-n", "web")
    out = jailor.run("snapshot", "web").stdout
    m = re.fullmatch(r"Snapshot: jails/web@(\d{4}-\d\d-\d\d_\d\d-\d\d-\d\d) created.\n", out)
    assert m, out
    stamp = m.group(1)
    # the UTC time, as iocage names snapshots (with '-' for ':', which names cannot hold)
    taken = time.mktime(time.strptime(stamp, "%Y-%m-%d_%H-%M-%S")) - time.timezone
    assert abs(taken - time.time()) < 120
    jailor.run("snapshot", "web", "-n", "named")

    table = jailor.run("snaplist", "web").stdout.splitlines()
    assert re.fullmatch(r"\|\s+NAME\s+\|\s+CREATED\s+\|\s+RSIZE\s+\|\s+USED\s+\|", table[1])
    assert table[0].startswith("+-") and table[2].startswith("+=")
    assert table[3].startswith(f"| {stamp} ") and table[5].startswith("| named ")
    assert len(table) == 7

    rows = [line.split("\t") for line in jailor.run("snaplist", "-h", "web").stdout.splitlines()]
    assert [r[0] for r in rows] == [stamp, "named"]
    for name, created, rsize, used in rows:
        assert re.fullmatch(r"\w{3} \w{3} [ \d]\d \d\d:\d\d \d{4}", created), created
        assert re.fullmatch(r"\d+(\.\d+)?[BKMGT]", rsize), rsize
        assert re.fullmatch(r"\d+(\.\d+)?[BKMGT]", used), used

    snaps = snaplist(jailor, "web")
    assert [s["name"] for s in snaps] == [stamp, "named"]
    for s in snaps:
        assert set(s) == {"name", "created", "rsize", "used", "config", "clones"}
        assert abs(s["created"] - time.time()) < 120
        # RSIZE is the root as the jail sees it: the whole busybox release
        assert s["rsize"] > 1_000_000, s
        assert s["config"] is True and s["clones"] == []
    jailor.run("destroy", "web")


def test_snapshot_of_a_template(jailor, pool, jroot):
    jailor.run("create", "-r", "bb", "-n", "tpl", "template=yes")
    assert jailor.run("snapshot", "tpl", "-n", "s").stdout == \
        "Snapshot: templates/tpl@s created.\n"
    assert [s["name"] for s in snaplist(jailor, "tpl")] == ["s"]
    err = jailor.fails("rollback", "tpl", "-n", "s")
    assert err == "jailor: 'tpl' is a template, whose root is read-only: set template=no before " \
                  "rolling it back\n"
    assert jailor.run("snapremove", "tpl", "-n", "s").stdout == \
        "Snapshot: templates/tpl@s destroyed.\n"
    jailor.run("destroy", "tpl")


def test_snapremove_and_rollback_refused_while_clones_use_a_snapshot(jailor, pool, jroot):
    jailor.run("create", "-r", "bb", "-n", "web")
    jailor.run("snapshot", "web", "-n", "early")
    jailor.run("clone", "web", "-n", "copy")
    # the clone's origin is a snapshot of web, listed with its clone (as iocage lists it)
    snaps = snaplist(jailor, "web")
    assert [(s["name"], s["clones"]) for s in snaps] == [("early", []), ("copy", ["jails/copy"])]
    err = jailor.fails("snapremove", "web", "-n", "copy")
    assert err.count("\n") == 1 and "jails/copy" in err and "clones" in err, err
    err = jailor.fails("rollback", "web", "-n", "early")
    assert err.count("\n") == 1 and "jails/copy" in err, err
    assert [s["name"] for s in snaplist(jailor, "web")] == ["early", "copy"]
    jailor.run("snapremove", "web", "-n", "early")
    # destroying the clone removes its origin snapshot
    jailor.run("destroy", "copy")
    assert snaplist(jailor, "web") == []
    assert snapshots_of(pool, jroot, "jails/web/root") == []
    jailor.run("destroy", "web")


@pytest.mark.parametrize("args,message", [
    (["snapshot", "ghost"], "jailor: Jail 'ghost' not found\n"),
    (["snapshot", "../etc"], "Invalid jail name '../etc'"),
    (["snapshot", "web", "-n", "a b"], "Snapshot name 'a b' contains the byte 0x20"),
    (["snapshot", "web", "-n", "x:y"], "Snapshot name 'x:y' contains ':'"),
    (["snapshot", "web", "-n", "-x"], "Snapshot name '-x' has a component starting with '-'"),
    (["snapshot", "web", "-n", "a" * 65], "longer than 64"),
    (["snapshot", "web", "-n", "kept"], "jailor: Snapshot 'jails/web@kept' already exists\n"),
    (["rollback", "web", "-n", "nope"], "jailor: Snapshot 'jails/web@nope' not found\n"),
    (["rollback", "ghost", "-n", "kept"], "jailor: Jail 'ghost' not found\n"),
    (["snapremove", "web", "-n", "nope"], "jailor: Snapshot 'jails/web@nope' not found\n"),
    (["snapremove", "web", "-n", "../kept"], "Snapshot name '../kept' contains '/'"),
    (["snaplist", "ghost"], "jailor: Jail 'ghost' not found\n"),
])
def test_bad_input_changes_nothing(jailor, pool, jroot, args, message):
    jailor.run("create", "-r", "bb", "-n", "web")
    jailor.run("snapshot", "web", "-n", "kept")
    before = (snaplist(jailor, "web"), sorted(os.listdir(jroot / "jails" / "web" / "snapshots")),
              config(jroot, "web"))
    err = jailor.fails(*args)
    assert err.count("\n") == 1, err
    assert message in err, err
    after = (snaplist(jailor, "web"), sorted(os.listdir(jroot / "jails" / "web" / "snapshots")),
             config(jroot, "web"))
    assert after == before
    assert jails(jroot) == ["web"]


def test_command_line_mistakes_exit_2(jailor, tmp_path):
    for args in (["snapshot"], ["rollback", "web"], ["snapremove", "web"], ["snaplist"],
                 ["snapshot", "a", "b"], ["rollback", "-x", "web"]):
        proc = jailor.run(*args, check=False)
        assert proc.returncode == 2, (args, proc.stderr)
        assert proc.stderr.startswith(f"jailor {args[0]}: "), proc.stderr


def test_killed_snapshots_leave_old_or_new(jailor, pool, jroot, big_tar):
    """SIGKILL at random points: each snapshot exists whole (with its record)
    or not at all, nothing stays mounted, and taking it again succeeds."""
    jailor.run("fetch", "-r", "big", "-f", big_tar)
    jailor.run("create", "-r", "big", "-n", "k", "-T")  # thick: its own 4000 files to copy
    rng = random.Random(11)
    iterations = 8 if pool.backend == "zfs" else 15
    for i in range(iterations):
        kill_soon(jailor, ["snapshot", "k", "-n", f"s{i}"], rng)
        assert overlay_mounts(jroot) == []
        assert get_all(jailor, "k")["host_hostname"] == "k"
        listed = {s["name"]: s for s in snaplist(jailor, "k")}
        if f"s{i}" in listed:
            # whole: with its record, so rollback can restore the config
            assert listed[f"s{i}"]["config"] is True and listed[f"s{i}"]["rsize"] > 0
        again = jailor.run("snapshot", "k", "-n", f"s{i}", check=False)
        if f"s{i}" in listed:
            assert again.stderr == f"jailor: Snapshot 'jails/k@s{i}' already exists\n"
        else:
            assert again.returncode == 0, again.stderr
    names = [s["name"] for s in snaplist(jailor, "k")]
    assert names == [f"s{i}" for i in range(iterations)]
    assert all(s["config"] for s in snaplist(jailor, "k"))
    assert sorted(os.listdir(jroot / "jails" / "k" / "snapshots")) == \
        sorted(f"s{i}.json" for i in range(iterations))
    # a rollback after all that works
    jailor.run("rollback", "k", "-n", "s0")
    assert [s["name"] for s in snaplist(jailor, "k")] == ["s0"]
    jailor.run("destroy", "k")
