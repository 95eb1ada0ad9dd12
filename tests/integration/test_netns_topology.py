"""The network test topology itself (netns.py): what every network test relies on."""
import netns


def test_topology_routes_host_to_upstream_and_serves_dhcp(tmp_path):
    before = netns.namespaces()
    with netns.topology(tmp_path) as topo:
        topo.run("host", "busybox", "ping", "-c1", "-W2", netns.LAN_ROUTER)
        topo.run("host", "busybox", "ping", "-c1", "-W2", netns.UPSTREAM_ADDR)
        out = topo.run("host", "/usr/bin/python3", "-c",
                       "import urllib.request;print(urllib.request.urlopen("
                       f"'http://{netns.UPSTREAM_ADDR}:{netns.HTTP_PORT}/', timeout=5).read().decode())")
        assert out.stdout.strip() == "upstream"
        # the server saw the host's own address (no NAT on the way)
        assert netns.HOST_ADDR in (tmp_path / "http.log").read_text()
        # the machine's real interfaces are not in the host namespace
        links = topo.run("host", "ip", "-o", "link").stdout
        assert [l.split(":")[1].strip().split("@")[0] for l in links.splitlines()] == ["lo", "eth0"]
        assert "dnsmasq" in (tmp_path / "dnsmasq.log").read_text()
    assert netns.namespaces() == before
