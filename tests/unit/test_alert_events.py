"""Alerts found at publish (data/warehouse/events.py) and their store (data/state/alerts.py), on the
hand-made warehouse of tests/tiny_warehouse.py published twice, into a real SQLite (and PostgreSQL)
state database.

The second publish adds answers on 2026-11-20 (the as-of stays), so the default view stays Q4 2026 to
date against Q3 2026. Six detractors (score 0) at web make Website's NPS 6 promoters and 8 detractors
of 16: (6 − 8) / 16 = −12.5 pts against a target of 35 (tolerance 5): on track (40) → off track, its
95% interval (−50.86 to 29.81) clear of the target. (Five would make −6.67, interval up to 35.83: off
track on its face, but the target still inside the interval, so no alert.)
"""

import math
from datetime import date, datetime

import pandas as pd
import pytest
import sqlalchemy as sa

import config
from data.state import alerts, database
from data.warehouse.events import detect
from data.warehouse.snapshot import write_snapshot
from tests.tiny_warehouse import build_tiny_warehouse, copy_before

DETRACTORS_AT_WEB_ENT = [("nps", "web", "ent", 0)] * 6
DETRACTORS_AT_WEB_SMB = [("nps", "web", "smb", 0)] * 6
FIRST, SECOND = datetime(2026, 11, 20, 6, 0), datetime(2026, 11, 21, 6, 0)


def publish_again(path, answers, measurements=()) -> None:
    """A new snapshot of `path`: everything it holds plus `answers` (metric, touchpoint, segment,
    score) given on 2026-11-20 and `measurements` rows; the one it replaces is kept as the previous."""

    def fill(con):
        copy_before(con, path)
        rows = [
            (f"again-{i}", metric, datetime(2026, 11, 20, 9), touchpoint, segment, float(score), None)
            for i, (metric, touchpoint, segment, score) in enumerate(answers)
        ]
        columns = [
            "response_id",
            "metric_id",
            "responded_at",
            "touchpoint_id",
            "segment_id",
            "score",
            "comment",
        ]
        con.append("responses", pd.DataFrame(rows, columns=columns), by_name=True)
        if measurements:
            con.append("measurements", pd.DataFrame(list(measurements)))

    write_snapshot(path, fill)


def nps_interval(promoters: int, detractors: int, n: int) -> tuple[float, float]:
    """The adjusted-Wald 95% interval of an NPS (DESIGN.md): p and d with 0.75 added, over n + 3."""
    p, d = (promoters + 0.75) / (n + 3), (detractors + 0.75) / (n + 3)
    half = 1.96 * 100 * math.sqrt((p + d - (p - d) ** 2) / (n + 3))
    return 100 * (p - d) - half, 100 * (p - d) + half


@pytest.fixture
def state(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "STATE_URL", f"sqlite:///{tmp_path / 'state.db'}")
    database.migrate()


@pytest.fixture
def clock(monkeypatch):
    """The store's clock, set by the test: publications a day apart."""
    now = {"at": FIRST}
    monkeypatch.setattr(alerts, "current_time", lambda: now["at"])
    return now


@pytest.fixture
def warehouse(tmp_path, state, clock):
    """The tiny warehouse, published and recorded once (its first publication: statuses, no events)."""
    path = build_tiny_warehouse(tmp_path / "warehouse" / "cx.duckdb")
    assert alerts.record_publication(path) == 0
    clock["at"] = SECOND
    return path


def outbox_rows() -> list[tuple]:
    with database.reading() as connection:
        rows = connection.execute(
            sa.select(
                database.alert_events.c.dedupe_key,
                database.outbox.c.channel,
                database.outbox.c.recipient,
                database.outbox.c.reason,
                database.outbox.c.batch,
                database.outbox.c.status,
            )
            .join(database.alert_events)
            .order_by(database.outbox.c.outbox_id)
        )
        return [(key.rsplit(":", 1)[0], *rest) for key, *rest in rows]


def statuses() -> dict[tuple, tuple]:
    with database.reading() as connection:
        rows = connection.execute(sa.select(database.slice_statuses))
        return {(r.metric_id, r.touchpoint_id, r.segment_id): (r.status, r.since) for r in rows}


def test_first_publication_records_statuses_only(warehouse):
    current = statuses()
    # 6 metrics × (all customers + 2 touchpoints + 2 segments).
    assert len(current) == 30
    assert current[("nps", "", "")] == ("off_track", FIRST)  # 28.6 pts (4 − 0 of 14) against 45 ± 10
    assert current[("nps", "web", "")] == ("on_track", FIRST)  # 40 pts against 35
    assert current[("nps", "shop", "")] == ("insufficient", FIRST)  # n = 4 < 5
    assert alerts.events() == []
    with database.reading() as connection:
        (publication,) = connection.execute(sa.select(database.publications)).all()
    assert (publication.previous_id, publication.as_of.isoformat(), publication.events) == (
        None,
        "2026-11-20",
        0,
    )


def test_a_slice_going_off_track_alerts_its_owner_and_the_webhooks(warehouse):
    hook = alerts.add_webhook("Team chat", "https://chat.example.com/hook", "s3cret", "admin")
    gone = alerts.add_webhook("Old chat", "https://old.example.com/hook", "s3cret", "admin")
    assert alerts.end_webhook(gone) is True
    publish_again(warehouse, DETRACTORS_AT_WEB_ENT)

    assert alerts.record_publication(warehouse) == 1
    (event,) = alerts.events()
    snapshot_id = detect(warehouse).snapshot_id
    assert event["kind"] == "status_worsened"
    assert event["dedupe_key"] == f"status_worsened:nps:web:*:{snapshot_id}"
    assert (event["metric_id"], event["touchpoint_id"], event["segment_id"]) == ("nps", "web", None)
    low, high = nps_interval(6, 8, 16)
    assert (round(low, 2), round(high, 2)) == (-50.86, 29.81)
    assert event["facts"] == {
        "metric_id": "nps",
        "metric_name": "Net promoter score",
        "unit": "pts",
        "kind": "nps",
        "higher_is_better": True,
        "owner_id": "ana",
        "owner_name": "Ana Silva",
        "owner_email": "ana@example.com",
        "touchpoint_id": "web",
        "touchpoint_name": "Website",
        "segment_id": None,
        "segment_name": None,
        "period_key": "2026-Q4",
        "period_label": "Q4 2026 to date",
        "compare_label": "Q3 2026",
        "as_of": "2026-11-20",
        "value": pytest.approx(100 * (6 - 8) / 16),
        "low": pytest.approx(low),
        "high": pytest.approx(high),
        "n": 16.0,
        "days": 0.0,  # the days a ratio rests on: none for a survey
        "target": 35.0,
        "tolerance": 5.0,
        "gap_clear": True,
        "status": "off_track",
        "previous_status": "on_track",
        # Against Q3's −30 (2 promoters, 5 detractors of 10): +17.5, not significant on so few answers.
        "change": pytest.approx(100 * (6 - 8) / 16 + 30),
        "change_significant": False,
        "link": "/metric/nps?touchpoint=web",
    }
    # Enterprise went from 4 answers (too few to judge) to 10: no status before, so no event.
    assert outbox_rows() == [
        ("status_worsened:nps:web:*", "email", "ana@example.com", "owner", "instant", "pending"),
        ("status_worsened:nps:web:*", "webhook", str(hook), "webhook", "instant", "pending"),
    ]
    assert [d["recipient"] for d in event["deliveries"]] == ["ana@example.com", str(hook)]

    # The slice that changed took its status now; the one that did not keeps its first one's time.
    current = statuses()
    assert current[("nps", "web", "")] == ("off_track", SECOND)
    assert current[("nps", "", "")] == ("off_track", FIRST)
    assert current[("nps", "", "ent")] == ("off_track", SECOND)  # was insufficient

    # Recording the same snapshot again (a data.notify pass catching up) finds nothing new.
    assert alerts.record_publication(warehouse) is None
    assert len(outbox_rows()) == 2
    with database.reading() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(database.publications)).scalar() == 2


def test_a_change_within_noise_makes_no_event(warehouse):
    # One passive at web/ent: Website 40 → 36.4 (6 − 2 of 11), still above 35; all customers 28.6 →
    # 26.7, off track as before, and its change against Q3 still not significant.
    publish_again(warehouse, [("nps", "web", "ent", 8)])
    assert alerts.record_publication(warehouse) == 0
    assert statuses()[("nps", "web", "")] == ("on_track", FIRST)
    assert outbox_rows() == []


def test_a_status_crossing_a_line_inside_its_interval_makes_no_event(warehouse):
    # Five detractors at web/ent: Website 40 → −6.67, off track on its face (short of 35 by more than
    # 5), but its interval (−46.94 to 35.83) still holds the target: noise, so no alert; the status
    # itself is recorded as it stands.
    low, high = nps_interval(6, 7, 15)
    assert (round(low, 2), round(high, 2)) == (-46.94, 35.83)
    publish_again(warehouse, [("nps", "web", "ent", 0)] * 5)
    assert alerts.record_publication(warehouse) == 0
    assert statuses()[("nps", "web", "")] == ("off_track", SECOND)
    assert outbox_rows() == []


def test_a_thin_slice_makes_no_event(warehouse):
    # Pilot NPS needs 30 answers: 2 promoters and 3 detractors (−20 pts against 10) are still too few.
    publish_again(warehouse, [("pilot", "web", "ent", 0)] * 3)
    assert alerts.record_publication(warehouse) == 0
    assert statuses()[("pilot", "", "")] == ("insufficient", FIRST)
    assert alerts.events() == []


def test_a_metric_falling_late_makes_an_event(warehouse):
    # FCR measured on 23 Nov moves the as-of there. Handle time, measured daily (19 and 20 Nov), may
    # be 2 days late (the next day's data, plus a day's grace): 3 days old, it is late now, and was
    # not on the 20th. Everything else late now was late then already (csat: one day, 5 Nov).
    publish_again(warehouse, [], [("fcr", date(2026, 11, 23), "shop", "smb", 9.0, 10.0)])
    hook = alerts.add_webhook("Team chat", "https://chat.example.com/hook", "s3cret", "admin")

    assert alerts.record_publication(warehouse) == 1
    (event,) = alerts.events()
    assert (event["kind"], event["metric_id"], event["touchpoint_id"]) == ("late_data", "aht", None)
    facts = event["facts"]
    assert (facts["latest_day"], facts["cadence"], facts["age_days"], facts["late_after_days"]) == (
        "2026-11-20",
        "daily",
        3,
        2,
    )
    assert (facts["as_of"], facts["period_label"], facts["owner_email"]) == (
        "2026-11-23",
        "Q4 2026 to date",
        None,
    )
    # Nobody owns handle time: only the webhook hears.
    assert outbox_rows() == [("late_data:aht:*:*", "webhook", str(hook), "webhook", "instant", "pending")]


def test_subscriptions_route_touchpoint_and_segment_events(warehouse):
    web = alerts.subscribe("bob", "Bob@Example.com", "touchpoint", "web", "instant")
    smb = alerts.subscribe("carol", "carol@example.com", "segment", "smb", "daily")
    nps = alerts.subscribe("dave", "dave@example.com", "metric", "nps", "instant")
    alerts.subscribe("erin", "erin@example.com", "metric", "csat", "instant")
    alerts.subscribe("ana", "ana@example.com", "touchpoint", "web", "daily")  # the owner hears anyway
    assert alerts.subscribe("bob", "bob@example.com", "touchpoint", "web", "instant") == web  # once
    # Detractors at web/smb: Website 40 → −12.5 (target 35) and Small business 40 → −12.5 (target 38 ± 1),
    # each interval reaching 29.8 at most: clear of its target.
    publish_again(warehouse, DETRACTORS_AT_WEB_SMB)

    assert alerts.record_publication(warehouse) == 2
    assert sorted(outbox_rows()) == [
        ("status_worsened:nps:*:smb", "email", "ana@example.com", "owner", "instant", "pending"),
        ("status_worsened:nps:*:smb", "email", "carol@example.com", "subscription", "daily", "pending"),
        ("status_worsened:nps:*:smb", "email", "dave@example.com", "subscription", "instant", "pending"),
        ("status_worsened:nps:web:*", "email", "ana@example.com", "owner", "instant", "pending"),
        ("status_worsened:nps:web:*", "email", "bob@example.com", "subscription", "instant", "pending"),
        ("status_worsened:nps:web:*", "email", "dave@example.com", "subscription", "instant", "pending"),
    ]
    with database.reading() as connection:
        rows = connection.execute(sa.select(database.outbox)).all()
    by_recipient = {(row.recipient, row.event_id): row for row in rows}
    daily = next(row for row in rows if row.recipient == "carol@example.com")
    assert daily.subscription_id == smb
    # 06:00 on the 21st: a daily batch waits for DAILY_HOUR (8 by default) that morning.
    assert daily.due_at == SECOND.replace(hour=config.DAILY_HOUR)
    assert {row.subscription_id for row in rows if row.recipient == "dave@example.com"} == {nps}
    assert all(row.due_at == SECOND for key, row in by_recipient.items() if key[0] != "carol@example.com")

    # Bob sees the events delivered to him; everyone (an admin) sees both.
    assert [e["dedupe_key"].rsplit(":", 1)[0] for e in alerts.events(viewer_email="BOB@example.com")] == [
        "status_worsened:nps:web:*"
    ]
    assert len(alerts.events()) == 2
    assert alerts.events(metric_id="csat") == []


def test_an_opt_out_stops_the_owners_default(warehouse):
    alerts.opt_out("Ana@Example.com", "metric", "nps")
    alerts.opt_out("ana@example.com", "metric", "nps")  # once is enough
    assert [(o["subject"], o["subject_id"]) for o in alerts.opt_outs_of("ana@example.com")] == [
        ("metric", "nps")
    ]
    publish_again(warehouse, DETRACTORS_AT_WEB_ENT)

    assert alerts.record_publication(warehouse) == 1
    assert outbox_rows() == []

    alerts.opt_in("ana@example.com", "metric", "nps")
    assert alerts.opt_outs_of("ana@example.com") == []
    facts = {"metric_id": "nps", "owner_email": "ana@example.com", "touchpoint_id": None, "segment_id": None}
    with database.writing() as connection:
        assert alerts.record(connection, "no_plan", "no_plan:nps:2026-11-01", facts, metric_id="nps")
        assert alerts.record(connection, "no_plan", "no_plan:nps:2026-11-01", facts, metric_id="nps") is None
    assert outbox_rows() == [("no_plan:nps", "email", "ana@example.com", "owner", "instant", "pending")]


def test_an_unsubscribe_link_works_once(warehouse):
    subscription = alerts.subscribe("bob", "bob@example.com", "touchpoint", "web", "instant")
    publish_again(warehouse, DETRACTORS_AT_WEB_ENT)
    alerts.record_publication(warehouse)
    with database.reading() as connection:
        outbox_id = connection.execute(
            sa.select(database.outbox.c.outbox_id).where(database.outbox.c.recipient == "bob@example.com")
        ).scalar_one()
    with database.writing() as connection:
        token = alerts.new_unsubscribe_link(
            connection, outbox_id, "bob@example.com", subscription, "touchpoint", "web"
        )
        owners = alerts.new_unsubscribe_link(connection, outbox_id, "ana@example.com", None, "metric", "nps")
    with database.reading() as connection:
        stored = connection.execute(sa.select(database.unsubscribe_links.c.token_hash)).scalars().all()
    assert token not in stored and len(stored) == 2  # only the tokens' hashes are kept

    assert alerts.peek_unsubscribe_link(token)["used_at"] is None
    used = alerts.use_unsubscribe_link(token)
    assert (used["subscription_id"], used["subject"], used["subject_id"]) == (
        subscription,
        "touchpoint",
        "web",
    )
    assert alerts.subscriptions_of("bob") == []
    assert alerts.use_unsubscribe_link(token) is None
    assert alerts.peek_unsubscribe_link(token)["used_at"] == SECOND
    assert alerts.use_unsubscribe_link("not-a-token") is None
    assert alerts.peek_unsubscribe_link("not-a-token") is None

    # An owner's link opts them out of the metric instead.
    assert alerts.use_unsubscribe_link(owners)["subscription_id"] is None
    assert [(o["subject"], o["subject_id"]) for o in alerts.opt_outs_of("ana@example.com")] == [
        ("metric", "nps")
    ]


@pytest.mark.parametrize(
    ("email", "subject", "subject_id", "batch", "message"),
    [
        ("bob@example.com", "owner", "ana", "instant", "not “owner”"),
        ("bob@example.com", "metric", "", "instant", "Choose which metric"),
        ("bob@example.com", "metric", "nps", "weekly", "not “weekly”"),
        ("bob.example.com", "metric", "nps", "instant", "is not an e-mail address"),
        ("bob@@example.com", "metric", "nps", "instant", "is not an e-mail address"),
        ("bob smith@example.com", "metric", "nps", "instant", "is not an e-mail address"),
        ("b" * 310 + "@example.com", "metric", "nps", "instant", "at most 320 characters"),
        ("", "digest", None, "instant", "Give an e-mail address"),
    ],
)
def test_subscribe_refuses_bad_input(state, email, subject, subject_id, batch, message):
    with pytest.raises(ValueError, match=message):
        alerts.subscribe("bob", email, subject, subject_id, batch)
    assert alerts.subscriptions_of("bob") == []


def test_subscriptions_and_webhooks_are_listed_and_ended(state):
    digest = alerts.subscribe("bob", "bob@example.com", "digest", "ignored", "daily")
    assert [(s["subject"], s["subject_id"], s["batch"]) for s in alerts.subscriptions_of("bob")] == [
        ("digest", None, "daily")
    ]
    assert alerts.end_subscription(digest, "bob") is True
    assert alerts.end_subscription(digest, "bob") is False
    assert alerts.subscriptions_of("bob") == []
    with pytest.raises(ValueError, match="starts with https://"):
        alerts.add_webhook("Chat", "ftp://example.com", "s3cret", "admin")
    hook = alerts.add_webhook("Chat", "https://chat.example.com/x", "s3cret", "admin")
    assert [(h["webhook_id"], h["name"]) for h in alerts.webhooks_list()] == [(hook, "Chat")]
    assert "secret" not in alerts.webhooks_list()[0]


def test_record_publication_once_on_postgresql(postgres_cluster, tmp_path, monkeypatch, clock):
    monkeypatch.setattr(config, "STATE_URL", postgres_cluster())
    database.migrate()
    path = build_tiny_warehouse(tmp_path / "cx.duckdb")
    assert alerts.record_publication(path) == 0
    clock["at"] = SECOND
    publish_again(path, DETRACTORS_AT_WEB_ENT)
    assert alerts.record_publication(path) == 1
    assert alerts.record_publication(path) is None
    assert outbox_rows() == [
        ("status_worsened:nps:web:*", "email", "ana@example.com", "owner", "instant", "pending")
    ]
    assert statuses()[("nps", "", "")] == ("off_track", FIRST)
