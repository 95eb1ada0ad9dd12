"""The API server for the test_api_* modules: `jailor serve` started on a
free localhost port with the test's own JAILOR_CONF_DIR/RUN_DIR/EMBEDDED_POOL,
stopped by its PID, and a small client on the standard library's http.client."""
import http.client
import json
import os
import signal
import ssl
import subprocess
import time
import urllib.parse

import pytest

from conftest import JAILOR, Jailor


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.raw = body
        try:
            self.json = json.loads(body) if body else None
        except ValueError:
            self.json = None

    @property
    def error(self):
        return (self.json or {}).get("error") or {}

    def __repr__(self):
        return f"<{self.status} {self.raw[:300]!r}>"


class Api:
    """`jailor serve` running as a child of the test; stop() ends it by PID."""

    def __init__(self, jailor, *args, tls_ca=None):
        self.jailor = jailor
        self.proc = subprocess.Popen([str(JAILOR), "serve", "--listen", "127.0.0.1:0", *args],
                                     env=jailor.env, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if not line.startswith("Listening on "):
            self.stop()
            raise AssertionError(f"jailor serve did not start: {line!r} {self.proc.stderr.read()}")
        self.url = urllib.parse.urlsplit(line.split()[-1])
        self.port = self.url.port
        self.tls_ca = tls_ca
        self.token = None

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stdout.close()
        self.stderr = self.proc.stderr.read()
        self.proc.stderr.close()

    def connection(self):
        if self.url.scheme == "https":
            ctx = ssl.create_default_context(cafile=self.tls_ca)
            return http.client.HTTPSConnection("127.0.0.1", self.port, context=ctx, timeout=120)
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)

    def request(self, method, path, body=None, headers=None, token="default", raw=None):
        """One request; the test's bearer token unless token=None or another is given."""
        h = dict(headers or {})
        if token == "default":
            token = self.token
        if token:
            h.setdefault("Authorization", f"Bearer {token}")
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
            h.setdefault("Content-Type", "application/json")
        conn = self.connection()
        try:
            conn.request(method, path, body=data, headers=h)
            resp = conn.getresponse()
            return Response(resp.status, resp.headers, resp.read().decode("utf-8", "replace"))
        finally:
            conn.close()

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body, **kw)

    def patch(self, path, body=None, **kw):
        return self.request("PATCH", path, body, **kw)

    def put(self, path, body=None, **kw):
        return self.request("PUT", path, body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def wait_job(self, job, timeout=120):
        """Polls a job until it ends; returns its JSON."""
        deadline = time.monotonic() + timeout
        while True:
            r = self.get(f"/api/v1/jobs/{job['id']}")
            assert r.status == 200, r
            if r.json["state"] != "running":
                return r.json
            assert time.monotonic() < deadline, f"job still running: {r.json}"
            time.sleep(0.1)

    def run_job(self, method, path, body=None):
        """A request answered 202; waits for its job and returns it (it must succeed)."""
        r = self.request(method, path, body)
        assert r.status == 202, r
        assert r.headers["Location"] == f"/api/v1/jobs/{r.json['id']}"
        job = self.wait_job(r.json)
        assert job["state"] == "succeeded", job
        return job


def start_api(jailor, *args, **kw):
    """The server over a directory pool of the test's own, activated first: with
    no pool active the library would select the first ZFS pool of the machine,
    which may be another test run's."""
    own = jailor.conf_dir.parent / "apipool"
    if not own.exists():
        own.mkdir()
        jailor.run("activate", own)
    api = Api(jailor, *args, **kw)
    api.token = jailor.run("token", "create", "--name", "tests").stdout.strip()
    return api


@pytest.fixture
def api(jailor):
    """The server with a bearer token of its own, stopped by PID afterwards."""
    server = start_api(jailor)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def api_bb(jailor, api, tmp_path, busybox_tar):
    """The server over a directory pool holding release 'bb' (fetched through the API)."""
    (tmp_path / "pool").mkdir()
    assert api.post("/api/v1/pools/activate", {"pool": str(tmp_path / "pool")}).status == 200, \
        "the pool"
    api.run_job("POST", "/api/v1/releases", {"name": "bb", "file": str(busybox_tar)})
    return api
