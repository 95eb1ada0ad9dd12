"""jailor fstab -a|-r|-e|-l: a jail's mount points (SPEC §2, §5; iocage.md §3.4)."""
import json
import os
import re
import subprocess
from pathlib import Path

import pytest

import rootfs
from conftest import jailor_root


@pytest.fixture
def jroot(jailor, pool, busybox_tar):
    """A pool of each backend, activated, with release 'bb' and the clone jail 'web'."""
    jailor.run("activate", pool.pool)
    jailor.run("fetch", "-r", "bb", "-f", busybox_tar)
    jailor.run("create", "-r", "bb", "-n", "web")
    return jailor_root(pool)


def layer(root, ds):
    """What a dataset itself holds: the dataset, or for a dir-backend clone (an
    overlay, mounted only while jailor works in it) its own upper layer."""
    link = root / ".storage" / "names" / ds / "@id"
    if link.is_symlink():
        upper = root / ".storage" / "ids" / os.readlink(link) / "upper"
        if upper.is_dir():
            return upper
    return root / ds


def fstab(root, name="web"):
    return (root / "jails" / name / "fstab").read_text()


ADDED = r"# Added by jailor on \d{4}-\d\d-\d\d \d\d:\d\d:\d\d"


def test_add_list_edit_remove(jailor, pool, jroot, tmp_path):
    share = tmp_path / "my share"  # a space: written as \040, as fstab(5) does
    share.mkdir()
    conf = tmp_path / "app.conf"
    conf.write_text("setting\n")
    other = tmp_path / "other"
    other.mkdir()

    proc = jailor.run("fstab", "-a", "web", share, "/mnt/my share")
    assert proc.stdout == "Successfully added mount to web's fstab\n"
    assert proc.stderr == ""
    escaped = str(share).replace(" ", "\\040")
    assert re.fullmatch(rf"{re.escape(escaped)}\t/mnt/my\\040share\tbind\tro\t0\t0\t{ADDED}\n",
                        fstab(jroot)), fstab(jroot)
    # the mount point is made in the jail's own root
    assert (layer(jroot, "jails/web/root") / "mnt" / "my share").is_dir()

    # a file is bound on a file; rw when asked; the DST is normalised
    jailor.run("fstab", "-a", "web", conf, "//etc/./app.conf", "rw")
    made = layer(jroot, "jails/web/root") / "etc" / "app.conf"
    assert made.is_file() and made.read_text() == ""

    listed = jailor.json("fstab", "-l", "web")
    assert listed == [
        {"index": 0, "src": str(share), "dst": "/mnt/my share", "type": "bind", "options": "ro",
         "dump": 0, "pass": 0, "basejail": False},
        {"index": 1, "src": str(conf), "dst": "/etc/app.conf", "type": "bind", "options": "rw",
         "dump": 0, "pass": 0, "basejail": False},
    ]
    table = jailor.run("fstab", "-l", "web").stdout.splitlines()
    assert re.fullmatch(r"\| INDEX \| +SRC +\| +DST +\| TYPE \| OPTIONS \|", table[1]), table
    assert re.fullmatch(rf"\| 0 +\| {re.escape(str(share))} +\| /mnt/my share +\| bind +\| ro +\|",
                        table[3]), table
    tabs = jailor.run("fstab", "-l", "-h", "web").stdout
    assert tabs == (f"0\t{escaped}\t/mnt/my\\040share\tbind\tro\t0\t0\n"
                    f"1\t{conf}\t/etc/app.conf\tbind\trw\t0\t0\n")

    # hand-written comments and blank lines survive every rewrite
    path = jroot / "jails" / "web" / "fstab"
    path.write_text("# my notes\n\n" + path.read_text())

    proc = jailor.run("fstab", "-e", "web", "0", other, "/srv/other", "rw")
    assert proc.stdout == "Index 0 replaced.\n"
    lines = fstab(jroot).splitlines()
    assert lines[:2] == ["# my notes", ""]
    assert lines[2].startswith(f"{other}\t/srv/other\tbind\trw\t0\t0\t# Added by jailor")
    assert lines[3].startswith(f"{conf}\t/etc/app.conf\tbind\trw\t0\t0\t")
    assert (layer(jroot, "jails/web/root") / "srv" / "other").is_dir()

    # by its fields, as -a took them, or by index
    proc = jailor.run("fstab", "-r", "web", conf, "/etc/app.conf", "rw")
    assert proc.stdout == "Successfully removed mount from web's fstab\n"
    assert jailor.run("fstab", "-r", "web", "0").stdout == \
        "Successfully removed mount from web's fstab\n"
    assert fstab(jroot) == "# my notes\n\n"
    assert jailor.json("fstab", "-l", "web") == []


def test_remove_by_whole_line_and_by_fields(jailor, pool, jroot, tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    jailor.run("fstab", "-a", "web", tmp_path / "a", "/a")
    jailor.run("fstab", "-a", "web", tmp_path / "b", "/b")
    # one quoted line, as `fstab -l -h` or the file shows it
    jailor.run("fstab", "-r", "web", f"{tmp_path / 'b'} /b bind ro 0 0")
    assert [e["dst"] for e in jailor.json("fstab", "-l", "web")] == ["/a"]
    jailor.run("fstab", "-r", "web", tmp_path / "a", "/a/")
    assert jailor.json("fstab", "-l", "web") == []


def test_basejail_lines_are_listed_but_not_changed(jailor, pool, jroot, tmp_path):
    jailor.run("create", "-r", "bb", "-n", "base", "-b")
    before = fstab(jroot, "base")
    entries = jailor.json("fstab", "-l", "base")
    assert entries and all(e["basejail"] for e in entries)
    assert {e["dst"] for e in entries} >= {"/bin", "/usr"}
    release = jroot / "releases" / "bb" / "root"
    assert all(e["src"] == f"{release}{e['dst']}" and e["options"] == "ro" for e in entries)

    err = jailor.fails("fstab", "-r", "base", "0")
    assert err == ("jailor: Entry 0 of jail 'base' is a basejail mount of its release: "
                   "it follows the release, not fstab\n")
    err = jailor.fails("fstab", "-e", "base", "0", tmp_path, "/srv")
    assert "is a basejail mount of its release" in err and err.count("\n") == 1
    assert jailor.fails("fstab", "-r", "base", f"{release}/bin", "/bin").count("\n") == 1
    assert fstab(jroot, "base") == before

    # the user's own entries sit beside them
    jailor.run("fstab", "-a", "base", tmp_path, "/srv/data")
    assert [e["basejail"] for e in jailor.json("fstab", "-l", "base")][-1] is False


def test_links_in_the_jail_cannot_lead_the_mount_point_out(jailor, pool, jroot, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    own = layer(jroot, "jails/web/root")
    (own / "mnt").mkdir(exist_ok=True)
    # absolute and climbing links, which on the host would lead to `outside`
    os.symlink(str(outside), own / "mnt" / "abs")
    os.symlink("../../../../../../../../" + str(outside).lstrip("/"), own / "mnt" / "up")
    # the jail has no such directory: refused, never made on the host
    err = jailor.fails("fstab", "-a", "web", tmp_path, "/mnt/abs/x")
    assert err == "jailor: Cannot create '/mnt/abs' in jail 'web': a link in the way leads nowhere\n"
    assert list(outside.iterdir()) == []
    # once it has: both links resolve inside the jail, and the directories are made there
    inside = own / str(outside).lstrip("/")
    inside.mkdir(parents=True)
    jailor.run("fstab", "-a", "web", tmp_path, "/mnt/abs/x")
    jailor.run("fstab", "-a", "web", tmp_path, "/mnt/up/y")
    assert list(outside.iterdir()) == []
    assert (inside / "x").is_dir() and (inside / "y").is_dir()


def test_a_template_and_a_missing_jail(jailor, pool, jroot, tmp_path):
    jailor.run("set", "template=yes", "web")
    err = jailor.fails("fstab", "-a", "web", tmp_path, "/srv")
    assert err == ("jailor: Template 'web' is read-only: set template=no to change its "
                   "mount points\n")
    assert jailor.json("fstab", "-l", "web") == []
    assert jailor.fails("fstab", "-l", "nope") == "jailor: Jail 'nope' not found\n"


def test_bad_input_changes_nothing(jailor, pool, jroot, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (tmp_path / "file").write_text("x")
    jailor.run("fstab", "-a", "web", src, "/srv")
    before = fstab(jroot)
    own = layer(jroot, "jails/web/root")
    tree_before = sorted(str(p.relative_to(own)) for p in own.rglob("*"))
    inside = jroot / "jails" / "web" / "root"  # an (unmounted) dir clone shows nothing more

    cases = [
        (["fstab", "-a", "nope", src, "/srv"], 1, "Jail 'nope' not found"),
        (["fstab", "-a", "web", "relative/src", "/x"], 1,
         "Invalid source 'relative/src': expected an absolute path on the host"),
        (["fstab", "-a", "web", tmp_path / "missing", "/x"], 1,
         f"Invalid source '{tmp_path / 'missing'}': No such file or directory"),
        (["fstab", "-a", "web", inside, "/x"], 1, f"Invalid source '{inside}': it is inside jail "
                                                  "'web' itself"),
        (["fstab", "-a", "web", jroot / "jails" / "web" / "config.json", "/x"], 1,
         "it is inside jail 'web' itself"),
        (["fstab", "-a", "web", src, "/etc/passwd/x"], 1,
         "Cannot mount on '/etc/passwd/x' in jail 'web': '/etc/passwd' is not a directory"),
        (["fstab", "-a", "web", src, "mnt/rel"], 1,
         "Invalid destination 'mnt/rel': expected an absolute path inside the jail"),
        (["fstab", "-a", "web", src, "/mnt/../../etc"], 1,
         "Invalid destination '/mnt/../../etc': '..' is not allowed"),
        (["fstab", "-a", "web", src, "//"], 1,
         "Invalid destination '//': cannot mount over the jail's root"),
        (["fstab", "-a", "web", src, "/srv/"], 1,
         "Destination '/srv/' is already a mount point of jail 'web' (entry 0)"),
        (["fstab", "-a", "web", tmp_path / "file", "/bin"], 1,
         "Cannot mount on '/bin' in jail 'web': it is a directory and the source is not"),
        (["fstab", "-a", "web", src, "/etc/passwd"], 1,
         "Cannot mount on '/etc/passwd' in jail 'web': it is not a directory"),
        (["fstab", "-r", "web", "7"], 1, "Jail 'web' has no fstab entry 7 (it has 1)"),
        (["fstab", "-e", "web", "3", src, "/y"], 1, "Jail 'web' has no fstab entry 3 (it has 1)"),
        (["fstab", "-r", "web", "/nowhere", "/srv"], 1, "Jail 'web' has no fstab entry '/nowhere /srv'"),
        (["fstab", "-e", "web", "x", src, "/y"], 2, "invalid index 'x'"),
        (["fstab", "-a", "web", src, "/y", "rx"], 2, "invalid access 'rx': expected ro or rw"),
        (["fstab", "-a", "web", src], 2, "-a expects JAIL SRC DST [ro|rw]"),
        (["fstab", "web"], 2, "expected one of -a, -r, -e or -l"),
        (["fstab", "-a", "-r", "web", "0"], 2, "-a, -r, -e and -l exclude each other"),
    ]
    for args, status, message in cases:
        proc = jailor.run(*args, check=False)
        assert proc.returncode == status, (args, proc.stderr)
        assert message in proc.stderr, (args, proc.stderr)
        assert proc.stderr.count("\n") == 1, (args, proc.stderr)
        assert proc.stdout == ""
        assert fstab(jroot) == before, args
        assert sorted(str(p.relative_to(own)) for p in own.rglob("*")) == tree_before, args


def test_a_hand_broken_fstab_is_named(jailor, pool, jroot):
    (jroot / "jails" / "web" / "fstab").write_text("/srv\n")
    err = jailor.fails("fstab", "-l", "web")
    assert err == (f"jailor: '{jroot}/jails/web/fstab' line 1: expected SRC DST TYPE OPTIONS "
                   "[DUMP PASS]\n")
    (jroot / "jails" / "web" / "fstab").write_text("/srv\tsrv\tbind\tro\t0\t0\n")
    assert "line 1: Invalid destination 'srv'" in jailor.fails("fstab", "-l", "web")
