"""How Beacon's responses travel: compressed, and files whose URL carries a version cached for a year.

* Every response a browser can take compressed (pages, Dash's scripts, callback JSON, CSS) is sent
  with zstd, brotli or gzip, whichever the browser accepts first (Flask-Compress).
* The vendored files (assets/vendor/, installed by `make vendor`) are served under
  /vendor/<version>/, the version a digest of the pinned versions file: a new vendoring changes every
  URL, so each can be cached for a year. Relative URLs inside the CSS (fonts) inherit the version.
* Dash's fingerprinted scripts (/_dash-component-suites/…/name.v4_4_1m….js) and our own assets
  (/assets/…?m=<mtime>) carry a version too. Pages, callbacks and unversioned URLs keep Dash's ETag
  revalidation.
* dcc.Graph loads plotly.js only when a chart is drawn, from a fixed, unversioned URL; that URL
  redirects to the vendored partial bundle (scatter and bar traces: all Beacon draws) under its version.
"""

import hashlib
from pathlib import Path

from dash import Dash
from dash.fingerprint import check_fingerprint
from flask import abort, redirect, request, send_from_directory
from flask_compress import Compress

VENDOR = Path(__file__).resolve().parent / "assets" / "vendor"
FOR_A_YEAR = "public, max-age=31536000, immutable"
#: Where dcc.Graph fetches plotly.js from (Dash's renderer writes it into window._dashPlotlyJSURL).
DASH_PLOTLY_JS = "/_dash-component-suites/plotly/package_data/plotly.min.js"
PLOTLY_BUNDLE = "plotly.min.js"


def vendor_version() -> str:
    """A digest of assets/vendor/VERSIONS, the packages and versions `make vendor` installed."""
    return hashlib.sha256((VENDOR / "VERSIONS").read_bytes()).hexdigest()[:12]


def vendor_url(name: str) -> str:
    """The versioned URL of a vendored file, e.g. vendor_url("bootstrap.min.css")."""
    return f"/vendor/{vendor_version()}/{name}"


def versioned(path: str, query) -> bool:
    """Whether a request's URL names one version of a file, which therefore never changes."""
    if path.startswith("/_dash-component-suites/"):
        return check_fingerprint(path)[1]
    return path.startswith("/assets/") and "m" in query


def install(app: Dash) -> None:
    server = app.server
    Compress(server)
    version = vendor_version()

    @server.get("/vendor/<version_asked>/<path:name>")
    def vendored(version_asked, name):
        if version_asked != version:  # a page from before a new vendoring: its files are gone
            abort(404)
        response = send_from_directory(VENDOR, name)
        response.headers["Cache-Control"] = FOR_A_YEAR
        return response

    @server.get(DASH_PLOTLY_JS)
    def plotly_bundle():
        # Asked again on every page with a chart (the URL has no version), so it is a small redirect.
        response = redirect(f"/vendor/{version}/{PLOTLY_BUNDLE}", code=302)
        response.headers["Cache-Control"] = "no-cache"
        return response

    @server.after_request
    def cache_versioned(response):
        if response.status_code == 200 and versioned(request.path, request.args):
            response.headers["Cache-Control"] = FOR_A_YEAR
        return response
