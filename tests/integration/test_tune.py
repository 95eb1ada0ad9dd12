"""jailor tune and the host-limit warning of jailor start
(src/lib/runtime/host_tuning.c).  Every test points JAILOR_PROC_SYS at a
tree of files laid out like /proc/sys: the host's real settings are only
ever read, never written."""
import json
from pathlib import Path

import pytest

from conftest import with_dir_pool

DEFAULTS = {  # a stock kernel's values
    "fs/inotify/max_user_instances": 128,
    "fs/inotify/max_user_watches": 8192,
    "kernel/keys/maxkeys": 200,
    "kernel/keys/maxbytes": 20000,
    "net/ipv4/neigh/default/gc_thresh1": 128,
    "net/ipv4/neigh/default/gc_thresh2": 512,
    "net/ipv4/neigh/default/gc_thresh3": 1024,
}


@pytest.fixture
def proc_sys(jailor, tmp_path):
    """A fake /proc/sys with DEFAULTS; returns a function reading one value back."""
    root = tmp_path / "proc-sys"
    for name, value in DEFAULTS.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(f"{value}\n")
    jailor.env["JAILOR_PROC_SYS"] = str(root)

    def value(name):
        return int((root / name.replace(".", "/")).read_text())

    def set_value(name, v):
        (root / name.replace(".", "/")).write_text(f"{v}\n")

    value.set = set_value
    return value


def rows(out):
    """{sysctl: [current, needed, recommended, state]} from the bordered table."""
    found = {}
    for line in out.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if line.startswith("| ") and cells[0] != "SYSCTL":
            found[cells[0]] = cells[1:]
    return found


def test_tune_judges_for_a_number_of_jails(jailor, proc_sys):
    out = jailor.run("tune", "--jails", "30").stdout
    assert out.startswith("Host limits for 30 jails (0 running now):\n")
    t = rows(out)
    # 16 + 5 per jail inotify instances: 166 > 128
    assert t["fs.inotify.max_user_instances"] == ["128", "166", "1048576", "too low"]
    assert t["fs.inotify.max_user_watches"] == ["8192", str(1024 + 256 * 30), "1048576", "too low"]
    assert t["kernel.keys.maxkeys"] == ["200", "31", "2000", "ok, below recommended"]
    assert t["net.ipv4.neigh.default.gc_thresh1"] == ["128", "-", "1024", "ok, below recommended"]
    assert t["net.ipv4.neigh.default.gc_thresh3"] == ["1024", "286", "8192", "ok, below recommended"]
    assert ("fs.inotify.max_user_instances: about 5 per systemd jail, all counted against root; "
            "set it with 'sysctl -w fs.inotify.max_user_instances=1048576' or 'jailor tune --apply'") in out
    # 22 jails fit in 128 (16 + 5 × 22 = 126), 23 do not (131)
    assert rows(jailor.run("tune", "--jails", "22").stdout)["fs.inotify.max_user_instances"][3] \
        == "ok, below recommended"
    assert rows(jailor.run("tune", "--jails", "23").stdout)["fs.inotify.max_user_instances"][3] == "too low"


def test_tune_json(jailor, proc_sys):
    limits = jailor.json("tune", "--jails", "1000")
    by_name = {x["sysctl"]: x for x in limits}
    assert by_name["net.ipv4.neigh.default.gc_thresh3"] == {
        "sysctl": "net.ipv4.neigh.default.gc_thresh3", "current": 1024, "needed": 1256, "recommended": 8192,
        "state": "too low", "why": "one neighbour entry per VNET jail; the hard limit", "jails": 1000}


def test_tune_apply_raises_never_lowers(jailor, proc_sys):
    proc_sys.set("fs.inotify.max_user_watches", 5000000)
    out = jailor.run("tune", "--apply").stdout
    assert "fs.inotify.max_user_instances: 128 -> 1048576\n" in out
    assert "net.ipv4.neigh.default.gc_thresh3: 1024 -> 8192\n" in out
    assert "max_user_watches" not in out
    assert proc_sys("fs.inotify.max_user_instances") == 1048576
    assert proc_sys("kernel.keys.maxbytes") == 2000000
    assert proc_sys("fs.inotify.max_user_watches") == 5000000
    assert jailor.run("tune", "--apply").stdout == \
        "Every limit is at its recommended value or above: nothing changed\n"


def test_tune_refuses_bad_input_changing_nothing(jailor, proc_sys, tmp_path):
    err = jailor.fails("tune", "--jails", "many")
    assert err == "jailor tune: invalid number of jails 'many': expected 0 to 1000000; see 'jailor tune --help'\n"
    assert jailor.run("tune", "--jails", "-1", check=False).returncode == 2
    assert jailor.run("tune", "extra", check=False).returncode == 2
    (tmp_path / "proc-sys" / "kernel" / "keys" / "maxkeys").write_text("lots\n")
    proc = jailor.run("tune", "--apply", check=False)
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr == (f"jailor: Unexpected value 'lots' in sysctl kernel.keys.maxkeys "
                           f"('{tmp_path}/proc-sys/kernel/keys/maxkeys')\n")
    # every value is read before any is written: the ones before the bad one are unchanged
    assert proc_sys("fs.inotify.max_user_instances") == 128
    (tmp_path / "proc-sys" / "kernel" / "keys" / "maxkeys").unlink()
    proc = jailor.run("tune", check=False)
    assert proc.returncode == 1 and "Cannot read sysctl kernel.keys.maxkeys" in proc.stderr


def test_tune_reads_the_real_host(jailor):
    """Without JAILOR_PROC_SYS: the host's own values, read only."""
    limits = {x["sysctl"]: x["current"] for x in jailor.json("tune")}
    assert limits["fs.inotify.max_user_instances"] == \
        int(Path("/proc/sys/fs/inotify/max_user_instances").read_text())
    assert limits["net.ipv4.neigh.default.gc_thresh3"] == \
        int(Path("/proc/sys/net/ipv4/neigh/default/gc_thresh3").read_text())


@pytest.fixture(scope="module")
def busybox_tar(busybox_tar_builtin_init):
    return busybox_tar_builtin_init


def test_start_warns_when_a_limit_will_bite(jailor, proc_sys, tmp_path, busybox_tar):
    with_dir_pool(jailor, tmp_path, busybox_tar)
    jailor.run("create", "-r", "bb", "-n", "one")
    jailor.run("create", "-r", "bb", "-n", "two")
    # one jail needs 16 + 5 = 21 inotify instances
    proc_sys.set("fs.inotify.max_user_instances", 21)
    try:
        proc = jailor.run("start", "one")
        assert proc.stderr == ""  # 21 is enough for one
        # two jails need 26: the second start warns, with the exact command, and starts all the same
        proc = jailor.run("start", "two")
        assert proc.stdout == "two started\n"
        assert proc.stderr == (
            "jailor: fs.inotify.max_user_instances is 21, and 2 running jails need 26 (about 5 per "
            "systemd jail, all counted against root): set it with 'sysctl -w "
            "fs.inotify.max_user_instances=1048576', or all of these with 'jailor tune --apply'\n")
        assert proc_sys("fs.inotify.max_user_instances") == 21  # warned, never changed
    finally:
        jailor.stop_for_sure("two")
        jailor.stop_for_sure("one")
