"""The clock's events (views/clock.py) on the hand-made warehouse of tests/tiny_warehouse.py (as of
2026-11-20; Ana owns NPS, CSAT and Pilot NPS, Ben effort and FCR) with real commitments in a real
SQLite (and PostgreSQL) state database.

Statuses at the default view (Q4 2026 to date, tests/unit/test_alert_events.py works them out): off
track are NPS for all customers (28.6 against 45 ± 10), CSAT for all, at Shop and for Enterprise (80 %
against 90 ± 5) and effort for all, at Shop and for Small business (4.4 against 3.0 ± 0.5, lower is
better); nothing else.
"""

import subprocess
import sys
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

import config
import notify
from components import alert_messages
from data.notify import sender
from data.state import alerts, commitments, database
from tests.commitment_rows import promise
from tests.smtp_server import SmtpServer
from views import clock

PUBLISHED = datetime(2026, 11, 20, 6, 0)


@pytest.fixture
def state(tmp_path, monkeypatch, tiny_warehouse):
    monkeypatch.setattr(config, "STATE_URL", f"sqlite:///{tmp_path / 'state.db'}")
    monkeypatch.setattr(config, "NO_PLAN_DAYS", 14)
    database.migrate()
    return config.STATE_URL


@pytest.fixture
def store_clock(monkeypatch):
    """The alerts store's clock (outbox rows' times, a publication's `since`), set by the test."""
    now = {"at": PUBLISHED}
    monkeypatch.setattr(alerts, "current_time", lambda: now["at"])
    return now


def events() -> list[dict]:
    return sorted(alerts.events(), key=lambda event: event["event_id"])


def deliveries() -> list[tuple[str, str, str]]:
    """(event's dedupe_key, recipient, reason) of every outbox row, oldest first."""
    with database.reading() as connection:
        rows = connection.execute(
            sa.select(
                database.alert_events.c.dedupe_key, database.outbox.c.recipient, database.outbox.c.reason
            )
            .join(database.alert_events)
            .order_by(database.outbox.c.outbox_id)
        )
        return [tuple(row) for row in rows]


def test_open_commitments_past_their_due_date_alert_their_owner_once(state, store_clock):
    due_today = promise("nps", "ana", "Call back detractors", date(2026, 11, 20), status="in_progress")
    late = promise("csat", "ana", "Train the agents", date(2026, 11, 10))
    promise(
        "effort", "ben", "Shorter forms", date(2026, 11, 1), status="done", completed_on=date(2026, 11, 1)
    )
    promise("fcr", "ben", "Dropped idea", date(2026, 11, 1), status="dropped")
    bens = promise("effort", "ben", "Fewer steps", date(2026, 11, 15), status="in_progress")

    # On the 20th: due on the 10th and the 15th are overdue; due today is not yet. The done one's
    # after-window (2 to 29 Nov) runs past the data: no verdict yet either.
    assert clock.find(datetime(2026, 11, 20, 9)) == 2
    assert deliveries() == [
        (f"commitment_overdue:{late}:2026-11-10", "ana@example.com", "owner"),
        (f"commitment_overdue:{bens}:2026-11-15", "ben@example.com", "owner"),
    ]
    first = events()[0]
    assert (first["kind"], first["metric_id"], first["commitment_id"], first["snapshot_id"]) == (
        "commitment_overdue",
        "csat",
        late,
        None,
    )
    assert first["found_at"] == datetime(2026, 11, 20, 9)
    facts = first["facts"]
    assert (facts["commitment_title"], facts["commitment_due_on"], facts["owner_email"], facts["link"]) == (
        "Train the agents",
        "2026-11-10",
        "ana@example.com",
        f"/commitment/{late}",
    )
    assert alert_messages.sentence("commitment_overdue", facts) == (
        "The commitment “Train the agents” on Satisfaction (top-2-box) was due on 2026-11-10 and is not done."
    )

    assert clock.find(datetime(2026, 11, 20, 18)) == 0  # the same day again: nothing new
    assert clock.find(datetime(2026, 11, 21, 0, 0)) == 1  # the 20th has passed
    assert deliveries()[-1] == (f"commitment_overdue:{due_today}:2026-11-20", "ana@example.com", "owner")
    assert clock.find(datetime(2026, 11, 22, 9)) == 0
    assert len(deliveries()) == 3


def test_a_new_due_date_alerts_again_once_it_passes(state, store_clock):
    late = promise("csat", "ana", "Train the agents", date(2026, 11, 10))
    assert clock.find(datetime(2026, 11, 11, 9)) == 1

    commitments.update(late, 1, {"due_on": date(2026, 11, 25)}, "ana", note="More time")
    assert clock.find(datetime(2026, 11, 25, 9)) == 0  # due today: not overdue
    assert clock.find(datetime(2026, 11, 26, 9)) == 1
    assert [event["dedupe_key"] for event in events()] == [
        f"commitment_overdue:{late}:2026-11-10",
        f"commitment_overdue:{late}:2026-11-25",
    ]
    commitments.update(late, 2, {"status": "done", "completed_on": date(2026, 11, 26)}, "ana")
    assert clock.find(datetime(2026, 11, 27, 9)) == 0


def test_a_done_commitment_alerts_once_its_verdict_can_be_given(state, store_clock):
    """NPS at Website for Small business, started 20 Aug, done 30 Sep: 28 days before (23 Jul–19 Aug)
    −30 (2 promoters, 5 detractors of 10), 28 days after (1–28 Oct) +40 (6 and 2 of 10), significant
    (tests/unit/test_accountability.py works it out). Done 1 Nov: its window after runs to 29 Nov."""
    measured = promise(
        "nps",
        "ana",
        "Redesign the web form",
        date(2026, 9, 30),
        status="done",
        touchpoint_id="web",
        segment_id="smb",
        start_on=date(2026, 8, 20),
        completed_on=date(2026, 9, 30),
    )
    promise(
        "csat", "ana", "Too soon to tell", date(2026, 11, 1), status="done", completed_on=date(2026, 11, 1)
    )

    assert clock.find(datetime(2026, 11, 21, 9)) == 1
    (event,) = events()
    assert (event["kind"], event["dedupe_key"], event["touchpoint_id"], event["segment_id"]) == (
        "verdict_available",
        f"verdict_available:{measured}",
        "web",
        "smb",
    )
    facts = event["facts"]
    assert (facts["verdict"], facts["verdict_label"], facts["better"]) == (
        "moved",
        "Moved (significant)",
        True,
    )
    assert (facts["value_before"], facts["value_after"]) == (pytest.approx(-30.0), pytest.approx(40.0))
    assert (facts["before_start"], facts["before_end"], facts["after_start"], facts["after_end"]) == (
        "2026-07-23",
        "2026-08-19",
        "2026-10-01",
        "2026-10-28",
    )
    assert alert_messages.sentence("verdict_available", facts) == (
        "The commitment “Redesign the web form” on Net promoter score now has its effect measured: "
        "Moved (significant), −30.0 before and 40.0 after."
    )
    assert deliveries() == [(f"verdict_available:{measured}", "ana@example.com", "owner")]
    assert clock.find(datetime(2026, 11, 28, 9)) == 0


def test_off_track_with_no_plan_alerts_after_exactly_no_plan_days(state, store_clock):
    """Published (and off track since) 20 Nov 06:00. A CSAT plan for everyone covers its three off-track
    slices; an effort plan at Shop covers effort at Shop only, not effort for all or for Small business.
    NPS has no plan. Due at the year's end, so nothing is overdue."""
    assert alerts.record_publication(config.WAREHOUSE) == 0
    promise("csat", "ana", "Train the agents", date(2026, 12, 31))
    promise("effort", "ben", "Simpler shop checkout", date(2026, 12, 31), touchpoint_id="shop")

    assert clock.find(PUBLISHED + timedelta(days=13)) == 0  # a day before: nothing
    assert clock.find(PUBLISHED + timedelta(days=14) - timedelta(seconds=1)) == 0
    assert clock.find(PUBLISHED + timedelta(days=14)) == 3  # 4 Dec 06:00: exactly 14 days
    assert deliveries() == [
        ("no_plan:effort:*:*:2026-11-20", "ben@example.com", "owner"),
        ("no_plan:effort:*:smb:2026-11-20", "ben@example.com", "owner"),
        ("no_plan:nps:*:*:2026-11-20", "ana@example.com", "owner"),
    ]
    nps = next(event for event in events() if event["metric_id"] == "nps")
    assert (nps["touchpoint_id"], nps["segment_id"], nps["facts"]["since"]) == (None, None, "2026-11-20")
    assert alert_messages.sentence("no_plan", nps["facts"]).startswith(
        "Net promoter score has been off track for all customers since 2026-11-20 with no open "
        "commitment: 28.6 (95% interval"
    )
    assert clock.find(PUBLISHED + timedelta(days=20)) == 0


def test_a_plan_made_in_time_stops_the_no_plan_alert(state, store_clock):
    assert alerts.record_publication(config.WAREHOUSE) == 0
    promise("csat", "ana", "Train the agents", date(2026, 12, 31))
    promise("effort", "ben", "Fewer steps", date(2026, 12, 31))
    promise("nps", "ana", "Call back detractors", date(2026, 12, 31), status="in_progress")
    assert clock.find(PUBLISHED + timedelta(days=30)) == 0


def test_a_subscriber_and_a_webhook_hear_the_clock_too(state, store_clock):
    hook = alerts.add_webhook("Team chat", "https://chat.example.com/hook", "s3cret", "admin")
    alerts.subscribe("dave", "dave@example.com", "metric", "csat", "instant")
    late = promise("csat", "ana", "Train the agents", date(2026, 11, 10))
    assert clock.find(datetime(2026, 11, 11, 9)) == 1
    key = f"commitment_overdue:{late}:2026-11-10"
    assert deliveries() == [
        (key, "ana@example.com", "owner"),
        (key, "dave@example.com", "subscription"),
        (key, str(hook), "webhook"),
    ]


def test_a_pass_records_and_sends_and_a_dry_run_only_lists(state, store_clock, monkeypatch, capsys):
    server = SmtpServer().start()
    try:
        monkeypatch.setattr(config, "SMTP_URL", server.url)
        monkeypatch.setattr(config, "DIGEST_DAY", "monday")
        monkeypatch.setattr(config, "DIGEST_HOUR", 8)
        late = promise("csat", "ana", "Train the agents", date(2026, 11, 10))
        at = datetime(2026, 11, 19, 9)  # a Thursday: this week's digest went on Monday, ahead of Beacon
        store_clock["at"] = at
        monkeypatch.setattr(sender, "current_time", lambda: at)

        line = notify.run_pass(dry_run=True, now=at)
        assert line == "found 0 events, queued 0 digests, sent 0, waiting 0, failed 0"
        printed = capsys.readouterr().out.splitlines()
        # The catalogue's owners get this week's digest: it is past Monday 08:00.
        assert printed == [
            "would record: commitment_overdue The commitment “Train the agents” on Satisfaction (top-2-box) "
            "was due on 2026-11-10 and is not done.",
            "would queue: the weekly digest to ana@example.com",
            "would queue: the weekly digest to ben@example.com",
        ]
        assert events() == [] and deliveries() == []

        assert notify.run_pass(now=at) == "found 1 events, queued 2 digests, sent 3, waiting 0, failed 0"
        received = server.wait_for(3)
        subjects = sorted(message["Subject"] for _to, message in received)
        assert subjects[-1].startswith("The commitment “Train the agents”")
        assert events()[0]["dedupe_key"] == f"commitment_overdue:{late}:2026-11-10"
        assert notify.run_pass(now=at) == "found 0 events, queued 0 digests, sent 0, waiting 0, failed 0"
    finally:
        server.stop()


def test_the_clock_records_once_on_postgresql(postgres_cluster, tiny_warehouse, monkeypatch, store_clock):
    monkeypatch.setattr(config, "STATE_URL", postgres_cluster())
    database.migrate()
    late = promise("csat", "ana", "Train the agents", date(2026, 11, 10))
    assert clock.find(datetime(2026, 11, 11, 9)) == 1
    assert clock.find(datetime(2026, 11, 11, 9)) == 0
    assert deliveries() == [(f"commitment_overdue:{late}:2026-11-10", "ana@example.com", "owner")]


def test_the_command_dry_run_lists_the_clocks_events_and_changes_nothing(state, tiny_warehouse):
    late = promise("csat", "ana", "Train the agents", date(2026, 11, 10))
    done = subprocess.run(
        [sys.executable, "-m", "data.notify", "--dry-run"],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "BEACON_STATE_URL": state, "BEACON_WAREHOUSE": str(tiny_warehouse)},
        cwd=config.ROOT,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    # Any day from 11 Nov 2026 on, the commitment is overdue; whether the digest is due depends on the
    # weekday and hour the test runs at, so only its lines' form is checked.
    assert lines[0] == (
        "would record: commitment_overdue The commitment “Train the agents” on Satisfaction (top-2-box) "
        "was due on 2026-11-10 and is not done."
    )
    assert all(line.startswith("would queue: the weekly digest to ") for line in lines[1:-1])
    assert lines[-1] == "found 0 events, queued 0 digests, sent 0, waiting 0, failed 0"
    assert events() == [] and deliveries() == []
    assert commitments.get(late)["version"] == 1
