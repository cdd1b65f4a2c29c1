"""Closing the loop in headless Chromium: the metric page's card, the touchpoint page's, the owners
board's lines and the wall's cases slide, on the tiny warehouse with the six hand-worked cases of
tests/loop_cases.py answered on the default view's second day (their values are worked there)."""

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect

import queries
from data.state import database
from data.state.commitments import current_time
from tests.browser import PATIENCE_SECONDS, beacon_server
from tests.e2e.test_wall import OVERFLOWS, open_wall
from tests.loop_cases import hand_cases, store_cases

SECRETS = ("CRM-SECRET", "Private words")
PERIOD_LABEL = []  # the default view's period, as the pages name it (set by loop_server)


def _seed(url: str, base: datetime, now: datetime) -> None:
    """In a process of its own, as the wall's tests seed theirs: the state database is migrated once per
    process."""
    database.migrate(url)
    store_cases(url, hand_cases(base, now))


@pytest.fixture(scope="module")
def loop_server(tiny_warehouse_path, tmp_path_factory):
    import config

    before, config.WAREHOUSE = config.WAREHOUSE, tiny_warehouse_path
    try:
        view = queries.view()
    finally:
        config.WAREHOUSE = before
    PERIOD_LABEL[:] = [view.period.label]
    base = datetime.combine(view.period.start + timedelta(days=1), datetime.min.time())
    url = f"sqlite:///{tmp_path_factory.mktemp('loop-state') / 'state.db'}"
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        pool.submit(_seed, url, base, current_time()).result(timeout=PATIENCE_SECONDS)
    with beacon_server(tiny_warehouse_path, extra_env={"BEACON_STATE_URL": url}) as site:
        yield site


def _no_secrets(page) -> None:
    body = page.locator("body").inner_text()
    assert not any(secret in body for secret in SECRETS)


def test_metric_page_card_shows_the_hand_worked_figures(visit, loop_server):
    """NPS's four cases: 1 of the 3 due contacted on time (33%, Wilson 6% to 79%), median 20 h over 2
    contacted, 3 open of which 1 overdue, Long wait 2 then Bill unclear 1; no words, no references."""
    page = visit(f"{loop_server}/metric/nps")
    card = page.locator("#metric-closed-loop .closed-loop")
    expect(card).to_have_attribute("data-n", "4")
    expect(card).to_have_attribute("data-due", "3")
    expect(card).to_have_attribute("data-on-time", "1")
    expect(card).to_have_attribute("data-backlog", "3")
    expect(card).to_have_attribute("data-overdue", "1")
    expect(card.locator("[data-figure=on-time] .loop-value")).to_have_text("33%")
    expect(card.locator("[data-figure=on-time] .loop-detail")).to_have_text(
        "1 of n = 3 due · 95%\u00a0CI 6% to 79%"
    )
    expect(card.locator("[data-figure=median] .loop-value")).to_have_text("20.0 h")
    expect(card.locator("[data-figure=median] .loop-detail")).to_have_text("n = 2 contacted")
    expect(card.locator("[data-figure=backlog] .loop-value")).to_have_text("3")
    expect(card.locator(".loop-causes li")).to_have_count(2)
    expect(card.locator(".loop-causes li").first).to_have_attribute("data-cause", "Long wait")
    expect(card.locator(".loop-causes li").first).to_have_attribute("data-count", "2")
    # Filtered to Website: cases 1 and 2, both due, one on time.
    page = visit(f"{loop_server}/metric/nps?touchpoint=web")
    card = page.locator("#metric-closed-loop .closed-loop")
    expect(card).to_have_attribute("data-n", "2")
    expect(card.locator("[data-figure=on-time] .loop-value")).to_have_text("50%")
    # A metric without cases says so.
    page = visit(f"{loop_server}/metric/csat")
    expect(page.locator("#metric-closed-loop")).to_have_text(
        f"— no follow-up cases from answers in {PERIOD_LABEL[0]} (n = 0)."
    )
    _no_secrets(page)
    assert page.problems == []


def test_touchpoint_page_and_owners_board(visit, loop_server):
    page = visit(f"{loop_server}/touchpoint/shop")
    card = page.locator(".touchpoint-page .closed-loop")
    expect(card).to_have_attribute("data-n", "3")
    expect(card).to_have_attribute("data-overdue", "2")
    expect(card.locator("[data-figure=median] .loop-value")).to_have_text("24.0 h")
    _no_secrets(page)
    page = visit(f"{loop_server}/owners")
    expect(page.locator(".owner-card[data-owner-id=ben] .owner-loop")).to_have_text(
        "2 cases · 100% contacted on time (n = 2) · 2 open, 1 overdue"
    )
    expect(page.locator(".owner-card[data-owner-id=ana] .owner-loop")).to_have_attribute("data-n", "4")
    assert page.problems == []


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (3840, 2160)])
def test_public_wall_cases_slide_counts_only(browser, loop_server, width, height):
    page = open_wall(browser, f"{loop_server}/wall?slides=cases,scorecard&public=1&dwell=600", width, height)
    slide = page.locator(".wall-slide[data-slide=cases]")
    expect(slide.locator(".wall-loop-value")).to_have_text(["5", "2", "60%", "25.0 h"])
    expect(slide.locator(".loop-cause")).to_have_text(["Long wait", "Bill unclear"])
    _no_secrets(page)
    assert page.evaluate(OVERFLOWS) == []
    assert page.problems == []
