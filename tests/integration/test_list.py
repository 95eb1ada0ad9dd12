"""jailor list and df: iocage's formats, sorting, corrupt jails, 1000 jails (SPEC §5)."""
import json
import re
import time
from pathlib import Path

import pytest

import rootfs


@pytest.fixture
def dir_pool(jailor, tmp_path, busybox_tar):
    """An activated directory pool with release 'bb'; returns its jailor dir."""
    pool = tmp_path / "pool"
    pool.mkdir()
    jailor.run("activate", pool)
    jailor.run("fetch", "-r", "bb", "-f", busybox_tar)
    return pool / "jailor"


@pytest.fixture
def pool_with_release(jailor, pool, busybox_tar):
    """A pool of each backend, activated, with release 'bb'."""
    jailor.run("activate", pool.pool)
    jailor.run("fetch", "-r", "bb", "-f", busybox_tar)
    return pool


@pytest.fixture
def four_jails(jailor, dir_pool):
    jailor.run("create", "-r", "bb", "-n", "web", "vnet=on",
               "ip4_addr=vnet0|10.0.0.6/24,vnet0|10.0.0.5/24")
    jailor.run("create", "-r", "bb", "-n", "db")
    jailor.run("create", "-r", "bb", "-n", "dh", "vnet=1", "dhcp=1", "ip6_addr=vnet0|accept_rtadv")
    jailor.run("create", "-r", "bb", "-n", "base", "-b", "boot=on", "ip4_addr=10.0.0.2")
    return dir_pool


def names_of(tab_output, column=1):
    return [line.split("\t")[column] for line in tab_output.splitlines()]


def test_default_list_is_iocage_bordered_table(jailor, four_jails):
    assert jailor.run("list").stdout == """\
+-----+------+-------+---------+-------------------+
| JID | NAME | STATE | RELEASE |        IP4        |
+=====+======+=======+=========+===================+
| -   | base | down  | bb      | 10.0.0.2          |
+-----+------+-------+---------+-------------------+
| -   | db   | down  | bb      | -                 |
+-----+------+-------+---------+-------------------+
| -   | dh   | down  | bb      | DHCP              |
+-----+------+-------+---------+-------------------+
| -   | web  | down  | bb      | 10.0.0.6,10.0.0.5 |
+-----+------+-------+---------+-------------------+
"""


def test_long_list(jailor, four_jails):
    assert jailor.run("list", "-l").stdout == """\
+-----+------+------+-------+------+---------+-------------------------------------+--------------------+----------+----------+
| JID | NAME | BOOT | STATE | TYPE | RELEASE |                 IP4                 |        IP6         | TEMPLATE | BASEJAIL |
+=====+======+======+=======+======+=========+=====================================+====================+==========+==========+
| -   | base | on   | down  | jail | bb      | 10.0.0.2                            | -                  | -        | yes      |
+-----+------+------+-------+------+---------+-------------------------------------+--------------------+----------+----------+
| -   | db   | off  | down  | jail | bb      | -                                   | -                  | -        | no       |
+-----+------+------+-------+------+---------+-------------------------------------+--------------------+----------+----------+
| -   | dh   | off  | down  | jail | bb      | DHCP (not running)                  | vnet0|accept_rtadv | -        | no       |
+-----+------+------+-------+------+---------+-------------------------------------+--------------------+----------+----------+
| -   | web  | off  | down  | jail | bb      | vnet0|10.0.0.6/24,vnet0|10.0.0.5/24 | -                  | -        | no       |
+-----+------+------+-------+------+---------+-------------------------------------+--------------------+----------+----------+
"""


def test_script_and_quick_formats(jailor, four_jails):
    # -h: iocage's inverted header flag: tabs, no header, no borders
    assert jailor.run("list", "-h").stdout == (
        "-\tbase\tdown\tbb\t10.0.0.2\n"
        "-\tdb\tdown\tbb\t-\n"
        "-\tdh\tdown\tbb\tDHCP\n"
        "-\tweb\tdown\tbb\t10.0.0.6,10.0.0.5\n")
    assert jailor.run("list", "-l", "-h").stdout.splitlines()[0] == \
        "-\tbase\ton\tdown\tjail\tbb\t10.0.0.2\t-\t-\tyes"
    # -q: the property as written, DHCP for DHCP jails
    assert jailor.run("list", "-q", "-h").stdout == (
        "base\t10.0.0.2\n"
        "db\tnone\n"
        "dh\tDHCP\n"
        "web\tvnet0|10.0.0.6/24,vnet0|10.0.0.5/24\n")
    assert jailor.run("list", "-q").stdout.splitlines()[:3] == [
        "+------+-------------------------------------+",
        "| NAME |                 IP4                 |",
        "+======+=====================================+",
    ]


def test_json_list(jailor, four_jails):
    rows = jailor.json("list")
    assert [r["name"] for r in rows] == ["base", "db", "dh", "web"]
    assert rows[0] == {"jid": None, "name": "base", "state": "down", "boot": True, "type": "jail",
                       "release": "bb", "ip4": "10.0.0.2", "ip4_addr": "10.0.0.2",
                       "ip6_addr": "none", "dhcp": False, "address": None, "template": None, "basejail": True}
    assert rows[2]["ip4"] == "DHCP" and rows[2]["dhcp"] is True
    assert rows[3]["ip4"] == "10.0.0.6,10.0.0.5"


def test_sorting(jailor, four_jails):
    for i in (10, 2, 1):
        jailor.run("create", "-r", "bb", "-n", f"n_{i}", f"ip4_addr=10.0.1.{i}")
    # natural order on _N suffixes: n_2 before n_10
    assert names_of(jailor.run("list", "-h").stdout) == ["base", "db", "dh", "n_1", "n_2", "n_10",
                                                          "web"]
    # by first address numerically (10.0.0.5 is web's smallest); DHCP and none last
    assert names_of(jailor.run("list", "-h", "-s", "ip4").stdout) == [
        "base", "web", "n_1", "n_2", "n_10", "db", "dh"]
    # boot=on first, then by name
    assert names_of(jailor.run("list", "-l", "-h", "-s", "boot").stdout)[:2] == ["base", "db"]
    assert names_of(jailor.run("list", "-h", "-s", "STATE").stdout)[3:6] == ["n_1", "n_2", "n_10"]
    # keys of the long listing are refused for the short one, as iocage does
    proc = jailor.run("list", "-s", "boot", check=False)
    assert proc.returncode == 2
    assert "Invalid sort field 'boot'" in proc.stderr and proc.stderr.count("\n") == 1
    proc = jailor.run("list", "-l", "-s", "frob", check=False)
    assert proc.returncode == 2 and "'frob'" in proc.stderr


def test_corrupt_jail_does_not_break_the_listing(jailor, four_jails):
    (four_jails / "jails" / "db" / "config.json").write_text("{not json")
    bad = four_jails / "jails" / "dh" / "config.json"
    bad.write_text(json.dumps({"CONFIG_VERSION": 1, "priority": 500}))
    lines = jailor.run("list", "-h").stdout.splitlines()
    assert lines == ["-\tbase\tdown\tbb\t10.0.0.2",
                     "-\tdb\tCORRUPT\tN/A\tN/A",
                     "-\tdh\tCORRUPT\tN/A\tN/A",
                     "-\tweb\tdown\tbb\t10.0.0.6,10.0.0.5"]
    assert jailor.run("list", "-l", "-h").stdout.splitlines()[1] == \
        "-\tdb\tN/A\tCORRUPT\tN/A\tN/A\tN/A\tN/A\tN/A\tN/A"
    assert jailor.run("list", "-q", "-h").stdout.splitlines()[1] == "db\tN/A"
    rows = {r["name"]: r for r in jailor.json("list")}
    assert rows["db"]["state"] == "CORRUPT" and "config.json" in rows["db"]["error"]
    assert "priority" in rows["dh"]["error"]
    # corrupt rows go last for every key but name
    assert names_of(jailor.run("list", "-h", "-s", "ip4").stdout)[-2:] == ["db", "dh"]
    # the listing never rewrites what it cannot read
    assert bad.read_text() == json.dumps({"CONFIG_VERSION": 1, "priority": 500})


def test_templates_are_listed_apart(jailor, four_jails):
    jailor.run("create", "-r", "bb", "-n", "tpl", "template=yes")
    jailor.run("create", "-t", "tpl", "-n", "child")
    assert "tpl" not in names_of(jailor.run("list", "-h").stdout)
    assert jailor.run("list", "-t", "-h").stdout == "-\ttpl\tdown\tbb\t-\n"
    assert jailor.run("list", "-t", "-l", "-h").stdout == \
        "-\ttpl\toff\tdown\ttemplate\tbb\t-\t-\t-\tno\n"
    child = [l for l in jailor.run("list", "-l", "-h").stdout.splitlines() if "\tchild\t" in l]
    assert child == ["-\tchild\toff\tdown\tjail\tbb\t-\t-\ttpl\tno"]
    assert names_of(jailor.run("list", "-l", "-h", "-s", "template").stdout)[0] == "child"
    jailor.run("destroy", "-R", "tpl")


def test_empty_pool_and_bad_options(jailor, dir_pool):
    assert jailor.run("list", "-h").stdout == ""
    assert jailor.run("list").stdout.splitlines()[1] == "| JID | NAME | STATE | RELEASE | IP4 |"
    assert jailor.json("list") == []
    for args in (["-q", "-l"], ["-r", "-t"], ["extra"]):
        proc = jailor.run("list", *args, check=False)
        assert proc.returncode == 2, args
        assert proc.stderr.count("\n") == 1


def test_list_of_1000_jails(jailor, dir_pool):
    """list reads only config.json files: 1000 jails written directly are all listed."""
    for i in range(1, 1001):
        d = dir_pool / "jails" / f"j_{i}"
        (d / "root").mkdir(parents=True)
        (d / "config.json").write_text(json.dumps({
            "CONFIG_VERSION": 1, "release": "bb", "ip4_addr": f"vnet0|10.{i // 256}.{i % 256}.1/16",
            "boot": i % 2}))
    start = time.monotonic()
    out = jailor.run("list", "-h").stdout
    elapsed = time.monotonic() - start
    print(f"list of 1000 jails: {elapsed * 1000:.1f} ms")
    lines = out.splitlines()
    assert len(lines) == 1000
    assert names_of(out)[:3] == ["j_1", "j_2", "j_3"] and names_of(out)[-1] == "j_1000"
    assert lines[999] == "-\tj_1000\tdown\tbb\t10.3.232.1"
    start = time.monotonic()
    rows = jailor.json("list", "-s", "boot")
    print(f"list --json -s boot of 1000 jails: {(time.monotonic() - start) * 1000:.1f} ms")
    assert len(rows) == 1000
    assert [r["name"] for r in rows[:2]] == ["j_1", "j_3"] and rows[500]["name"] == "j_2"
    # nothing was migrated or rewritten on the way
    assert not list(dir_pool.glob("jails/*/config_backup.json"))


# ---- df ---------------------------------------------------------------------

SIZE = r"\d+(\.\d+)?[BKMGTPE]"


def df_rows(jailor):
    return [line.split("\t") for line in jailor.run("df", "-h").stdout.splitlines()]


def test_df_on_each_backend(jailor, pool_with_release):
    jailor.run("create", "-r", "bb", "-n", "web_10")
    jailor.run("create", "-r", "bb", "-n", "web_2", "-T")
    jailor.run("create", "-r", "bb", "-n", "tpl", "template=yes")
    out = jailor.run("df").stdout.splitlines()
    assert [c.strip() for c in out[1].split("|")[1:-1]] == ["NAME", "CRT", "RES", "QTA", "USE", "AVA"]
    assert out[0].startswith("+--") and out[2].startswith("+==")
    rows = df_rows(jailor)
    assert [r[0] for r in rows] == ["tpl", "web_2", "web_10"]
    for name, crt, res, qta, use, ava in rows:
        assert (crt, res, qta) == ("-", "-", "none"), name
        assert re.fullmatch(SIZE, use) and re.fullmatch(SIZE, ava), (name, use, ava)
    data = {r["name"]: r for r in jailor.json("df")}
    assert data["tpl"]["type"] == "template" and data["web_2"]["type"] == "jail"
    # a thick copy holds the whole release (busybox: over 1 MiB); a fresh clone next to nothing
    # (btrfs counts the extents a snapshot shares with its origin as used by both)
    assert data["web_2"]["used"] > 1 << 20
    if pool_with_release.backend != "btrfs":
        assert data["web_10"]["used"] < data["web_2"]["used"]
    assert data["web_2"]["crt"] is None and data["web_2"]["qta"] == "none"
    by_use = [r["used"] for r in jailor.json("df", "-s", "use")]
    assert by_use == sorted(by_use) and by_use[-1] == data["web_2"]["used"]
    assert [r[0] for r in df_rows(jailor)] == [r[0] for r in
                                               [l.split("\t") for l in
                                                jailor.run("df", "-h", "-s", "qta").stdout.splitlines()]]
    for name in ("web_10", "web_2"):
        jailor.run("destroy", name)
    jailor.run("destroy", "tpl")


def test_df_shows_the_quota(jailor, pool, pool_with_release):
    jailor.run("create", "-r", "bb", "-n", "q")
    if pool.backend == "dir":
        err = jailor.fails("set", "quota=100M", "q")
        assert err == "jailor: Cannot set quota=100M on 'q': The dir backend cannot limit the size " \
                      "of a dataset (quota)\n"
        assert df_rows(jailor)[0][3] == "none"
        return
    assert jailor.run("set", "quota=100M", "q").stdout == "quota: none -> 100M\n"
    row = df_rows(jailor)[0]
    assert row[0] == "q" and row[3] == "100M"
    data = jailor.json("df")[0]
    assert data["qta"] == "100M" and data["available"] <= 100 << 20
    jailor.run("set", "quota=none", "q")
    assert jailor.json("df")[0]["available"] > 100 << 20  # the limit is lifted
    jailor.run("destroy", "q")


def test_create_with_a_quota_limits_the_new_root(jailor, pool, pool_with_release):
    if pool.backend == "dir":
        err = jailor.fails("create", "-r", "bb", "-n", "q", "quota=64M")
        assert err == "jailor: Cannot set quota=64M on 'q': The dir backend cannot limit the size " \
                      "of a dataset (quota)\n"
        assert jailor.json("list") == []
        assert list((Path(pool.path) / "jailor" / "staging").iterdir()) == []
        return
    jailor.run("create", "-r", "bb", "-n", "q", "quota=64M")
    assert jailor.run("get", "quota", "q").stdout == "64M\n"
    data = jailor.json("df")[0]
    assert data["qta"] == "64M" and data["available"] <= 64 << 20
    # a jail made from a template inherits its limit
    jailor.run("set", "template=yes", "q")
    jailor.run("create", "-t", "q", "-n", "from_t")
    assert {r["name"]: r["qta"] for r in jailor.json("df")}["from_t"] == "64M"
    jailor.run("destroy", "from_t")
    jailor.run("destroy", "q")


def test_df_bad_sort(jailor, dir_pool):
    proc = jailor.run("df", "-s", "size", check=False)
    assert proc.returncode == 2 and "'size'" in proc.stderr
    assert jailor.run("df", "-h").stdout == ""
