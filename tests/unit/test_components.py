"""Pure builders: number formats, URLs, sparklines, status and DOM attributes, figures."""

from types import SimpleNamespace
from urllib.parse import unquote

import pandas as pd

from components.attributes import kpi_attributes
from components.figures import breakdown_figure, distribution_figure, trend_figure
from components.format import format_change, format_count, format_interval, format_target, format_value
from components.links import href, search_after_change, with_changes
from components.sparkline import sparkline_svg
from components.status import STATUS_LABELS, status_badge
from components.theme import figure_template
from queries import STATUSES


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
    assert light.layout.font.color != dark.layout.font.color
    assert figure_template("unknown").layout.font.color == light.layout.font.color


def test_breakdown_figure_greys_thin_slices_and_keeps_ids_for_clicks():
    frame = pd.DataFrame(
        {
            "touchpoint_id": ["web", "shop"], "value": [40.0, 0.0], "low": [20.0, -50.0], "high": [55.0, 50.0],
            "target": [35.0, 45.0], "status": ["on_track", "insufficient"], "n": [10, 4], "unit": ["pts", "pts"],
        }
    )  # fmt: skip
    names = pd.Series({"web": "Website", "shop": "Shop"})
    bars = breakdown_figure(frame, "touchpoint_id", names, "dark").data[0]
    # Journey order top to bottom: Plotly draws the first y at the bottom, so the order is reversed.
    assert list(bars.y) == ["Shop", "Website"]
    assert list(bars.customdata) == ["shop", "web"]
    assert bars.marker.color[0] == "#adb5bd" and "too little data" in bars.text[0]


def test_trend_and_distribution_figures_have_their_series():
    trend = pd.DataFrame(
        {
            "bucket_start": pd.to_datetime(["2026-10-01", "2026-11-01"]), "value": [1.0, 2.0], "low": [0.0, 1.0],
            "high": [2.0, 3.0], "target": [1.5, 1.5], "n": pd.array([100, 120], dtype="Int64"),
        }
    )  # fmt: skip
    notes = pd.DataFrame({"day": pd.to_datetime(["2026-10-15"]), "title": ["Redesign"]})
    names = [trace.name for trace in trend_figure(trend, notes, "pts", "light").data]
    assert names == [None, "95% interval", "Value", "Target"]
    counts = pd.DataFrame({"score": [0, 7, 10], "responses": [5, 3, 2], "band": ["low", "middle", "high"]})
    bars = distribution_figure(
        counts, {"low": "Detractors", "middle": "Passives", "high": "Promoters"}, "light"
    )
    assert [trace.name for trace in bars.data] == ["Detractors", "Passives", "Promoters"]
