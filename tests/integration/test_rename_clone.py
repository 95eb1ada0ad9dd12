"""jailor rename and clone on every backend (SPEC §5, iocage reference §1.2, §4.4)."""
import json
import os
import random
import re
import subprocess

import pytest

from conftest import JAILOR
from test_snapshots import (config, edit_config, get_all, jails,  # noqa: F401
                            jroot, kill_soon, layer, listed, overlay_mounts, snaplist,
                            snapshots_of)


def origin(pool, root, ds):
    """The snapshot ds was cloned from, "releases/bb/root@web", asked of the storage."""
    if pool.backend == "zfs":
        out = subprocess.run(["zfs", "get", "-H", "-o", "value", "origin", f"{pool.pool}/jailor/{ds}"],
                             capture_output=True, text=True, check=True).stdout.strip()
        return None if out == "-" else out.split("/jailor/", 1)[1]
    # dir and btrfs: records name their origin by id; names/ maps names to ids
    store = root / ".storage"
    names = {os.readlink(os.path.join(d, "@id")): os.path.relpath(d, store / "names")
             for d, _, files in os.walk(store / "names") if "@id" in files}
    ident = os.readlink(store / "names" / ds / "@id")
    rec = json.loads((store / "ids" / ident / "record.json").read_text())
    if not rec.get("origin"):
        return None
    origin_id, snap = rec["origin"].split("@")
    return f"{names[origin_id]}@{snap}"


def identity(root, ds):
    etc = layer(root, ds) / "etc"
    return ((etc / "hostname").read_text(), (etc / "hosts").read_text(),
            (etc / "machine-id").read_text())


# ---- rename ----

def test_rename_a_jail(jailor, pool, jroot):
    jailor.run("create", "-r", "bb", "-n", "web")
    jailor.run("snapshot", "web", "-n", "before")
    machine_id = identity(jroot, "jails/web/root")[2]
    proc = jailor.run("rename", "web", "db")
    assert proc.stdout == "Jail: web renamed to db\n"
    assert proc.stderr == ""
    assert jails(jroot) == ["db"]
    # the default hostname follows, in the config and in the jail's own files
    assert "host_hostname" not in config(jroot, "db")
    assert jailor.run("get", "host_hostname", "db").stdout == "db\n"
    hostname, hosts, mid = identity(jroot, "jails/db/root")
    assert hostname == "db\n"
    assert "127.0.1.1\tdb\n" in hosts and "web" not in hosts
    assert mid == machine_id
    # the origin snapshot carries the new name
    assert origin(pool, jroot, "jails/db/root") == "releases/bb/root@db"
    assert snapshots_of(pool, jroot, "releases/bb/root") == ["db"]
    # its snapshots came along, and still roll back
    assert [s["name"] for s in snaplist(jailor, "db")] == ["before"]
    jailor.run("rollback", "db", "-n", "before")
    assert overlay_mounts(jroot) == []
    # a new jail may take the old name
    jailor.run("create", "-r", "bb", "-n", "web")
    assert jails(jroot) == ["db", "web"]
    jailor.run("destroy", "db")
    assert snapshots_of(pool, jroot, "releases/bb/root") == ["web"]
    jailor.run("destroy", "web")


def test_rename_keeps_a_custom_hostname(jailor, pool, jroot):
    jailor.run("create", "-r", "bb", "-n", "named", "host_hostname=mail.example.com")
    jailor.run("create", "-r", "bb", "-n", "plain_1", "host_hostname=plain-1")
    jailor.run("rename", "named", "other")
    assert config(jroot, "other")["host_hostname"] == "mail.example.com"
    assert identity(jroot, "jails/other/root")[0] == "mail.example.com\n"
    # a hostname stored with the default value was the default: it follows
    jailor.run("rename", "plain_1", "plain_2")
    assert "host_hostname" not in config(jroot, "plain_2")
    hostname, hosts, _ = identity(jroot, "jails/plain_2/root")
    assert hostname == "plain-2\n" and "127.0.1.1\tplain-2\n" in hosts
    for j in ("other", "plain_2"):
        jailor.run("destroy", j)


def test_rename_a_template_keeps_its_jails_working(jailor, pool, jroot):
    jailor.run("create", "-r", "bb", "-n", "tpl", "template=yes", "notes=base")
    jailor.run("create", "-t", "tpl", "-n", "child")
    jailor.run("create", "-t", "tpl", "-n", "thick", "-T")
    assert jailor.run("rename", "tpl", "base").stdout == "Jail: tpl renamed to base\n"
    assert jails(jroot, "templates") == ["base"]
    for j in ("child", "thick"):
        assert config(jroot, j)["source_template"] == "base"
    assert origin(pool, jroot, "jails/child/root") == "templates/base/root@child"
    # the clone still sees the template's files: snapshot measures its whole root
    jailor.run("snapshot", "child", "-n", "s")
    assert snaplist(jailor, "child")[0]["rsize"] > 1_000_000
    jailor.run("clone", "child", "-n", "grandchild")
    assert identity(jroot, "jails/grandchild/root")[0] == "grandchild\n"
    jailor.run("create", "-t", "base", "-n", "later")
    assert config(jroot, "later")["source_template"] == "base"
    err = jailor.fails("destroy", "base")
    assert "jails/child" in err
    for j in ("grandchild", "child", "thick", "later", "base"):
        jailor.run("destroy", j)
    assert jails(jroot) == [] and jails(jroot, "templates") == []
    assert overlay_mounts(jroot) == []


def test_rename_a_clone_of_a_jail_renames_its_origin_snapshot(jailor, pool, jroot):
    jailor.run("create", "-r", "bb", "-n", "src")
    jailor.run("clone", "src", "-n", "one")
    jailor.run("rename", "one", "two")
    assert origin(pool, jroot, "jails/two/root") == "jails/src/root@two"
    assert [(s["name"], s["clones"], s["config"]) for s in snaplist(jailor, "src")] == \
        [("two", ["jails/two"], True)]
    jailor.run("destroy", "two")
    assert snaplist(jailor, "src") == []
    jailor.run("destroy", "src")


@pytest.mark.parametrize("new,message", [
    ("a b", "Invalid jail name 'a b'"),
    ("..", "Invalid jail name '..'"),
    ("x/y", "Invalid jail name 'x/y'"),
    ("-x", "Invalid jail name '-x'"),
    (".hidden", "Invalid jail name '.hidden'"),
    ("ALL", "reserved"),
    ("default", "reserved"),
    ("a" * 65, "64"),
    ("other", "jailor: Jail 'other' already exists\n"),
    ("tpl", "jailor: Jail 'tpl' already exists\n"),
    ("web", "jailor: Jail 'web' is already called 'web'\n"),
])
def test_rename_refuses_bad_names(jailor, pool, jroot, new, message):
    jailor.run("create", "-r", "bb", "-n", "web")
    jailor.run("create", "-r", "bb", "-n", "other")
    jailor.run("create", "-r", "bb", "-n", "tpl", "template=yes")
    err = jailor.fails("rename", "web", "--", new)
    assert err.count("\n") == 1, err
    assert message in err, err
    assert jails(jroot) == ["other", "web"] and jails(jroot, "templates") == ["tpl"]
    assert identity(jroot, "jails/web/root")[0] == "web\n"
    assert origin(pool, jroot, "jails/web/root") == "releases/bb/root@web"


def test_rename_errors(jailor, pool, jroot):
    assert jailor.fails("rename", "ghost", "x") == "jailor: Jail 'ghost' not found\n"
    assert "Invalid jail name '../x'" in jailor.fails("rename", "../x", "y")
    for args in (["rename"], ["rename", "a"], ["rename", "a", "b", "c"]):
        proc = jailor.run(*args, check=False)
        assert proc.returncode == 2 and proc.stderr.startswith("jailor rename: "), proc.stderr


def test_concurrent_renames_to_one_name(jailor, pool, jroot):
    jailor.run("create", "-r", "bb", "-n", "a")
    jailor.run("create", "-r", "bb", "-n", "b")
    procs = [subprocess.Popen([str(JAILOR), "rename", old, "c"], env=jailor.env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for old in ("a", "b")]
    results = [(p.wait(), p.stdout.read(), p.stderr.read()) for p in procs]
    winners = [r for r in results if r[0] == 0]
    assert len(winners) == 1, results
    for rc, out, err in results:
        if rc:
            assert err in ("jailor: Jail 'c' already exists\n",
                           "jailor: Jail 'c' is busy: another jailor command is changing it\n"), err
    assert len(jails(jroot)) == 2 and "c" in jails(jroot)
    assert identity(jroot, "jails/c/root")[0] == "c\n"
    loser = ({"a", "b"} & set(jails(jroot))).pop()
    assert identity(jroot, f"jails/{loser}/root")[0] == f"{loser}\n"
    assert sorted(snapshots_of(pool, jroot, "releases/bb/root")) == sorted(["c", loser])


def test_killed_renames_leave_old_or_new(jailor, pool, jroot, big_tar):
    """SIGKILL at random points: the jail is whole under one of its names, and
    running the same rename again finishes it (or finds it done)."""
    jailor.run("fetch", "-r", "big", "-f", big_tar)
    jailor.run("create", "-r", "big", "-n", "k")
    jailor.run("snapshot", "k", "-n", "s")
    rng = random.Random(5)
    iterations = 8 if pool.backend == "zfs" else 15
    for i in range(iterations):
        old, new = ("k", "k2") if "k" in jails(jroot) else ("k2", "k")
        kill_soon(jailor, ["rename", old, new], rng)
        assert overlay_mounts(jroot) == []
        now = listed(jailor)
        assert now in (["k"], ["k2"]), now
        name = now[0]
        state = get_all(jailor, name)  # whole: readable, and named by one name only
        assert (state["host_hostuuid"], state["host_hostname"], state["release"]) == \
            (name, name, "big")
        assert [s["name"] for s in snaplist(jailor, name)] == ["s"]
        again = jailor.run("rename", old, new, check=False)
        if name == new:
            assert again.stderr == f"jailor: Jail '{old}' not found\n", again.stderr
        else:
            assert again.returncode == 0, again.stderr
        assert jails(jroot) == [new]
        # everything names the jail by its new name
        assert identity(jroot, f"jails/{new}/root")[0] == f"{new}\n"
        assert origin(pool, jroot, f"jails/{new}/root") == f"releases/big/root@{new}"
        assert snapshots_of(pool, jroot, "releases/big/root") == [new]
    jailor.run("destroy", jails(jroot)[0])
    assert list((jroot / "staging").iterdir()) == []


# ---- clone ----

def test_clone_a_jail(jailor, pool, jroot):
    jailor.run("create", "-r", "bb", "-n", "src", "notes=original", "priority=7",
               "vnet0_mac=02:00:00:00:00:01,02:00:00:00:00:02")
    edit_config(jroot, "src", last_started="2024-05-01 10:11:12")
    (layer(jroot, "jails/src/root") / "etc" / "motd").write_text("made in src\n")
    (jroot / "jails" / "src" / "fstab").write_text("/srv\t/srv\tbind\tro\t0\t0\n")
    proc = jailor.run("clone", "src", "-n", "dst", "notes=cloned")
    assert proc.stdout == "dst successfully cloned!\n"
    assert proc.stderr == ""
    assert jails(jroot) == ["dst", "src"]
    c = config(jroot, "dst")
    assert c["notes"] == "cloned" and c["priority"] == 7
    assert c["release"] == "bb" and c["cloned_release"] == "bb"
    for personal in ("host_hostuuid", "host_hostname", "vnet0_mac", "last_started"):
        assert personal not in c, personal
    assert (jroot / "jails" / "dst" / "fstab").read_text() == "/srv\t/srv\tbind\tro\t0\t0\n"
    # its own identity, the source's content
    hostname, hosts, mid = identity(jroot, "jails/dst/root")
    assert hostname == "dst\n" and "127.0.1.1\tdst\n" in hosts and "src" not in hosts
    assert re.fullmatch(r"[0-9a-f]{32}\n", mid) and mid != identity(jroot, "jails/src/root")[2]
    assert identity(jroot, "jails/src/root")[0] == "src\n"
    # the content came along: a thick copy of the clone shows it (on dir through its layers)
    jailor.run("clone", "dst", "-n", "flat", "-T")
    assert (jroot / "jails" / "flat" / "root" / "etc" / "motd").read_text() == "made in src\n"
    assert (jroot / "jails" / "flat" / "root" / "etc" / "hostname").read_text() == "flat\n"
    jailor.run("destroy", "flat")
    jailor.run("snapshot", "dst", "-n", "s")
    assert snaplist(jailor, "dst")[0]["rsize"] > 1_000_000
    # a clone of the snapshot jails/src/root@dst, which src lists
    assert origin(pool, jroot, "jails/dst/root") == "jails/src/root@dst"
    assert [(s["name"], s["clones"]) for s in snaplist(jailor, "src")] == [("dst", ["jails/dst"])]
    assert "jails/dst" in jailor.fails("destroy", "src")
    assert overlay_mounts(jroot) == []
    jailor.run("destroy", "dst")
    assert snaplist(jailor, "src") == []
    jailor.run("destroy", "src")


def test_clone_thick_and_custom_hostname(jailor, pool, jroot):
    jailor.run("create", "-r", "bb", "-n", "src", "host_hostname=shared.example.com")
    (layer(jroot, "jails/src/root") / "etc" / "motd").write_text("made in src\n")
    assert jailor.run("clone", "src", "-n", "copy", "-T").stdout == "copy successfully cloned!\n"
    assert origin(pool, jroot, "jails/copy/root") is None
    assert "cloned_release" not in config(jroot, "copy") and config(jroot, "copy")["release"] == "bb"
    assert snaplist(jailor, "src") == []
    copy_root = jroot / "jails" / "copy" / "root"
    assert (copy_root / "etc" / "motd").read_text() == "made in src\n"
    assert (copy_root / "bin" / "busybox").is_file()
    # a custom hostname is the user's choice, kept
    assert config(jroot, "copy")["host_hostname"] == "shared.example.com"
    assert (copy_root / "etc" / "hostname").read_text() == "shared.example.com\n"
    # independent: src can go
    jailor.run("destroy", "src")
    assert (copy_root / "bin" / "busybox").is_file()
    jailor.run("destroy", "copy")


def test_clone_as_template_and_of_an_empty_jail(jailor, pool, jroot):
    jailor.run("create", "-e", "-n", "empty")
    jailor.run("clone", "empty", "-n", "empty2")
    assert list((layer(jroot, "jails/empty2/root")).iterdir()) == []
    jailor.run("create", "-r", "bb", "-n", "src")
    jailor.run("clone", "src", "-n", "tpl", "template=yes")
    assert jails(jroot, "templates") == ["tpl"]
    jailor.run("create", "-t", "tpl", "-n", "fromtpl")
    assert config(jroot, "fromtpl")["source_template"] == "tpl"
    for j in ("fromtpl", "tpl", "src", "empty2", "empty"):
        jailor.run("destroy", j)


@pytest.mark.parametrize("args,message", [
    (["clone", "ghost", "-n", "x"], "jailor: Jail 'ghost' not found\n"),
    (["clone", "src", "-n", "a b"], "Invalid jail name 'a b'"),
    (["clone", "src", "-n", "ALL"], "reserved"),
    (["clone", "src", "-n", "other"], "jailor: Jail 'other' already exists\n"),
    (["clone", "src", "-n", "tpl"], "jailor: Jail 'tpl' already exists\n"),
    (["clone", "src", "-n", "src"], "jailor: Jail 'src' already exists\n"),
    (["clone", "tpl", "-n", "x"],
     "jailor: 'tpl' is a template: templates cannot be cloned; use create -t tpl -n x\n"),
    (["clone", "src", "-n", "x", "boot=onion"], "'onion'"),
    (["clone", "src", "-n", "x", "securelevel=2"], "securelevel"),
    (["clone", "src", "-n", "x", "frob=1"], "frob"),
    (["clone", "src", "-n", "x", "notes"], "'notes' is missing a value"),
    (["clone", "src", "-n", "kept"], "Snapshot 'jails/src@kept' already exists"),
])
def test_bad_clones_change_nothing(jailor, pool, jroot, args, message):
    jailor.run("create", "-r", "bb", "-n", "src")
    jailor.run("create", "-r", "bb", "-n", "other")
    jailor.run("create", "-r", "bb", "-n", "tpl", "template=yes")
    jailor.run("snapshot", "src", "-n", "kept")
    before = (jails(jroot), jails(jroot, "templates"), snaplist(jailor, "src"),
              snapshots_of(pool, jroot, "jails/src/root"))
    err = jailor.fails(*args)
    assert err.count("\n") == 1, err
    assert message in err, err
    assert (jails(jroot), jails(jroot, "templates"), snaplist(jailor, "src"),
            snapshots_of(pool, jroot, "jails/src/root")) == before
    assert list((jroot / "staging").iterdir()) == []


def test_clone_command_line_mistakes_exit_2(jailor, tmp_path):
    for args in (["clone"], ["clone", "src"], ["clone", "-n", "x"], ["clone", "src", "-n"]):
        proc = jailor.run(*args, check=False)
        assert proc.returncode == 2 and proc.stderr.startswith("jailor clone: "), (args, proc.stderr)


def test_killed_clones_leave_old_or_new(jailor, pool, jroot, big_tar):
    """SIGKILL at random points of clone (and of destroy, to clone again):
    the new jail is whole or absent, the source's snapshot list shows no
    debris, nothing stays mounted, and the command succeeds when repeated."""
    jailor.run("fetch", "-r", "big", "-f", big_tar)
    jailor.run("create", "-r", "big", "-n", "src", "-T")
    rng = random.Random(3)
    iterations = 8 if pool.backend == "zfs" else 15
    for i in range(iterations):
        thick = ["-T"] if i % 3 == 2 and pool.backend != "zfs" else []
        cmd = ["clone", "src", "-n", "c", *thick] if "c" not in jails(jroot) else ["destroy", "c"]
        kill_soon(jailor, cmd, rng)
        assert overlay_mounts(jroot) == []
        present = "c" in listed(jailor)
        origins = [s["name"] for s in snaplist(jailor, "src")]
        if present:
            state = get_all(jailor, "c")  # whole: its config is there and readable
            assert (state["host_hostname"], state["release"]) == ("c", "big")
            assert identity(jroot, "jails/c/root")[0] == "c\n"
            assert origins in ([], ["c"])  # ["c"]: a clone, [] a thick copy
        else:
            assert origins == [], origins
        again = jailor.run(*cmd, check=False)
        if cmd[0] == "clone":
            assert again.returncode == 0 or again.stderr == "jailor: Jail 'c' already exists\n", \
                again.stderr
        else:
            assert again.returncode == 0 or again.stderr == "jailor: Jail 'c' not found\n", \
                again.stderr
    if "c" in jails(jroot):
        jailor.run("destroy", "c")
    assert snaplist(jailor, "src") == []
    jailor.run("destroy", "src")
    assert jails(jroot) == []
    assert list((jroot / "staging").iterdir()) == []
