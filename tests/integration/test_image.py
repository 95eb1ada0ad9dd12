"""jailor export and import: jails as image files (SPEC §5; iocage.md §5.4)."""
import hashlib
import io
import json
import os
import random
import re
import signal
import stat
import subprocess
import tarfile
import time
from pathlib import Path

import pytest

import backends
import rootfs
from conftest import JAILOR, jailor_root

STAMP = r"\d{4}-\d\d-\d\d_\d{6}"


@pytest.fixture
def jroot(jailor, pool, busybox_tar):
    """A pool of each backend, activated, with release 'bb'; returns its jailor directory."""
    jailor.run("activate", pool.pool)
    jailor.run("fetch", "-r", "bb", "-f", busybox_tar)
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


def jails(root, kind="jails"):
    return sorted(p.name for p in (root / kind).iterdir())


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def exported(proc, root, name):
    """The image an export printed: 'Exported: PATH'."""
    m = re.fullmatch(rf"Exported: ({re.escape(str(root / 'images'))}/{name}_{STAMP}\.tar\.zst)\n",
                     proc.stdout)
    assert m, proc.stdout
    return Path(m.group(1))


def overlay_mounts(root):
    """Overlay mounts below the pool: export mounts one only in its own namespace."""
    top = str(Path(root).resolve())
    found = []
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        fields = line.split()
        if fields[fields.index("-") + 1] == "overlay" and fields[4].startswith(top):
            found.append(fields[4])
    return found


def tree(path):
    """Relative paths under path."""
    return sorted(os.path.relpath(os.path.join(d, n), path)
                  for d, dirs, files in os.walk(path) for n in dirs + files)


def kill_soon(jailor, args, rng):
    """Starts jailor ARGS, SIGKILLs it after a random 0-300 ms, and waits for the
    helpers it ran (zfs, a child reading the root), which outlive it, to end."""
    p = subprocess.Popen([str(JAILOR), *map(str, args)], env=jailor.env, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True)
    time.sleep(rng.uniform(0, 0.3))
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


# ---- export and import ----

def test_export_import_round_trip(jailor, pool, jroot, tmp_path):
    jailor.run("create", "-r", "bb", "-n", "web", "notes=exported")
    own = layer(jroot, "jails/web/root")
    srv = own / "srv"
    srv.mkdir()
    (srv / "a").write_text("linked\n")
    os.link(srv / "a", srv / "b")
    os.chown(srv / "a", 1234, 5678)
    xattrs = pool.backend != "zfs"  # zfs-fuse has none
    if xattrs:
        os.setxattr(srv / "a", "user.note", b"kept")
    with open(srv / "sparse", "wb") as f:
        f.seek(8 << 20)
        f.write(b"end")
    os.mkfifo(srv / "fifo")
    with open(os.fsencode(srv) + b"/caf\xe9 \x01name", "wb") as f:  # not UTF-8, a control byte
        f.write(b"odd\n")
    machine_id = (own / "etc" / "machine-id").read_text()
    jailor.run("fstab", "-a", "web", tmp_path, "/mnt/data", "rw")
    fstab = (jroot / "jails" / "web" / "fstab").read_text()

    proc = jailor.run("export", "web")
    image = exported(proc, jroot, "web")
    assert proc.stderr == ""
    assert stat.S_IMODE(image.stat().st_mode) == 0o600  # it holds the jail's /etc/shadow
    assert Path(f"{image}.sha256").read_text() == f"{sha256(image)}  {image.name}\n"
    check = subprocess.run(["sha256sum", "-c", f"{image.name}.sha256"], cwd=image.parent,
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert sorted(p.name for p in image.parent.iterdir()) == [image.name, f"{image.name}.sha256"]
    listing = subprocess.run(["tar", "--zstd", "-tf", image], capture_output=True, text=True,
                             check=True).stdout.splitlines()
    assert listing[:3] == ["config.json", "fstab", "root/"]
    assert "root/bin/busybox" in listing and "root/srv/b" in listing
    owners = subprocess.run(["tar", "--zstd", "--numeric-owner", "-tvf", image, "root/srv/a"],
                            capture_output=True, text=True, check=True).stdout
    assert "1234/5678" in owners
    inside = json.loads(subprocess.run(["tar", "--zstd", "-xOf", image, "config.json"],
                                       capture_output=True, text=True, check=True).stdout)
    assert inside["host_hostuuid"] == "web" and inside["notes"] == "exported"

    jailor.run("destroy", "web")
    proc = jailor.run("import", "web")  # the one export of "web" in images/
    assert proc.stdout == "Imported: web\n"
    assert jails(jroot) == ["web"]
    assert list((jroot / "staging").iterdir()) == []
    config = json.loads((jroot / "jails" / "web" / "config.json").read_text())
    assert config["notes"] == "exported" and "host_hostuuid" not in config
    assert (jroot / "jails" / "web" / "fstab").read_text() == fstab
    assert jailor.run("get", "notes", "web").stdout == "exported\n"

    root = jroot / "jails" / "web" / "root"  # thick now: a plain dataset
    assert (root / "bin" / "busybox").read_bytes() == Path("/bin/busybox").read_bytes()
    assert os.access(root / "bin" / "busybox", os.X_OK)
    assert os.readlink(root / "bin" / "sh") == "busybox"
    assert os.readlink(root / "usr" / "bin" / "env") == "/bin/busybox"
    null = os.lstat(root / "dev" / "null")
    assert stat.S_ISCHR(null.st_mode) and null.st_rdev == os.makedev(1, 3)
    owned = os.lstat(root / "usr" / "bin" / "owned")
    assert (owned.st_uid, owned.st_gid, stat.S_IMODE(owned.st_mode)) == (1000, 1000, 0o4755)
    if xattrs:
        assert os.getxattr(root / "etc" / "passwd", "user.jailor-test") == b"kept"
        assert os.getxattr(root / "srv" / "a", "user.note") == b"kept"
    assert stat.S_IMODE(os.lstat(root / "tmp").st_mode) == 0o1777
    a, b = os.lstat(root / "srv" / "a"), os.lstat(root / "srv" / "b")
    assert a.st_ino == b.st_ino and (a.st_uid, a.st_gid) == (1234, 5678)
    sparse = root / "srv" / "sparse"
    assert sparse.stat().st_size == (8 << 20) + 3 and sparse.read_bytes()[-3:] == b"end"
    assert sparse.stat().st_blocks * 512 < (1 << 20)  # the hole stayed a hole
    assert stat.S_ISFIFO(os.lstat(root / "srv" / "fifo").st_mode)
    with open(os.fsencode(root / "srv") + b"/caf\xe9 \x01name", "rb") as f:
        assert f.read() == b"odd\n"
    # the same name: the same system, down to its machine-id
    assert (root / "etc" / "machine-id").read_text() == machine_id
    assert (root / "etc" / "hostname").read_text() == "web\n"


def test_template_comes_back_as_a_jail_under_a_new_name(jailor, pool, jroot):
    jailor.run("create", "-r", "bb", "-n", "tpl", "notes=base")
    machine_id = (layer(jroot, "jails/tpl/root") / "etc" / "machine-id").read_text()
    jailor.run("set", "template=yes", "tpl")
    image = exported(jailor.run("export", "tpl"), jroot, "tpl")

    assert jailor.fails("import", image) == "jailor: Jail 'tpl' already exists\n"
    proc = jailor.run("import", image.name, "-n", "copy")  # a file name in images/
    assert proc.stdout == "Imported: copy\n"
    assert jails(jroot) == ["copy"] and jails(jroot, "templates") == ["tpl"]
    assert jailor.run("get", "type", "copy").stdout == "jail\n"
    assert jailor.run("get", "notes", "copy").stdout == "base\n"
    root = jroot / "jails" / "copy" / "root"
    # a second system: its own name and machine-id; writable, unlike the template's root
    assert (root / "etc" / "hostname").read_text() == "copy\n"
    assert "127.0.1.1\tcopy\n" in (root / "etc" / "hosts").read_text()
    assert (root / "etc" / "machine-id").read_text() != machine_id
    (root / "etc" / "motd").write_text("mine\n")
    # NAME_<time> names the image too
    stem = image.name[: -len(".tar.zst")]
    assert jailor.run("import", "-n", "again", stem).stdout == "Imported: again\n"


def test_import_into_another_pool(jailor, pool, jroot, tmp_path):
    """An image made on one backend is imported on another (a directory pool);
    a basejail's release mounts follow it to the new pool's release."""
    jailor.run("create", "-r", "bb", "-n", "web", "notes=moved")
    jailor.run("create", "-r", "bb", "-n", "base", "-b")
    web = exported(jailor.run("export", "web"), jroot, "web")
    base = exported(jailor.run("export", "base"), jroot, "base")
    (tmp_path / "second").mkdir()
    with backends.dir_pool(tmp_path / "second") as second:
        jailor.run("activate", second.pool)
        other = Path(second.path) / "jailor"
        assert jailor.run("import", web).stdout == "Imported: web\n"
        assert (other / "jails" / "web" / "root" / "bin" / "busybox").is_file()
        assert jailor.run("get", "notes", "web").stdout == "moved\n"

        proc = jailor.run("import", base)
        assert proc.stdout == "Imported: base\n"
        assert proc.stderr == ("jailor: Jail 'base' is a basejail of release 'bb', which this pool "
                               "has not fetched: fetch it before starting the jail\n")
        entries = jailor.json("fstab", "-l", "base")
        assert entries and all(e["basejail"] for e in entries)
        release = other / "releases" / "bb" / "root"
        assert all(e["src"] == f"{release}{e['dst']}" for e in entries)
        jailor.run("activate", pool.pool)


def test_repeated_exports_in_one_second_get_their_own_names(jailor, pool, jroot):
    jailor.run("create", "-e", "-n", "web")
    first = exported(jailor.run("export", "web"), jroot, "web")
    second = exported(jailor.run("export", "web"), jroot, "web")
    assert first != second and first.exists() and second.exists()
    err = jailor.fails("import", "web", "-n", "x")
    assert err == (f"jailor: Image 'web' matches 2 exports in '{jroot / 'images'}' "
                   f"({first.name} ... {second.name}): name one of them\n")
    assert jailor.run("import", second, "-n", "x").stdout == "Imported: x\n"


# ---- bad input ----

def write_image(path, members, compress=True):
    """A hand-made image: members are (name, kind, data, linkname); with its checksum."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tf:
        for name, kind, data, linkname in members:
            info = tarfile.TarInfo(name)
            info.type = kind
            info.linkname = linkname
            info.mode = 0o755 if kind == tarfile.DIRTYPE else 0o644
            info.size = len(data) if kind == tarfile.REGTYPE else 0
            tf.addfile(info, io.BytesIO(data) if kind == tarfile.REGTYPE else None)
    raw = buf.getvalue()
    if compress:
        raw = subprocess.run(["zstd", "-q", "-c"], input=raw, capture_output=True,
                             check=True).stdout
    path.write_bytes(raw)
    rechecksum(path)
    return path


def rechecksum(path):
    Path(f"{path}.sha256").write_text(f"{sha256(path)}  {path.name}\n")


CONFIG = json.dumps({"CONFIG_VERSION": 1, "host_hostuuid": "evil"}).encode()
D, F, L, H = tarfile.DIRTYPE, tarfile.REGTYPE, tarfile.SYMTYPE, tarfile.LNKTYPE
GOOD = [("config.json", F, CONFIG, ""), ("fstab", F, b"", ""), ("root", D, b"", ""),
        ("root/etc", D, b"", ""), ("root/etc/hostname", F, b"evil\n", "")]

UNSAFE = {
    "absolute": ([("/etc/evil", F, b"x", "")], "entry '/etc/evil': absolute path"),
    "dotdot": ([("root/../../evil", F, b"x", "")], "entry 'root/../../evil': '..' component"),
    "symlink": ([("root/etc/escape", L, b"", "../../../../etc")],
                "entry 'root/etc/escape' -> ../../../../etc: symbolic link pointing out"),
    "hardlink": ([("root/etc/hard", H, b"", "../../etc/shadow")],
                 "entry 'root/etc/hard': '..' component"),
    "record link": ([("root/etc/cfg", H, b"", "config.json")],
                    "entry 'root/etc/cfg': hard link outside root/"),
    "stray": ([("evil", F, b"x", "")], "entry 'evil' is not config.json, fstab or under root/"),
    "twice": ([("config.json", F, CONFIG, "")], "it holds 'config.json' twice"),
}


def test_bad_images_create_nothing(jailor, pool, jroot, tmp_path):
    jailor.run("create", "-r", "bb", "-n", "web")
    image = exported(jailor.run("export", "web"), jroot, "web")
    data = image.read_bytes()
    images = jroot / "images"

    def refused(args, message, status=1):
        before = (jails(jroot), sorted(os.listdir(jroot / "staging")))
        proc = jailor.run(*args, check=False)
        assert proc.returncode == status, (args, proc.stderr)
        assert proc.stderr.count("\n") == 1 and message in proc.stderr, (args, proc.stderr)
        assert proc.stdout == ""
        assert (jails(jroot), sorted(os.listdir(jroot / "staging"))) == before, args
        assert overlay_mounts(jroot) == []

    refused(["import", "nope"], f"jailor: Image 'nope' not found (no such file, nor an export in "
                                f"'{images}')")
    refused(["import", tmp_path / "nope.tar.zst"], f"Image '{tmp_path / 'nope.tar.zst'}' not found")
    refused(["export", "nope"], "jailor: Jail 'nope' not found")
    refused(["import", image], "jailor: Jail 'web' already exists")
    refused(["import", image, "-n", "a b"], "Invalid jail name 'a b'")
    refused(["import"], "expected IMAGE [-n NAME]", status=2)
    refused(["export"], "expected JAIL", status=2)

    # a changed byte, a cut, a missing checksum: the checksum says so before anything is made
    bad = tmp_path / "bad.tar.zst"
    bad.write_bytes(data[:100] + bytes([data[100] ^ 0xFF]) + data[101:])
    Path(f"{bad}.sha256").write_text(f"{sha256(image)}  bad.tar.zst\n")
    refused(["import", bad, "-n", "x"],
            f"jailor: Image '{bad}' does not match its checksum file: its SHA-256 is "
            f"{sha256(bad)}, the file says {sha256(image)}")
    bad.write_bytes(data[: len(data) // 2])
    refused(["import", bad, "-n", "x"], "does not match its checksum file")
    Path(f"{bad}.sha256").unlink()
    refused(["import", bad, "-n", "x"],
            f"jailor: Image '{bad}' has no checksum file '{bad}.sha256': it cannot be verified")
    Path(f"{bad}.sha256").write_text("not a digest\n")
    refused(["import", bad, "-n", "x"], f"Checksum file '{bad}.sha256' does not hold a SHA-256")

    # the checksum matches, but the archive is damaged
    rechecksum(bad)
    refused(["import", bad, "-n", "x"], f"jailor: Image '{bad}' is damaged: ")
    bad.write_bytes(os.urandom(4096))
    rechecksum(bad)
    refused(["import", bad, "-n", "x"], f"jailor: Image '{bad}' is ")

    # well-made archives that are not exports, or not safe to extract
    for kind, (members, message) in UNSAFE.items():
        made = write_image(tmp_path / f"{kind.replace(' ', '_')}.tar.zst", GOOD + members)
        refused(["import", made], f"jailor: Image '{made}' is refused: {message}")
    made = write_image(tmp_path / "noconfig.tar.zst", GOOD[1:])
    refused(["import", made], f"jailor: Image '{made}' has no config.json: it is not a jailor export")
    made = write_image(tmp_path / "noroot.tar.zst", GOOD[:2])
    refused(["import", made], f"jailor: Image '{made}' has no root/: it is not a jailor export")
    made = write_image(tmp_path / "cfgdir.tar.zst", [("config.json", D, b"", "")] + GOOD[1:])
    refused(["import", made], "is refused: 'config.json' is not a file")
    nameless = [("config.json", F, b"{}", "")] + GOOD[1:]
    made = write_image(tmp_path / "nameless.tar.zst", nameless)
    refused(["import", made], f"jailor: Image '{made}' does not name its jail: give one with -n NAME")
    newer = [("config.json", F, json.dumps({"CONFIG_VERSION": 99}).encode(), "")] + GOOD[1:]
    made = write_image(tmp_path / "newer.tar.zst", newer)
    refused(["import", made, "-n", "x"], "holds a config jailor refuses: ")
    broken = GOOD[:1] + [("fstab", F, b"/srv\n", "")] + GOOD[2:]
    made = write_image(tmp_path / "fstab.tar.zst", broken)
    refused(["import", made, "-n", "x"], "holds an fstab jailor refuses: ")

    # a hand-made image that is fine is imported; an uncompressed tar too
    made = write_image(tmp_path / "fine.tar.zst", GOOD)
    assert jailor.run("import", made).stdout == "Imported: evil\n"
    made = write_image(tmp_path / "plain.tar.zst", GOOD, compress=False)
    assert jailor.run("import", made, "-n", "plain").stdout == "Imported: plain\n"
    assert (jroot / "jails" / "plain" / "root" / "etc" / "hostname").read_text() == "plain\n"


# ---- faults ----

def test_killed_export_and_import_leave_old_or_new(jailor, pool, jroot, big_tar):
    """SIGKILL at random points: no half image ever counts as one and no mount
    stays; a jail is imported whole or not at all; repeating the command works."""
    jailor.run("fetch", "-r", "big", "-f", big_tar)
    jailor.run("create", "-r", "big", "-n", "k")  # a clone: a dir pool reads it through an overlay
    images = jroot / "images"
    rng = random.Random(5)
    iterations = 10
    for i in range(iterations):
        kill_soon(jailor, ["export", "k"], rng)
        assert overlay_mounts(jroot) == []
        for image in images.glob("*.tar.zst"):
            # whole: with its checksum, which matches
            assert Path(f"{image}.sha256").read_text() == f"{sha256(image)}  {image.name}\n"
        proc = jailor.run("export", "k")
        last = exported(proc, jroot, "k")
        assert not list(images.glob("*.part"))
    assert overlay_mounts(jroot) == []

    # the release's tree, plus what create writes into every jail
    expected = sorted(set(tree(jroot / "releases" / "big" / "root")) |
                      {"etc/machine-id", "etc/hostname", "etc/hosts"})

    def whole(name):
        config = json.loads((jroot / "jails" / name / "config.json").read_text())
        assert config["release"] == "big"
        assert tree(jroot / "jails" / name / "root") == expected

    for i in range(iterations):
        # zfs-fuse (the only ZFS these machines have) deadlocks, every daemon
        # thread waiting on a futex, after a process writing a dataset through
        # it is SIGKILLed in the middle of a write: the next directory read
        # then hangs forever.  Seen in 3 runs out of about 8 here, with this
        # code and with older code alike; the kernel's OpenZFS has no such
        # daemon.  So on zfs the import is only repeated, not killed.
        if pool.backend != "zfs":
            kill_soon(jailor, ["import", last, "-n", "k2"], rng)
        if "k2" in jails(jroot):
            whole("k2")
        again = jailor.run("import", last, "-n", "k2", check=False)
        assert again.returncode == 0 or again.stderr == "jailor: Jail 'k2' already exists\n", \
            again.stderr
        whole("k2")
        jailor.run("destroy", "k2")
    assert jails(jroot) == ["k"]
    assert list((jroot / "staging").iterdir()) == []
