"""The REST API's endpoints for pools, releases, jails, properties, defaults,
mount points, snapshots, images and jobs: each answers what the library does,
and refuses bad input with the library's one line and the status that fits."""
import json
import os
import threading
import time

import pytest

from api import api, api_bb  # noqa: F401  (fixtures)
from conftest import JAILOR


def make_jail(api, name, **props):
    r = api.post("/api/v1/jails", {"name": name, "release": "bb", "properties": props})
    assert r.status == 201, r
    assert r.json == {"names": [name]}


@pytest.fixture
def web(jailor, api_bb):
    """Jail 'web' (stopped); stopped for sure afterwards."""
    make_jail(api_bb, "web")
    yield "web"
    jailor.stop_for_sure("web")


def test_pools(api, jailor, tmp_path):
    (tmp_path / "p1").mkdir()
    r = api.post("/api/v1/pools/activate", {"pool": str(tmp_path / "p1")})
    assert r.status == 200 and r.json["pool"] == str(tmp_path / "p1") and r.json["active"], r
    # the library's notices come with the answer
    assert any("defaults.json" in w for w in r.json["warnings"]), r
    pools = api.get("/api/v1/pools").json
    active = [p for p in pools if p["active"]]
    assert [p["pool"] for p in active] == [str(tmp_path / "p1")]
    assert active[0]["backend"] == "dir"
    assert "pool = " + str(tmp_path / "p1") in jailor.conf()
    # the library's refusal, with the field at fault
    r = api.post("/api/v1/pools/activate", {"pool": str(tmp_path / "missing")})
    assert r.status in (404, 422) and r.error["field"] == "pool", r
    assert str(tmp_path / "missing") in r.error["message"]
    r = api.post("/api/v1/pools/deactivate", {"pool": str(tmp_path / "p1")})
    assert r.status == 200 and r.json["active"] is False, r
    assert str(tmp_path / "p1") not in jailor.conf()


def test_releases(api_bb, jailor, tmp_path, busybox_tar):
    api = api_bb
    listed = api.get("/api/v1/releases").json
    assert [r["name"] for r in listed] == ["bb"]
    assert listed[0]["os_release"]["PRETTY_NAME"] == "Busybox test system"
    # the same release again: the job fails with the library's message
    r = api.post("/api/v1/releases", {"name": "bb", "file": str(busybox_tar)})
    assert r.status == 202
    job = api.wait_job(r.json)
    assert job["state"] == "failed" and "bb" in job["error"]["message"], job
    # a release used by a jail is kept unless recursive
    make_jail(api, "web")
    r = api.delete("/api/v1/releases/bb")
    assert r.status == 409 and "web" in r.error["message"], r
    assert api.delete("/api/v1/releases/bb?recursive=1").status == 204
    assert api.get("/api/v1/releases").json == []
    assert api.get("/api/v1/jails").json == []
    assert api.delete("/api/v1/releases/bb").status == 404
    assert api.delete("/api/v1/downloads").status == 204
    remote = api.get("/api/v1/releases/remote?all=1")
    assert remote.status == 200 and any(s["name"] == "bookworm" for s in remote.json), remote


def test_jail_list_get_update_destroy(api_bb, jailor):
    api = api_bb
    make_jail(api, "web", notes="hello", boot=True, priority=10)
    # the same fields as `jailor list -l --json`
    assert api.get("/api/v1/jails").json == jailor.json("list", "-l")
    one = api.get("/api/v1/jails/web").json
    assert one["name"] == "web" and one["state"] == "down" and one["jid"] is None
    assert one["properties"]["notes"] == "hello"
    assert one["properties"]["boot"] == "1" and one["properties"]["priority"] == "10"
    assert one["properties"] == jailor.json("get", "all", "web")
    assert api.get("/api/v1/jails/nope").status == 404

    r = api.patch("/api/v1/jails/web", {"properties": {"notes": "changed", "boot": False}})
    assert r.status == 200, r
    assert r.json["changes"] == [
        {"name": "notes", "old": "hello", "new": "changed", "restart": False},
        {"name": "boot", "old": "1", "new": "0", "restart": False}]
    assert jailor.run("get", "notes", "web").stdout == "changed\n"
    # all or nothing: one bad value changes nothing, and names its property
    r = api.patch("/api/v1/jails/web", {"properties": {"notes": "x", "priority": "high"}})
    assert r.status == 422 and r.error["code"] == "invalid" and r.error["field"] == "priority", r
    assert jailor.run("get", "notes", "web").stdout == "changed\n"
    r = api.patch("/api/v1/jails/web", {"properties": {"securelevel": "2"}})
    assert r.status == 422 and r.error["field"] == "securelevel", r
    # rename, alone
    r = api.patch("/api/v1/jails/web", {"name": "www", "properties": {"notes": "x"}})
    assert r.status == 400, r
    r = api.patch("/api/v1/jails/web", {"name": "www"})
    assert r.status == 200 and r.json == {"name": "www"}, r
    assert [j["name"] for j in api.get("/api/v1/jails").json] == ["www"]

    assert api.delete("/api/v1/jails/www").status == 204
    assert api.get("/api/v1/jails").json == []
    r = api.delete("/api/v1/jails/www")
    assert r.status == 404 and "www" in r.error["message"], r


def test_create_refusals_name_their_field(api_bb, jailor):
    api = api_bb
    r = api.post("/api/v1/jails", {"name": "bad/name", "release": "bb"})
    assert r.status == 422 and r.error["field"] == "name", r
    r = api.post("/api/v1/jails", {"name": "x", "release": "bb", "properties": {"nosuch": "1"}})
    assert r.status == 422 and r.error["field"] == "nosuch", r
    assert "nosuch" in r.error["message"]
    r = api.post("/api/v1/jails", {"name": "x", "release": "bb", "type": "fat"})
    assert r.status == 422 and r.error["field"] == "type", r
    r = api.post("/api/v1/jails", {"name": "x", "release": "bb", "count": 0})
    assert r.status == 422 and r.error["field"] == "count", r
    make_jail(api, "web")
    r = api.post("/api/v1/jails", {"name": "web", "release": "bb"})
    assert r.status == 409 and r.error["code"] == "exists" and r.error["field"] == "name", r
    assert [j["name"] for j in api.get("/api/v1/jails").json] == ["web"]
    # other kinds: basejail, empty, several
    assert api.post("/api/v1/jails", {"name": "b", "release": "bb", "type": "basejail"}).status == 201
    assert api.post("/api/v1/jails", {"name": "e", "type": "empty"}).status == 201
    r = api.post("/api/v1/jails", {"name": "n", "release": "bb", "count": 2})
    assert r.status == 201 and r.json == {"names": ["n_1", "n_2"]}, r
    rows = {j["name"]: j for j in api.get("/api/v1/jails").json}
    assert rows["b"]["basejail"] is True and rows["e"]["release"] is None


def test_create_that_fetches_is_a_job(api, jailor, tmp_path):
    (tmp_path / "pool").mkdir()
    api.post("/api/v1/pools/activate", {"pool": str(tmp_path / "pool")})
    # a release not in the pool: the create must fetch it first, so it answers 202
    # with the job at once (here the fetch fails: no such Debian suite, no network used)
    r = api.post("/api/v1/jails", {"name": "web", "release": "nosuchsuite"})
    assert r.status == 202, r
    assert r.json["kind"] == "jail.create" and r.json["target"] == "web"
    job = api.wait_job(r.json)
    assert job["state"] == "failed" and "nosuchsuite" in job["error"]["message"], job
    assert api.get("/api/v1/jails").json == []


def test_clone(api_bb, jailor):
    api = api_bb
    make_jail(api, "web")
    r = api.post("/api/v1/jails/web/clone", {"name": "web2", "properties": {"notes": "copy"}})
    assert r.status == 201 and r.json == {"name": "web2"}, r
    assert jailor.run("get", "notes", "web2").stdout == "copy\n"
    r = api.post("/api/v1/jails/web/clone", {"name": "web2"})
    assert r.status == 409 and r.error["field"] == "name", r
    assert api.delete("/api/v1/jails/web?recursive=1").status == 204


def test_properties_schema_is_the_table(api):
    props = api.get("/api/v1/properties").json
    by_name = {p["name"]: p for p in props}
    assert by_name["notes"]["live"] is True and by_name["vnet"]["live"] is False
    assert by_name["priority"]["type"] == "integer" and by_name["priority"]["default"] == "99"
    assert by_name["priority"]["min"] == 1 and by_name["priority"]["max"] == 99
    assert by_name["sysvmsg"]["choices"] == ["new", "inherit", "disable"]
    assert by_name["ip4_addr"]["group"] == "Basic" and by_name["exec_start"]["group"] == "Jail"
    assert all(p["doc"] for p in props)
    # docs/properties.md comes from the same table: every property is in it
    doc = (JAILOR.parents[3] / "docs" / "properties.md").read_text()
    assert all(f"`{p['name']}`" in doc for p in props)


def test_defaults(api_bb, jailor):
    api = api_bb
    d = api.get("/api/v1/defaults").json
    assert d == jailor.json("get", "all", "default")
    r = api.patch("/api/v1/defaults", {"properties": {"notes": "new default", "priority": 50}})
    assert r.status == 200, r
    assert {c["name"]: c["new"] for c in r.json["changes"]} == {"notes": "new default",
                                                                "priority": "50"}
    assert api.get("/api/v1/defaults").json["priority"] == "50"
    r = api.patch("/api/v1/defaults", {"properties": {"host_hostuuid": "x"}})
    assert r.status == 403 and r.error["field"] == "host_hostuuid", r
    r = api.patch("/api/v1/defaults", {"properties": {"priority": 100}})
    assert r.status == 422 and r.error["field"] == "priority", r
    assert api.patch("/api/v1/defaults", {}).status == 400


def test_fstab(api_bb, jailor, web, tmp_path):
    api = api_bb
    src = tmp_path / "data"
    src.mkdir()
    assert api.get("/api/v1/jails/web/fstab").json == []
    r = api.post("/api/v1/jails/web/fstab", {"src": str(src), "dst": "/mnt/data"})
    assert r.status == 201, r
    assert r.json["index"] == 0 and r.json["options"] == "ro" and r.json["dst"] == "/mnt/data"
    assert api.get("/api/v1/jails/web/fstab").json == jailor.json("fstab", "-l", "web")
    r = api.put("/api/v1/jails/web/fstab/0", {"src": str(src), "dst": "/srv", "read_only": False})
    assert r.status == 200 and r.json["options"] == "rw" and r.json["dst"] == "/srv", r
    r = api.post("/api/v1/jails/web/fstab", {"src": str(tmp_path / "nope"), "dst": "/x"})
    assert r.status in (404, 422) and r.error["field"] == "src", r
    assert api.put("/api/v1/jails/web/fstab/7", {"src": str(src), "dst": "/a"}).status == 404
    assert api.delete("/api/v1/jails/web/fstab/x").status == 404
    r = api.delete("/api/v1/jails/web/fstab/0")
    assert r.status == 200 and r.json["dst"] == "/srv", r
    assert api.get("/api/v1/jails/web/fstab").json == []
    assert api.get("/api/v1/jails/nope/fstab").status == 404


def test_snapshots(api_bb, jailor, web):
    api = api_bb
    r = api.post("/api/v1/jails/web/snapshots", {"name": "s1"})
    assert r.status == 201 and r.json == {"snapshot": "jails/web@s1"}, r
    r = api.post("/api/v1/jails/web/snapshots", {"name": "s1"})
    assert r.status == 409 and r.error["field"] == "name", r
    api.patch("/api/v1/jails/web", {"properties": {"notes": "after"}})
    snaps = api.get("/api/v1/jails/web/snapshots").json
    assert [s["name"] for s in snaps] == ["s1"] and snaps[0]["config"] is True
    r = api.post("/api/v1/jails/web/snapshots/s1/rollback")
    assert r.status == 200 and r.json == {"snapshot": "jails/web@s1"}, r
    assert jailor.run("get", "notes", "web").stdout == "none\n"
    assert api.post("/api/v1/jails/web/snapshots/zz/rollback").status == 404
    assert api.delete("/api/v1/jails/web/snapshots/s1").status == 200
    assert api.get("/api/v1/jails/web/snapshots").json == []
    # a name of the UTC time when none is given
    r = api.post("/api/v1/jails/web/snapshots")
    assert r.status == 201 and r.json["snapshot"].startswith("jails/web@20"), r


def test_start_exec_stop_restart(api_bb, jailor, web):
    api = api_bb
    job = api.run_job("POST", "/api/v1/jails/web/start")
    assert job["result"] == {"name": "web", "state": "up"} and job["kind"] == "jail.start"
    row = api.get("/api/v1/jails/web").json
    assert row["state"] == "up" and row["jid"] == jailor.state("web")["init"]
    # a second start: the job fails with the library's line
    r = api.post("/api/v1/jails/web/start")
    job = api.wait_job(r.json)
    assert job["state"] == "failed" and "web" in job["error"]["message"], job

    r = api.post("/api/v1/jails/web/exec", {"command": "hostname; echo oops >&2; exit 3"})
    assert r.status == 200, r
    assert r.json == {"status": 3, "stdout": "web\n", "stderr": "oops\n",
                      "stdout_truncated": False, "stderr_truncated": False}
    r = api.post("/api/v1/jails/web/exec", {"command": ["cat", "/etc/os-release"]})
    assert r.status == 200 and "Busybox" in r.json["stdout"] and r.json["status"] == 0, r
    # bytes that are not UTF-8 arrive as U+FFFD; big output is cut at 1 MiB and said so
    r = api.post("/api/v1/jails/web/exec", {"command": ["sh", "-c", "printf 'a\\377b'"]})
    assert r.json["stdout"] == "a\ufffdb", r
    r = api.post("/api/v1/jails/web/exec",
                 {"command": ["sh", "-c", "i=0; while [ $i -lt 1100 ]; do "
                              "printf '%01024d' 0; i=$((i+1)); done"]})
    assert r.json["stdout_truncated"] is True and len(r.json["stdout"]) == 1 << 20, r.status
    r = api.post("/api/v1/jails/web/exec", {"command": ["/nonexistent"]})
    assert r.status in (200, 500), r

    job = api.run_job("POST", "/api/v1/jails/web/restart")
    assert job["result"]["state"] == "up"
    job = api.run_job("POST", "/api/v1/jails/web/stop")
    assert job["result"] == {"name": "web", "state": "down"}
    r = api.post("/api/v1/jails/web/exec", {"command": ["true"]})
    assert r.status == 409 and r.error["code"] == "wrong_state", r
    assert api.post("/api/v1/jails/nope/exec", {"command": ["true"]}).status == 404
    # the listed jobs, newest first
    kinds = [j["kind"] for j in api.get("/api/v1/jobs").json]
    assert kinds[:2] == ["jail.stop", "jail.restart"] and "release.fetch" in kinds
    assert api.get("/api/v1/jobs/0123456789abcdef").status == 404


def test_destroy_force_stops_first(api_bb, jailor, web):
    api = api_bb
    api.run_job("POST", "/api/v1/jails/web/start")
    r = api.delete("/api/v1/jails/web")
    assert r.status == 409 and r.error["code"] == "busy", r
    assert api.delete("/api/v1/jails/web?force=1").status == 204
    assert api.get("/api/v1/jails").json == []


def test_job_events_stream(api_bb, jailor, web):
    """GET /jobs/ID/events: Server-Sent Events until the job is done."""
    api = api_bb
    api.patch("/api/v1/jails/web", {"properties": {"exec_prestart": "/bin/sleep 1"}})
    r = api.post("/api/v1/jails/web/start")
    conn = api.connection()
    conn.request("GET", f"/api/v1/jobs/{r.json['id']}/events",
                 headers={"Authorization": f"Bearer {api.token}"})
    resp = conn.getresponse()
    assert resp.status == 200 and resp.headers["Content-Type"] == "text/event-stream"
    text = resp.read().decode()  # the stream ends with the job
    conn.close()
    events = [block.split("\n") for block in text.strip().split("\n\n") if block]
    names = [e[0] for e in events if e[0].startswith("event:")]
    assert names[-1] == "event: done" and names.count("event: done") == 1, text
    last = json.loads(events[-1][1][len("data: "):])
    assert last["state"] == "succeeded" and last["result"]["state"] == "up"
    # a finished job's stream is its one "done" event
    conn = api.connection()
    conn.request("GET", f"/api/v1/jobs/{r.json['id']}/events",
                 headers={"Authorization": f"Bearer {api.token}"})
    again = conn.getresponse().read().decode()
    conn.close()
    assert again.startswith("event: done\n") and again.count("event:") == 1


def test_export_import(api_bb, jailor, web):
    api = api_bb
    job = api.run_job("POST", "/api/v1/jails/web/export")
    image = job["result"]["image"]
    assert job["result"]["name"] == "web" and os.path.exists(image)
    job = api.run_job("POST", "/api/v1/images/import", {"image": image, "name": "web2"})
    assert job["result"] == {"name": "web2", "image": image}
    assert sorted(j["name"] for j in api.get("/api/v1/jails").json) == ["web", "web2"]
    r = api.post("/api/v1/images/import", {"image": image, "name": "web2"})
    job = api.wait_job(r.json)
    assert job["state"] == "failed" and "web2" in job["error"]["message"], job


def test_two_requests_on_one_jail(api_bb, jailor, web):
    """The library's per-jail lock serialises them: one wins, the other gets 409
    and the library's message, and nothing is half done."""
    api = api_bb
    api.patch("/api/v1/jails/web", {"properties": {"exec_prestart": "/bin/sleep 2"}})
    results = []

    def start():
        results.append(api.post("/api/v1/jails/web/start"))

    threads = [threading.Thread(target=start) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [r.status for r in results] == [202, 202]
    time.sleep(0.5)  # both workers are at the lock by now
    # a request answered at once meets the lock the start holds
    r = api.patch("/api/v1/jails/web", {"properties": {"notes": "x"}})
    assert r.status == 409 and r.error["code"] == "busy" and "web" in r.error["message"], r
    jobs = [api.wait_job(r.json) for r in results]
    states = sorted(j["state"] for j in jobs)
    assert states == ["failed", "succeeded"], jobs
    loser = next(j for j in jobs if j["state"] == "failed")
    assert "web" in loser["error"]["message"]
    assert loser["error"]["errno"] in (16, 114)  # EBUSY (the lock) or EALREADY (running)
    assert api.get("/api/v1/jails/web").json["state"] == "up"
    assert jailor.run("get", "notes", "web").stdout == "none\n"


def test_openapi_document(api):
    r = api.get("/api/v1/openapi.json", token=None)  # public
    assert r.status == 200, r
    doc = r.json
    assert doc["openapi"].startswith("3.")
    paths = doc["paths"]
    for path, method in [("/api/v1/jails", "get"), ("/api/v1/jails", "post"),
                         ("/api/v1/jails/{name}", "patch"), ("/api/v1/jobs/{id}", "get"),
                         ("/api/v1/jails/{name}/fstab/{index}", "put"),
                         ("/api/v1/session", "post")]:
        assert method in paths[path], (path, method)
    create = paths["/api/v1/jails"]["post"]
    body = create["requestBody"]["content"]["application/json"]["schema"]
    assert body["additionalProperties"] is False and "release" in body["properties"]
    assert "202" not in create["responses"] and "201" in create["responses"]
    values = doc["components"]["schemas"]["PropertyValues"]["properties"]
    props = api.get("/api/v1/properties").json
    settable = {p["name"] for p in props if not p["readonly"]}
    assert set(values) == settable
    assert values["priority"]["type"] == "integer" and values["priority"]["maximum"] == 99
    assert paths["/api/v1/session"]["post"]["security"] == []
    ids = [op["operationId"] for item in paths.values() for op in item.values()]
    assert len(ids) == len(set(ids))


def test_stopping_the_server_lets_running_jobs_finish(api_bb, jailor, web):
    api = api_bb
    api.patch("/api/v1/jails/web", {"properties": {"exec_prestart": "/bin/sleep 2"}})
    r = api.post("/api/v1/jails/web/start")
    assert r.status == 202
    api.proc.send_signal(15)
    assert api.proc.wait(timeout=60) == 0
    assert "stopping once 1 running job(s) end" in api.proc.stderr.read()
    # the start was not cut short, and nothing of the server stays behind
    assert jailor.run("get", "state", "web").stdout == "up\n"
    # (the jail's supervisor was forked by a worker: it stays, as it does after `jailor start`)
    assert server_processes(jailor) == [jailor.state("web")["supervisor"]]


def server_processes(jailor):
    """Processes of this test's server (its launcher, its workers): they run
    `jailor serve` with the test's JAILOR_CONF_DIR."""
    found = []
    ours = f"JAILOR_CONF_DIR={jailor.conf_dir}".encode()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmdline = open(f"/proc/{pid}/cmdline", "rb").read().split(b"\0")
            environ = open(f"/proc/{pid}/environ", "rb").read().split(b"\0")
        except OSError:
            continue
        if b"serve" in cmdline and ours in environ:
            found.append(int(pid))
    return found


def test_df_and_boot_order(api_bb, jailor):
    api = api_bb
    make_jail(api, "a", boot=True, priority=1)
    make_jail(api, "b", boot=True, priority=2)
    make_jail(api, "c")
    try:
        assert api.get("/api/v1/df").json == jailor.json("df")
        job = api.run_job("POST", "/api/v1/boot/start")
        assert job["result"]["jails"] == [
            {"name": "a", "ok": True, "unchanged": False, "error": None},
            {"name": "b", "ok": True, "unchanged": False, "error": None}]
        states = {j["name"]: j["state"] for j in api.get("/api/v1/jails").json}
        assert states == {"a": "up", "b": "up", "c": "down"}
        job = api.run_job("POST", "/api/v1/boot/stop")
        assert [j["name"] for j in job["result"]["jails"]] == ["b", "a"]
        assert {j["state"] for j in api.get("/api/v1/jails").json} == {"down"}
    finally:
        for name in "abc":
            jailor.stop_for_sure(name)


def test_host_interfaces(api):
    """What the network forms offer: the host's interfaces, as `ip link` sees them."""
    import subprocess
    r = api.get("/api/v1/host/interfaces")
    assert r.status == 200, r
    ip = json.loads(subprocess.run(["ip", "-j", "link"], capture_output=True, text=True,
                                   check=True).stdout)
    assert sorted(i["name"] for i in r.json) == sorted(l["ifname"] for l in ip)
    lo = next(i for i in r.json if i["name"] == "lo")
    assert lo["kind"] == "loopback" and lo["up"] is True and lo["default_route"] is False
    route = json.loads(subprocess.run(["ip", "-j", "route", "show", "default"],
                                      capture_output=True, text=True).stdout or "[]")
    if route:
        assert [i["name"] for i in r.json if i["default_route"]] == [route[0]["dev"]]
