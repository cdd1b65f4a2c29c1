"""Pure builders: number formats, URLs, sparklines, status and DOM attributes, figures."""

from types import SimpleNamespace
from urllib.parse import unquote

import numpy as np
import pandas as pd

from components.attributes import kpi_attributes
from components.board import attention_list
from components.crosstab import kpi_crosstab
from components.definition import definition_panel
from components.figures import breakdown_figure, distribution_figure, empty_figure, trend_figure
from components.format import format_change, format_count, format_interval, format_target, format_value
from components.icons import icon
from components.links import href, search_after_change, with_changes
from components.pieces import breadcrumb, card, progress, select
from components.sparkline import sparkline_svg
from components.status import STATUS_LABELS, status_badge
from components.theme import STATUS_COLOURS, figure_template
from queries import STATUSES, score_bands
from tests.components_tree import props, text, walk, with_class


def test_values_are_formatted_for_their_unit():
    assert format_value(45.04, "pts") == "45.0"
    assert format_value(-13, "pts") == "−13.0"  # a real minus sign
    assert format_value(71.925, "%") == "71.9%"
    assert format_value(486.28, "s") == "486 s"
    assert format_value(3.2255, "per1000") == "3.23 ‰"
    assert format_value(12345.0, "s") == "12\u202f345 s"
    assert format_value(float("nan"), "%") == format_value(None, "%") == "—"


def test_changes_are_signed_and_in_points_for_percentages():
    assert format_change(2.14, "pts") == "+2.1 pts"
    assert format_change(-0.12, "%") == "−0.1 pp"
    assert format_change(-0.0004, "score") == "0.00"  # never "−0.00"
    assert format_change(pd.NA, "%") == "—"


def test_interval_target_and_count():
    assert format_interval(2.7, 8.12, "pts") == "2.7 to 8.1"
    assert format_target(15, 4, "pts", True) == "≥ 15.0 (tolerance 4.0)"
    assert format_target(440, 20, "s", False) == "≤ 440 s (tolerance 20)"
    assert format_target(float("nan"), 1, "%", True) == "—"
    assert format_count(8007) == "8\u202f007"
    assert format_count(pd.NA) == "—"


def test_urls_carry_filters_and_drop_empty_ones():
    assert href("/metric/nps", period="2026-Q3", segment=None, compare="") == "/metric/nps?period=2026-Q3"
    assert (
        with_changes("?period=2026-Q3&segment=smb", segment=None, touchpoint="web")
        == "?period=2026-Q3&touchpoint=web"
    )
    shown = {"period": "2026-Q4", "compare": "prev", "segment": "smb"}
    # Controls report the values on screen when they first render: no new URL.
    assert search_after_change("", shown, period="2026-Q4", compare="prev", segment="smb") is None
    assert (
        search_after_change("?segment=smb", shown, period="t30", compare="prev", segment="smb")
        == "?segment=smb&period=t30"
    )
    # Back to all customers and the default view: an empty query string, not "no change".
    assert search_after_change("?segment=smb", shown, period="2026-Q4", compare="prev", segment=None) == ""


def test_sparkline_draws_value_target_and_gaps():
    svg = unquote(sparkline_svg([1.0, float("nan"), 3.0, 4.0], [2.0, 2.0, 2.5, 2.5]))
    assert svg.startswith("data:image/svg+xml")
    assert svg.count("<path") == 2 and "<circle" in svg
    value_path = svg.split('stroke="#3d8bfd"')[0].rsplit("<path", 1)[1]
    assert value_path.count("M") == 2  # the gap restarts the line
    assert sparkline_svg([], []) == ""


def test_every_status_has_a_word_and_an_icon():
    assert set(STATUS_LABELS) == set(STATUSES)
    badge = status_badge("at_risk")
    assert badge.className == "status-badge status-at_risk"
    assert badge.children[1] == "At risk"


def test_kpi_attributes_keep_full_precision_and_empty_for_none():
    row = SimpleNamespace(
        metric_id="fcr", value=100 * 91 / 102, status="on_track", n=pd.NA, target=85.0, owner_id=None,
        touchpoint_id="shop", segment_id=None, low=86.2015, high=float("nan"), change=-1.5,
        change_significant=pd.NA,
    )  # fmt: skip
    attributes = kpi_attributes(row)
    assert attributes["data-value"] == "89.2156862745098"
    assert attributes["data-n"] == "" and attributes["data-owner-id"] == ""
    assert attributes["data-touchpoint-id"] == "shop" and "data-segment-id" not in attributes
    assert (attributes["data-low"], attributes["data-high"], attributes["data-change"]) == (
        "86.2015",
        "",
        "-1.5",
    )
    assert attributes["data-change-significant"] == ""  # no verdict
    assert (
        kpi_attributes(SimpleNamespace(**{**vars(row), "change_significant": True}))[
            "data-change-significant"
        ]
        == "true"
    )


def test_change_text_says_real_noise_or_too_little_data():
    """The verdict follows the significance flag; no verdict reads "too little data to compare"."""
    from components.tiles import change_text

    def verdict(significant, change=2.0, higher_is_better=True):
        row = SimpleNamespace(change=change, unit="pts", higher_is_better=higher_is_better,
                              change_significant=significant)  # fmt: skip
        div = change_text(row, "Q3 2026")
        return div.children[-1].children, div.className

    assert verdict(True) == ("real change", "tile-change change-better")
    assert verdict(True, higher_is_better=False) == ("real change", "tile-change change-worse")
    assert verdict(False) == ("within noise", "tile-change change-noise")
    assert verdict(pd.NA) == ("too little data to compare", "tile-change change-noise")


def test_figure_templates_differ_by_colour_mode():
    light, dark = figure_template("light"), figure_template("dark")
    assert light["layout"]["font"]["color"] != dark["layout"]["font"]["color"]
    assert figure_template("unknown")["layout"]["font"]["color"] == light["layout"]["font"]["color"]


def test_breakdown_figure_greys_thin_slices_and_keeps_ids_for_clicks():
    frame = pd.DataFrame(
        {
            "touchpoint_id": ["web", "shop"], "value": [40.0, 0.0], "low": [20.0, -50.0], "high": [55.0, 50.0],
            "target": [35.0, 45.0], "status": ["on_track", "insufficient"], "n": [10, 4], "unit": ["pts", "pts"],
        }
    )  # fmt: skip
    names = pd.Series({"web": "Website", "shop": "Shop"})
    figure = breakdown_figure(frame, "touchpoint_id", names, "dark")
    bars = figure["data"][0]
    # Journey order top to bottom: Plotly draws the first y at the bottom, so the order is reversed.
    assert list(bars["y"]) == ["Shop", "Website"]
    assert list(bars["customdata"]) == ["shop", "web"]
    assert bars["marker"]["color"][0] == "#adb5bd"
    assert [note["text"] for note in figure["layout"]["annotations"]] == ["n 4<br>too little data", "40.0"]
    # Whiskers from the value to each end of the interval; the shop's target tick is drawn too.
    whiskers = bars["error_x"]
    assert (list(whiskers["array"]), list(whiskers["arrayminus"])) == ([50.0, 15.0], [50.0, 20.0])
    assert list(figure["data"][1]["x"]) == [45.0, 35.0]


def test_breakdown_labels_sit_clear_of_whiskers_and_targets_and_a_zero_keeps_its_bar():
    """Values are written right of the plot area (paper x = 1, in the right margin), not on the bars
    where whiskers and target ticks cover them; a value of 0 is still drawn, by the bar's outline."""
    frame = pd.DataFrame(
        {
            "segment_id": ["smb", "ent"], "value": [-14.3, 0.0], "low": [-20.0, -5.0], "high": [-8.0, 5.0],
            "target": [12.0, 12.0], "status": ["off_track", "off_track"], "n": [400, 300], "unit": ["pts", "pts"],
        }
    )  # fmt: skip
    figure = breakdown_figure(
        frame, "segment_id", pd.Series({"smb": "Small business", "ent": "Enterprise"}), "light"
    )
    bars = figure["data"][0]
    assert "text" not in bars
    labels = figure["layout"]["annotations"]
    assert [(note["y"], note["text"]) for note in labels] == [
        ("Enterprise", "0.0"),
        ("Small business", "−14.3"),
    ]
    assert all((note["xref"], note["x"], note["xanchor"]) == ("paper", 1, "left") for note in labels)
    assert figure["layout"]["margin"]["r"] >= 12 + 7 * len("−14.3")  # the label column fits the widest label
    assert bars["marker"]["line"]["width"] > 0


def test_trend_annotations_each_on_a_line_of_their_own_away_from_the_edge():
    """Two annotations four days apart near the end of the range: one under the other, both running
    leftwards from their day so neither is cut at the right edge."""
    trend = pd.DataFrame(
        {
            "bucket_start": pd.to_datetime(["2026-07-01", "2026-11-30"]), "value": [1.0, 2.0],
            "low": [0.0, 1.0], "high": [2.0, 3.0], "target": [1.5, 1.5], "n": pd.array([100, 120], dtype="Int64"),
        }
    )  # fmt: skip
    notes = pd.DataFrame(
        {
            "day": pd.to_datetime(["2026-11-27", "2026-07-20", "2026-11-23"]),
            "title": ["Black Friday", "A", "B"],
        }
    )
    labels = trend_figure(trend, notes, "pts", "light")["layout"]["annotations"]
    assert [(note["text"], note["yshift"], note["xanchor"]) for note in labels] == [
        ("A", 0, "left"),
        ("B", -15, "right"),
        ("Black Friday", -30, "right"),
    ]


def test_trend_and_distribution_figures_have_their_series():
    trend = pd.DataFrame(
        {
            "bucket_start": pd.to_datetime(["2026-10-01", "2026-11-01"]), "value": [1.0, 2.0], "low": [0.0, 1.0],
            "high": [2.0, 3.0], "target": [1.5, 1.5], "n": pd.array([100, 120], dtype="Int64"),
        }
    )  # fmt: skip
    notes = pd.DataFrame({"day": pd.to_datetime(["2026-10-15"]), "title": ["Redesign"]})
    figure = trend_figure(trend, notes, "pts", "light")
    assert [trace.get("name") for trace in figure["data"]] == [None, "95% interval", "Value", "Target"]
    value = figure["data"][2]
    assert (value["x"], list(value["y"])) == (["2026-10-01", "2026-11-01"], [1.0, 2.0])
    shapes = figure["layout"]["shapes"]
    assert [(shape["x0"], shape["yref"]) for shape in shapes] == [("2026-10-15", "y domain")]
    counts = pd.DataFrame({"score": [0, 7, 10], "responses": [5, 3, 2], "band": ["worst", "middle", "best"]})
    bars = distribution_figure(counts, score_bands("nps", 0, 10, True), "light")
    assert [trace["name"] for trace in bars["data"]] == [
        "Detractors (0–6)",
        "Passives (7–8)",
        "Promoters (9–10)",
    ]
    assert [list(trace["customdata"]) for trace in bars["data"]] == [[50.0], [30.0], [20.0]]


def test_distribution_of_a_lower_is_better_metric_has_its_low_scores_green():
    """Customer effort: 1–2 are the best answers, green and named so; 6–7 red; the legend runs in
    score order and sits under the plot, where no bar can reach it."""
    counts = pd.DataFrame({"score": [1, 2, 4, 6, 7], "responses": [40, 90, 120, 15, 3]})
    bands = score_bands("mean", 1, 7, False)
    counts["band"] = counts["score"].map({1: "best", 2: "best", 4: "middle", 6: "worst", 7: "worst"})
    figure = distribution_figure(counts, bands, "dark")
    traces = {trace["name"]: trace for trace in figure["data"]}
    assert list(traces) == ["Best two (1–2)", "Middle (3–5)", "Worst two (6–7)"]
    assert list(traces["Best two (1–2)"]["x"]) == [1, 2]
    assert traces["Best two (1–2)"]["marker"]["color"] == STATUS_COLOURS["on_track"]
    assert traces["Worst two (6–7)"]["marker"]["color"] == STATUS_COLOURS["off_track"]
    layout = figure["layout"]
    assert layout["legend"]["y"] < 0 and layout["legend"]["yanchor"] == "top"
    assert "title" not in layout["xaxis"]  # nothing under the axis for the legend to cover


def _cells(rows) -> pd.DataFrame:
    """A touchpoint × segment KPI frame for one metric: (touchpoint, segment, status, value, n)."""
    frame = pd.DataFrame(rows, columns=["touchpoint_id", "segment_id", "status", "value", "n"])
    return frame.assign(
        metric_id="ces", unit="score", target=3.3, owner_id="reka", low=np.nan, high=np.nan,
        change=np.nan, change_significant=pd.NA, higher_is_better=False,
    )  # fmt: skip


def test_heatmap_cells_are_tinted_by_their_status_and_an_empty_one_says_so():
    """Effort 3.4 misses its ≤ 3.3 target (off track) and 2.9 meets it (on track): the cells carry
    their status, not a shade of the value; web × ent has no data and says "No data" with the
    contract's attributes; links go to the cell's view."""
    cells = _cells(
        [
            ("web", "smb", "off_track", 3.4, 120),
            ("web", "ent", None, None, None),
            ("shop", "smb", "on_track", 2.9, 80),
            ("shop", "ent", "insufficient", 3.9, 12),
        ]
    ).dropna(subset=["status"])
    grid = kpi_crosstab(
        cells,
        "segment_id",
        pd.Series({"smb": "Small business", "ent": "Enterprise"}),
        pd.Series({"web": "Website", "shop": "Shop"}),
        lambda row: f"/metric/ces?touchpoint={row.touchpoint_id}&segment={row.segment_id}",
        row="touchpoint_id",
        corner="Touchpoint",
    )
    found = {
        (props(cell)["data-touchpoint-id"], props(cell)["data-segment-id"]): cell
        for cell in with_class(grid, "crosstab-cell")
    }
    assert {key: cell.className.split()[2] for key, cell in found.items()} == {
        ("web", "smb"): "cell-off_track",
        ("web", "ent"): "cell-no_data",
        ("shop", "smb"): "cell-on_track",
        ("shop", "ent"): "cell-insufficient",
    }
    empty = props(found[("web", "ent")])
    assert (empty["data-status"], empty["data-value"], empty["data-n"], empty["data-metric-id"]) == (
        "no_data", "", "", "ces",
    )  # fmt: skip
    assert (
        empty["data-low"]
        == empty["data-high"]
        == empty["data-change"]
        == empty["data-change-significant"]
        == ""
    )
    assert text(found[("web", "ent")]) == "No data"
    assert text(found[("web", "smb")]) == "3.40" and props(found[("web", "smb")])["data-value"] == "3.4"
    assert text(found[("shop", "ent")]) == "n 12"
    assert found[("shop", "smb")].children.href == "/metric/ces?touchpoint=shop&segment=smb"
    assert [text(th) for th in walk(grid) if getattr(th, "scope", None) == "row"] == ["Website", "Shop"]


def test_definition_terms_and_their_text_stay_together():
    """Each term and its text are one group of the grid, so no width can set them in different rows."""
    metric = SimpleNamespace(
        kind="mean", unit="score", scale_min=1.0, scale_max=7.0, higher_is_better=False, min_sample=30,
        description="Effort", owner_name="Réka Szabó", owner_title="Head of Contact Centre", target=3.3,
        tolerance=0.2,
    )  # fmt: skip
    panel = definition_panel(metric)
    groups = with_class(panel, "definition-item")
    assert len(groups) == len(panel.children) == 8
    assert all([type(part).__name__ for part in group.children] == ["Dt", "Dd"] for group in groups)
    assert text(groups[3]) == "DirectionLower is better"


def test_no_plan_line_names_the_open_plans_that_cover_only_part():
    """Handle time is off track for everyone with one open plan for the contact centre only."""
    plans = pd.DataFrame(
        {
            "metric_id": ["aht", "rnps"], "name": ["Average handle time", "Relationship NPS"],
            "owner_id": ["reka", "aino"], "status": ["off_track", "off_track"], "open_commitments": [1, 0],
            "no_plan": [True, True],
        }
    )  # fmt: skip
    overdue = pd.DataFrame(
        columns=["commitment_id", "title", "owner_id", "due_on", "status", "overdue", "metric_id"]
    )
    names = {"owner": {"reka": "Réka Szabó", "aino": "Aino Virtanen"}}
    strip = attention_list(plans, overdue, names, {}, may_add=False)
    items = [part for part in walk(strip) if "data-metric-id" in props(part)]
    assert [text(item) for item in items] == [
        "Average handle time · Réka Szabó · 1 open plan covers only part of it",
        "Relationship NPS · Aino Virtanen",
    ]


def test_a_ratio_definition_gives_its_day_based_interval_not_census():
    metric = SimpleNamespace(
        kind="ratio", unit="%", scale_min=np.nan, scale_max=np.nan, higher_is_better=True, min_sample=30,
        description="Contained", owner_name="Lucía Fernández", owner_title="Head of Digital", target=40.0,
        tolerance=2.0,
    )  # fmt: skip
    interval = with_class(definition_panel(metric), "definition-item")[2]
    assert text(interval).startswith("95% intervalR ± 1.96 · SE")
    assert "k days with data" in text(interval) and "census" not in text(definition_panel(metric))


def test_stale_notice_names_a_few_late_metrics_and_counts_many():
    """Two late of three: named; five late of six: counted (names in the tooltip); none late: nothing."""
    from datetime import date

    from components.header import stale_notice

    def notice(freshness):
        frame = pd.DataFrame({"name": [f"M{i}" for i in range(len(freshness))], "freshness": freshness})
        return stale_notice(frame, date(2026, 11, 20), date(2026, 12, 1))

    two = notice(["late", "fresh", "late"])
    assert two.children[2].children == (
        "The latest data is from 20 Nov 2026, 11 days ago. 2 of 3 metrics are late against their cadence: M0, M2."
    )
    five = notice(["late"] * 5 + ["fresh"])
    assert five.children[2].children.endswith("5 of 6 metrics are late against their cadence.")
    assert five.title == "M0, M1, M2, M3, M4"
    assert five.to_plotly_json()["props"]["data-late-count"] == "5"
    assert notice(["fresh", "no_data"]) is None


def test_one_card_titles_its_section_with_its_actions_beside():
    section = card("Trend", "the chart", actions="CSV", class_name="metric-card")
    assert section.class_name == "metric-card"
    header, body = section.children
    assert text(header) == "TrendCSV"
    assert with_class(header, "card-title")[0].children == "Trend"
    assert body.children == "the chart"


def test_one_breadcrumb_links_up_and_clears_each_filter_beside_it():
    crumbs = breadcrumb(
        [("Scorecard", "/"), ("NPS", "/metric/nps")],
        [("Website", "touchpoint", "/metric/nps?segment=smb"), ("Small business", "segment", "/metric/nps")],
    )
    trail, website, clear_website, smb, clear_smb = crumbs.children
    assert trail.items == [
        {"label": "Scorecard", "href": "/", "active": False},
        {"label": "NPS", "href": "/metric/nps", "active": False},
    ]
    assert (website.items, smb.items) == (
        [{"label": "Website", "active": True}],
        [{"label": "Small business", "active": True}],
    )
    assert (clear_website.href, clear_website.title) == (
        "/metric/nps?segment=smb",
        "Clear the touchpoint filter",
    )
    assert props(clear_smb)["aria-label"] == "Clear the segment filter"


def test_one_select_is_labelled_for_screen_readers_even_when_the_label_is_hidden():
    shown = select("period", "Period", [("2026-Q3", "Q3 2026"), ("2026-Q4", "Q4 2026")], "2026-Q4")
    label, control = shown.children
    assert (label.html_for, label.children, label.class_name) == ("period", "Period", "form-label small mb-0")
    assert control.options == [
        {"label": "Q3 2026", "value": "2026-Q3"},
        {"label": "Q4 2026", "value": "2026-Q4"},
    ]
    assert control.value == "2026-Q4"
    hidden = select("band", "Comments from: all scores", [("all", "All scores")], "all", hidden_label=True)
    assert hidden.children[0].class_name == "visually-hidden"


def test_one_progress_bar_says_its_label_to_screen_readers():
    bar = progress(40.0, "Reply faster: 40% done")
    assert (bar.value, bar.label, bar.hide_label) == (40, "Reply faster: 40% done", True)


def test_an_icon_hides_unless_it_speaks_alone():
    assert props(icon("bi-download", "me-1")) == {
        "children": None,
        "className": "bi bi-download me-1",
        "aria-hidden": "true",
    }
    spoken = icon("bi-check-circle-fill", "ms-1", label="On track")
    assert props(spoken) == {
        "children": None,
        "className": "bi bi-check-circle-fill ms-1",
        "title": "On track",
        "aria-label": "On track",
    }


def test_every_figure_is_one_plotly_accepts():
    """Figures are plain dicts, built without plotly.py's checks; plotly.py still finds every property
    valid (a misspelt one would only fail silently in the browser). Checked here, never per request."""
    import plotly.graph_objects as go

    trend = pd.DataFrame(
        {
            "bucket_start": pd.to_datetime(["2026-10-01", "2026-11-01"]), "value": [1.0, 2.0], "low": [0.0, 1.0],
            "high": [2.0, 3.0], "target": [1.5, 1.5], "n": pd.array([100, 120], dtype="Int64"),
        }
    )  # fmt: skip
    notes = pd.DataFrame({"day": pd.to_datetime(["2026-10-15"]), "title": ["Redesign"]})
    breakdown = pd.DataFrame(
        {
            "touchpoint_id": ["web", "shop"], "value": [40.0, 0.0], "low": [20.0, -50.0], "high": [55.0, 50.0],
            "target": [35.0, 45.0], "status": ["on_track", "insufficient"], "n": [10, 4], "unit": ["pts", "pts"],
        }
    )  # fmt: skip
    counts = pd.DataFrame({"score": [0, 7, 10], "responses": [5, 3, 2], "band": ["worst", "middle", "best"]})
    for mode in ("light", "dark"):
        for figure in (
            trend_figure(trend, notes, "pts", mode),
            breakdown_figure(breakdown, "touchpoint_id", pd.Series({"web": "Website", "shop": "Shop"}), mode),
            distribution_figure(counts, score_bands("nps", 0, 10, True), mode),
            empty_figure(mode, "No answers in this period"),
        ):
            go.Figure(figure)  # raises on any property plotly.js does not have
            assert figure["data"] or figure["layout"]["annotations"]
