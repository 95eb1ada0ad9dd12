"""defaults.json through `get/set ... default` (SPEC §2)."""
import json

import pytest


@pytest.fixture
def active(jailor, tmp_path):
    """An activated directory pool; returns the path of its defaults.json."""
    pool = tmp_path / "pool"
    pool.mkdir()
    jailor.run("activate", pool)
    return pool / "jailor" / "defaults.json"


def test_get_all_default_is_sorted_key_value(jailor, active):
    lines = jailor.run("get", "all", "default").stdout.splitlines()
    keys = [l.split(":", 1)[0] for l in lines]
    assert keys == sorted(keys)
    values = dict(l.split(":", 1) for l in lines)
    assert values["priority"] == "99"
    assert values["boot"] == "0"
    assert values["interfaces"] == "vnet0:bridge0"
    assert values["resolver"] == "/etc/resolv.conf"
    assert jailor.run("get", "-a", "default").stdout.splitlines() == lines
    as_json = jailor.json("get", "all", "default")
    assert as_json["priority"] == "99"


def test_defaults_file_stores_booleans_and_integers_as_numbers(active):
    on_disk = json.loads(active.read_text())
    assert on_disk["boot"] == 0
    assert on_disk["priority"] == 99
    assert on_disk["resolver"] == "/etc/resolv.conf"
    assert "host_hostuuid" not in on_disk  # identity is never a default


def test_set_default_prints_old_and_new(jailor, active):
    proc = jailor.run("set", "priority=10", "boot=yes", "default")
    assert proc.stdout == "priority: 99 -> 10\nboot: 0 -> 1\n"
    assert jailor.run("get", "priority", "default").stdout == "10\n"
    on_disk = json.loads(active.read_text())
    assert on_disk["priority"] == 10 and on_disk["boot"] == 1


@pytest.mark.parametrize("assignment,words", [
    ("boot=onion", ["'onion'", "boot"]),
    ("priority=100", ["'100'", "priority"]),
    ("memoryuse=lots", ["'lots'", "memoryuse"]),
    ("no_such_prop=1", ["no_such_prop"]),
    ("priority", ["'priority'", "missing a value"]),
    ("securelevel=2", ["securelevel", "FreeBSD"]),
])
def test_bad_set_changes_nothing(jailor, active, assignment, words):
    before = active.read_bytes()
    err = jailor.fails("set", "notes=hello", assignment, "default")
    assert err.count("\n") == 1
    for w in words:
        assert w in err
    assert active.read_bytes() == before


def test_freebsd_only_get_names_the_linux_equivalent(jailor, active):
    err = jailor.fails("get", "devfs_ruleset", "default")
    assert "FreeBSD" in err and err.count("\n") == 1


def test_unknown_get(jailor, active):
    assert jailor.fails("get", "frob", "default") == "jailor: Unknown property 'frob'\n"


def test_missing_defaults_are_recreated_with_a_message(jailor, active):
    active.unlink()
    proc = jailor.run("get", "priority", "default")
    assert proc.stdout == "99\n"
    assert f"Default configuration missing, created '{active}'" in proc.stderr
    assert json.loads(active.read_text())["priority"] == 99


def test_corrupt_defaults_warn_use_builtins_and_stay_untouched(jailor, active):
    jailor.run("set", "priority=5", "default")
    active.write_text('{"priority": 5,,}')
    proc = jailor.run("get", "priority", "default")
    assert proc.stdout == "99\n"
    assert f"'{active}' is corrupt (" in proc.stderr and "line 1" in proc.stderr
    assert active.read_text() == '{"priority": 5,,}'
    err = jailor.fails("set", "priority=7", "default")
    assert "is corrupt: fix or delete it" in err
    assert active.read_text() == '{"priority": 5,,}'


def test_invalid_value_in_defaults_is_ignored_with_a_warning(jailor, active):
    data = json.loads(active.read_text())
    data["priority"] = 1000
    active.write_text(json.dumps(data))
    proc = jailor.run("get", "priority", "default")
    assert proc.stdout == "99\n"
    assert "ignoring default" in proc.stderr and "priority" in proc.stderr


def test_jails_are_not_defaults(jailor, active):
    assert jailor.fails("get", "all", "nosuchjail") == "jailor: Jail 'nosuchjail' not found\n"
    assert jailor.fails("set", "boot=1", "nosuchjail") == "jailor: Jail 'nosuchjail' not found\n"
