"""Light pages (delivery.py): responses come compressed, files whose URL carries a version are kept for a
year and nothing else is, and plotly.js (the partial bundle) is downloaded only where a chart is drawn."""

import gzip
import re
import urllib.error
import urllib.request

import brotli
from playwright.sync_api import expect
from plotly.offline import get_plotlyjs_version

from delivery import DASH_PLOTLY_JS, FOR_A_YEAR, vendor_version

#: What a fresh Chromium may download for the metric page, at most (DESIGN.md's quality bars).
MOST_BYTES = 1_500_000


class _Stay(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_args):
        return None  # the redirect itself is the answer


def get(url: str, encodings: str = "") -> tuple[int, dict, bytes]:
    """Status, headers and body of `url` (not following a redirect)."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": encodings} if encodings else {})
    try:
        with urllib.request.build_opener(_Stay).open(request) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.headers, refused.read()


def test_pages_scripts_and_layouts_come_compressed_in_the_browser_s_choice(server):
    status, headers, body = get(server + "/", "br")
    assert (status, headers["Content-Encoding"]) == (200, "br")
    page = brotli.decompress(body).decode()
    assert '<html lang="en" dir="ltr">' in page
    _status, headers, body = get(server + "/", "gzip")
    assert headers["Content-Encoding"] == "gzip" and "<title>Beacon</title>" in gzip.decompress(body).decode()
    script = re.search(r'src="(/_dash-component-suites/dash/dcc/dash_core_components\.v[^"]+\.js)"', page)[1]
    _status, headers, body = get(server + script, "gzip, br")
    assert headers["Content-Encoding"] == "br"
    assert b"dash_core_components" in brotli.decompress(body)
    # A versioned file is compressed once and kept so: the second browser gets the same bytes.
    bundle = f"{server}/vendor/{vendor_version()}/plotly.min.js"
    first, second = get(bundle, "br"), get(bundle, "br")
    assert first[1]["Content-Encoding"] == second[1]["Content-Encoding"] == "br"
    assert first[2] == second[2] and brotli.decompress(first[2]).startswith(
        b"/**\n* plotly.js (basic - minified)"
    )
    _status, headers, body = get(server + "/_dash-layout", "gzip")
    assert (headers["Content-Type"], headers["Content-Encoding"]) == ("application/json", "gzip")


def test_versioned_files_are_kept_for_a_year_and_nothing_else_is(server):
    _status, _headers, body = get(server + "/")
    page = body.decode()
    version = vendor_version()
    assert f'href="/vendor/{version}/bootstrap.min.css"' in page
    for path in (
        f"/vendor/{version}/bootstrap.min.css",
        f"/vendor/{version}/inter/files/inter-latin-wght-normal.woff2",  # from inter/index.css, relative
        re.search(r'src="(/_dash-component-suites/[^"]+\.js)"', page)[1],  # fingerprinted by Dash
        "/assets/beacon.css?m=1",  # our own, with its modification time
    ):
        status, headers, _body = get(server + path)
        assert (status, headers["Cache-Control"]) == (200, FOR_A_YEAR), path
    # A page from before a new `make vendor` asks for files that are gone, and is told so.
    assert get(server + "/vendor/000000000000/bootstrap.min.css")[0] == 404
    for path in (
        "/",
        "/_dash-layout",
        "/assets/beacon.css",
    ):
        _status, headers, _body = get(server + path)
        assert "max-age" not in headers.get("Cache-Control", ""), path
    # dcc.Graph's fixed plotly.js URL: a redirect asked again each time, to the bundle kept for a year.
    status, headers, _body = get(server + DASH_PLOTLY_JS)
    assert (status, headers["Cache-Control"]) == (302, "no-cache")
    assert headers["Location"] == f"/vendor/{version}/plotly.min.js"


def test_plotly_only_where_charts_are_drawn_and_only_the_traces_beacon_draws(visit, server):
    """Each page in a fresh browser context (visit): the scorecard draws no chart and downloads no
    plotly.js; the metric page gets the partial bundle,
    at plotly.py's version, can still save a chart as a PNG under the content security policy, and
    costs a fresh browser at most MOST_BYTES."""
    scorecard = visit(server + "/")
    expect(scorecard.locator(".kpi-tile").first).to_be_attached()
    scorecard.wait_for_load_state("networkidle")
    assert scorecard.evaluate("() => typeof window.Plotly") == "undefined"
    assert not [url for url in scorecard.evaluate(RESOURCES) if "plotly" in url]

    metric = visit(server + "/metric/nps")
    metric.wait_for_selector("#metric-trend .main-svg", state="attached")
    metric.wait_for_load_state("networkidle")
    assert metric.evaluate("() => Plotly.version") == get_plotlyjs_version()
    assert metric.evaluate("() => Object.keys(Plotly.PlotSchema.get().traces).sort()") == [
        "bar",
        "pie",
        "scatter",
    ]
    assert len([url for url in metric.evaluate(RESOURCES) if "plotly" in url]) == 1  # one script, once
    png = metric.evaluate(
        "() => Plotly.toImage(document.querySelector('#metric-trend .js-plotly-plot'), {format: 'png'})"
    )
    assert png.startswith("data:image/png;base64,") and len(png) > 1000
    assert metric.evaluate(TRANSFERRED) <= MOST_BYTES
    assert metric.problems == []


#: Every resource the page loaded, by its final URL (after redirects).
RESOURCES = "() => performance.getEntriesByType('resource').map(entry => entry.name)"
#: Bytes over the wire for the document and every resource (compressed sizes, headers included).
TRANSFERRED = """() => [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
    .reduce((total, entry) => total + entry.transferSize, 0)"""
