"""The command line itself: help, version, unknown commands and options."""
import re


def test_version(jailor):
    out = jailor.run("--version").stdout
    assert re.fullmatch(r"jailor \d+\.\d+\.\d+\n", out)


def test_help_lists_every_command(jailor):
    out = jailor.run("--help").stdout
    for cmd in ("activate", "deactivate", "pools", "get", "set"):
        assert re.search(rf"^  {cmd}\s", out, re.M), cmd


def test_command_help(jailor):
    out = jailor.run("activate", "--help").stdout
    assert out.startswith("Usage: jailor activate POOL")
    assert jailor.run("help", "get").stdout.startswith("Usage: jailor get")


def test_unknown_command_is_a_usage_error(jailor):
    proc = jailor.run("frobnicate", check=False)
    assert proc.returncode == 2
    assert proc.stderr == "jailor: unknown command 'frobnicate'; see 'jailor --help'\n"


def test_unknown_option_is_a_usage_error(jailor):
    proc = jailor.run("pools", "--frob", check=False)
    assert proc.returncode == 2
    assert "unknown option '--frob'" in proc.stderr
    assert len(proc.stderr.splitlines()) == 1
    proc = jailor.run("--frob", check=False)
    assert proc.returncode == 2


def test_missing_argument_is_a_usage_error(jailor):
    proc = jailor.run("activate", check=False)
    assert proc.returncode == 2
    assert "expected exactly one POOL argument" in proc.stderr
    assert not jailor.conf_dir.exists()
