"""What the API refuses before any library call: oversize bodies and headers,
deep or malformed JSON, unknown or mistyped fields, unknown endpoints and
query arguments.  Each refusal is one JSON error naming the input."""
import http.client
import json

from api import api  # noqa: F401  (fixture)


def test_oversize_body_refused(api):
    big = {"name": "x" * (1 << 20)}
    r = api.post("/api/v1/jails", big)
    assert r.status == 413 and r.error["code"] == "too_large", r
    # the same without a Content-Length: chunks counted as they come
    conn = api.connection()
    chunks = (b"{\"name\": \"" + b"y" * 65536 for _ in range(20))
    conn.request("POST", "/api/v1/jails", body=chunks, encode_chunked=True,
                 headers={"Authorization": f"Bearer {api.token}",
                          "Content-Type": "application/json"})
    resp = conn.getresponse()
    body = json.loads(resp.read())
    conn.close()
    assert resp.status == 413 and body["error"]["code"] == "too_large", body
    assert api.get("/api/v1/jails").json == []


def test_header_bounds(api):
    many = {f"X-Extra-{i}": "1" for i in range(70)}
    r = api.get("/api/v1/jails", headers=many)
    assert r.status == 431 and r.error["code"] == "too_many_headers", r
    # one huge header: past the connection's memory, libmicrohttpd refuses it itself
    r = api.get("/api/v1/jails", headers={"X-Huge": "z" * (100 << 10)})
    assert r.status in (413, 431), r
    assert api.get("/api/v1/jails").status == 200  # the server is fine


def test_json_depth_and_syntax(api):
    deep = "[" * 40 + "]" * 40
    r = api.post("/api/v1/jails", raw=f'{{"name": {deep}}}'.encode(),
                 headers={"Content-Type": "application/json"})
    assert r.status == 400 and r.error["code"] == "too_deep", r
    shallow = "[" * 20 + "]" * 20
    r = api.post("/api/v1/jails", raw=f'{{"name": {shallow}}}'.encode(),
                 headers={"Content-Type": "application/json"})
    assert r.status == 400 and r.error["code"] == "invalid_type" and r.error["field"] == "name", r
    # brackets inside strings do not count
    r = api.post("/api/v1/pools/activate", {"pool": "[{" * 100})
    assert r.status in (404, 422) and r.error["field"] == "pool", r
    for raw in [b"{", b"[1, 2]", b"\"text\"", b'{"name": "a", "name": "b"}', b"\xff\xfe"]:
        r = api.post("/api/v1/jails", raw=raw, headers={"Content-Type": "application/json"})
        assert r.status == 400 and r.error["code"] == "bad_json", (raw, r)
    r = api.post("/api/v1/jails", raw=b'{"name": "x"}', headers={"Content-Type": "text/plain"})
    assert r.status == 415 and r.error["code"] == "unsupported_media_type", r


def test_fields_checked(api):
    r = api.post("/api/v1/jails", {"name": "x", "colour": "red"})
    assert r.status == 400 and r.error == {
        "code": "unknown_field", "field": "colour",
        "message": "Unknown field 'colour' in the request body"}, r
    r = api.post("/api/v1/jails", {"name": 5})
    assert r.status == 400 and r.error["code"] == "invalid_type" and r.error["field"] == "name"
    r = api.post("/api/v1/jails", {"name": "x", "count": "2"})
    assert r.status == 400 and r.error["field"] == "count", r
    r = api.post("/api/v1/jails", {"name": "x", "properties": {"notes": {"a": 1}}})
    assert r.status == 400 and r.error["field"] == "notes", r
    r = api.post("/api/v1/jails", {"name": "x", "properties": ["notes=a"]})
    assert r.status == 400 and r.error["field"] == "properties", r
    r = api.post("/api/v1/jails/x/exec", {"command": []})
    assert r.status == 400 and r.error["field"] == "command", r
    r = api.post("/api/v1/jails/x/exec", {"user": "root"})
    assert r.status == 400 and r.error["code"] == "missing_field" and r.error["field"] == "command"
    r = api.post("/api/v1/pools/activate", {})
    assert r.status == 400 and r.error["field"] == "pool", r
    r = api.post("/api/v1/jails/x/start", {"now": True})
    assert r.status == 400 and r.error["field"] == "now", r
    r = api.request("GET", "/api/v1/jails", {"a": 1})
    assert r.status == 400 and r.error["code"] == "unexpected_body", r


def test_routes_and_query(api):
    r = api.get("/api/v1/nothing")
    assert r.status == 404 and r.error["code"] == "not_found", r
    assert api.get("/no-such-page").status == 404  # outside /api/: the web UI's files (static.c)
    r = api.request("PUT", "/api/v1/jails")
    assert r.status == 405 and set(r.headers["Allow"].split(", ")) == {"GET", "POST"}, r
    r = api.get("/api/v1/jails?colour=red")
    assert r.status == 400 and r.error == {"code": "unknown_query", "field": "colour",
                                           "message": "Unknown query argument 'colour'"}, r
    r = api.get("/api/v1/jails?templates=maybe")
    assert r.status == 400 and r.error["code"] == "invalid_query", r
    assert api.get("/api/v1/jails?templates=1").status == 200


def test_answers_carry_safe_headers(api):
    r = api.get("/api/v1/jails")
    assert r.headers["Content-Type"] == "application/json"
    assert r.headers["Cache-Control"] == "no-store"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert "Access-Control-Allow-Origin" not in r.headers


def test_loopback_server_answers_only_loopback_names(api):
    """A page whose name resolves to 127.0.0.1 (DNS rebinding) is not served."""
    for host in ["evil.example", f"evil.example:{api.port}", "10.0.0.1", "[fe80::1]:80"]:
        r = api.get("/api/v1/jails", headers={"Host": host})
        assert r.status == 400 and r.error["code"] == "bad_host", (host, r)
    for host in [f"127.0.0.1:{api.port}", f"localhost:{api.port}", "127.1.2.3", "[::1]:80"]:
        assert api.get("/api/v1/jails", headers={"Host": host}).status == 200, host
