"""The journey map (`/journey`) and a touchpoint's page (`/touchpoint/<id>`) in headless Chromium,
checked against the query layer on the same warehouse file."""

import math
import re

import pandas as pd
import pytest
from playwright.sync_api import expect

import queries
from tests.browser import expect_clear_message


def number(value) -> float:
    if value is None or value == "" or pd.isna(value):
        return math.nan
    return float(value)


def test_journey_shows_every_touchpoint_in_stage_order(visit, site):
    """Stages run left to right by stage_order, each touchpoint once, under its own stage."""
    page = visit(site + "/journey")
    touchpoints = queries.touchpoints()
    expect(page.locator(".journey-card")).to_have_count(len(touchpoints))
    stages = page.locator(".journey-stage").evaluate_all("s => s.map(e => e.dataset.journeyStage)")
    assert stages == list(touchpoints.drop_duplicates("journey_stage")["journey_stage"])
    shown = page.locator(".journey-card").evaluate_all("c => c.map(e => e.dataset.touchpointId)")
    assert shown == list(touchpoints.sort_values(["stage_order"], kind="stable")["touchpoint_id"])
    assert page.problems == []


def test_journey_values_match_the_query_layer_and_the_metric_selector_recolours(visit, site):
    """Each card's headline is the chosen metric at that touchpoint; choosing another metric recolours."""
    page = visit(site + "/journey")
    expect(page.locator(".journey-card")).not_to_have_count(0)
    view = queries.view()
    chosen = page.locator("#journey-metric").input_value()
    expected = queries.kpis(view, ("touchpoint",)).query("metric_id == @chosen").set_index("touchpoint_id")
    for card in page.locator(".journey-card").all():
        touchpoint = card.get_attribute("data-touchpoint-id")
        status = expected["status"].get(touchpoint, "no_data")
        assert card.get_attribute("data-status") == status, touchpoint
        headline = card.locator(".journey-headline[data-metric-id]")
        if touchpoint in expected.index:
            assert number(headline.get_attribute("data-value")) == pytest.approx(
                number(expected.loc[touchpoint, "value"]), nan_ok=True
            )
    other = next(m for m in queries.metrics()["metric_id"] if m != chosen)
    page.select_option("#journey-metric", other)
    expect(page).to_have_url(f"{site}/journey?metric={other}")
    expect(page.locator(f".journey-headline[data-metric-id={other}]").first).to_be_visible()
    assert page.problems == []


def test_each_card_shows_the_worst_status_of_its_other_metrics(visit, demo_server, demo_warehouse):
    """Besides the chosen metric's status, each card carries the worst status of the other metrics
    measured there (as the query layer has them), names those off track or at risk, and counts the
    ones on track in words."""
    page = visit(demo_server + "/journey?metric=tnps")
    expect(page.locator(".journey-card")).not_to_have_count(0)
    kpis = queries.kpis(queries.view(), ("touchpoint",))
    severity = ["off_track", "at_risk", "insufficient", "on_track", "no_target", "no_data"]
    alarmed = 0
    for card in page.locator(".journey-card").all():
        touchpoint = card.get_attribute("data-touchpoint-id")
        others = kpis[(kpis["touchpoint_id"] == touchpoint) & (kpis["metric_id"] != "tnps")]
        worst = min(others["status"], key=severity.index) if len(others) else ""
        assert card.get_attribute("data-others-status") == worst, touchpoint
        named = card.locator(".journey-metric").evaluate_all("ms => ms.map(m => m.dataset.metricId)")
        assert sorted(named) == sorted(
            others.loc[others["status"].isin(["off_track", "at_risk"]), "metric_id"]
        )
        on_track = int(others["status"].eq("on_track").sum())
        if on_track:
            word = "metric" if on_track == 1 else "metrics"
            expect(card.locator(".journey-rest").first).to_have_text(f"{on_track} other {word} on track")
        if worst in ("off_track", "at_risk"):
            alarmed += 1
            expect(card.locator(".journey-others")).to_have_class(re.compile(rf"\bstatus-{worst}\b"))
    assert alarmed > 0  # the demo has cards whose other metrics are red beside a green NPS
    assert "without alarm" not in page.locator(".journey-map").inner_text()
    assert page.problems == []


def test_top_movers_are_real_changes_from_the_query_layer(visit, demo_server, demo_warehouse):
    """Every mover is a significant change (ratios on their days) with enough responses in both periods."""
    page = visit(demo_server + "/journey?metric=tnps&period=2026-Q3&compare=yoy")
    expect(page.locator(".journey-card")).not_to_have_count(0)
    improved, worsened = queries.movers(queries.view("2026-Q3", "yoy"), "tnps")
    movers = page.locator(".mover[data-touchpoint-id]")
    expect(movers).to_have_count(len(improved) + len(worsened))
    expected = pd.concat([improved, worsened]).set_index(["touchpoint_id", "segment_id"])
    assert (expected["change_significant"] == True).all()  # noqa: E712  (NA would fail too)
    assert (expected["n"] >= expected["min_sample"]).all() and (
        expected["previous_n"] >= expected["min_sample"]
    ).all()
    for item in movers.all():
        key = (item.get_attribute("data-touchpoint-id"), item.get_attribute("data-segment-id"))
        assert float(item.get_attribute("data-change")) == pytest.approx(expected.loc[key, "change"])
    assert page.problems == []


def test_touchpoint_card_opens_its_page_with_touchpoint_scoped_targets(visit, server, tiny_warehouse):
    """The web card opens /touchpoint/web, whose NPS tile uses the web target (35), not the general 45."""
    page = visit(server + "/journey")
    expect(page.locator("#journey-heatmap .crosstab-cell").first).to_be_visible()  # loaded before leaving
    page.locator(".journey-card[data-touchpoint-id=web]").click()
    expect(page).to_have_url(f"{server}/touchpoint/web")
    tile = page.locator(".kpi-tile[data-metric-id=nps]")
    expect(tile).to_have_attribute("data-target", "35.0")
    expect(tile).to_have_attribute("data-status", "on_track")
    assert number(tile.get_attribute("data-value")) == pytest.approx(40.0)
    # Only metrics measured at the touchpoint: NPS and the pilot NPS at web in the tiny warehouse.
    assert page.locator(".kpi-tile").evaluate_all("t => t.map(e => e.dataset.metricId)") == ["nps", "pilot"]
    cells = page.locator(".crosstab-cell[data-segment-id]")
    expect(cells.first).to_be_visible()
    expected = queries.kpis(queries.view(), ("segment",), touchpoint_id="web").set_index(
        ["metric_id", "segment_id"]
    )
    for cell in cells.all():
        key = (cell.get_attribute("data-metric-id"), cell.get_attribute("data-segment-id"))
        # A metric with no data for a segment says so in its cell.
        status = expected["status"].get(key, "no_data")
        assert cell.get_attribute("data-status") == status
    assert page.problems == []


def test_heatmap_cell_opens_the_touchpoint_for_that_segment(visit, server, tiny_warehouse):
    """Clicking the web × smb heatmap cell opens /touchpoint/web filtered to smb."""
    page = visit(server + "/journey?metric=nps")
    page.locator("#journey-heatmap .crosstab-cell[data-touchpoint-id=web][data-segment-id=smb] a").click()
    expect(page).to_have_url(f"{server}/touchpoint/web?segment=smb")
    expect(page.locator(".page-subtitle")).to_contain_text("Small business")
    assert page.problems == []


def test_unknown_touchpoint_and_metric_give_a_clear_message(visit, server, tiny_warehouse):
    page = visit(server + "/touchpoint/nowhere")
    expect_clear_message(page, "nowhere")
    page = visit(server + "/journey?metric=nope")
    expect_clear_message(page, "nope")
