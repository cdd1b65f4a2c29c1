"""The scorecard (`/`) in headless Chromium: every tile against the query layer, the view controls, links.

Expected numbers come from `queries` pointed at the same warehouse file the server reads (the `site`,
`tiny_warehouse` and `demo_warehouse` fixtures), so the screen is checked against the KPI maths, not
against itself.
"""

import math
from collections import Counter
from datetime import date

import pandas as pd
import pytest
from playwright.sync_api import expect

import queries
from tests.browser import expect_clear_message

TILES = ".kpi-tile[data-metric-id]"
ROOT = "#scorecard-root"


def number(value) -> float:
    """An attribute or a frame cell as a float: NaN for an empty attribute, NaN or NA."""
    if value is None or (isinstance(value, str) and value == "") or pd.isna(value):
        return math.nan
    return float(value)


def tiles(page) -> list[dict]:
    """Every tile's data attributes (and href), in page order, once the grid has rendered."""
    expect(page.locator(TILES)).to_have_count(len(queries.metrics()))
    return page.locator(TILES).evaluate_all(
        "tiles => tiles.map(t => ({...t.dataset, href: t.getAttribute('href')}))"
    )


def assert_tiles_match(shown: list[dict], card: pd.DataFrame) -> None:
    """The tiles carry, in order, exactly the metrics, statuses and numbers of a KPI frame."""
    assert [t["metricId"] for t in shown] == list(card["metric_id"])
    assert [t["status"] for t in shown] == list(card["status"])
    for attribute in ("value", "n", "target", "low", "high", "change"):
        assert [number(t[attribute]) for t in shown] == pytest.approx(
            [number(v) for v in card[attribute]], nan_ok=True
        ), attribute
    verdicts = ["" if pd.isna(v) else str(bool(v)).lower() for v in card["change_significant"]]
    assert [t["changeSignificant"] for t in shown] == verdicts


def assert_root_shows(page, view: queries.View) -> None:
    root = page.locator(ROOT)
    expect(root).to_have_attribute("data-period-start", view.period.start.isoformat())
    expect(root).to_have_attribute("data-period-end", view.period.end.isoformat())
    expect(root).to_have_attribute("data-as-of", view.as_of.isoformat())
    expect(root).to_have_attribute("data-compare-start", view.comparison.start.isoformat())
    expect(root).to_have_attribute("data-compare-end", view.comparison.end.isoformat())


def test_tiles_match_the_query_layer_in_catalogue_order(visit, site):
    """`/` shows one tile per catalogue metric, in order, each with the query layer's numbers."""
    page = visit(site + "/")
    view = queries.view()
    shown = tiles(page)
    assert [t["metricId"] for t in shown] == list(queries.metrics()["metric_id"])
    assert_tiles_match(shown, queries.scorecard(view))
    assert_root_shows(page, view)
    assert page.problems == []


def test_tiles_on_the_tiny_warehouse_match_the_hand_worked_numbers(visit, server, tiny_warehouse):
    """Tiny warehouse, Q4 2026 to date: FCR is the ratio of sums 91/102, NPS is 100·(7−3)/14."""
    page = visit(server + "/")
    shown = {t["metricId"]: t for t in tiles(page)}
    assert float(shown["fcr"]["value"]) == pytest.approx(91 / 102 * 100)
    assert shown["fcr"]["value"] == "89.2156862745098"
    assert shown["fcr"]["n"] == ""  # a ratio counts cases: no sample size
    # Days (1, 2) and (90, 100): SE 1.53787 pp → [86.2015, 92.2299] (tests/unit/test_queries.py).
    assert (float(shown["fcr"]["low"]), float(shown["fcr"]["high"])) == pytest.approx(
        (86.2015, 92.2299), abs=1e-3
    )
    fcr = page.locator(f"{TILES}[data-metric-id=fcr]")
    expect(fcr.locator(".tile-detail")).to_have_text("95% interval 86.2 to 92.2 · 2 days")
    expect(fcr.locator(".tile-gap")).to_have_text("Meets target")
    assert float(shown["nps"]["value"]) == pytest.approx(100 * (7 - 3) / 14)
    assert shown["nps"]["n"] == "14"
    assert float(shown["aht"]["value"]) == pytest.approx(400.0)
    assert shown["aht"]["target"] == "" and shown["aht"]["status"] == "no_target"
    root = page.locator(ROOT)
    assert (root.get_attribute("data-period-start"), root.get_attribute("data-period-end")) == (
        "2026-10-01",
        "2026-11-20",
    )
    assert page.problems == []


def test_period_select_changes_the_url_and_tiles_and_back_restores_them(visit, demo_server, demo_warehouse):
    """Picking Q3 2026 writes ?period= and shows Q3's numbers; the Back button returns to the default view."""
    page = visit(demo_server + "/")
    default = queries.view()
    tiles(page)
    page.select_option("#scorecard-period", "2026-Q3")
    expect(page).to_have_url(demo_server + "/?period=2026-Q3")
    q3 = queries.view("2026-Q3")
    assert_root_shows(page, q3)
    assert_tiles_match(tiles(page), queries.scorecard(q3))
    assert all(t["href"].endswith("?period=2026-Q3") for t in tiles(page))

    page.go_back()
    expect(page).to_have_url(demo_server + "/")
    assert_root_shows(page, default)
    assert_tiles_match(tiles(page), queries.scorecard(default))
    expect(page.locator("#scorecard-period")).to_have_value(default.period.key)
    assert page.problems == []


def test_segment_select_filters_the_tiles(visit, demo_server, demo_warehouse):
    """Picking a segment writes ?segment= and shows that segment's numbers."""
    page = visit(demo_server + "/")
    tiles(page)
    page.select_option("#scorecard-segment", "smb")
    expect(page).to_have_url(demo_server + "/?segment=smb")
    expect(page.locator(".page-subtitle")).to_have_text("Small business")
    shown = tiles(page)
    assert_tiles_match(shown, queries.scorecard(queries.view(), segment_id="smb"))
    assert shown != []
    assert all(t["href"].endswith("?segment=smb") for t in shown)
    assert page.problems == []


def test_a_tile_links_to_its_metric_page_keeping_the_filters(visit, demo_server, demo_warehouse):
    """Clicking a tile opens /metric/<id> for the same period and segment."""
    page = visit(demo_server + "/?period=2026-Q3&segment=smb")
    tiles(page)
    page.locator(f"{TILES}[data-metric-id=csat]").click()
    expect(page).to_have_url(demo_server + "/metric/csat?period=2026-Q3&segment=smb")
    view = queries.view("2026-Q3")
    expect(page.locator("#metric-root")).to_have_attribute("data-period-start", view.period.start.isoformat())
    expect(page.locator("#metric-segment")).to_have_value("smb")
    expected = queries.scorecard(view, segment_id="smb").set_index("metric_id").loc["csat"]
    headline = page.locator("#metric-root .kpi-tile[data-metric-id=csat]")
    assert float(headline.get_attribute("data-value")) == pytest.approx(expected["value"])
    assert headline.get_attribute("data-segment-id") == "smb"
    assert page.problems == []


def test_status_summary_counts_the_tiles(visit, site):
    """The summary strip has one chip per status present, worst first, counting the tiles."""
    page = visit(site + "/")
    statuses = Counter(t["status"] for t in tiles(page))
    chips = page.locator(".status-summary [data-status][data-count]").evaluate_all(
        "chips => chips.map(c => [c.dataset.status, Number(c.dataset.count)])"
    )
    assert dict(chips) == statuses
    assert [status for status, _count in chips] == [s for s in queries.STATUSES if s in statuses]
    assert page.problems == []


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("?period=2026-Q9", "2026-Q9"),
        ("?compare=foo", "foo"),
        ("?period=2027-Q1", "Q1 2027"),
        ("?segment=nobody", "nobody"),
    ],
)
def test_bad_view_in_the_url_gives_a_clear_message(visit, server, query, named):
    """A period or comparison Beacon cannot show is named in a message with a way back, not a traceback."""
    page = visit(server + "/" + query)
    expect_clear_message(page, named)
    assert page.locator(TILES).count() == 0


@pytest.mark.parametrize("period", ["2026-Q1", "2020-Q1"])
def test_period_without_data_shows_no_data_tiles(visit, server, tiny_warehouse, period):
    """A period with no data (2026-Q1, or 2020-Q1 long before the data) shows no_data tiles, no error."""
    page = visit(f"{server}/?period={period}")
    view = queries.view(period)
    shown = tiles(page)
    assert {t["status"] for t in shown} == {"no_data"}
    assert {t["value"] for t in shown} == {""}
    assert_tiles_match(shown, queries.scorecard(view))
    assert_root_shows(page, view)
    assert page.locator(".problem").count() == 0
    assert page.problems == []


@pytest.mark.parametrize("period", ["2026-Q3", "2026-Q1"])
def test_period_select_shows_the_period_on_screen(visit, server, tiny_warehouse, period):
    """The period select names the period the page shows, even one without data that it does not list."""
    page = visit(f"{server}/?period={period}")
    assert_root_shows(page, queries.view(period))
    expect(page.locator("#scorecard-period")).to_have_value(period)
    assert page.problems == []


def test_yoy_names_the_year_before_in_the_header(visit, demo_server, demo_warehouse):
    """?period=2026-Q3&compare=yoy reads "Q3 2026 vs Q3 2025", and each tile compares with Q3 2025."""
    page = visit(demo_server + "/?period=2026-Q3&compare=yoy")
    expect(page.locator(".as-of")).to_contain_text("Q3 2026 vs Q3 2025")
    assert_root_shows(page, queries.view("2026-Q3", "yoy"))
    expect(page.locator(f"{TILES} .tile-change").first).to_contain_text("vs Q3 2025")
    assert page.locator(".tile-change", has_text="vs Q3 2026").count() == 0
    assert page.problems == []


def test_old_data_shows_a_stale_notice_on_every_data_page(visit, server, tiny_warehouse):
    """The tiny warehouse's data end on 20 Nov 2026, long enough ago for its daily metrics to be late
    (more than two days): every data page says so above its header, with the count of late metrics."""
    freshness = queries.data_freshness(date.today())
    late = freshness[freshness["freshness"] == "late"]
    assert len(late) >= 4  # csat, effort, fcr, pilot were late already on 20 Nov
    for path in ("/", "/metric/nps", "/journey", "/touchpoint/web", "/segments", "/segment/smb", "/owners",
                 "/owner/ana", "/data"):  # fmt: skip
        page = visit(server + path)
        notice = page.locator(".stale-notice[data-banner=stale]")
        expect(notice).to_have_attribute("data-late-count", str(len(late)))
        expect(notice).to_contain_text("The latest data is from 20 Nov 2026")
        expect(notice).to_contain_text(f"{len(late)} of {len(freshness)} metrics are late")
        box, title = notice.bounding_box(), page.locator("h1").first.bounding_box()
        assert box["y"] + box["height"] <= title["y"], path  # above the title, never over it
        assert page.problems == [], path


def test_a_quarterly_metric_shows_its_last_whole_quarter_labelled(visit, demo_server, demo_warehouse):
    """The demo's eNPS is declared quarterly: in Q4 2026 to date its tile says "Q3 2026, measured
    quarterly", carries Q3's dates, and compares with Q2 2026, instead of "No data"."""
    page = visit(demo_server + "/")
    enps = page.locator(f"{TILES}[data-metric-id=enps]")
    expect(enps.locator(".tile-measured")).to_have_text("Q3 2026, measured quarterly")
    expect(enps).to_have_attribute("data-period-start", "2026-07-01")
    expect(enps).to_have_attribute("data-period-end", "2026-09-30")
    expect(enps.locator(".tile-change")).to_contain_text("Q3 2026 vs Q2 2026")
    assert enps.get_attribute("data-status") != "no_data"
    assert page.problems == []
