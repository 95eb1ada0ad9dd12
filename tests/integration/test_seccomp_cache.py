"""The compiled seccomp filter is cached under $JAILOR_RUN_DIR/seccomp/
(src/lib/runtime/seccomp_cache.c): compiled by the first start or exec,
loaded from there afterwards, one file per distinct filter, and a damaged
file is compiled afresh, never loaded."""
import shutil
import subprocess

import pytest

from conftest import JAILOR, with_dir_pool


@pytest.fixture(scope="module")
def busybox_tar(busybox_tar_builtin_init):
    return busybox_tar_builtin_init


def cache(jailor):
    d = jailor.run_dir / "seccomp"
    return sorted(d.iterdir()) if d.exists() else []


def test_filter_compiled_once_per_confinement(jailor, tmp_path, busybox_tar):
    with_dir_pool(jailor, tmp_path, busybox_tar)
    jailor.run("create", "-r", "bb", "-n", "plain")
    jailor.run("create", "-r", "bb", "-n", "mounter", "allow_mount=1", "allow_mount_tmpfs=1")
    with jailor.started("plain"):
        files = cache(jailor)
        # the name spells out what the filter depends on
        assert len(files) == 1 and "-mount0-" in files[0].name and files[0].name.startswith("exe"), files
        first = files[0]
        assert first.stat().st_size % 8 == 0 and first.stat().st_size > 0
        mtime = first.stat().st_mtime_ns
        # exec of the same jail loads the same file, compiling nothing
        status = jailor.run("exec", "plain", "cat", "/proc/self/status").stdout
        assert "Seccomp:\t2\n" in status and "Seccomp_filters:\t2\n" in status
        assert cache(jailor) == files and first.stat().st_mtime_ns == mtime
        with jailor.started("mounter"):
            # another confinement, another filter
            assert len(cache(jailor)) == 2 and any("-mount1-" in f.name for f in cache(jailor))
            out = jailor.run("exec", "mounter", "sh", "-c", "mount -t tmpfs none /tmp && echo mounted").stdout
            assert out == "mounted\n"
        # the cached filter refuses what the jail may not do
        out = jailor.run("exec", "plain", "sh", "-c", "mount -t tmpfs none /tmp; echo mount=$?").stdout
        assert "mount=0" not in out


def test_damaged_cache_file_is_compiled_again(jailor, tmp_path, busybox_tar):
    with_dir_pool(jailor, tmp_path, busybox_tar)
    jailor.run("create", "-r", "bb", "-n", "plain")
    with jailor.started("plain"):
        pass
    (f,) = cache(jailor)
    good = f.read_bytes()
    f.write_bytes(good[:13])  # not whole instructions: not something the kernel takes
    with jailor.started("plain"):
        assert f.read_bytes() == good
        out = jailor.run("exec", "plain", "sh", "-c", "insmod /bin/busybox; echo insmod=$?").stdout
        assert "insmod=1" in out, out


def test_another_build_of_jailor_compiles_its_own(jailor, tmp_path, busybox_tar):
    """A rebuilt or upgraded jailor (whose deny list may differ) never loads an older one's filter."""
    with_dir_pool(jailor, tmp_path, busybox_tar)
    jailor.run("create", "-r", "bb", "-n", "plain")
    with jailor.started("plain"):
        pass
    other = tmp_path / "jailor-rebuilt"
    shutil.copy2(JAILOR, other)
    proc = subprocess.run([str(other), "start", "plain"], env=jailor.env, capture_output=True, text=True)
    try:
        assert proc.returncode == 0, proc.stderr
        assert len(cache(jailor)) == 2
    finally:
        jailor.stop_for_sure("plain")
