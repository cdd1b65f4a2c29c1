"""How Beacon's responses travel: compressed, and files whose URL carries a version cached for a year.

* Every response a browser can take compressed (pages, Dash's scripts, callback JSON, CSS) is sent
  with the first of zstd, brotli and gzip that the browser accepts (Flask-Compress).
* The vendored files (assets/vendor/, installed by `make vendor`) are served under
  /vendor/<version>/, the version a digest of the pinned versions file: a new vendoring changes every
  URL, so each can be cached for a year. Relative URLs inside the CSS (fonts) inherit the version.
* Dash's fingerprinted scripts (/_dash-component-suites/…/name.v4_4_1m….js) and our own assets
  (/assets/…?m=<mtime>) carry a version too. Pages, callbacks and unversioned URLs keep Dash's ETag
  revalidation.
* dcc.Graph loads plotly.js only when a chart is drawn, from a fixed, unversioned URL; that URL
  redirects to the vendored partial bundle (scatter and bar traces: all Beacon draws) under its version.
* A versioned file is compressed once per encoding and kept compressed in the process (a few MB at
  most: the bounded set of Dash's and the vendored files), not again for every fresh browser.
"""

import hashlib
import mimetypes
from pathlib import Path

from dash import Dash
from dash.fingerprint import check_fingerprint
from flask import Response, abort, redirect, request
from flask_compress import Compress
from werkzeug.security import safe_join

VENDOR = Path(__file__).resolve().parent / "assets" / "vendor"
FOR_A_YEAR = "public, max-age=31536000, immutable"
#: Where dcc.Graph fetches plotly.js from (Dash's renderer writes it into window._dashPlotlyJSURL).
DASH_PLOTLY_JS = "/_dash-component-suites/plotly/package_data/plotly.min.js"
PLOTLY_BUNDLE = "plotly.min.js"
#: Compressed versioned files kept, at most (each one file in one encoding).
KEPT_COMPRESSED = 256
#: Flask-Compress's order of preference (its default).
ENCODINGS = ("zstd", "br", "gzip", "deflate")


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
    return path.startswith("/vendor/") or (path.startswith("/assets/") and "m" in query)


def accepted_encodings(header: str) -> set[str]:
    """The encodings an Accept-Encoding header allows: `br;q=0` refuses brotli."""
    accepted = set()
    for part in header.split(","):
        name, _, parameters = part.partition(";")
        quality = parameters.strip().removeprefix("q=") if parameters.strip().startswith("q=") else "1"
        try:
            allowed = float(quality) > 0
        except ValueError:
            allowed = False
        if allowed and name.strip():
            accepted.add(name.strip())
    return accepted


def install(app: Dash) -> None:
    server = app.server
    compressed = {}  # (full path, encoding) -> (body, headers) of a versioned file, compressed

    @server.before_request
    def kept_compressed():
        if not versioned(request.path, request.args):
            return None
        accepted = accepted_encodings(request.headers.get("Accept-Encoding", ""))
        for encoding in ENCODINGS:
            kept = compressed.get((request.path, encoding)) if encoding in accepted else None
            if kept:
                return Response(kept[0], headers=kept[1])
        return None

    # Registered before Flask-Compress, so it runs after it (Flask runs these last first).
    @server.after_request
    def keep_compressed(response):
        if response.status_code != 200 or not versioned(request.path, request.args):
            return response
        response.headers["Cache-Control"] = FOR_A_YEAR
        encoding = response.headers.get("Content-Encoding")
        if encoding and not response.is_streamed and len(compressed) < KEPT_COMPRESSED:
            # Kept by path, not by query: a versioned path serves one file whatever the query says,
            # so made-up queries cannot fill the store. No cookie is among these headers: the
            # session and security headers are added after this runs.
            compressed[(request.path, encoding)] = (response.get_data(), list(response.headers))
        return response

    Compress(server)
    version = vendor_version()

    @server.get("/vendor/<version_asked>/<path:name>")
    def vendored(version_asked, name):
        path = safe_join(str(VENDOR), name)
        if version_asked != version or path is None or not Path(path).is_file():
            abort(404)  # a page from before a new vendoring asks for files that are gone
        # Whole, not streamed, so it is compressed in one piece and kept (keep_compressed).
        mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return Response(Path(path).read_bytes(), mimetype=mimetype)

    @server.get(DASH_PLOTLY_JS)
    def plotly_bundle():
        # Asked again on every page with a chart (the URL has no version), so it is a small redirect.
        response = redirect(f"/vendor/{version}/{PLOTLY_BUNDLE}", code=302)
        response.headers["Cache-Control"] = "no-cache"
        return response
