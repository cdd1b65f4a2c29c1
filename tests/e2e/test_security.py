"""Secure defaults in a real server and browser: security headers, no open server without sign-in (and
only this machine's names answered, no cross-site changes),
free text always shown as text, and SQL-injection payloads in URLs that change nothing."""

import os
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from playwright.sync_api import expect

from data.warehouse.ingest import ingest
from tests.browser import PATIENCE_SECONDS, ROOT, beacon_server, open_page
from tests.e2e.test_commitments import seed, stored

# Each payload sets window.pwned if it ever runs as code.
PAYLOADS = (
    "<script>window.pwned = 'script'</script>",
    "<img src=x onerror=\"window.pwned = 'img'\">",
    '"><svg onload="window.pwned = \'svg\'">',
)
# Each one a spreadsheet would run as a formula, if a CSV wrote it raw.
FORMULAS = (
    '=HYPERLINK("http://evil.example","details")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
)


def test_every_response_carries_the_security_headers(server):
    """Pages, callbacks' layout and assets alike: a content security policy allowing nothing from
    elsewhere and no framing, no MIME sniffing, a same-origin referrer."""
    for path in ("/", "/_dash-layout", "/assets/beacon.css"):
        with urllib.request.urlopen(server + path) as response:
            headers = response.headers
        policy = headers["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy, path
        assert "script-src 'self' 'sha256-" in policy and "unsafe-eval" not in policy, path
        assert (headers["X-Content-Type-Options"], headers["X-Frame-Options"]) == ("nosniff", "DENY"), path
        assert headers["Referrer-Policy"] == "same-origin", path


def test_without_sign_in_only_this_machine_s_names_are_answered(server):
    """A page elsewhere that points its own domain at 127.0.0.1 (DNS rebinding) gets a refusal, not
    Beacon; a change posted from another site is refused too."""
    foreign = urllib.request.Request(server + "/", headers={"Host": "beacon.evil.example"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(foreign)
    assert refused.value.code == 403
    assert "(BEACON_AUTH=none) answers only to this machine" in refused.value.read().decode()
    cross_site = urllib.request.Request(
        server + "/_dash-update-component",
        data=b"{}",
        headers={"Content-Type": "application/json", "Origin": "http://evil.example"},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(cross_site)
    assert refused.value.code == 403
    assert "did not come from a Beacon page" in refused.value.read().decode()


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"BEACON_HOST": "0.0.0.0"}, "BEACON_AUTH=none serves everyone who reaches the port without sign-in"),
        ({"BEACON_AUTH": "sso"}, "BEACON_AUTH='sso' is not a sign-in mode of this version of Beacon"),
        (
            {"BEACON_AUTH": "local", "BEACON_SECRET_KEY": ""},
            "BEACON_AUTH=local needs BEACON_SECRET_KEY, a random secret of at least 32 characters (it is unset)",
        ),
        (
            {"BEACON_AUTH": "local", "BEACON_SECRET_KEY": "short-key"},
            "BEACON_AUTH=local needs BEACON_SECRET_KEY, a random secret of at least 32 characters (it has 9)",
        ),
    ],
)
def test_unsafe_settings_are_refused_at_start(environment, message):
    """Starting without sign-in on another address than loopback, with an unknown mode, or with sign-in
    but no long secret key is refused at start, with a message saying why and what to do."""
    run = subprocess.run(
        [sys.executable, "-c", "import app"],
        cwd=ROOT,
        env={**os.environ, **environment},
        capture_output=True,
        text=True,
        timeout=PATIENCE_SECONDS,
    )
    assert run.returncode == 1
    assert message in run.stderr
    assert "Traceback" not in run.stderr


def test_commitment_text_is_shown_as_text_never_run(browser, server, server_state, tiny_warehouse):
    """Script and HTML in a commitment's title and note show literally on the register, the owner page
    and the commitment's page; none of it runs."""
    title = " ".join(PAYLOADS)[:120]
    commitment_id = seed(server_state, owner_id="ben", title=title)
    for path in ("/commitments", "/owner/ben", f"/commitment/{commitment_id}"):
        page = open_page(browser, server + path)
        expect(page.get_by_text(PAYLOADS[0]).first).to_be_visible()
        assert page.evaluate("window.pwned") is None, path
        assert (
            page.locator("script:not([src]):not([type])").evaluate_all(
                "nodes => nodes.filter(n => n.textContent.includes('pwned')).length"
            )
            == 0
        )
        page.context.close()
    assert stored(server_state, commitment_id)["title"] == title


@pytest.fixture(scope="module")
def payload_server(tiny_warehouse_path, tmp_path_factory):
    """Beacon on the tiny warehouse plus customers' comments holding script, HTML and spreadsheet
    formulas, loaded through ingest."""
    folder = tmp_path_factory.mktemp("payloads")
    live = folder / "cx.duckdb"
    shutil.copy(tiny_warehouse_path, live)
    extract = folder / "responses-payloads.csv"
    rows = [
        f'P{i},nps,2026-11-19 10:00:{i:02d},web,smb,3,"{payload.replace(chr(34), chr(34) * 2)}"'
        for i, payload in enumerate(PAYLOADS + FORMULAS)
    ]
    extract.write_text(
        "response_id,metric_id,responded_at,touchpoint_id,segment_id,score,comment\n" + "\n".join(rows)
    )
    ingest([extract], live)
    with beacon_server(live, extra_env={"BEACON_STATE_URL": f"sqlite:///{folder / 'state.db'}"}) as url:
        yield url


def test_verbatim_comments_are_shown_as_text_never_run(browser, payload_server):
    """Customers' comments holding script and HTML, loaded through ingest, show literally on the
    metric page; none of it runs."""
    page = open_page(browser, f"{payload_server}/metric/nps?period=2026-Q4")
    # The tiny warehouse's own comment and the six loaded here; the first list of a fresh server is slow.
    expect(page.locator("#metric-verbatim-count")).to_have_text("7 comments, newest first")
    for payload in PAYLOADS:
        expect(page.locator(".verbatim-text", has_text=payload)).to_have_count(1)
    assert page.evaluate("window.pwned") is None
    assert page.problems == []
    page.context.close()


def test_verbatims_csv_keeps_spreadsheets_from_running_comments(browser, payload_server):
    """The Verbatim comments card's CSV button downloads every matching comment; a comment starting
    like a formula (= + @) is written with a leading apostrophe, the rest as the customer wrote it."""
    page = open_page(browser, f"{payload_server}/metric/nps?period=2026-Q4")
    verbatims = page.locator(".metric-card").filter(
        has=page.get_by_role("heading", name="Verbatim comments", exact=True)
    )
    with page.expect_download() as download:
        verbatims.get_by_role("button", name="CSV").click()
    assert download.value.suggested_filename == "beacon-nps-comments-2026-10-01-2026-11-20.csv"
    written = pd.read_csv(download.value.path())
    # The tiny warehouse's own comment and the six payloads, newest first (the payloads a second apart).
    assert list(written["comment"]) == [
        *(f"'{formula}" for formula in reversed(FORMULAS)),
        *reversed(PAYLOADS),
        "Great <b>service</b> & fast",
    ]
    assert list(written["score"])[:6] == [3.0] * 6
    assert page.problems == []
    page.context.close()


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/?period=2026-Q4';DROP TABLE metrics;--", "This view cannot be shown"),
        ("/?segment=' OR '1'='1", "There is no customer segment"),
        ("/journey?metric=nps' OR 1=1--", "There is no metric"),
        ("/metric/nps'%20OR%201=1--", "There is no metric"),
        ("/wall?slides=touchpoint:web';DELETE FROM responses;--", "no such touchpoint"),
    ],
)
def test_sql_injection_in_the_url_changes_nothing(browser, server, tiny_warehouse, path, message):
    """Payloads in filters and ids are only ever bound as values: the page says what it cannot show,
    and the warehouse still has every table and row."""
    before = _row_counts(tiny_warehouse)
    page = open_page(browser, server + path)
    expect(page.get_by_text(message).first).to_be_visible()
    assert "Traceback" not in page.content()
    assert _row_counts(tiny_warehouse) == before


def _row_counts(path) -> dict:
    with duckdb.connect(str(path), read_only=True) as con:
        return {
            table: con.execute("SELECT count(*) FROM " + table).fetchone()[0]
            for table in ("metrics", "responses", "measurements", "segments", "touchpoints")
        }


def test_a_chart_downloads_as_png_under_the_content_security_policy(browser, server):
    """The mode bar's camera on a metric page's chart saves a PNG: Plotly draws the chart's SVG into an
    image from a blob: URL, so images may come from blob: as well; nothing else is widened."""
    page = open_page(browser, server + "/metric/nps")
    trend = page.locator("#metric-trend")
    expect(trend.locator(".main-svg").first).to_be_visible()
    trend.hover()
    with page.expect_download() as download:
        trend.locator(".modebar-btn[data-title='Download plot as a PNG']").click()
    assert download.value.suggested_filename == "nps-trend.png"
    assert Path(download.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"  # the PNG signature
    assert page.problems == []
    page.context.close()
    with urllib.request.urlopen(server + "/") as response:
        policy = dict(
            directive.strip().split(" ", 1)
            for directive in response.headers["Content-Security-Policy"].split(";")
        )
    assert policy["img-src"] == "'self' data: blob:"
    assert (policy["default-src"], policy["connect-src"], policy["object-src"]) == (
        "'self'",
        "'self'",
        "'none'",
    )
