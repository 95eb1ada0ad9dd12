"""Templates: set template=yes|no, create -t, list -t, destroy -R (SPEC §5, iocage.md §4.5)."""
import json
import subprocess
from pathlib import Path

import pytest

import rootfs


@pytest.fixture
def root(jailor, pool, busybox_tar):
    """A pool of each backend, activated, with release 'bb'; returns its jailor dir."""
    jailor.run("activate", pool.pool)
    jailor.run("fetch", "-r", "bb", "-f", busybox_tar)
    if pool.backend == "zfs":
        out = subprocess.run(["zfs", "get", "-H", "-o", "value", "mountpoint", f"{pool.pool}/jailor"],
                             capture_output=True, text=True, check=True)
        return Path(out.stdout.strip())
    return Path(pool.path) / "jailor"


def config(root, name, kind="jails"):
    return json.loads((root / kind / name / "config.json").read_text())


def all_configs(root):
    return {p: p.read_bytes() for p in sorted(root.glob("*/*/config.json"))}


def root_is_readonly(pool, root, kind, name):
    """Whether the storage backend holds the jail's root read-only."""
    if pool.backend in ("zfs", "btrfs"):
        # (zfs-fuse's `zfs get readonly` says "off, temporary" even when writes fail)
        probe = root / kind / name / "root" / "probe"
        try:
            probe.write_text("x")
        except OSError:
            return True
        probe.unlink()
        return False
    # dir: the flag lives in the dataset's record; the kernel enforces it once mounted
    for rec in (root / ".storage" / "ids").glob("*/record.json"):
        data = json.loads(rec.read_text())
        if data["name"] == f"{kind}/{name}/root":
            return data["readonly"]
    raise AssertionError(f"no record for {kind}/{name}/root")


def test_template_round_trip(jailor, pool, root):
    jailor.run("create", "-r", "bb", "-n", "tpl", "notes=from the template", "priority=7",
               "vnet=on", "ip4_addr=vnet0|10.0.0.9/24", "boot=on")
    assert not root_is_readonly(pool, root, "jails", "tpl")

    # a bad assignment next to template=yes moves nothing
    before = all_configs(root)
    assert "'onion'" in jailor.fails("set", "template=yes", "boot=onion", "tpl")
    assert all_configs(root) == before and (root / "jails" / "tpl").is_dir()

    assert jailor.run("set", "template=yes", "tpl").stdout == "template: 0 -> 1\n"
    assert not (root / "jails" / "tpl").exists()
    assert config(root, "tpl", "templates")["notes"] == "from the template"
    assert root_is_readonly(pool, root, "templates", "tpl")
    assert jailor.run("get", "type", "tpl").stdout == "template\n"
    assert jailor.run("get", "template", "tpl").stdout == "1\n"
    assert jailor.run("list", "-h").stdout == ""
    assert jailor.run("list", "-t", "-h").stdout == "-\ttpl\tdown\tbb\t10.0.0.9\n"
    before = all_configs(root)
    assert jailor.fails("set", "template=yes", "tpl") == "jailor: 'tpl' is already a template\n"
    assert all_configs(root) == before

    # a jail from the template inherits its settings, not its identity or addresses
    jailor.run("create", "-t", "tpl", "-n", "child")
    c = config(root, "child")
    assert c["notes"] == "from the template" and c["priority"] == 7 and c["boot"] == 1
    assert c["source_template"] == "tpl" and "ip4_addr" not in c
    assert jailor.run("get", "ip4_addr", "child").stdout == "none\n"
    assert jailor.run("get", "host_hostname", "child").stdout == "child\n"
    assert jailor.run("list", "-l", "-h").stdout == \
        "-\tchild\ton\tdown\tjail\tbb\t-\t-\ttpl\tno\n"

    # the template cannot go back, nor be destroyed, while jails were created from it
    before = all_configs(root)
    err = jailor.fails("set", "template=no", "tpl")
    assert err == "jailor: Template 'tpl' cannot become a jail while jails created from it " \
                  "exist: child\n"
    assert all_configs(root) == before and (root / "templates" / "tpl").is_dir()
    err = jailor.fails("destroy", "tpl")
    assert "child" in err and "-R" in err
    assert (root / "templates" / "tpl").is_dir()

    jailor.run("destroy", "child")
    assert jailor.run("set", "template=no", "notes=a jail again", "tpl").stdout == \
        "template: 1 -> 0\nnotes: from the template -> a jail again\n"
    assert not (root / "templates" / "tpl").exists()
    assert config(root, "tpl")["notes"] == "a jail again"
    assert not root_is_readonly(pool, root, "jails", "tpl")
    assert jailor.run("get", "type", "tpl").stdout == "jail\n"
    assert jailor.run("list", "-h").stdout == "-\ttpl\tdown\tbb\t10.0.0.9\n"
    assert jailor.run("list", "-t", "-h").stdout == ""
    assert jailor.fails("set", "template=no", "tpl") == "jailor: 'tpl' is already a jail\n"
    jailor.run("destroy", "tpl")


def test_destroy_template_recursively(jailor, pool, root):
    jailor.run("create", "-r", "bb", "-n", "tpl", "template=yes")
    jailor.run("create", "-t", "tpl", "-n", "a")
    jailor.run("create", "-t", "tpl", "-n", "b", "-T")  # a thick copy does not depend on it
    err = jailor.fails("destroy", "tpl")
    assert "jails/a" in err and "jails/b" not in err
    jailor.run("destroy", "-R", "tpl")
    assert jailor.run("list", "-t", "-h").stdout == ""
    assert jailor.run("list", "-h").stdout == "-\tb\tdown\tbb\t-\n"
    jailor.run("destroy", "b")
    assert list((root / "jails").iterdir()) == [] and list((root / "templates").iterdir()) == []
