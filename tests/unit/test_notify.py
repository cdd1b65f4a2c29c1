"""The sender against real parts: an aiosmtpd server and an http.server webhook receiver on loopback,
a real SQLite (and PostgreSQL) state database. Events and outbox rows are written as the store does."""

import functools
import hashlib
import hmac
import json
import subprocess
import sys
import threading
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

import config
from components import alert_messages
from data.notify import sender
from data.state import accounts, database
from tests.smtp_server import SmtpServer

#: The sender as the command runs it, with Beacon's words.
deliver = functools.partial(sender.deliver_due, wording=alert_messages)
NOW = datetime(2026, 12, 2, 9, 30)
FACTS = {
    "metric_id": "nps",
    "metric_name": "NPS",
    "unit": "pts",
    "touchpoint_id": "web",
    "touchpoint_name": "Website",
    "segment_id": None,
    "segment_name": None,
    "period_label": "Q4 2026 to date",
    "value": 28.0,
    "low": 21.3,
    "high": 34.7,
    "n": 412,
    "target": 45.0,
    "tolerance": 5.0,
    "higher_is_better": True,
    "status": "off_track",
    "previous_status": "at_risk",
    "link": "/metric/nps?touchpoint=web",
    "owner_email": "ana@example.com",
}
SENTENCE = (
    "NPS went from at risk to off track for Website: 28.0 (95% interval 21.3 to 34.7, n = 412), "
    "target ≥ 45.0 (tolerance 5.0), Q4 2026 to date."
)


@pytest.fixture
def state(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'state.db'}"
    database.migrate(url)
    monkeypatch.setattr(config, "STATE_URL", url)
    monkeypatch.setattr(config, "PUBLIC_URL", "http://beacon.test")
    monkeypatch.setattr(sender, "current_time", lambda: NOW)
    return url


def event(connection, recipients, facts=FACTS, kind="status_worsened", batch="instant", due=NOW) -> int:
    """An event and its outbox rows, as data.state.alerts.record writes them."""
    event_id = connection.execute(
        database.alert_events.insert().values(
            kind=kind,
            dedupe_key=f"{kind}:{facts['metric_id']}:{len(recipients)}:{datetime.now().timestamp()}:{id(recipients)}",
            metric_id=facts["metric_id"],
            found_at=NOW,
            facts=facts,
        )
    ).inserted_primary_key[0]
    for channel, recipient in recipients:
        connection.execute(
            database.outbox.insert().values(
                dedupe_key=f"event:{event_id}",
                event_id=event_id,
                kind="event",
                channel=channel,
                recipient=recipient,
                reason="webhook" if channel == "webhook" else "owner",
                batch=batch,
                due_at=due,
                status="pending",
                attempts=0,
                next_attempt_at=due,
                created_at=NOW,
            )
        )
    return event_id


def add_webhook(connection, url: str, secret: str = "s3cret") -> str:
    return str(
        connection.execute(
            database.webhooks.insert().values(
                name="Chat", url=url, secret=secret, enabled=True, created_at=NOW, created_by="admin"
            )
        ).inserted_primary_key[0]
    )


def rows(url: str) -> list[dict]:
    with database.reading(url) as connection:
        return [
            dict(r._mapping) for r in connection.execute(sa.select(database.outbox).order_by("outbox_id"))
        ]


def test_an_event_goes_once_by_email_and_signed_webhook(state, mail, receiver):
    with database.writing(state) as connection:
        hook = add_webhook(connection, f"http://127.0.0.1:{receiver.server_port}/hook")
        event_id = event(connection, [("email", "ana@example.com"), ("webhook", hook)])

    tally = deliver(state)

    assert (tally.sent, tally.waiting, tally.failed) == (2, 0, 0)
    [(to, message)] = mail.wait_for(1)
    assert to == ["ana@example.com"]
    assert message["Subject"] == SENTENCE
    text = message.get_body(("plain",)).get_content()
    page = message.get_body(("html",)).get_content()
    assert SENTENCE in text and "http://beacon.test/metric/nps?touchpoint=web" in text
    assert "NPS went from at risk to off track for Website" in page and "<img" not in page
    unsubscribe = message["List-Unsubscribe"].strip().strip("<>")
    assert unsubscribe.startswith("http://beacon.test/unsubscribe/") and unsubscribe in text
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    token = unsubscribe.rsplit("/", 1)[1]
    with database.reading(state) as connection:
        link = connection.execute(
            sa.select(database.unsubscribe_links).where(
                database.unsubscribe_links.c.token_hash == hashlib.sha256(token.encode()).hexdigest()
            )
        ).one()
    assert (link.email, link.subject, link.subject_id, link.used_at) == (
        "ana@example.com",
        "metric",
        "nps",
        None,
    )

    [(headers, body)] = receiver.posts
    expected = hmac.new(b"s3cret", headers["X-Beacon-Timestamp"].encode() + b"." + body, hashlib.sha256)
    assert headers["X-Beacon-Signature"] == "sha256=" + expected.hexdigest()
    posted = json.loads(body)
    assert posted["event_id"] == event_id and posted["kind"] == "status_worsened"
    assert posted["text"] == SENTENCE + " http://beacon.test/metric/nps?touchpoint=web"
    assert posted["event"]["value"] == 28.0

    again = deliver(state)
    assert (again.sent, again.waiting) == (0, 0)
    assert len(mail.messages) == 1 and len(receiver.posts) == 1
    assert [r["status"] for r in rows(state)] == ["sent", "sent"]


def test_a_mail_server_away_leaves_the_message_pending_then_it_goes_once(state, mail, monkeypatch):
    with database.writing(state) as connection:
        event(connection, [("email", "ana@example.com")])
    mail.stop()

    tally = deliver(state)

    assert (tally.sent, tally.waiting, tally.failed) == (0, 1, 0)
    [row] = rows(state)
    assert (row["status"], row["attempts"], row["next_attempt_at"]) == (
        "pending",
        1,
        NOW + timedelta(minutes=1),
    )
    assert "refused" in row["last_error"].lower()
    with database.reading(state) as connection:
        [attempt] = connection.execute(sa.select(database.delivery_attempts)).all()
    assert not attempt.ok and attempt.error == row["last_error"]
    # Not retried before its backoff, even with the server back.
    mail.start()
    assert deliver(state).sent == 0
    monkeypatch.setattr(sender, "current_time", lambda: NOW + timedelta(minutes=1))

    assert deliver(state).sent == 1
    mail.wait_for(1)
    assert deliver(state).sent == 0
    assert len(mail.messages) == 1
    assert rows(state)[0]["status"] == "sent" and rows(state)[0]["attempts"] == 2


def test_n_is_said_as_a_count_as_the_warehouse_gives_it():
    """kpi_answers holds n as a DOUBLE (412.0): the sentence says "n = 412", not "n = 412.0"."""
    assert alert_messages.sentence("status_worsened", {**FACTS, "n": 412.0}) == SENTENCE


def test_backoff_doubles_to_an_hour():
    assert [sender.backoff(n).total_seconds() / 60 for n in (1, 2, 3, 4, 7, 8, 20)] == [
        1,
        2,
        4,
        8,
        60,
        60,
        60,
    ]


def _two_senders(url: str, mail: SmtpServer, count: int = 120) -> None:
    with database.writing(url) as connection:
        for number in range(count):
            event(connection, [("email", f"person{number}@example.com")])
    start = threading.Barrier(2)

    def run(name):
        start.wait()
        deliver(url, name=name)

    threads = [threading.Thread(target=run, args=(f"host{n}:1",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    received = mail.wait_for(count)
    assert sorted(m["Message-ID"] for _to, m in received) == sorted(
        set(m["Message-ID"] for _to, m in received)
    )
    assert len(received) == count
    assert {r["status"] for r in rows(url)} == {"sent"}


def test_two_senders_on_sqlite_send_each_message_once(state, mail, monkeypatch):
    monkeypatch.setattr(sender, "CLAIM_BATCH", 10)  # many claims, interleaved
    monkeypatch.setattr(config, "ALERT_DAILY_CAP", 1000)
    _two_senders(state, mail)


def test_two_senders_on_postgresql_send_each_message_once(postgres_cluster, mail, monkeypatch):
    url = postgres_cluster()
    database.migrate(url)
    monkeypatch.setattr(sender, "current_time", lambda: NOW)
    monkeypatch.setattr(sender, "CLAIM_BATCH", 10)
    _two_senders(url, mail)


def test_a_lease_run_out_gives_a_dead_senders_rows_to_the_next(state, mail, monkeypatch):
    with database.writing(state) as connection:
        event(connection, [("email", "ana@example.com")])
        sender.claim(connection, "dead:1", NOW)  # claimed, then the sender died
    assert deliver(state).sent == 0
    monkeypatch.setattr(sender, "current_time", lambda: NOW + sender.LEASE + timedelta(seconds=1))
    assert deliver(state).sent == 1
    assert len(mail.wait_for(1)) == 1


def test_past_the_daily_cap_the_rest_go_in_one_summary_next_morning(state, mail, monkeypatch):
    with database.writing(state) as connection:
        for number in range(25):
            event(connection, [("email", "ana@example.com")], facts={**FACTS, "value": 20.0 + number})

    assert deliver(state).sent == config.ALERT_DAILY_CAP == 10
    assert len(mail.wait_for(10)) == 10
    later = rows(state)[10:]
    assert {(r["status"], r["batch"], r["due_at"]) for r in later} == {
        ("pending", "daily", datetime(2026, 12, 3, config.DAILY_HOUR))
    }
    monkeypatch.setattr(sender, "current_time", lambda: datetime(2026, 12, 3, config.DAILY_HOUR))

    assert deliver(state).sent == 1
    [*_first, (_to, summary)] = mail.wait_for(11)
    assert summary["Subject"] == "Beacon: 15 alerts"
    text = summary.get_body(("plain",)).get_content()
    assert "NPS went from at risk to off track for Website: 30.0 (95% interval" in text and "44.0" in text
    statuses = [r["status"] for r in rows(state)]
    assert statuses.count("sent") == 11 and statuses.count("merged") == 14
    assert deliver(state).sent == 0 and len(mail.messages) == 11


def test_a_daily_batch_goes_as_one_summary_at_daily_hour(state, mail, monkeypatch):
    at = datetime(2026, 12, 3, config.DAILY_HOUR)
    with database.writing(state) as connection:
        for number in range(3):
            event(
                connection,
                [("email", "bo@example.com")],
                facts={**FACTS, "value": 30.0 + number},
                batch="daily",
                due=at,
            )
    assert deliver(state).sent == 0  # not before the hour
    monkeypatch.setattr(sender, "current_time", lambda: at)

    assert deliver(state).sent == 1
    [(to, summary)] = mail.wait_for(1)
    assert to == ["bo@example.com"] and summary["Subject"] == "Beacon: 3 alerts"
    assert deliver(state).sent == 0


def test_a_summary_whose_first_try_failed_still_carries_every_event(state, mail, monkeypatch):
    """The mail server is away at DAILY_HOUR: the summary waits with its events merged into it. Its
    retry, with a new alert for the same address due by then, is one summary of all four."""
    at = datetime(2026, 12, 3, config.DAILY_HOUR)
    with database.writing(state) as connection:
        for number in range(3):
            event(
                connection,
                [("email", "bo@example.com")],
                facts={**FACTS, "value": 30.0 + number},
                batch="daily",
                due=at,
            )
    monkeypatch.setattr(sender, "current_time", lambda: at)
    mail.stop()
    assert deliver(state).sent == 0
    assert [(r["status"], r["attempts"]) for r in rows(state)] == [
        ("pending", 1),
        ("merged", 0),
        ("merged", 0),
    ]
    later = at + timedelta(minutes=1)
    with database.writing(state) as connection:
        event(
            connection,
            [("email", "bo@example.com")],
            facts={**FACTS, "value": 40.0},
            batch="daily",
            due=later,
        )
    mail.start()
    monkeypatch.setattr(sender, "current_time", lambda: later)

    assert deliver(state).sent == 1
    [(to, summary)] = mail.wait_for(1)
    assert to == ["bo@example.com"] and summary["Subject"] == "Beacon: 4 alerts"
    text = summary.get_body(("plain",)).get_content()
    assert all(f"to off track for Website: {value:.1f} (" in text for value in (30, 31, 32, 40))
    assert [r["status"] for r in rows(state)] == ["sent", "merged", "merged", "merged"]
    assert {r["merged_into"] for r in rows(state)[1:]} == {rows(state)[0]["outbox_id"]}
    assert all(r["sent_at"] == later for r in rows(state))
    assert deliver(state).sent == 0 and len(mail.messages) == 1


def test_dry_run_says_what_would_go_and_changes_nothing(state, mail):
    with database.writing(state) as connection:
        event(connection, [("email", "ana@example.com")])
    before = rows(state)

    tally = deliver(state, dry_run=True)

    assert tally.planned == [f"ana@example.com email {SENTENCE}"]
    assert rows(state) == before and mail.messages == []
    with database.reading(state) as connection:
        assert (
            connection.execute(sa.select(sa.func.count()).select_from(database.unsubscribe_links)).scalar()
            == 0
        )


def test_dry_run_lists_every_due_message_past_one_claim(state, mail, monkeypatch):
    """More messages due than one claim takes (CLAIM_BATCH): the dry run still lists each of them."""
    monkeypatch.setattr(sender, "CLAIM_BATCH", 2)
    monkeypatch.setattr(config, "ALERT_DAILY_CAP", 1000)
    with database.writing(state) as connection:
        for number in range(5):
            event(connection, [("email", f"person{number}@example.com")])

    tally = deliver(state, dry_run=True)

    assert sorted(line.split()[0] for line in tally.planned) == [f"person{n}@example.com" for n in range(5)]
    assert {r["status"] for r in rows(state)} == {"pending"} and mail.messages == []


def test_dry_run_across_claims_keeps_the_daily_cap(state, mail, monkeypatch):
    """Five alerts to one address, a cap of 3, claims of 2: the dry run lists the 3 the pass would send
    (the other 2 wait for the next morning's summary), as the pass then does."""
    monkeypatch.setattr(sender, "CLAIM_BATCH", 2)
    monkeypatch.setattr(config, "ALERT_DAILY_CAP", 3)
    with database.writing(state) as connection:
        for number in range(5):
            event(connection, [("email", "ana@example.com")], facts={**FACTS, "value": 20.0 + number})

    assert len(deliver(state, dry_run=True).planned) == 3
    assert {r["status"] for r in rows(state)} == {"pending"}
    assert deliver(state).sent == 3 and len(mail.wait_for(3)) == 3


def _command(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "data.notify", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", **env},
        cwd=config.ROOT,
    )


def test_the_command_prints_one_line_per_pass(tmp_path, mail):
    url = f"sqlite:///{tmp_path / 'state.db'}"
    env = {
        "BEACON_STATE_URL": url,
        "BEACON_SMTP_URL": mail.url,
        "BEACON_WAREHOUSE": str(tmp_path / "none.duckdb"),
    }
    done = _command(env)
    assert (done.returncode, done.stdout) == (
        0,
        "found 0 events, queued 0 digests, sent 0, waiting 0, failed 0\n",
    ), done.stderr


@pytest.mark.parametrize(
    ("env", "said"),
    [
        ({"BEACON_SMTP_URL": "mail.example.com"}, "BEACON_SMTP_URL='mail.example.com': write it as"),
        ({"BEACON_SMTP_URL": "smtp://host:nope"}, "the port is not a number"),
        ({"BEACON_STATE_URL": "postgresql+psycopg://u@127.0.0.1:1/none"}, "state database cannot be reached"),
    ],
)
def test_the_command_refuses_a_wrong_setting_in_one_line(tmp_path, env, said):
    """The reason is the command's last line (a log line may come before it), with no traceback."""
    done = _command({"BEACON_STATE_URL": f"sqlite:///{tmp_path / 's.db'}", **env})
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert said in done.stderr.strip().splitlines()[-1], done.stderr


def test_each_recipient_reads_the_language_their_account_chose(state, mail, receiver, monkeypatch):
    """One event to four: ana@ is the e-mail of owner `ana`, whose account chose Finnish; ben@ is the
    address account `ben` (Persian) subscribed with; cid@ belongs to no account; a webhook to no one.
    Ana's mail is in Finnish, Ben's in Persian (Persian digits), Cid's and the webhook's in the default
    language (BEACON_DEFAULT_LANGUAGE, here English)."""
    monkeypatch.setattr(config, "DEFAULT_LANGUAGE", "en")
    accounts.add("ana", "Ana", "owner", "a long password 1", owner_id="ana", url=state)
    accounts.set_language("ana", "fi", url=state)
    accounts.add("ben", "Ben", "viewer", "a long password 2", url=state)
    accounts.set_language("ben", "fa", url=state)
    with database.writing(state) as connection:
        connection.execute(
            database.subscriptions.insert().values(
                username="ben", email="Ben@example.com", subject="metric", subject_id="nps", batch="instant",
                created_at=NOW,
            )
        )  # fmt: skip
        hook = add_webhook(connection, f"http://127.0.0.1:{receiver.server_port}/hook")
        event(
            connection,
            [("email", "ana@example.com"), ("email", "ben@example.com"), ("email", "cid@example.com"),
             ("webhook", hook)],
        )  # fmt: skip

    tally = deliver(state, owner_ids={"ana@example.com": "ana"})

    assert tally.sent == 4
    subjects = {to[0]: message["Subject"] for to, message in mail.wait_for(3)}
    assert subjects["ana@example.com"].startswith(
        "NPS (Website) siirtyi tilasta ”vaarassa” tilaan ”tavoitteesta jäljessä”: 28,0 (95 %:n luottamusväli"
    )
    assert subjects["ben@example.com"].startswith(
        "NPS برای Website از «در معرض خطر» به «دور از هدف» رسید: ۲۸٫۰"
    )
    assert subjects["cid@example.com"] == SENTENCE
    [(_headers, body)] = receiver.posts
    assert json.loads(body)["text"].startswith(SENTENCE)
