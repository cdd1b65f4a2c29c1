"""The weekly digest (views/digest.py, alert_messages.digest_mail) on the hand-made warehouse of
tests/tiny_warehouse.py with real commitments and subscriptions in a real SQLite state database, and
its delivery to a real aiosmtpd server.

The default view is Q4 2026 to date (as of 2026-11-20). Its scorecard, worked out in
tests/unit/test_alert_events.py and test_kpi.py: NPS 28.6 against 45 ± 10, off track; CSAT 80 % against
90 ± 5, off track; effort 4.4 against 3.0 ± 0.5 (lower is better), off track; FCR 89.2 % against 85, on
track; handle time has no target and Pilot NPS too few answers (2 of 30): 1 on track, 0 at risk, 3 off
track, 2 other. Ana Silva owns NPS, CSAT and Pilot NPS; Ben Okafor effort and FCR.
"""

import base64
import re
from datetime import date, datetime

import pytest
import sqlalchemy as sa

import config
from components import alert_messages
from data.notify import sender
from data.state import accounts, alerts, database
from tests.commitment_rows import promise
from tests.smtp_server import SmtpServer
from views import digest

MONDAY = datetime(2026, 11, 23, 8, 0)  # week 2026-W48


@pytest.fixture
def state(tmp_path, monkeypatch, tiny_warehouse):
    monkeypatch.setattr(config, "STATE_URL", f"sqlite:///{tmp_path / 'state.db'}")
    monkeypatch.setattr(config, "PUBLIC_URL", "http://beacon.test")
    monkeypatch.setattr(config, "DIGEST_DAY", "monday")
    monkeypatch.setattr(config, "DIGEST_HOUR", 8)
    monkeypatch.setattr(config, "DIGEST_PACK", "0")
    monkeypatch.setattr(alerts, "current_time", lambda: MONDAY)
    database.migrate()
    return config.STATE_URL


@pytest.fixture
def week(state):
    """Commitments and events for the week to 23 Nov: a CSAT plan for everyone, overdue since 10 Nov
    (so CSAT has a plan); an effort plan at Shop due 27 Nov (due within 7 days, and not a plan for
    effort as a whole); an FCR plan due 15 Dec (neither). NPS and effort are off track with no plan.
    Events: a significant change on 20 Nov (this week), a status worsened on 10 Nov (older than 7 days)
    and late data on 21 Nov (not a change of the numbers)."""
    made = {
        "csat": promise("csat", "ana", "Train the agents", date(2026, 11, 10)),
        "effort": promise(
            "effort", "ben", "Simpler shop checkout", date(2026, 11, 27), "in_progress", "shop"
        ),
        "fcr": promise("fcr", "ben", "Callback scripts", date(2026, 12, 15)),
    }
    base = {
        "metric_id": "nps",
        "metric_name": "Net promoter score",
        "unit": "pts",
        "touchpoint_id": "web",
        "touchpoint_name": "Website",
        "segment_id": None,
        "value": 40.0,
        "target": 35.0,
        "change": 12.5,
        "compare_label": "Q3 2026",
        "period_label": "Q4 2026 to date",
        "status": "on_track",
        "link": "/metric/nps?touchpoint=web",
    }
    with database.writing() as connection:
        for kind, key, found_at in (
            ("significant_change", "significant_change:nps:web:*:s2", datetime(2026, 11, 20, 6)),
            ("status_worsened", "status_worsened:nps:web:*:s1", datetime(2026, 11, 10, 6)),
            ("late_data", "late_data:aht:*:*:s3", datetime(2026, 11, 21, 6)),
        ):
            alerts.record(connection, kind, key, base, metric_id="nps", found_at=found_at)
    alerts.subscribe("bob", "bob@example.com", "digest", None, "instant")
    alerts.subscribe("robert", "Bob@Example.com", "digest", None, "daily")  # the same address again
    alerts.subscribe("ana", "ana@example.com", "digest", None, "instant")  # an owner as well
    return made


def digests() -> list[tuple]:
    with database.reading() as connection:
        rows = connection.execute(
            sa.select(database.outbox)
            .where(database.outbox.c.kind == "digest")
            .order_by(database.outbox.c.outbox_id)
        ).all()
    return [(r.dedupe_key, r.channel, r.recipient, r.reason, r.event_id, r.due_at, r.status) for r in rows]


def test_the_digest_is_due_monday_at_eight_once_a_week_one_per_address(week):
    assert digest.queue(datetime(2026, 11, 16, 7, 59)) == 0  # Monday of W47, a minute early
    assert digest.planned(datetime(2026, 11, 16, 7, 59)) == []
    assert digest.planned(datetime(2026, 11, 16, 8, 0)) == [
        "ana@example.com",
        "ben@example.com",
        "bob@example.com",
    ]
    assert digest.queue(datetime(2026, 11, 16, 8, 0)) == 3
    assert digest.queue(datetime(2026, 11, 16, 9, 0)) == 0
    assert digest.queue(datetime(2026, 11, 22, 23, 59)) == 0  # Sunday: still W47's, queued already
    assert digest.queue(datetime(2026, 11, 23, 7, 59)) == 0
    assert digest.queue(MONDAY) == 3
    assert digests()[3:] == [
        ("digest:2026-W48", "email", "ana@example.com", "owner", None, MONDAY, "pending"),
        ("digest:2026-W48", "email", "ben@example.com", "owner", None, MONDAY, "pending"),
        ("digest:2026-W48", "email", "bob@example.com", "subscription", None, MONDAY, "pending"),
    ]
    assert {row[0] for row in digests()[:3]} == {"digest:2026-W47"}


def test_another_digest_day_and_hour(week, monkeypatch):
    monkeypatch.setattr(config, "DIGEST_DAY", "friday")
    monkeypatch.setattr(config, "DIGEST_HOUR", 16)
    assert digest.due_at(MONDAY) == datetime(2026, 11, 27, 16)
    assert digest.queue(datetime(2026, 11, 27, 15, 59)) == 0
    assert digest.queue(datetime(2026, 11, 27, 16, 0)) == 3


def test_an_opted_out_owner_gets_none(week):
    alerts.opt_out("Ben@Example.com", "digest", None)
    assert digest.queue(MONDAY) == 2
    assert [row[2] for row in digests()] == ["ana@example.com", "bob@example.com"]


def test_the_digest_says_the_counts_changes_plans_and_commitments(week):
    payload = digest.payload(MONDAY)
    text = payload["text"]
    assert payload["subject"] == "Beacon weekly digest, Q4 2026 to date: 3 off track, 0 at risk, 1 on track"
    assert text.startswith(
        "Beacon's weekly digest for week 2026-W48: Q4 2026 to date, data as of 2026-11-20.\n\n"
        "Metrics: 1 on track, 0 at risk, 3 off track, 2 without a status.\n"
        "Open the scorecard: http://beacon.test/\n"
    )
    sections = dict(block.split(":\n", 1) for block in text.split("\n\n")[2:])
    assert sections["What changed for real this week"].splitlines() == [
        "- Net promoter score changed by +12.5 pts against Q3 2026 for Website, beyond noise: 40.0, "
        "target ≥ 35.0, Q4 2026 to date. http://beacon.test/metric/nps?touchpoint=web"
    ]
    no_plan = sections["Off track with no plan"].splitlines()
    assert [line.split(" is off track")[0] for line in no_plan] == [
        "- Net promoter score",
        "- Customer effort",
    ]
    assert no_plan[0].endswith("target ≥ 45.0, Q4 2026 to date. http://beacon.test/metric/nps")
    assert "28.6 (95% interval −13.9 to 61.0" in no_plan[0] and "n = 14" in no_plan[0]
    assert sections["Overdue commitments"].splitlines() == [
        "- “Train the agents” on Satisfaction (top-2-box), owned by Ana Silva, was due on 2026-11-10 and "
        f"is not done. http://beacon.test/commitment/{week['csat']}"
    ]
    assert sections["Due in the next 7 days"].splitlines() == [
        "- “Simpler shop checkout” on Customer effort, owned by Ben Okafor, is due on 2026-11-27. "
        f"http://beacon.test/commitment/{week['effort']}"
    ]
    assert "review pack" not in text  # not asked for


def test_a_quiet_week_says_so(state):
    text = digest.payload(MONDAY)["text"]
    assert "- Nothing changed beyond noise this week." in text
    assert "- No commitment is overdue." in text
    assert "- No commitment is due in the next 7 days." in text
    # With no commitment at all, all three metrics off track have no plan.
    assert text.count(" is off track with no open commitment") == 3


def test_the_html_part_has_no_remote_images_or_styles(week):
    page = digest.payload(MONDAY)["html"]
    assert page.startswith("<!doctype html><html><body") and page.endswith("</body></html>")
    assert not re.search(r"<img|<link|<script|<style|@import|url\(|\bsrc=", page, re.IGNORECASE)
    links = re.findall(r'href="([^"]*)"', page)
    assert all(link.startswith("http://beacon.test/") for link in links)
    assert f"http://beacon.test/commitment/{week['csat']}" in links
    # Every address in the page is a link's: none outside an href.
    assert "http" not in re.sub(r'href="[^"]*"', "", page)
    # The counts as a table of four cells, in the order the text says them.
    cells = re.findall(r'<div style="font-size:22px;font-weight:bold">(\d+)</div>([^<]+)</td>', page)
    assert cells == [
        ("1", "on track"),
        ("0", "at risk"),
        ("3", "off track"),
        ("2", "without a status"),
    ]
    assert "Train the agents" in page


def test_a_digest_arrives_with_text_and_html_and_its_own_unsubscribe_link(week, monkeypatch):
    server = SmtpServer().start()
    try:
        monkeypatch.setattr(config, "SMTP_URL", server.url)
        monkeypatch.setattr(sender, "current_time", lambda: MONDAY)
        assert digest.queue(MONDAY) == 3

        tally = sender.deliver_due(wording=alert_messages)

        assert (tally.sent, tally.waiting, tally.failed) == (3, 0, 0)
        received = {to[0]: message for to, message in server.wait_for(3)}
        assert sorted(received) == ["ana@example.com", "ben@example.com", "bob@example.com"]
        message = received["ben@example.com"]
        # Python folds a subject this long onto the line after "Subject:", and reads it back with the
        # fold's space in front: mail clients drop it.
        assert message["Subject"].strip() == (
            "Beacon weekly digest, Q4 2026 to date: 3 off track, 0 at risk, 1 on track"
        )
        text = message.get_body(("plain",)).get_content()
        page = message.get_body(("html",)).get_content()
        assert "Metrics: 1 on track, 0 at risk, 3 off track, 2 without a status" in text
        assert "Train the agents" in page and "<img" not in page
        unsubscribe = message["List-Unsubscribe"].strip().strip("<>")
        assert f"Stop these messages: {unsubscribe}" in text and unsubscribe in page
        assert not any(part.get_content_type() == "application/pdf" for part in message.walk())

        # Ben's link opts him (an owner) out of the digest; Bob's ends both his subscriptions, and Ana's
        # (an owner who subscribed too) both ways it reached her: next week nobody gets one.
        tokens = {
            to: message["List-Unsubscribe"].strip().strip("<>").rsplit("/", 1)[1]
            for to, message in received.items()
        }
        assert alerts.use_unsubscribe_link(tokens["ben@example.com"])["subscription_id"] is None
        assert alerts.use_unsubscribe_link(tokens["bob@example.com"])["subscription_id"] is not None
        assert digest.planned(datetime(2026, 11, 30, 8)) == ["ana@example.com"]
        assert alerts.use_unsubscribe_link(tokens["ana@example.com"])["subject"] == "digest"
        assert digest.planned(datetime(2026, 11, 30, 8)) == []
        assert alerts.subscriptions_of("bob") == alerts.subscriptions_of("robert") == []
        assert sender.deliver_due(wording=alert_messages).sent == 0
    finally:
        server.stop()


def test_a_pack_that_cannot_be_made_is_said_in_one_line(week, monkeypatch):
    def no_pack(_period):
        return None, {"error": "Beacon did not start: address in use"}

    monkeypatch.setattr(digest, "_pack", no_pack)
    monkeypatch.setattr(config, "DIGEST_PACK", "1")
    payload = digest.payload(MONDAY)
    assert "attachment" not in payload
    assert payload["text"].rstrip().splitlines()[-1] == (
        "The review pack could not be attached this week: Beacon did not start: address in use"
    )


def test_an_attached_pack_goes_as_a_pdf_named_for_its_period(week, monkeypatch):
    """The attachment as the sender adds it (the pack itself is rendered in tests/e2e)."""
    pdf = b"%PDF-1.4\n% a stand-in\n"

    def made(period):
        name = alert_messages.pack_filename(period)
        return {"filename": name, "content_base64": base64.b64encode(pdf).decode()}, {"filename": name}

    monkeypatch.setattr(digest, "_pack", made)
    monkeypatch.setattr(config, "DIGEST_PACK", "1")
    server = SmtpServer().start()
    try:
        monkeypatch.setattr(config, "SMTP_URL", server.url)
        monkeypatch.setattr(sender, "current_time", lambda: MONDAY)
        assert digest.queue(MONDAY) == 3
        assert sender.deliver_due(wording=alert_messages).sent == 3
        [message] = [message for to, message in server.wait_for(3) if to == ["ana@example.com"]]
        [attached] = [part for part in message.walk() if part.get_content_type() == "application/pdf"]
        assert attached.get_filename() == "beacon-review-2026-Q4.pdf"
        assert attached.get_content() == pdf
        assert "The executive review pack is attached (beacon-review-2026-Q4.pdf)." in (
            message.get_body(("plain",)).get_content()
        )
    finally:
        server.stop()


def test_each_recipient_gets_the_digest_in_their_accounts_language(week, monkeypatch):
    """Ana's account (owner `ana`, whose catalogue e-mail is ana@) chose Finnish: her copy is worded in
    Finnish, 3 off track, 0 at risk, 1 on track, the period and the as-of day 20.11.2026 as Finnish
    writes them (the period "4. nelj. 2026 tähän mennessä"); Ben
    and Bob have no account choice and get the default language (English), worded once for both."""
    monkeypatch.setattr(config, "DEFAULT_LANGUAGE", "en")
    accounts.add("ana", "Ana Silva", "owner", "a long password 1", owner_id="ana")
    accounts.set_language("ana", "fi")
    assert digest.queue(MONDAY) == 3
    with database.reading() as connection:
        payloads = dict(
            connection.execute(
                sa.select(database.outbox.c.recipient, database.outbox.c.payload).where(
                    database.outbox.c.kind == "digest"
                )
            ).all()
        )
    finnish = payloads["ana@example.com"]
    assert finnish["subject"].startswith("Beaconin viikkokooste, 4. nelj. 2026 tähän mennessä: ")
    assert finnish["subject"].endswith(": 3 tavoitteesta jäljessä, 0 vaarassa, 1 tavoitteessa")
    assert "tiedot 20.11.2026 asti." in finnish["text"] and "Mittarit: tavoitteessa: 1, " in finnish["text"]
    assert finnish["html"].startswith('<!doctype html><html lang="fi" dir="ltr">')
    assert payloads["ben@example.com"] == payloads["bob@example.com"]
    assert payloads["ben@example.com"]["subject"].endswith(": 3 off track, 0 at risk, 1 on track")
