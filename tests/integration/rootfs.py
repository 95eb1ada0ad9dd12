"""Root file system archives for the tests, built on the fly from
busybox-static: a tiny but real system, plus deliberately bad archives."""
import io
import os
import shutil
import subprocess
import tarfile
from pathlib import Path

BUSYBOX = Path("/bin/busybox")
APPLETS = ["sh", "ls", "cat", "echo", "true", "false", "sleep", "mount", "hostname", "ps", "id"]


NET_APPLETS = ["ip", "ping", "wget", "httpd", "nc", "cut", "grep"]


def make_busybox_root(root: Path, applets=()) -> Path:
    """A busybox system in root: /bin applets (and more applets), /etc/os-release,
    a device node, a setuid file owned by someone else, and an extended attribute."""
    for d in ["bin", "sbin", "etc", "dev", "proc", "sys", "tmp", "root", "usr/bin", "var/log"]:
        (root / d).mkdir(parents=True, exist_ok=True)
    shutil.copy2(BUSYBOX, root / "bin" / "busybox")
    for applet in [*APPLETS, *applets]:
        os.symlink("busybox", root / "bin" / applet)
    os.symlink("../bin/busybox", root / "sbin" / "init")
    os.symlink("/bin/busybox", root / "usr" / "bin" / "env")  # absolute: fine inside the root
    (root / "etc" / "os-release").write_text(
        'NAME="Busybox"\nID=busybox\nVERSION_ID=1.35\nPRETTY_NAME="Busybox test system"\n')
    (root / "etc" / "passwd").write_text("root:x:0:0:root:/root:/bin/sh\n")
    os.mknod(root / "dev" / "null", 0o20666, os.makedev(1, 3))
    owned = root / "usr" / "bin" / "owned"
    owned.write_text("#!/bin/sh\necho owned\n")
    os.chown(owned, 1000, 1000)
    os.chmod(owned, 0o4755)
    os.chmod(root / "tmp", 0o1777)
    os.setxattr(root / "etc" / "passwd", "user.jailor-test", b"kept")
    return root


def tar_root(root: Path, archive: Path, compress: str = "") -> Path:
    """GNU tar keeps owners, modes, device nodes and xattrs."""
    flag = {"": [], "gz": ["--gzip"], "xz": ["--xz"], "zst": ["--zstd"]}[compress]
    subprocess.run(["tar", "--xattrs", "--xattrs-include=*", "--numeric-owner", "-cpf", str(archive),
                    *flag, "-C", str(root), "."], check=True)
    return archive


def _add(tf, name, data=b"", kind=tarfile.REGTYPE, linkname=""):
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = linkname
    info.size = len(data) if kind == tarfile.REGTYPE else 0
    info.mode = 0o755 if kind == tarfile.DIRTYPE else 0o644
    tf.addfile(info, io.BytesIO(data) if kind == tarfile.REGTYPE else None)


def bad_archive(path: Path, kind: str) -> Path:
    """An archive that must be refused whole; its first entries are fine."""
    with tarfile.open(path, "w") as tf:
        _add(tf, "./etc", kind=tarfile.DIRTYPE)
        _add(tf, "./etc/hostname", b"fine\n")
        if kind == "absolute":
            _add(tf, "/etc/evil", b"x")
        elif kind == "dotdot":
            _add(tf, "./etc/../../evil", b"x")
        elif kind == "symlink":
            _add(tf, "./etc/escape", kind=tarfile.SYMTYPE, linkname="../../../../etc")
        elif kind == "hardlink":
            _add(tf, "./etc/hard", kind=tarfile.LNKTYPE, linkname="../../etc/shadow")
        else:
            raise ValueError(kind)
    return path


def truncated(src: Path, dst: Path) -> Path:
    data = src.read_bytes()
    dst.write_bytes(data[: len(data) // 2])
    return dst
