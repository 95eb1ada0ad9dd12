"""jailor loads libcurl, libarchive, libcrypto, libnftables, libmicrohttpd
and libpam only when a command uses them (src/lib/lazy/lazy_link.c), so that
start, stop, exec and list do not pay for mapping forty libraries (x86-64
builds)."""
import os
import platform
import subprocess

import pytest

from conftest import JAILOR, with_dir_pool

BIG = ("libcurl.so", "libarchive.so", "libcrypto.so", "libnftables.so", "libmicrohttpd.so", "libpam.so")

pytestmark = pytest.mark.skipif(platform.machine() != "x86_64",
                                reason="lazy linking is built on x86-64 only (meson option lazy_link)")


def loaded_libraries(jailor, *args):
    """The shared objects the dynamic loader opened while running jailor ARGS."""
    env = dict(jailor.env, LD_DEBUG="files")
    proc = subprocess.run([str(JAILOR), *map(str, args)], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return [line.split("file=")[1].split()[0] for line in proc.stderr.splitlines() if "file=" in line]


def test_not_linked_at_start():
    needed = subprocess.run(["readelf", "-d", str(JAILOR)], capture_output=True, text=True, check=True).stdout
    for lib in BIG:
        assert lib not in needed


def test_loaded_when_first_used(jailor, tmp_path, busybox_tar):
    (tmp_path / "pool").mkdir()
    jailor.run("activate", tmp_path / "pool")
    assert not [f for f in loaded_libraries(jailor, "list") if f.startswith(BIG)]
    # fetch from a file: libarchive unpacks it
    libs = loaded_libraries(jailor, "fetch", "-r", "bb", "-f", busybox_tar)
    assert any(f.startswith("libarchive.so") for f in libs), libs
    assert (tmp_path / "pool" / "jailor" / "releases" / "bb" / "root" / "bin" / "busybox").exists()
