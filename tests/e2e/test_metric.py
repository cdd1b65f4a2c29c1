"""The metric page (`/metric/<id>`) in headless Chromium: breakdowns against the query layer, chart
clicks that filter, verbatims, CSV export and bad URLs."""

import io
import math
import re

import duckdb
import pandas as pd
import pytest
from playwright.sync_api import expect

import queries
from components.format import format_value
from tests.browser import expect_clear_message

ROOT = "#metric-root"
#: The breakdown tables, each in its card under "Show the numbers": (card title, by, id attributes).
TABLES = [
    ("By touchpoint", "touchpoint", ["touchpointId"]),
    ("By segment", "segment", ["segmentId"]),
    ("Touchpoint × segment", "cell", ["touchpointId", "segmentId"]),
]
COLUMNS = {"touchpointId": "touchpoint_id", "segmentId": "segment_id"}


def number(value) -> float:
    """An attribute or a frame cell as a float: NaN for an empty attribute, NaN or NA."""
    if value is None or (isinstance(value, str) and value == "") or pd.isna(value):
        return math.nan
    return float(value)


def card(page, title: str):
    return page.locator(".metric-card").filter(has=page.get_by_role("heading", name=title, exact=True))


def rows(page, title: str) -> list[dict]:
    """The data attributes of a breakdown table's rows (present even while its <details> is closed)."""
    return card(page, title).locator("tr.kpi-row").evaluate_all("rows => rows.map(r => ({...r.dataset}))")


def comments(page) -> list[str]:
    return page.locator("#metric-verbatim-list .verbatim-text").evaluate_all(
        "texts => texts.map(t => t.textContent)"
    )


def comment_count(page) -> int:
    """The number in '75 comments, newest first'."""
    text = page.locator("#metric-verbatim-count").inner_text()
    return int(re.match(r"[\d\s\u202f,]+", text)[0].replace("\u202f", "").replace(",", "").strip())


def open_metric(visit, url: str):
    """The metric page once its root, charts and first verbatims have rendered."""
    page = visit(url)
    expect(page.locator(ROOT)).to_be_attached()
    page.wait_for_selector("#metric-by-touchpoint .trace.bars .point", state="attached")
    return page


@pytest.mark.parametrize(("warehouse", "metric_id"), [("tiny", "nps"), ("demo", "rnps"), ("demo", "aht")])
def test_breakdown_tables_match_the_query_layer(visit, request, warehouse, metric_id):
    """The period attributes, and one row per touchpoint, segment and cell with the query layer's numbers."""
    request.getfixturevalue(f"{warehouse}_warehouse")
    url = request.getfixturevalue({"tiny": "server", "demo": "demo_server"}[warehouse])
    page = visit(f"{url}/metric/{metric_id}")
    view = queries.view()
    root = page.locator(ROOT)
    expect(root).to_have_attribute("data-period-start", view.period.start.isoformat())
    expect(root).to_have_attribute("data-period-end", view.period.end.isoformat())
    expect(root).to_have_attribute("data-as-of", view.as_of.isoformat())
    for title, by, keys in TABLES:
        expected = queries.breakdown(view, metric_id, by)
        expected_keys = list(zip(*(expected[COLUMNS[k]] for k in keys), strict=True))
        shown = rows(page, title)
        shown_keys = [tuple(r[k] for k in keys) for r in shown]
        assert sorted(shown_keys) == sorted(expected_keys), f"{title}: one row per slice"
        ordered = [dict(zip(shown_keys, shown, strict=True))[key] for key in expected_keys]
        assert [r["metricId"] for r in ordered] == [metric_id] * len(ordered)
        assert [r["status"] for r in ordered] == list(expected["status"]), title
        for attribute in ("value", "n", "target"):
            assert [number(r[attribute]) for r in ordered] == pytest.approx(
                [number(v) for v in expected[attribute]], nan_ok=True
            ), f"{title}: {attribute}"
    # Touchpoints in journey order, as the chart shows them.
    shown = [r["touchpointId"] for r in rows(page, "By touchpoint")]
    assert shown == [t for t in queries.touchpoints()["touchpoint_id"] if t in shown]
    assert page.problems == []


def test_a_numbers_table_is_drawn_in_full_when_first_opened(visit, server, tiny_warehouse):
    """Closed, the By segment table's rows carry their names and attributes only; opened, each gets
    its cells, the value formatted as the query layer's number, and closing and opening keeps them."""
    page = open_metric(visit, server + "/metric/nps")
    table = card(page, "By segment")
    expected = queries.breakdown(queries.view(), "nps", "segment").set_index("segment_id")
    expect(table.locator("tr.kpi-row-unfilled")).to_have_count(len(expected))
    assert table.locator("tr.kpi-row td").count() == 0
    summary = table.get_by_text("Show the numbers")
    summary.click()
    expect(table.locator("tr.kpi-row-unfilled")).to_have_count(0)
    expect(table.locator("tr.kpi-row td")).to_have_count(6 * len(expected))
    for segment_id, row in expected.iterrows():
        value = table.locator(f"tr.kpi-row[data-segment-id={segment_id}] td").first
        expect(value).to_have_text(format_value(row["value"], row["unit"]))
    summary.click()
    summary.click()
    expect(table.locator("tr.kpi-row td")).to_have_count(6 * len(expected))
    assert page.problems == []


def test_clicking_a_touchpoint_bar_filters_the_page_and_the_breadcrumb_clears_it(
    visit, server, tiny_warehouse
):
    """A click on the Website bar adds ?touchpoint=web and a breadcrumb with a clear link that removes it."""
    page = open_metric(visit, server + "/metric/nps")
    chart = page.locator("#metric-by-touchpoint")
    chart.scroll_into_view_if_needed()
    # Plotly listens on its drag layer, above the bars: click the page where the bar is drawn.
    index = chart.locator(".js-plotly-plot").evaluate("plot => plot.data[0].customdata.indexOf('web')")
    box = chart.locator(".trace.bars .point path").nth(index).bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)

    expect(page).to_have_url(server + "/metric/nps?touchpoint=web")
    crumb = page.locator(".breadcrumb-item.active")
    expect(crumb).to_have_text("Website")
    # The link clearing the touchpoint filter follows the crumbs (dbc.Breadcrumb's crumbs are words).
    clear = page.locator(".page-breadcrumb .clear-filter")
    expect(clear).to_have_count(1)
    expect(clear).to_have_attribute("title", "Clear the touchpoint filter")
    headline = page.locator(f"{ROOT} .kpi-tile[data-metric-id=nps]")
    expect(headline).to_have_attribute("data-touchpoint-id", "web")
    expected = queries.kpis(queries.view(), metric_id="nps", touchpoint_id="web").iloc[0]
    assert float(headline.get_attribute("data-value")) == pytest.approx(expected["value"])
    assert expected["value"] == pytest.approx(40.0)
    expect(page.locator("#metric-touchpoint")).to_have_value("web")

    clear.click()
    expect(page).to_have_url(server + "/metric/nps")
    unfiltered = page.locator(f"{ROOT} .kpi-tile[data-metric-id=nps]:not([data-touchpoint-id])")
    expect(unfiltered).to_have_count(1)
    expect(page.locator(".clear-filter")).to_have_count(0)
    everyone = queries.kpis(queries.view(), metric_id="nps").iloc[0]
    assert float(unfiltered.get_attribute("data-value")) == pytest.approx(everyone["value"])
    expect(page.locator("#metric-touchpoint")).to_have_value("all")
    assert page.problems == []


def test_verbatims_newest_first_filter_by_band_and_page(visit, demo_server, demo_warehouse):
    """Comments come newest first as the query layer pages them; the band filter and page 2 follow it."""
    page = open_metric(visit, demo_server + "/metric/rnps")
    view = queries.view()
    first, total = queries.verbatims(view, "rnps")
    expect(page.locator("#metric-verbatim-list .verbatim")).to_have_count(len(first))
    assert comments(page) == list(first["comment"])
    assert first["responded_at"].is_monotonic_decreasing
    assert comment_count(page) == total

    second, _total = queries.verbatims(view, "rnps", page=2)
    page.locator("#metric-verbatim-pages").get_by_text("2", exact=True).click()
    expect(page.locator("#metric-verbatim-pages .active")).to_contain_text("2")
    # The pager marks page 2 a moment before the list arrives: wait for the list itself.
    expect(page.locator("#metric-verbatim-list .verbatim-text")).to_have_text(list(second["comment"]))
    assert second["responded_at"].max() <= first["responded_at"].min()

    low, low_total = queries.verbatims(view, "rnps", band="worst")
    assert 0 < low_total < total
    page.select_option("#metric-verbatim-band", "worst")
    expect(page.locator("#metric-verbatim-count")).to_have_text(re.compile(rf"^{low_total}\D"))
    assert comment_count(page) == low_total
    # A new filter starts again at page 1.
    expect(page.locator("#metric-verbatim-list .verbatim-text")).to_have_text(list(low["comment"]))
    badges = page.locator("#metric-verbatim-list .score-badge")
    assert set(badges.evaluate_all("bs => bs.map(b => b.className)")) == {"score-badge band-worst"}
    expect(page.locator("#metric-verbatim-pages .active")).to_contain_text("1")
    assert page.problems == []


def test_a_persian_comment_is_laid_out_right_to_left(visit, demo_server, demo_warehouse):
    """Every customer's comment carries dir="auto", so the demo's Persian ones read right to left (and
    the English ones left to right) in a page that is itself left to right."""
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        metric_id, touchpoint, segment, day, comment = con.execute(
            "SELECT metric_id, touchpoint_id, segment_id, responded_at, comment FROM responses"
            " WHERE regexp_matches(comment, '[\u0600-\u06ff]') ORDER BY responded_at DESC LIMIT 1"
        ).fetchone()
    # Its month, touchpoint and segment: few enough comments that it is on the first page of ten.
    query = f"period={day:%Y-%m}&touchpoint={touchpoint}&segment={segment}"
    shown, _total = queries.verbatims(queries.view(f"{day:%Y-%m}"), metric_id, touchpoint, segment)
    assert comment in list(shown["comment"])
    page = open_metric(visit, f"{demo_server}/metric/{metric_id}?{query}")
    persian = page.locator(".verbatim-text", has_text=comment).first
    expect(persian).to_have_attribute("dir", "auto")
    assert persian.evaluate("p => getComputedStyle(p).direction") == "rtl"
    others = page.locator(".verbatim-text").evaluate_all(
        "ps => ps.map(p => [p.dir, getComputedStyle(p).direction])"
    )
    assert {tuple(other) for other in others} <= {("auto", "rtl"), ("auto", "ltr")}
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert page.problems == []


def test_verbatim_markup_is_shown_as_literal_text(visit, server):
    """'Great <b>service</b> & fast' is shown as typed: no <b> element is created."""
    page = visit(server + "/metric/nps")
    text = page.locator("#metric-verbatim-list .verbatim-text")
    expect(text).to_have_count(1)
    expect(text).to_have_text("Great <b>service</b> & fast")
    assert page.locator("#metric-verbatim-list b").count() == 0
    assert page.problems == []


def test_verbatim_count_reads_as_a_sentence(visit, server):
    """The count line reads 'N comments, newest first' (the comma is kept)."""
    page = visit(server + "/metric/nps")
    count = page.locator("#metric-verbatim-count")
    expect(count).to_have_text(re.compile(r"^1 comments?, newest first$"))
    assert page.problems == []


def test_touchpoint_csv_matches_the_breakdown(visit, demo_server, demo_warehouse):
    """The By touchpoint card's CSV button downloads the breakdown, one row per touchpoint."""
    page = open_metric(visit, demo_server + "/metric/rnps?period=2026-Q3")
    view = queries.view("2026-Q3")
    button = card(page, "By touchpoint").get_by_role("button", name="CSV")
    with page.expect_download() as download:
        button.click()
    csv = pd.read_csv(io.StringIO(download.value.path().read_text()))
    expected = queries.breakdown(view, "rnps", "touchpoint")
    assert sorted(csv["touchpoint_id"]) == sorted(expected["touchpoint_id"])
    csv = csv.set_index("touchpoint_id").loc[list(expected["touchpoint_id"])]
    assert list(csv["status"]) == list(expected["status"])
    assert list(csv["value"]) == pytest.approx(list(expected["value"].astype(float)), nan_ok=True)
    assert list(csv["n"]) == list(expected["n"])
    assert set(csv["metric_id"]) == {"rnps"}
    assert set(csv["period_start"]) == {view.period.start.isoformat()}
    assert set(csv["period_end"]) == {view.period.end.isoformat()}
    assert download.value.suggested_filename.endswith(".csv")
    assert page.problems == []


@pytest.mark.parametrize(
    ("path", "named"),
    [
        ("/metric/nope", "nope"),
        ("/metric/nps?touchpoint=nowhere", "nowhere"),
        ("/metric/nps?period=2026-Q9", "2026-Q9"),
        ("/metric/nps?compare=foo", "foo"),
        ("/metric/nps?segment=nobody", "nobody"),
    ],
)
def test_bad_metric_url_gives_a_clear_message(visit, server, path, named):
    """An unknown metric, touchpoint, segment or period is named in a message with a link back."""
    page = visit(server + path)
    expect_clear_message(page, f"“{named}”")
    assert page.locator(ROOT).count() == 0


@pytest.mark.parametrize("period", ["2026-Q1", "2020-Q1"])
def test_metric_page_for_a_period_without_data_shows_no_data(visit, server, tiny_warehouse, period):
    """A period with no data shows the metric as no_data, with empty breakdowns, and no error."""
    page = visit(f"{server}/metric/nps?period={period}")
    view = queries.view(period)
    root = page.locator(ROOT)
    expect(root).to_have_attribute("data-period-start", view.period.start.isoformat())
    headline = root.locator(".kpi-tile[data-metric-id=nps]")
    expect(headline).to_have_attribute("data-status", "no_data")
    expect(headline).to_have_attribute("data-value", "")
    assert rows(page, "By touchpoint") == []
    expect(page.locator("#metric-by-touchpoint")).to_contain_text("No data in this period")
    expect(page.locator("#metric-verbatim-list")).to_contain_text("No comments")
    assert page.locator(".problem").count() == 0
    assert page.problems == []


def test_clicking_a_heatmap_cell_filters_to_touchpoint_and_segment(visit, server, tiny_warehouse):
    """The Website × Small business cell filters the page to both; the breadcrumb shows them."""
    page = visit(server + "/metric/nps")
    page.locator("#metric-heatmap .crosstab-cell[data-touchpoint-id=web][data-segment-id=smb] a").click()
    expect(page).to_have_url(f"{server}/metric/nps?touchpoint=web&segment=smb")
    expect(page.locator(".page-breadcrumb")).to_contain_text("Website")
    expect(page.locator(".page-breadcrumb")).to_contain_text("Small business")
    assert page.problems == []


@pytest.mark.parametrize("metric_id", ["ces", "tnps"])
def test_heatmap_cells_show_their_status_against_their_own_target(
    visit, demo_server, demo_warehouse, metric_id
):
    """Every touchpoint × segment cell of the grid (touchpoints with data, every segment) is there: with
    the query layer's value, status and n, tinted by that status; a cell without data says "No data"."""
    page = visit(f"{demo_server}/metric/{metric_id}")
    expected = queries.breakdown(queries.view(), metric_id, "cell").set_index(["touchpoint_id", "segment_id"])
    touchpoints = expected.index.get_level_values(0).unique()
    segments = expected.index.get_level_values(1).unique()
    cells = page.locator("#metric-heatmap .crosstab-cell")
    expect(cells).to_have_count(len(touchpoints) * len(segments))
    shown = cells.evaluate_all("cs => cs.map(c => ({...c.dataset, tint: c.className, text: c.textContent}))")
    empty = 0
    for cell in shown:
        assert cell["metricId"] == metric_id
        key = (cell["touchpointId"], cell["segmentId"])
        if key not in expected.index:
            empty += 1
            assert (cell["status"], cell["value"], cell["text"]) == ("no_data", "", "No data")
            continue
        row = expected.loc[key]
        assert cell["status"] == row["status"] and f"cell-{row['status']}" in cell["tint"].split()
        assert number(cell["value"]) == pytest.approx(number(row["value"]), nan_ok=True)
        assert number(cell["n"]) == number(row["n"])
    assert empty == len(touchpoints) * len(segments) - len(expected)
    assert "on_track" in {cell["status"] for cell in shown}  # the tint tested above is not vacuous
    assert page.problems == []
