"""The web UI in a real browser: tests/browser/webui.mjs drives Debian's
headless Chromium (playwright-core) through login, the pool chooser, a
release fetch, the ADD wizard, start, the web shell, the advanced form,
mount points, stop and delete, against `jailor serve` on a directory pool.
The login account and its group exist only during the test.  Screenshots
go to the test's directory, or to $JAILOR_SCREENSHOTS (make screenshots)."""
import os
import secrets
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

from api import Api
from conftest import REPO, skip_or_fail

SCRIPT = REPO / "tests" / "browser" / "webui.mjs"
CHROMIUM = "/usr/bin/chromium"


def _need(path, what):
    if not Path(path).exists():
        skip_or_fail(f"{what} is missing ({path}); run make deps-check / make build")


@pytest.fixture
def account(jailor):
    """A user in a temporary group that jailor.conf names as the API group."""
    tag = secrets.token_hex(3)
    group, user, password = f"jlwg{tag}", f"jlwu{tag}", "Web-" + secrets.token_hex(8)
    made_group = made_user = False
    try:
        subprocess.run(["groupadd", group], check=True, capture_output=True)
        made_group = True
        subprocess.run(["useradd", "-M", "-N", "-d", "/nonexistent", "-s", "/usr/sbin/nologin",
                        "-G", group, user], check=True, capture_output=True)
        made_user = True
        subprocess.run(["chpasswd"], input=f"{user}:{password}\n", text=True, check=True,
                       capture_output=True)
        jailor.conf_dir.mkdir(parents=True, exist_ok=True)
        with open(jailor.conf_dir / "jailor.conf", "a") as f:
            f.write(f"api_group = {group}\n")
        yield user, password
    finally:
        if made_user:
            subprocess.run(["userdel", user], capture_output=True)
        if made_group:
            subprocess.run(["groupdel", group], capture_output=True)


def _run_browser(argv, env, timeout=300):
    """Runs node (and the Chromium it starts) in a process group of its own,
    killed whole by its id if it outlives the timeout or the test."""
    proc = subprocess.Popen(argv, env=env, cwd=REPO, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        out, err = "", f"the browser test ran over {timeout} s"
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # the group of the node we started: Chromium too
        except ProcessLookupError:
            pass
        proc.wait()
    return out, err, proc.returncode


def test_webui_end_to_end(jailor, account, tmp_path, busybox_tar_builtin_init):
    _need(CHROMIUM, "Debian's chromium")
    _need(REPO / "node_modules" / "playwright-core", "playwright-core (npm)")
    _need(REPO / "web" / "vendor" / "xterm.mjs", "xterm.js in web/vendor")
    node = shutil.which("node")
    if not node:
        skip_or_fail("node is missing")
    user, password = account
    (tmp_path / "pool").mkdir()
    src = tmp_path / "shared"
    src.mkdir()
    shots = Path(os.environ.get("JAILOR_SCREENSHOTS") or tmp_path / "screenshots")
    server = Api(jailor)
    try:
        env = dict(os.environ, JAILOR_URL=f"http://127.0.0.1:{server.port}/",
                   JAILOR_USER=user, JAILOR_PASSWORD=password,
                   JAILOR_POOL=str(tmp_path / "pool"),
                   JAILOR_RELEASE_FILE=str(busybox_tar_builtin_init),
                   JAILOR_MOUNT_SRC=str(src), JAILOR_SHOTS=str(shots))
        out, err, code = _run_browser([node, str(SCRIPT)], env)
        assert code == 0, f"{out}\n{err}"
        assert "all steps passed" in out
    finally:
        # only once the browser chose the pool: with none, jailor would select one itself
        if "pool =" in jailor.conf():
            jailor.stop_for_sure("webui1")
            for name in ["webui1", "tpl1"]:
                jailor.run("destroy", "-f", name, check=False)
        server.stop()
    # what the browser did is what the pool holds
    assert jailor.json("list") == []
    for name in ["login", "pool-chooser", "releases", "wizard-1-name", "wizard-2-network",
                 "wizard-3-confirm", "jails-columns", "jails-expanded", "shell", "edit-running",
                 "jails-selected", "advanced-create",
                 "edit-error", "mount-picker", "mounts", "phone-jails", "phone-wizard", "delete", "defaults"]:
        assert (shots / f"{name}.png").stat().st_size > 1000, name
