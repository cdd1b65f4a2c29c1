"""The data page (`/data`) in headless Chromium: freshness per metric, rows per table, the snapshot and
its publish log, and the metric catalogue, checked against the hand-made tiny warehouse and the query
layer rather than against the screen itself."""

import os
import re
from datetime import date, datetime
from pathlib import Path

from playwright.sync_api import expect

import queries
from components.attributes import raw
from queries.runner import snapshot_version
from tests import tiny_warehouse as tiny
from tests.browser import beacon_server, open_page
from tests.unit.test_data_health import copy_with_log

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"


def test_navbar_links_to_the_data_page(visit, server):
    page = visit(server + "/")
    link = page.locator(".shell-navbar a.nav-link", has_text="Data")
    expect(link).to_have_attribute("href", "/data")
    expect(link).not_to_have_class(re.compile(r"\bdisabled\b"))
    link.click()
    expect(page.locator("#data-root")).to_be_visible()
    expect(page).to_have_title("Data · Beacon")
    assert page.problems == []


def test_rows_per_table_are_what_the_tiny_warehouse_holds(visit, server, tiny_warehouse):
    page = visit(server + "/data")
    expected = tiny.ROW_COUNTS
    cells = page.locator(".row-count[data-table]")
    expect(cells).to_have_count(len(expected))
    shown = cells.evaluate_all("cs => cs.map(c => [c.dataset.table, c.dataset.rows])")
    assert shown == [[table, str(rows)] for table, rows in expected.items()]
    expect(page.locator(".row-count[data-table='responses']")).to_contain_text("41")
    expect(page.locator(".row-count[data-table='daily_rollup']")).to_contain_text("derived")
    assert page.problems == []


def test_freshness_of_each_metric_against_its_cadence(visit, server, tiny_warehouse):
    """Freshness is judged on today's date (the rule is worked by hand in test_data_health.py): NPS
    (last 2 Nov; data in Q3 and Q4, so quarterly from its data) is due again by 31 Mar 2027 plus a
    month's grace; FCR (daily,
    last 2 Oct) is late; ages count from each latest day to today; the summary counts what the rows say."""
    today = date.today()
    page = visit(server + "/data")
    root = page.locator("#data-root")
    expect(root).to_have_attribute("data-as-of", tiny.AS_OF.isoformat())
    expect(root).to_have_attribute("data-period-start", "2026-10-01")
    expect(root).to_have_attribute("data-period-end", "2026-11-20")
    rows = page.locator(".freshness-row[data-metric-id]")
    expect(rows).to_have_count(len(tiny.METRICS))
    nps = page.locator(".freshness-row[data-metric-id='nps']")
    expect(nps).to_have_attribute("data-freshness", "fresh" if today <= date(2027, 5, 1) else "late")
    expect(nps).to_have_attribute("data-latest-day", "2026-11-02")
    expect(nps).to_have_attribute("data-cadence", "quarterly")
    expect(nps).to_have_attribute("data-age-days", str((today - date(2026, 11, 2)).days))
    expect(nps).to_contain_text("Quarterly")
    fcr = page.locator(".freshness-row[data-metric-id='fcr']")
    expect(fcr).to_have_attribute("data-freshness", "late")
    expect(fcr).to_have_attribute("data-age-days", str((today - date(2026, 10, 2)).days))
    expect(fcr.locator(".freshness-badge")).to_have_text("Late")
    expect(fcr.locator(".freshness-badge .bi")).to_have_count(1)
    expect(page.locator(".freshness-row[data-metric-id='csat']")).to_contain_text("Daily (assumed)")
    expected = queries.data_freshness(today).set_index("metric_id")["freshness"].to_dict()
    shown = dict(rows.evaluate_all("rs => rs.map(r => [r.dataset.metricId, r.dataset.freshness])"))
    assert shown == expected
    late = sum(word == "late" for word in expected.values())
    expect(page.locator(".summary-chip[data-freshness='late']")).to_have_attribute("data-count", str(late))
    expect(page.locator("#data-freshness")).to_contain_text(f"today ({today:%-d %b %Y})")
    expect(page.locator("#data-freshness")).to_contain_text("31 days for quarterly data")
    assert page.problems == []


def test_catalogue_lists_every_metric_with_its_definition_owner_and_target(visit, server, tiny_warehouse):
    card = queries.scorecard(queries.view())
    page = visit(server + "/data")
    rows = page.locator(".catalogue-row[data-metric-id]")
    expect(rows).to_have_count(len(tiny.METRICS))
    assert rows.evaluate_all("rs => rs.map(r => r.dataset.metricId)") == [m[0] for m in tiny.METRICS]
    for metric in card.itertuples(index=False):
        row = page.locator(f".catalogue-row[data-metric-id='{metric.metric_id}']")
        expect(row).to_have_attribute("data-target", raw(metric.target))
        expect(row).to_have_attribute("data-tolerance", raw(metric.tolerance))
        expect(row).to_have_attribute("data-min-sample", str(metric.min_sample))
        expect(row).to_contain_text(metric.name)
    nps = page.locator(".catalogue-row[data-metric-id='nps']")
    expect(nps).to_contain_text("≥ 45.0 (tolerance 10.0)")  # the company-wide Q4 target, not a slice's
    expect(nps).to_contain_text("100 × (promoters − detractors) / responses")
    expect(nps).to_contain_text("0–10 scale")
    expect(nps).to_contain_text("Higher is better")
    expect(nps).to_contain_text("Ana Silva")
    expect(nps).to_contain_text("5 responses")
    effort = page.locator(".catalogue-row[data-metric-id='effort']")
    expect(effort).to_contain_text("≤ 3.00 (tolerance 0.50)")
    expect(effort).to_contain_text("Lower is better")
    expect(effort).to_have_attribute("data-owner-id", "ben")
    aht = page.locator(".catalogue-row[data-metric-id='aht']")
    expect(aht).to_contain_text("No target")
    expect(aht).to_contain_text("No owner")
    expect(aht).to_contain_text("ratio of sums")
    expect(aht).to_have_attribute("data-target", "")
    expect(page.locator("#data-catalogue")).to_contain_text("Targets for all customers on 20 Nov 2026")
    assert page.problems == []


def test_an_empty_publish_log_says_so(visit, server, tiny_warehouse):
    page = visit(server + "/data")
    snapshot = page.locator("#data-snapshot")
    expect(snapshot.locator(".snapshot-current")).to_have_text("No publish recorded")
    expect(snapshot.locator(".snapshot-previous")).to_have_text("No publish recorded")
    expect(snapshot.locator("[data-publishes]")).to_have_attribute("data-publishes", "0")
    expect(snapshot.locator(".snapshot-file")).to_contain_text("cx.duckdb")
    version = snapshot_version(tiny_warehouse)
    expect(page.locator("#data-root")).to_have_attribute("data-snapshot-version", version)
    expect(snapshot.locator(".snapshot-version")).to_have_text(version)
    assert page.problems == []


def test_snapshot_card_shows_the_current_and_previous_publish(browser, tiny_warehouse_path, tmp_path):
    """A log of two publishes shows the last as current (its files listed) and the one before as
    previous; a new snapshot file without the log, swapped in, shows only the file's time."""
    files = (
        '[{"path": "/drop/nov/responses.csv", "table": "responses", "rows": 41, "added": 39, "skipped": 2}]'
    )
    log = [
        (datetime(2026, 11, 1, 7, 30), "demo", "build", "[]", 50, 0),
        (datetime(2026, 11, 21, 6, 5), "ingest", "append", files, 39, 2),
    ]
    live = copy_with_log(tiny_warehouse_path, tmp_path / "cx.duckdb", log)
    with beacon_server(live) as url:
        page = open_page(browser, url + "/data")
        snapshot = page.locator("#data-snapshot")
        card = snapshot.locator("[data-publishes]")
        expect(card).to_have_attribute("data-publishes", "2")
        expect(card).to_have_attribute("data-published-at", "2026-11-21T06:05:00")
        expect(card).to_have_attribute("data-previous-published-at", "2026-11-01T07:30:00")
        current = snapshot.locator(".snapshot-current")
        expect(current).to_contain_text("Published 21 Nov 2026 06:05 by ingest (append)")
        expect(current).to_contain_text("39 rows added · 2 duplicates skipped")
        expect(current.locator(".snapshot-files tbody tr")).to_have_count(1)
        expect(current.locator(".snapshot-files tbody tr")).to_contain_text("responses.csv")
        expect(snapshot.locator(".snapshot-previous")).to_contain_text(
            "Published 1 Nov 2026 07:30 by demo (build)"
        )
        expect(page.locator(".page-header .as-of")).to_contain_text("snapshot published 21 Nov 2026 06:05")
        assert page.problems == []

        # A file written before the log existed, published over the live one.
        older = copy_with_log(tiny_warehouse_path, tmp_path / "older.duckdb", None)
        os.replace(older, live)
        page.reload()
        expect(snapshot.locator(".snapshot-current")).to_contain_text("predates the publish log")
        expect(card).to_have_attribute("data-has-log", "false")
        expect(page.locator("#data-root")).to_have_attribute("data-snapshot-version", snapshot_version(live))
        assert page.problems == []
        page.context.close()


def test_screenshot_of_the_data_page(visit, demo_server):
    """/data on the demo warehouse at 1366×768, saved to tests/artifacts/: nothing wider than the screen."""
    ARTIFACTS.mkdir(exist_ok=True)
    page = visit(demo_server + "/data", width=1366, height=768)
    expect(page.locator("#data-root")).to_be_visible()
    expect(page.locator(".catalogue-row[data-metric-id]").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    target = ARTIFACTS / "data.png"
    target.unlink(missing_ok=True)
    page.screenshot(path=str(target))
    assert target.stat().st_size > 10_000
    assert page.problems == []
