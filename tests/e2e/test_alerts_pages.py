"""The alert pages in a real browser, on a demo published twice (a week apart) so that its alerts are
the real ones `python -m data.demo --previous-days 7` found: /alerts lists them with their deliveries
and filters them, the metric page shows its own, /settings subscribes and ends a subscription, and an
unsubscribe link works once without signing in."""

import os
import subprocess
import sys
from urllib.parse import urlsplit

import duckdb
import pytest
import requests
import sqlalchemy as sa
from playwright.sync_api import expect

from data.state import alerts
from tests.browser import ROOT, beacon_server


@pytest.fixture(scope="module")
def alerts_site(tmp_path_factory):
    """(base URL, state database URL, warehouse) of Beacon on a 20 000-response demo whose second publish found
    its alerts, recorded in a state database of its own."""
    folder = tmp_path_factory.mktemp("alerts")
    state, warehouse = f"sqlite:///{folder / 'state.db'}", folder / "cx.duckdb"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "data.demo",
            "--out",
            str(warehouse),
            "--responses",
            "20000",
            "--end",
            "2026-11-23",
            "--seed",
            "7",
            "--previous-days",
            "7",
        ],
        env={**os.environ, "BEACON_STATE_URL": state, "BEACON_WAREHOUSE": str(warehouse)},
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with beacon_server(warehouse, extra_env={"BEACON_STATE_URL": state}) as url:
        yield url, state, warehouse


def _rows(state: str, statement: str, **params) -> list:
    with sa.create_engine(state).connect() as connection:
        return connection.execute(sa.text(statement), params).all()


def test_alerts_lists_every_event_found_at_publish_and_filters_by_kind(alerts_site, visit):
    """Each event is a card with its id, kind and metric, newest first, with one delivery row per
    outbox row; choosing a kind puts it in the URL and lists that kind only."""
    url, state, _warehouse = alerts_site
    found = _rows(
        state, "SELECT event_id, kind, metric_id FROM alert_events ORDER BY found_at DESC, event_id DESC"
    )
    assert len(found) == 3  # what this demo's second week changes for real (its first publish: nothing)
    page = visit(f"{url}/alerts")
    root = page.locator("#alerts-root")
    expect(root).to_have_attribute("data-count", "3")
    cards = page.locator(".alert-event")
    expect(cards).to_have_count(3)
    shown = [
        (
            int(card.get_attribute("data-event-id")),
            card.get_attribute("data-kind"),
            card.get_attribute("data-metric-id"),
        )
        for card in cards.all()
    ]
    assert shown == [tuple(row) for row in found]
    outbox = _rows(state, "SELECT count(*) FROM outbox")[0][0]
    expect(page.locator(".alert-event tr[data-outbox-id]")).to_have_count(outbox)

    worsened = [row for row in found if row.kind == "status_worsened"]
    page.select_option("#alerts-kind", "status_worsened")
    expect(page).to_have_url(f"{url}/alerts?kind=status_worsened")
    expect(root).to_have_attribute("data-count", str(len(worsened)))
    expect(page.locator('.alert-event[data-kind="status_worsened"]')).to_have_count(len(worsened))
    assert not page.problems


def test_a_metric_page_shows_its_recent_alerts(alerts_site, visit):
    """The metric page lists its own latest events (at most five), each linking to its exact view."""
    url, state, _warehouse = alerts_site
    metric_id, count = _rows(
        state, "SELECT metric_id, count(*) FROM alert_events GROUP BY metric_id ORDER BY 2 DESC, 1 LIMIT 1"
    )[0]
    page = visit(f"{url}/metric/{metric_id}")
    items = page.locator("#metric-recent-alerts li[data-event-id]")
    expect(items).to_have_count(min(count, 5))
    assert {item.get_attribute("data-metric-id") for item in items.all()} == {metric_id}
    expect(
        page.locator("#metric-recent-alerts").get_by_role("link", name="All alerts on this metric")
    ).to_have_attribute("href", f"/alerts?metric={metric_id}")
    assert not page.problems


def test_settings_subscribes_to_a_touchpoint_and_ends_it(alerts_site, visit):
    """A subscription made on /settings is stored for this user with its address and batch, listed,
    and ended by ticking it."""
    url, state, warehouse = alerts_site
    with duckdb.connect(str(warehouse), read_only=True) as con:
        touchpoints = [row[0] for row in con.execute("SELECT touchpoint_id FROM touchpoints").fetchall()]
    page = visit(f"{url}/settings")
    page.select_option("#settings-subject", "touchpoint")
    target = page.locator("#settings-target")
    # The touchpoints now, not the metrics (dbc.Select adds a hidden, disabled placeholder option).
    choices = target.locator("option:not([disabled])")
    expect(choices).to_have_count(len(touchpoints))
    first = choices.first.get_attribute("value")
    assert first in touchpoints
    page.select_option("#settings-target", first)
    page.get_by_label("In a daily summary").check()
    page.fill("#settings-email", "Maria@Example.com")
    page.click("#settings-subscribe")
    expect(page.locator("#settings-subscribe-message")).to_contain_text("Subscribed")
    held = _rows(
        state,
        "SELECT subscription_id, email, subject, subject_id, batch FROM subscriptions WHERE ended_at IS NULL",
    )
    assert [tuple(row[1:]) for row in held] == [("maria@example.com", "touchpoint", first, "daily")]
    option = page.locator(f'#settings-subscriptions input[value="{held[0].subscription_id}"]')
    expect(option).to_have_count(1)

    option.check()
    page.click("#settings-end")
    expect(page.locator("#settings-end-message")).to_contain_text("Subscription ended")
    assert _rows(state, "SELECT count(*) FROM subscriptions WHERE ended_at IS NULL")[0][0] == 0
    expect(page.locator("#settings-no-subscriptions")).to_be_visible()
    assert not page.problems


def _link(state: str) -> tuple[str, str, str]:
    """A fresh unsubscribe link for the owner of the first event's metric, as the sender makes one:
    (token, their address, the metric)."""
    outbox_id, email, metric_id = _rows(
        state,
        "SELECT o.outbox_id, o.recipient, e.metric_id FROM outbox o JOIN alert_events e USING (event_id) "
        "WHERE o.channel = 'email' ORDER BY o.outbox_id LIMIT 1",
    )[0]
    with sa.create_engine(state).begin() as connection:
        token = alerts.new_unsubscribe_link(connection, outbox_id, email, None, "metric", metric_id)
    return token, email, metric_id


def test_an_unsubscribe_link_works_once_without_signing_in(alerts_site, visit):
    """The link shows what it stops and a button; pressing it opts the owner out of that metric; the
    same link then answers 410 saying it was used, and an unknown one 404."""
    url, state, _warehouse = alerts_site
    token, email, metric_id = _link(state)
    page = visit(f"{url}/unsubscribe/{token}")
    message = page.locator("#unsubscribe-message")
    expect(message).to_have_attribute("data-outcome", "confirm")
    expect(message).to_contain_text(email)
    assert _rows(state, "SELECT count(*) FROM opt_outs")[0][0] == 0  # opening it changes nothing
    page.click("#unsubscribe-confirm")
    expect(message).to_have_attribute("data-outcome", "done")
    assert [tuple(r) for r in _rows(state, "SELECT email, subject, subject_id FROM opt_outs")] == [
        (email, "metric", metric_id)
    ]
    again = requests.get(f"{url}/unsubscribe/{token}", timeout=30)
    assert again.status_code == 410 and "Link already used" in again.text
    assert requests.get(f"{url}/unsubscribe/not-a-token", timeout=30).status_code == 404
    assert not page.problems


def test_a_mail_programs_one_click_unsubscribe_is_accepted(alerts_site):
    """RFC 8058: a POST of List-Unsubscribe=One-Click from no Beacon page (no Origin) works once."""
    url, state, _warehouse = alerts_site
    token, _email, _metric = _link(state)
    host = urlsplit(url).netloc
    answer = requests.post(
        f"{url}/unsubscribe/{token}",
        data={"List-Unsubscribe": "One-Click"},
        headers={"Host": host},
        timeout=30,
    )
    assert answer.status_code == 200 and "Unsubscribed" in answer.text
    assert (
        requests.post(
            f"{url}/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"}, timeout=30
        ).status_code
        == 410
    )
