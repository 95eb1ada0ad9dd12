"""jailor start --rc / stop --rc: boot=on jails in priority order, depends first (SPEC §6)."""
import pytest

from conftest import with_dir_pool


@pytest.fixture(scope="session")
def busybox_tar(busybox_tar_builtin_init):
    return busybox_tar_builtin_init


@pytest.fixture
def rc_pool(jailor, tmp_path, busybox_tar):
    """A directory pool with release 'bb'; every jail stopped afterwards, whatever happens."""
    with_dir_pool(jailor, tmp_path, busybox_tar)
    try:
        yield tmp_path
    finally:
        for name in jailor.run("list", "-h").stdout.split("\n"):
            fields = name.split("\t")
            if len(fields) > 2 and fields[2] == "up":
                jailor.run("stop", fields[1], check=False)


def make(jailor, log, name, *props):
    """A jail whose hooks append 'start NAME' / 'stop NAME' to log, the start taking a while."""
    jailor.run("create", "-r", "bb", "-n", name,
               f"exec_prestart=echo start {name} >> {log}; sleep 0.3; echo started {name} >> {log}",
               f"exec_poststop=echo stop {name} >> {log}", *props)


def events(log):
    return log.read_text().split("\n")[:-1]


def test_priority_order_equal_priorities_together_and_reverse_stop(jailor, rc_pool):
    log = rc_pool / "log"
    make(jailor, log, "bo1", "boot=on", "priority=1")
    make(jailor, log, "bo2a", "boot=on", "priority=2")
    make(jailor, log, "bo2b", "boot=on", "priority=2")
    make(jailor, log, "bo3", "boot=on", "priority=3")
    make(jailor, log, "booff", "boot=off", "priority=1")
    out = jailor.run("start", "--rc").stdout.split("\n")[:-1]
    assert sorted(out) == ["bo1 started", "bo2a started", "bo2b started", "bo3 started"]
    ev = events(log)
    assert "start booff" not in ev
    # a wave begins once the one before has finished
    assert ev.index("started bo1") < min(ev.index("start bo2a"), ev.index("start bo2b"))
    assert max(ev.index("started bo2a"), ev.index("started bo2b")) < ev.index("start bo3")
    # the two of priority 2 run side by side: both began before either finished
    assert max(ev.index("start bo2a"), ev.index("start bo2b")) < \
        min(ev.index("started bo2a"), ev.index("started bo2b"))
    # again: nothing to do, and it says so
    assert jailor.run("start", "--rc").stdout.count("was already started") == 4
    log.write_text("")
    jailor.run("stop", "--rc")
    stops = [e for e in events(log) if e.startswith("stop ")]
    assert stops[0] == "stop bo3" and stops[-1] == "stop bo1"
    assert sorted(stops[1:3]) == ["stop bo2a", "stop bo2b"]
    assert "\tup\t" not in jailor.run("list", "-h").stdout


def test_depends_start_first_and_failures_stay_local(jailor, rc_pool):
    log = rc_pool / "log"
    make(jailor, log, "bodb", "boot=off", "priority=5")          # only needed by boweb
    make(jailor, log, "boweb", "boot=on", "priority=1", "depends=bodb")
    make(jailor, log, "bobad", "boot=on", "priority=1", "exec_prestart=exit 3")
    make(jailor, log, "boneedsbad", "boot=on", "priority=2", "depends=bobad")
    make(jailor, log, "bocyc1", "boot=on", "depends=bocyc2")
    make(jailor, log, "bocyc2", "boot=on", "depends=bocyc1")
    make(jailor, log, "bomiss", "boot=on", "depends=bonothere")
    make(jailor, log, "bofine", "boot=on", "priority=9")
    proc = jailor.run("start", "--rc", check=False)
    assert proc.returncode == 1
    started = sorted(proc.stdout.split("\n")[:-1])
    assert started == ["bodb started", "bofine started", "boweb started"]
    err = proc.stderr
    assert "jailor: bobad: exec_prestart 'exit 3' of jail 'bobad' failed (exit 3)" in err
    assert "jailor: boneedsbad: its dependency 'bobad' did not start" in err
    assert "cycle" in err and "bocyc1" in err and "bocyc2" in err
    assert "jailor: bomiss: it depends on 'bonothere', which is not a jail" in err
    assert "jailor: 5 of 8 jails failed to start" in err
    ev = events(log)
    assert ev.index("started bodb") < ev.index("start boweb")
    # stop --rc stops what started, the dependant before its dependency
    log.write_text("")
    jailor.run("stop", "--rc")
    stops = [e for e in events(log) if e.startswith("stop ")]
    assert stops.index("stop boweb") < stops.index("stop bodb")
    assert set(stops) == {"stop boweb", "stop bodb", "stop bofine"}


def test_rc_takes_no_names(jailor, rc_pool):
    proc = jailor.run("start", "--rc", "x", check=False)
    assert proc.returncode == 2 and "--rc takes no jail names" in proc.stderr


def test_the_systemd_unit_runs_the_boot_order():
    from conftest import BUILD
    unit = (BUILD / "tools" / "jailor.service").read_text()
    assert "ExecStart=/" in unit and "/jailor start --rc\n" in unit
    assert "/jailor stop --rc\n" in unit and "WantedBy=multi-user.target" in unit
