"""Fixtures for the integration tests: they run the real jailor binary as
root, each test in its own JAILOR_CONF_DIR / JAILOR_RUN_DIR / pool under a
temporary directory, and check that nothing is left on the machine."""
import contextlib
import json
import os
import signal
import subprocess
from pathlib import Path

import pytest

import backends

REPO = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("JAILOR_BUILD_DIR", REPO / "build"))
JAILOR = BUILD / "src" / "cli" / "jailor"
MUST_WORK = os.environ.get("JAILOR_MUST_WORK") == "1"
# This run's jails get their cgroups under /sys/fs/cgroup[/CONTROLLER]/CGROUP_DIR
# (every jailor the tests run inherits it), so that runs side by side never see,
# or blame, each other's jails, whatever their names.
CGROUP_DIR = f"jailor-test-{os.getpid()}"
os.environ["JAILOR_CGROUP_DIR"] = CGROUP_DIR


def skip_or_fail(reason):
    """A test that cannot run here skips, except in CI where it must work."""
    if MUST_WORK:
        pytest.fail(f"JAILOR_MUST_WORK=1 but: {reason}")
    pytest.skip(reason)


class Jailor:
    """Runs the jailor binary in an isolated environment."""

    def __init__(self, tmp_path):
        self.conf_dir = tmp_path / "conf"
        self.run_dir = tmp_path / "run"
        self.embedded = tmp_path / "embedded"
        self.env = dict(os.environ)
        self.env.update(
            JAILOR_CONF_DIR=str(self.conf_dir),
            JAILOR_RUN_DIR=str(self.run_dir),
            JAILOR_EMBEDDED_POOL=str(self.embedded),
        )

    def run(self, *args, check=True, input=None, pass_fds=()):
        proc = subprocess.run(
            [str(JAILOR), *map(str, args)],
            env=self.env,
            input=input,
            capture_output=True,
            text=True,
            timeout=120,
            pass_fds=pass_fds,
        )
        if check and proc.returncode != 0:
            raise AssertionError(
                f"jailor {' '.join(map(str, args))} exited {proc.returncode}\n"
                f"stdout: {proc.stdout}\nstderr: {proc.stderr}"
            )
        return proc

    def fails(self, *args):
        """Runs a command that must fail; returns its stderr."""
        proc = self.run(*args, check=False)
        assert proc.returncode != 0, f"jailor {args} succeeded: {proc.stdout}"
        return proc.stderr

    def json(self, *args):
        return json.loads(self.run("--json", *args).stdout)

    def conf(self):
        path = self.conf_dir / "jailor.conf"
        return path.read_text() if path.exists() else ""

    def state(self, name):
        """The running jail's state.json: {"supervisor": PID, "init": PID, ...}."""
        return json.loads((self.run_dir / name / "state.json").read_text())

    def stop_for_sure(self, name):
        """Stops jail name whatever the test did; a supervisor that is still
        there afterwards (the test started it) is killed by its PID."""
        self.run("stop", name, check=False)
        state = self.run_dir / name / "state.json"
        if state.exists():
            try:
                os.kill(json.loads(state.read_text())["supervisor"], signal.SIGKILL)
            except (ProcessLookupError, ValueError, KeyError):
                pass

    @contextlib.contextmanager
    def started(self, *names):
        """Starts the jails; stops them afterwards whatever happens."""
        try:
            for name in names:
                self.run("start", name)
            yield self
        finally:
            for name in reversed(names):
                self.stop_for_sure(name)


def with_dir_pool(jailor, tmp_path, release_tar, release="bb"):
    """Activates a directory pool at tmp_path/pool holding release_tar as release."""
    (tmp_path / "pool").mkdir()
    jailor.run("activate", tmp_path / "pool")
    jailor.run("fetch", "-r", release, "-f", release_tar)
    return jailor


@pytest.fixture
def jailor(tmp_path):
    if not JAILOR.exists():
        pytest.fail(f"{JAILOR} is not built; run make first")
    return Jailor(tmp_path)


@pytest.fixture(params=["dir", "btrfs", "zfs"])
def pool(request, tmp_path):
    """A fresh pool of each backend, undone after the test."""
    make = {"dir": backends.dir_pool, "btrfs": backends.btrfs_pool, "zfs": backends.zfs_pool}
    try:
        where = tmp_path / "pool"
        where.mkdir()
        cm = make[request.param](where)
        p = cm.__enter__()
    except backends.BackendUnavailable as e:
        skip_or_fail(str(e))
    try:
        yield p
    finally:
        cm.__exit__(None, None, None)


DEBOOTSTRAP_CACHE = Path("/var/cache/jailor-test/bookworm-debootstrap.tgz")


def fetch_bookworm(jailor, pool_path):
    """Fetches bookworm into the active pool.  The debootstrap download is
    cached between runs on one machine (only debootstrap talks to the
    mirror); the install from it is done every time."""
    if DEBOOTSTRAP_CACHE.exists():
        jailor.run("fetch", "-r", "bookworm", "--tarball", DEBOOTSTRAP_CACHE)
        return
    jailor.run("fetch", "-r", "bookworm")
    DEBOOTSTRAP_CACHE.parent.mkdir(parents=True, exist_ok=True)
    tmp = DEBOOTSTRAP_CACHE.with_suffix(".part")
    tmp.write_bytes((Path(pool_path) / "jailor/download/bookworm/bookworm-debootstrap.tgz").read_bytes())
    tmp.rename(DEBOOTSTRAP_CACHE)


def _jail_cgroups():
    """This run's jail cgroups in every hierarchy: /sys/fs/cgroup[/CONTROLLER]/CGROUP_DIR/NAME."""
    found = []
    for top in [Path("/sys/fs/cgroup"), *Path("/sys/fs/cgroup").iterdir()]:
        jailor_dir = top / CGROUP_DIR
        if jailor_dir.is_dir():
            found += [str(d) for d in jailor_dir.iterdir() if d.is_dir()]
    return found


def _machine_state(ours):
    """What a test could leave behind, limited to this run's own things
    (under its base temporary directory) so that two runs side by side do
    not blame each other (jail cgroups: see CGROUP_DIR)."""
    mounts = [m for m in Path("/proc/self/mounts").read_text().splitlines() if ours in m]
    loops = [l for l in subprocess.run(["losetup", "-a"], capture_output=True,
                                       text=True).stdout.splitlines() if ours in l]
    fuse = []
    for pid in subprocess.run(["pgrep", "-x", "zfs-fuse"], capture_output=True, text=True).stdout.split():
        try:
            if ours in Path(f"/proc/{pid}/cmdline").read_text():
                fuse.append(pid)
        except OSError:
            pass
    return {"mounts": sorted(mounts), "loop devices": sorted(loops), "zfs-fuse": sorted(fuse),
            "cgroups": sorted(_jail_cgroups())}


@pytest.fixture(autouse=True)
def leaves_machine_clean(tmp_path_factory):
    """Fails a test that leaves a mount, loop device, zfs-fuse daemon or jail cgroup behind."""
    ours = str(tmp_path_factory.getbasetemp())
    before = _machine_state(ours)
    yield
    after = _machine_state(ours)
    for kind in before:
        added = set(after[kind]) - set(before[kind])
        assert not added, f"test left {kind} behind: {sorted(added)}"


# ---- release trees shared by the test modules ----

@pytest.fixture(scope="session")
def busybox_tar(tmp_path_factory):
    """A busybox system as a .tar.gz, with /sbin/init (busybox's)."""
    import rootfs
    tree = rootfs.make_busybox_root(tmp_path_factory.mktemp("busybox") / "root")
    return rootfs.tar_root(tree, tmp_path_factory.mktemp("tar") / "busybox.tar.gz", "gz")


@pytest.fixture(scope="session")
def busybox_tar_builtin_init(tmp_path_factory):
    """A busybox system without /sbin/init: jailor's built-in init runs the jail."""
    import rootfs
    tree = rootfs.make_busybox_root(tmp_path_factory.mktemp("busybox-noinit") / "root")
    os.unlink(tree / "sbin" / "init")
    return rootfs.tar_root(tree, tmp_path_factory.mktemp("tar") / "busybox-noinit.tar.gz", "gz")


@pytest.fixture(scope="session")
def big_tar(tmp_path_factory):
    """A busybox system with 4000 more files: copying, exporting or measuring it takes a while."""
    import rootfs
    tree = rootfs.make_busybox_root(tmp_path_factory.mktemp("big") / "root")
    for i in range(4000):
        d = tree / "srv" / f"d{i % 40}"
        d.mkdir(parents=True, exist_ok=True)
        (d / f"f{i}").write_text(f"file {i}\n" * 20)
    return rootfs.tar_root(tree, tmp_path_factory.mktemp("bigtar") / "big.tar")


def jailor_root(pool):
    """Where the jailor dataset of an activated pool is mounted."""
    if pool.backend == "zfs":
        out = subprocess.run(["zfs", "get", "-H", "-o", "value", "mountpoint", f"{pool.pool}/jailor"],
                             capture_output=True, text=True, check=True)
        return Path(out.stdout.strip())
    return Path(pool.path) / "jailor"
