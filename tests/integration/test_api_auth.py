"""Who may use the API: bearer tokens (`jailor token`), host accounts through
PAM (root or members of the API group) with a session cookie and its CSRF
token, and nothing from another site.  TLS with a given certificate."""
import hashlib
import json
import os
import secrets
import ssl
import stat
import subprocess

import pytest

from api import Api, api, start_api  # noqa: F401  (fixture)

PASSWORD = "Corr3ct-horse-" + secrets.token_hex(4)


def test_requests_without_valid_credentials_are_refused(api):
    r = api.get("/api/v1/jails", token=None)
    assert r.status == 401 and r.error["code"] == "unauthenticated", r
    assert r.headers["WWW-Authenticate"] == "Bearer"
    forged = "jailor_" + secrets.token_hex(32)
    for authz in [f"Bearer {forged}", "Bearer ", "Basic cm9vdDpyb290", f"Bearer {api.token}x",
                  f"Bearer {api.token[:-1]}"]:
        r = api.get("/api/v1/jails", token=None, headers={"Authorization": authz})
        assert r.status == 401 and r.error["code"] == "bad_token", (authz, r)
    r = api.get("/api/v1/jails", token=None,
                headers={"Cookie": "jailor_session=" + secrets.token_hex(32)})
    assert r.status == 401 and r.error["code"] == "session_expired", r
    # refused changes change nothing
    r = api.post("/api/v1/jails", {"name": "x", "type": "empty"}, token=forged)
    assert r.status == 401
    assert api.get("/api/v1/jails").json == []
    # the token works, and says who it is
    r = api.get("/api/v1/session")
    assert r.status == 200 and r.json == {"user": "tests", "via": "token"}, r


def test_tokens_are_stored_hashed_and_revocable(api, jailor):
    path = jailor.conf_dir / "api-tokens.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    stored = json.loads(path.read_text())["tokens"]
    assert api.token not in path.read_text()
    assert stored[0]["sha256"] == hashlib.sha256(api.token.encode()).hexdigest()
    assert stored[0]["name"] == "tests"

    other = jailor.run("token", "create").stdout.strip()
    listed = jailor.json("token", "list")
    assert [t["name"] for t in listed][0] == "tests" and len(listed) == 2
    assert all(set(t) == {"id", "name", "created"} for t in listed)
    assert "already exists" in jailor.fails("token", "create", "--name", "tests")
    assert "letters, digits" in jailor.fails("token", "create", "--name", "a b")
    assert api.get("/api/v1/jails", token=other).status == 200

    jailor.run("token", "revoke", "tests")
    assert api.get("/api/v1/jails").status == 401
    jailor.run("token", "revoke", listed[1]["id"])
    assert api.get("/api/v1/jails", token=other).status == 401
    assert "No token" in jailor.fails("token", "revoke", "tests")
    assert jailor.json("token", "list") == []


def test_bearer_requests_from_another_site_are_refused(api):
    for headers in [{"Origin": "http://evil.example"}, {"Sec-Fetch-Site": "cross-site"},
                    {"Sec-Fetch-Site": "same-site"}, {"Origin": "null"}]:
        r = api.post("/api/v1/jails", {"name": "x", "type": "empty"}, headers=headers)
        assert r.status == 403 and r.error["code"] == "cross_site", (headers, r)
    assert api.get("/api/v1/jails").json == []
    # reads are not changes; a same-origin change goes through
    assert api.get("/api/v1/jails", headers={"Origin": "http://evil.example"}).status == 200
    own = {"Origin": f"http://127.0.0.1:{api.port}", "Sec-Fetch-Site": "same-origin"}
    assert api.post("/api/v1/jails", {"name": "x", "type": "empty"}, headers=own).status == 201


# ---- host accounts (PAM) ----

def _run(*cmd):
    subprocess.run(cmd, check=True, capture_output=True)


@pytest.fixture
def accounts(jailor):
    """A temporary group (made the API group in this test's jailor.conf), a
    member, a non-member and a second name for uid 0, all with PASSWORD;
    removed afterwards whatever happens."""
    tag = secrets.token_hex(3)
    group, member, outsider, root = f"jlrg{tag}", f"jlrm{tag}", f"jlro{tag}", f"jlrr{tag}"
    made_users, made_group = [], False
    try:
        _run("groupadd", group)
        made_group = True
        for name, extra in [(member, ["-G", group]), (outsider, []),
                            (root, ["-o", "-u", "0", "-g", "0"])]:
            _run("useradd", "-M", "-N", "-d", "/nonexistent", "-s", "/usr/sbin/nologin",
                 *extra, name)
            made_users.append(name)
        subprocess.run(["chpasswd"], input="".join(f"{u}:{PASSWORD}\n" for u in made_users),
                       text=True, check=True, capture_output=True)
        jailor.conf_dir.mkdir(parents=True, exist_ok=True)
        with open(jailor.conf_dir / "jailor.conf", "a") as f:
            f.write(f"api_group = {group}\n")
        yield {"group": group, "member": member, "outsider": outsider, "root": root}
    finally:
        for name in made_users:
            # -f: the uid-0 name shares its uid with every root process
            subprocess.run(["userdel", "-f", name], capture_output=True)
        if made_group:
            subprocess.run(["groupdel", group], capture_output=True)


def login(api, user, password=PASSWORD, headers=None):
    return api.post("/api/v1/session", {"username": user, "password": password}, token=None,
                    headers=headers)


def session_headers(r):
    cookie = r.headers["Set-Cookie"].split(";")[0]
    return {"Cookie": cookie, "X-CSRF-Token": r.json["csrf_token"]}


def test_login_session_and_csrf(accounts, jailor):
    api = start_api(jailor)  # started after the accounts' jailor.conf line
    try:
        r = login(api, accounts["member"])
        assert r.status == 200, r
        assert r.json["user"] == accounts["member"] and len(r.json["csrf_token"]) == 64
        attrs = [a.strip() for a in r.headers["Set-Cookie"].split(";")]
        assert attrs[0].startswith("jailor_session=") and len(attrs[0]) == len("jailor_session=") + 64
        assert {"HttpOnly", "SameSite=Strict", "Path=/"} <= set(attrs) and "Secure" not in attrs
        good = session_headers(r)
        cookie_only = {"Cookie": good["Cookie"]}

        who = api.get("/api/v1/session", token=None, headers=cookie_only)
        assert who.json == {"user": accounts["member"], "via": "session",
                            "csrf_token": r.json["csrf_token"]}, who
        assert api.get("/api/v1/jails", token=None, headers=cookie_only).status == 200

        body = {"name": "x", "type": "empty"}
        r2 = api.post("/api/v1/jails", body, token=None, headers=cookie_only)
        assert r2.status == 403 and r2.error["code"] == "csrf", r2
        forged = dict(good, **{"X-CSRF-Token": secrets.token_hex(32)})
        r2 = api.post("/api/v1/jails", body, token=None, headers=forged)
        assert r2.status == 403 and r2.error["code"] == "csrf", r2
        r2 = api.post("/api/v1/jails", body, token=None,
                      headers=dict(good, Origin="http://evil.example"))
        assert r2.status == 403 and r2.error["code"] == "cross_site", r2
        r2 = api.post("/api/v1/jails", body, token=None,
                      headers=dict(good, **{"Sec-Fetch-Site": "cross-site"}))
        assert r2.status == 403 and r2.error["code"] == "cross_site", r2
        assert api.get("/api/v1/jails", token=None, headers=cookie_only).json == []
        same = dict(good, Origin=f"http://127.0.0.1:{api.port}")
        assert api.post("/api/v1/jails", body, token=None, headers=same).status == 201

        # logging in again makes another session; logout ends only this one
        other = session_headers(login(api, accounts["member"]))
        r2 = api.delete("/api/v1/session", token=None, headers=good)
        assert r2.status == 204 and "Max-Age=0" in r2.headers["Set-Cookie"], r2
        r2 = api.get("/api/v1/jails", token=None, headers=cookie_only)
        assert r2.status == 401 and r2.error["code"] == "session_expired", r2
        assert api.get("/api/v1/jails", token=None, headers={"Cookie": other["Cookie"]}).status == 200
    finally:
        api.stop()


def test_who_may_log_in(accounts, jailor):
    api = start_api(jailor)
    try:
        r = login(api, accounts["member"], "wrong-" + PASSWORD)
        assert r.status == 401 and r.error["code"] == "login_failed", r
        assert "Set-Cookie" not in r.headers
        unknown = login(api, "nosuchuser" + secrets.token_hex(3))
        assert unknown.status == 401 and unknown.error["code"] == "login_failed", unknown
        r = login(api, accounts["outsider"])
        assert r.status == 403 and r.error["code"] == "not_allowed", r
        assert accounts["group"] in r.error["message"] and "Set-Cookie" not in r.headers
        r = login(api, accounts["root"])  # uid 0 needs no group
        assert r.status == 200 and r.json["user"] == accounts["root"], r
        # the login itself is refused from another site
        r = login(api, accounts["member"], headers={"Origin": "http://evil.example"})
        assert r.status == 403 and r.error["code"] == "cross_site", r
        r = api.post("/api/v1/session", {"username": accounts["member"]}, token=None)
        assert r.status == 400 and r.error["field"] == "password", r
    finally:
        api.stop()


# ---- TLS ----

def self_signed(tmp_path):
    """A certificate for 127.0.0.1 and its key (PEM files in tmp_path)."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


def test_tls(jailor, tmp_path, accounts):
    cert, key = self_signed(tmp_path)
    api = start_api(jailor, "--tls-cert", str(cert), "--tls-key", str(key), tls_ca=str(cert))
    try:
        assert api.url.scheme == "https"
        assert api.get("/api/v1/jails").status == 200
        r = login(api, accounts["member"])
        assert r.status == 200 and "Secure" in [a.strip() for a in r.headers["Set-Cookie"].split(";")]
        own = dict(session_headers(r), Origin=f"https://127.0.0.1:{api.port}")
        assert api.post("/api/v1/jails", {"name": "x", "type": "empty"}, token=None,
                        headers=own).status == 201
        # plain HTTP to the TLS port gets no answer
        import http.client
        conn = http.client.HTTPConnection("127.0.0.1", api.port, timeout=10)
        with pytest.raises((http.client.HTTPException, ConnectionError, OSError)):
            conn.request("GET", "/api/v1/jails")
            resp = conn.getresponse()
            resp.read()
            if resp.status:
                raise http.client.HTTPException(resp.status)
        conn.close()
    finally:
        api.stop()


def test_serve_refuses_bad_options(jailor, tmp_path):
    assert "go together" in jailor.fails("serve", "--tls-cert", "x")
    assert "ADDR:PORT" in jailor.fails("serve", "--listen", "nonsense")
    assert "0 to 65535" in jailor.fails("serve", "--listen", "127.0.0.1:99999")
    assert str(tmp_path / "nope.pem") in jailor.fails(
        "serve", "--tls-cert", tmp_path / "nope.pem", "--tls-key", tmp_path / "nope.pem")
    first = Api(jailor)
    try:
        err = jailor.fails("serve", "--listen", f"127.0.0.1:{first.port}")
        assert f"127.0.0.1:{first.port}" in err
    finally:
        first.stop()


def memory_holds(pid, needle):
    """Whether the readable memory of process pid holds the bytes needle."""
    found = False
    with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/mem", "rb", 0) as mem:
        for line in maps:
            fields = line.split()
            start, end = (int(x, 16) for x in fields[0].split("-"))
            if "r" not in fields[1] or end - start > (1 << 30) or \
                    (len(fields) > 5 and fields[5] in ("[vvar]", "[vsyscall]")):
                continue
            try:
                mem.seek(start)
                if needle in mem.read(end - start):
                    found = True
            except OSError:
                pass
    return found


def test_jail_processes_hold_no_server_secrets(accounts, jailor, tmp_path, busybox_tar):
    """A jail's supervisor never execs: it must not carry a copy of the
    server's memory (sessions, CSRF tokens), hence the worker launcher."""
    api = start_api(jailor)
    try:
        r = login(api, accounts["member"])
        headers = session_headers(r)
        session_id = headers["Cookie"].split("=", 1)[1].encode()
        csrf = r.json["csrf_token"].encode()
        (tmp_path / "pool").mkdir()
        assert api.post("/api/v1/pools/activate", {"pool": str(tmp_path / "pool")},
                        token=None, headers=headers).status == 200
        r = api.post("/api/v1/releases", {"name": "bb", "file": str(busybox_tar)}, token=None,
                     headers=headers)
        assert api.wait_job(r.json)["state"] == "succeeded"
        assert api.post("/api/v1/jails", {"name": "web", "release": "bb"}, token=None,
                        headers=headers).status == 201
        r = api.post("/api/v1/jails/web/start", token=None, headers=headers)
        assert api.wait_job(r.json)["state"] == "succeeded"
        try:
            assert memory_holds(api.proc.pid, session_id)  # the scan finds what is there
            supervisor = jailor.state("web")["supervisor"]
            assert not memory_holds(supervisor, session_id)
            assert not memory_holds(supervisor, csrf)
        finally:
            jailor.stop_for_sure("web")
    finally:
        api.stop()
