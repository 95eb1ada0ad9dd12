"""What `jailor serve` adds for the web UI: its static files (no way out of
the UI directory, content types, security headers, revalidation), the
mount point pickers' directories, and the jail shell's WebSocket
(who may open it, bounded frames, the shell's output and exit status)."""
import json
import secrets
import time

import pytest

from api import Api, api, api_bb, start_api  # noqa: F401  (fixtures)
from conftest import REPO
from test_api_auth import accounts, login, self_signed, session_headers  # noqa: F401  (fixture)
from wsclient import WebSocket

WEB = REPO / "web"


def test_static_files(api):
    r = api.get("/", token=None)
    assert r.status == 200 and r.headers["Content-Type"] == "text/html; charset=utf-8", r
    assert r.raw == (WEB / "index.html").read_text()
    csp = r.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "script-src" not in csp  # scripts fall back to default-src 'self'
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["X-Frame-Options"] == "DENY"
    assert r.headers["Cache-Control"] == "no-cache"
    etag = r.headers["ETag"]
    again = api.get("/index.html", token=None, headers={"If-None-Match": etag})
    assert again.status == 304 and again.raw == "", again

    assert api.get("/js/main.js", token=None).headers["Content-Type"].startswith("text/javascript")
    assert api.get("/css/base.css", token=None).headers["Content-Type"].startswith("text/css")
    assert api.get("/img/jailor.svg", token=None).headers["Content-Type"] == "image/svg+xml"


@pytest.mark.parametrize("path", ["/../meson.build", "/%2e%2e/meson.build", "/js/../../meson.build",
                                  "/..%2fmeson.build", "/.hidden", "//etc/passwd", "/js/%2e/main.js",
                                  "/no-such-file.js", "/js", "/css/..\\..\\meson.build"])
def test_static_refusals(api, path):
    conn = api.connection()
    try:
        conn.putrequest("GET", path, skip_accept_encoding=True)
        conn.endheaders()
        resp = conn.getresponse()
        body = resp.read().decode()
    finally:
        conn.close()
    assert resp.status == 404, (path, resp.status, body)
    assert "project(" not in body and "root:" not in body
    assert resp.getheader("Content-Security-Policy")


def test_static_link_out_of_the_ui_refused(jailor, tmp_path):
    ui = tmp_path / "ui"
    ui.mkdir()
    (ui / "index.html").write_text("<title>t</title>")
    (ui / "out").symlink_to("/etc")
    (ui / "passwd").symlink_to("/etc/passwd")
    server = Api(jailor, "--ui", str(ui))
    try:
        assert server.get("/", token=None).raw == "<title>t</title>"
        assert server.get("/out/passwd", token=None).status == 404
        assert server.get("/passwd", token=None).status == 404
        assert server.post("/index.html", token=None).status == 405
        assert server.get("/api/v1/nope", token=None).status == 404  # the API's own 404
    finally:
        server.stop()
    missing = jailor.run("serve", "--ui", str(tmp_path / "nope"), check=False)
    assert missing.returncode == 1 and "No web UI directory" in missing.stderr


def test_directories(api_bb, tmp_path):
    (tmp_path / "d" / "b").mkdir(parents=True)
    (tmp_path / "d" / "a").mkdir()
    (tmp_path / "d" / "file").write_text("x")
    r = api_bb.post("/api/v1/host/directories", {"path": str(tmp_path / "d")})
    assert r.json == {"path": str(tmp_path / "d"), "directories": ["a", "b"]}, r
    r = api_bb.post("/api/v1/host/directories", {"path": "relative"})
    assert r.status == 422 and r.error["field"] == "path", r
    r = api_bb.post("/api/v1/host/directories", {"path": str(tmp_path / "nope")})
    assert r.status == 404 and r.error["field"] == "path", r

    assert api_bb.post("/api/v1/jails", {"name": "j", "release": "bb"}).status == 201
    r = api_bb.post("/api/v1/host/directories", {"path": "/", "jail": "j"})
    assert r.status == 200 and {"bin", "etc", "tmp"} <= set(r.json["directories"]), r
    # inside the jail's root, ".." stays there
    r = api_bb.post("/api/v1/host/directories", {"path": "/../../..", "jail": "j"})
    assert set(r.json["directories"]) == set(
        api_bb.post("/api/v1/host/directories", {"path": "/", "jail": "j"}).json["directories"])
    r = api_bb.post("/api/v1/host/directories", {"path": "/", "jail": "nope"})
    assert r.status == 404, r


def _shell(server, name="j", **kw):
    return WebSocket(server.port, f"/api/v1/jails/{name}/shell", **kw)


def test_shell(api_bb, jailor):
    assert api_bb.post("/api/v1/jails", {"name": "j", "release": "bb"}).status == 201
    bearer = {"Authorization": f"Bearer {api_bb.token}"}
    # not running: the shell says why, then closes
    ws = _shell(api_bb, headers=bearer)
    assert ws.status == 101
    op, payload = ws.recv()
    assert op == 0x1 and "not running" in json.loads(payload)["error"], payload
    assert ws.recv()[0] == 0x8
    ws.close()

    with jailor.started("j"):
        ws = _shell(api_bb, headers=bearer)
        ws.resize(120, 40)
        ws.send(b"hostname; stty size; exit 7\n")
        out = ws.read_until("40 120")
        assert "\r\nj\r\n" in out, out
        op, payload = ws.recv()
        assert (op, json.loads(payload)) == (0x1, {"exit": 7})
        assert ws.recv()[0] == 0x8
        ws.close()

        # a frame over 64 KiB ends the connection (1009); the shell goes with it
        ws = _shell(api_bb, headers=bearer)
        ws.send(b"x" * (65 * 1024))
        frames = ws.frames_until_closed()
        closes = [p for op, p in frames if op == 0x8]
        assert closes and int.from_bytes(closes[0][:2], "big") == 1009, frames
        ws.close()


def test_shell_refusals(accounts, jailor, tmp_path, busybox_tar):  # noqa: F811
    server = start_api(jailor)
    try:
        s = session_headers(login(server, accounts["member"]))
        own = f"http://127.0.0.1:{server.port}"
        cookie = {"Cookie": s["Cookie"]}
        csrf = [f"jailor-csrf-{s['X-CSRF-Token']}", "jailor-shell"]
        cases = [
            ({}, csrf, 401),                                         # nobody
            (dict(cookie, Origin="http://evil.example"), csrf, 403),  # another site
            (cookie, csrf, 403),                                     # a browser always sends Origin
            (dict(cookie, Origin=own), ["jailor-shell"], 403),       # no CSRF token
            (dict(cookie, Origin=own), [f"jailor-csrf-{secrets.token_hex(32)}"], 403),
        ]
        for headers, protocols, status in cases:
            ws = _shell(server, headers=headers, protocols=protocols)
            assert ws.status == status, (headers, protocols, ws.status)
            ws.close()
        # the right one is let through (the jail does not exist: the shell says so)
        ws = _shell(server, headers=dict(cookie, Origin=own), protocols=csrf)
        assert ws.status == 101 and ws.headers["sec-websocket-protocol"] == "jailor-shell"
        op, payload = ws.recv()
        assert op == 0x1 and "error" in json.loads(payload)
        ws.close()
        # a plain GET is not a WebSocket
        r = server.get("/api/v1/jails/j/shell")
        assert r.status == 400 and r.error["code"] == "not_websocket", r
    finally:
        server.stop()


def _bb_jail(server, tmp_path, busybox_tar, headers=None):
    """Release bb and jail j on a directory pool of the test, through server."""
    (tmp_path / "pool").mkdir()
    r = server.post("/api/v1/pools/activate", {"pool": str(tmp_path / "pool")}, headers=headers)
    assert r.status == 200, r
    server.run_job("POST", "/api/v1/releases", {"name": "bb", "file": str(busybox_tar)})
    assert server.post("/api/v1/jails", {"name": "j", "release": "bb"}).status == 201


def _processes(server, name="j"):
    r = server.post(f"/api/v1/jails/{name}/exec", {"command": "ps -o comm"})
    return r.json["stdout"].split()[1:]


def test_shell_ends_with_its_session_and_its_connection(accounts, jailor, tmp_path,  # noqa: F811
                                                         busybox_tar):
    server = start_api(jailor)
    try:
        _bb_jail(server, tmp_path, busybox_tar)
        with jailor.started("j"):
            before = _processes(server)
            s = session_headers(login(server, accounts["member"]))
            own = f"http://127.0.0.1:{server.port}"
            ws = _shell(server, headers={"Cookie": s["Cookie"], "Origin": own},
                        protocols=[f"jailor-csrf-{s['X-CSRF-Token']}"])
            assert ws.status == 101
            ws.send(b"echo in; sleep 1000\n")
            ws.read_until("in\r\n")
            assert "sleep" in _processes(server)
            # logging out ends the session's shells at their next frame
            assert server.delete("/api/v1/session", token=None, headers=s).status == 204
            ws.send(b"\n")
            frames = ws.frames_until_closed()
            assert (0x1, b'{"error":"The session has ended: log in again"}') in frames, frames
            ws.close()
            # a browser that vanishes mid-command takes its shell with it
            ws = _shell(server, headers={"Authorization": f"Bearer {server.token}"})
            ws.send(b"echo in; sleep 1000\n")
            ws.read_until("in\r\n")
            ws.close()
            for _ in range(50):
                if _processes(server) == before:
                    break
                time.sleep(0.1)
            assert _processes(server) == before
    finally:
        server.stop()


def test_shell_over_tls(jailor, tmp_path, busybox_tar):
    cert, key = self_signed(tmp_path)
    server = start_api(jailor, "--tls-cert", str(cert), "--tls-key", str(key), tls_ca=str(cert))
    try:
        assert server.get("/", token=None).status == 200
        _bb_jail(server, tmp_path, busybox_tar)
        with jailor.started("j"):
            ws = _shell(server, headers={"Authorization": f"Bearer {server.token}"},
                        tls_ca=str(cert))
            assert ws.status == 101
            ws.send(b"hostname; exit\n")
            assert "\r\nj\r\n" in ws.read_until("\r\nj\r\n")
            op, payload = ws.recv()
            assert (op, json.loads(payload)) == (0x1, {"exit": 0})
            ws.close()
    finally:
        server.stop()


def test_shells_are_bounded(api):
    """At most 32 shells at once; a closed one makes room again."""
    bearer = {"Authorization": f"Bearer {api.token}"}
    open_ = []
    try:
        # handshakes not yet used count too (the jail does not even exist)
        for _ in range(32):
            ws = _shell(api, name="nope", headers=bearer)
            assert ws.status == 101
            open_.append(ws)
        extra = _shell(api, name="nope", headers=bearer)
        assert extra.status == 503, extra.status
        extra.close()
    finally:
        for ws in open_:
            ws.frames_until_closed()
            ws.close()
    for _ in range(50):
        ws = _shell(api, name="nope", headers=bearer)
        if ws.status == 101:
            break
        ws.close()
        time.sleep(0.1)
    assert ws.status == 101
    ws.close()
