"""The production topology (deploy/prod.py, `make prod`): nginx balancing two gunicorn hosts, each with its
own copy of the snapshot, sharing a real Redis and a real PostgreSQL. Quick checks; the load and the
faults under it are a benchmark (tests/bench/load.py, `make bench-load`)."""

import re
import shutil
import socket
import tempfile
import urllib.error
import urllib.request
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from deploy.prod import HOSTS, Topology
from tests.browser import open_page
from tests.tiny_warehouse import build_tiny_warehouse


def _free_ports(count: int) -> int:
    """A port from which `count` ports in a row are free on loopback."""
    for _attempt in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            base = probe.getsockname()[1]
        if base + count > 65535:
            continue
        try:
            for offset in range(count):
                with socket.socket() as taken:
                    taken.bind(("127.0.0.1", base + offset))
            return base
        except OSError:
            continue
    raise RuntimeError("no run of free ports on loopback")


def _get(url: str) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.status, dict(response.headers), response.read()


@pytest.fixture(scope="module")
def topology(tiny_warehouse_path, tmp_path_factory):
    source = tmp_path_factory.mktemp("publisher") / "cx.duckdb"
    source.write_bytes(tiny_warehouse_path.read_bytes())
    # Not under pytest's own folder, which only root may enter: as root, PostgreSQL runs as `postgres`.
    run_dir = Path(tempfile.mkdtemp(prefix="beacon-prod-"))
    run_dir.chmod(0o755)
    try:
        with Topology(run_dir, port=_free_ports(4), source=source) as running:
            yield running
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)


def test_nginx_spreads_requests_over_both_hosts(topology):
    upstreams = {_get(f"{topology.url}/healthz")[1]["X-Beacon-Upstream"] for _ in range(8)}
    assert upstreams == {f"127.0.0.1:{topology.ports[name]}" for name in HOSTS}
    status, headers, _body = _get(f"{topology.url}/")
    assert (status, headers.get("Content-Encoding")) == (200, "gzip")  # compressed by the app


def test_nginx_refuses_a_body_over_the_limit_before_any_host_reads_it(topology):
    request = urllib.request.Request(
        f"{topology.url}/_dash-update-component",
        data=b"x" * (2 * 1024 * 1024),
        headers={"Content-Type": "application/json", "Origin": topology.url},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=60)
    assert refused.value.code == 413
    assert "X-Beacon-Upstream" not in refused.value.headers or not refused.value.headers["X-Beacon-Upstream"]


def test_a_publish_swaps_every_hosts_copy_and_keeps_the_previous(topology):
    before = {name: topology.snapshot(name).stat().st_ino for name in HOSTS}
    build_tiny_warehouse(
        topology.source, extra_measurements=[("aht", date.today(), "shop", "ent", 60000.0, 30.0)]
    )
    topology.publish()
    for name in HOSTS:
        live = topology.snapshot(name)
        assert live.stat().st_ino != before[name]
        assert live.with_name(f"{live.name}.previous").stat().st_ino == before[name]
        assert not live.with_name(".cx.duckdb.incoming").exists()


def test_requests_go_on_when_a_host_stops(topology):
    topology.stop_host("a")
    try:
        answers = [_get(f"{topology.url}/healthz") for _ in range(6)]
        assert {status for status, _headers, _body in answers} == {200}
        assert {headers["X-Beacon-Upstream"].split(", ")[-1] for _s, headers, _b in answers} == {
            f"127.0.0.1:{topology.ports['b']}"
        }
    finally:
        topology.start_host("a")


def test_the_wall_recovers_by_itself_after_the_whole_topology_restarts(browser, topology):
    """Everything stops under a running wall, and a new snapshot is published meanwhile: the wall says
    it is reconnecting, then, everything up again, shows the new data with no one touching it."""
    page = open_page(browser, f"{topology.url}/wall?slides=scorecard&refresh=2", 1920, 1080)
    tile = page.locator(".kpi-tile[data-metric-id=aht]")
    expect(tile).to_have_attribute("data-value", re.compile(r"^\d"))
    value_before = tile.get_attribute("data-value")
    page.evaluate("window.beaconTestMarker = 'same page'")
    banner = page.locator("[data-banner=reconnecting]")
    topology.down()
    expect(banner).to_be_visible()
    build_tiny_warehouse(
        topology.source, extra_measurements=[("aht", date.today(), "shop", "ent", 90000.0, 30.0)]
    )
    topology.up()
    topology.publish()
    expect(banner).to_be_hidden()
    expect(tile).not_to_have_attribute("data-value", value_before)
    assert page.evaluate("window.beaconTestMarker") == "same page"
