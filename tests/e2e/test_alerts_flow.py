"""Alerts end to end through the real commands, each a subprocess: `python -m data.ingest` publishes the
example folder (tests/fixtures/example_data) into a new warehouse, then a CSV of answers as a second
snapshot; `python -m data.notify` delivers what that publish found. The state database is a fresh SQLite
file (PostgreSQL too for two senders at once), the mail server a real aiosmtpd on loopback
(tests/smtp_server.py), the webhook a real HTTP receiver thread. Nothing of the code under test is
patched: the test process only registers the webhook and subscriptions through data.state.alerts, as
an admin's page would, and reads the outbox.

The example's default view is Q4 2026 to date (as of 2026-11-20, its latest day) against Q3 2026.
Company-wide NPS is 16.3 pts there (44 promoters and 27 detractors of 104 answers) against a target of
15 ± 5: on track. Seventeen detractors at the support line from business accounts, on 2026-11-20 (so the
as-of stays), make it (44 − 44) / 121 = 0.0 pts, short by more than the tolerance: off track, with its
95% interval (−14.95 to 14.95) clear of the target, so a real change (seven detractors would make 9.0
pts, off track on its face, but with the target inside its interval: no alert). Nothing else alerts: the
support line was off track already (against its own target of 0), and business accounts go from too few
answers to judge (15 < min_sample 20) to 32, which is no status change; no change against Q3 becomes
significant.
"""

import hashlib
import hmac
import json
import os
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
import sqlalchemy as sa

import config
from data.state import alerts, database
from tests.smtp_server import SmtpServer

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "tests" / "fixtures" / "example_data"
PUBLIC_URL = "http://beacon.test"
SECRET = "e2e-webhook-s3cret"
COMMAND_SECONDS = 60
FOUND_ONE = "Alerts: 1 found in this publish (python -m data.notify sends them)."
FOUND_NONE = "Alerts: 0 found in this publish (python -m data.notify sends them)."
NOTHING_SENT = "found 0 events, queued 0 digests, sent 0, waiting 0, failed 0"
#: The answers that move company-wide NPS, and only it, off track (the module's docstring says why).
OFF_TRACK = [("nps", "support", "business", 0)] * 17
#: One passive (8) at the online checkout from a consumer: company-wide NPS (44 − 27) / 105 = 16.2 pts,
#: the checkout 28.6 → 27.6, consumers 16.9 → 16.7, every status as it was. (At the website, 15.2 pts a
#: hair above its target of 15 would become 14.7, at risk on its face; but its interval, ±26 pts, holds
#: the target, so that is no alert either: see the unit tests.)
WITHIN_NOISE = [("nps", "checkout", "consumer", 8)]


class Beacon:
    """One installation: a warehouse file, a state database, the mail server and the commands' settings."""

    def __init__(self, folder: Path, state_url: str, mail: SmtpServer):
        self.folder, self.state_url = folder, state_url
        self.warehouse = folder / "warehouse" / "cx.duckdb"
        self.warehouse.parent.mkdir(parents=True)
        self.env = {key: value for key, value in os.environ.items() if not key.startswith("BEACON_")}
        self.env.update(
            BEACON_WAREHOUSE=str(self.warehouse),
            BEACON_STATE_URL=state_url,
            BEACON_SMTP_URL=mail.url,
            BEACON_MAIL_FROM="Beacon <alerts@beacon.test>",
            BEACON_PUBLIC_URL=PUBLIC_URL,
            BEACON_LOG_LEVEL="WARNING",
            BEACON_DIGEST_DAY="off",  # the weekly digest has tests of its own; here, alerts only
        )
        self.batches = 0

    def command(self, module: str, *args: str) -> list[str]:
        return [sys.executable, "-m", module, *args]

    def run(self, module: str, *args: str) -> str:
        """Run `python -m module args…` to its end; its stdout (exit status 0 asserted)."""
        done = subprocess.run(
            self.command(module, *args),
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=COMMAND_SECONDS,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    def publish(self, answers: list[tuple]) -> str:
        """`python -m data.ingest` of a responses CSV with `answers` (metric, touchpoint, segment, score)
        given on 2026-11-20; the command's line about alerts."""
        self.batches += 1
        folder = self.folder / f"batch-{self.batches}"
        folder.mkdir()
        lines = ["response_id,metric_id,responded_at,touchpoint_id,segment_id,score,comment"]
        lines += [
            f"E2E-{self.batches}-{number},{metric},2026-11-20 10:{number % 60:02d}:00,{touchpoint},{segment},{score},"
            for number, (metric, touchpoint, segment, score) in enumerate(answers)
        ]
        path = folder / "responses.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return self.run("data.ingest", str(path)).strip().splitlines()[-1]

    def notify(self) -> str:
        """One pass of `python -m data.notify`: its line."""
        return self.run("data.notify").strip()

    def outbox(self) -> list[dict]:
        with database.reading(self.state_url) as connection:
            rows = connection.execute(sa.select(database.outbox).order_by(database.outbox.c.outbox_id))
            return [dict(row._mapping) for row in rows]


def published_once(tmp_path: Path, state_url: str, mail: SmtpServer, receiver, monkeypatch) -> Beacon:
    """The example folder ingested into a new warehouse (its first publication: statuses, no events),
    and a webhook registered to `receiver`, as an admin does on /alerts."""
    beacon = Beacon(tmp_path, state_url, mail)
    said = beacon.run("data.ingest", str(EXAMPLE)).strip().splitlines()[-1]
    assert said == FOUND_NONE
    monkeypatch.setattr(config, "STATE_URL", state_url)  # the test's own calls below, not the commands'
    alerts.add_webhook("Team chat", f"http://127.0.0.1:{receiver.server_port}/hook", SECRET, "admin")
    return beacon


@pytest.fixture
def beacon(tmp_path, mail, receiver, monkeypatch) -> Beacon:
    return published_once(tmp_path, f"sqlite:///{tmp_path / 'state.db'}", mail, receiver, monkeypatch)


def company_nps(warehouse: Path) -> dict:
    """What the live snapshot publishes for company-wide NPS in the default view, with the catalogue's
    name and owner, and the promoters and detractors counted from the raw answers."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        answer = con.execute(
            """
            SELECT a.status, a.value, a.low, a.high, a.n, a.target, m.name, o.email
            FROM kpi_answers AS a JOIN metrics AS m USING (metric_id) JOIN owners AS o USING (owner_id)
            WHERE a.metric_id = 'nps' AND a.period_key = '2026-Q4' AND a.compare = 'prev'
                AND a.touchpoint_id IS NULL AND a.segment_id IS NULL
            """
        ).fetchone()
        counted = con.execute(
            """
            SELECT count(*) FILTER (score >= 9), count(*) FILTER (score <= 6), count(*) FROM responses
            WHERE metric_id = 'nps' AND responded_at >= DATE '2026-10-01' AND responded_at < DATE '2026-11-21'
            """
        ).fetchone()
    keys = ("status", "value", "low", "high", "n", "target", "name", "owner_email")
    return {**dict(zip(keys, answer, strict=True)), "counted": counted}


def signed_by_secret(headers: dict, body: bytes) -> bool:
    """The receiver's check: X-Beacon-Signature = "sha256=" + HMAC-SHA256(secret, f"{timestamp}.{body}")."""
    expected = hmac.new(SECRET.encode(), headers["X-Beacon-Timestamp"].encode() + b"." + body, hashlib.sha256)
    return hmac.compare_digest(headers["X-Beacon-Signature"], "sha256=" + expected.hexdigest())


def test_a_metric_going_off_track_mails_its_owner_once_and_posts_one_signed_webhook(beacon, mail, receiver):
    """The second publish finds one event; one pass of data.notify sends exactly one e-mail, to NPS's
    owner, saying the metric, its value, 95% interval, n and target (the numbers the warehouse
    publishes, as the message writes them) with a one-click unsubscribe link, and exactly one webhook
    POST whose signature verifies and whose `text` is the same sentence; a second pass sends nothing."""
    assert beacon.publish(OFF_TRACK) == FOUND_ONE
    nps = company_nps(beacon.warehouse)
    assert nps["counted"] == (44, 27 + 17, 104 + 17)  # promoters, detractors, answers in Q4 to date
    assert (nps["status"], nps["n"], nps["target"]) == ("off_track", 121, 15.0)
    assert nps["value"] == pytest.approx(0.0)
    assert (round(nps["low"], 2), round(nps["high"], 2)) == (-14.95, 14.95)  # adjusted Wald, by hand
    sentence = (
        "Net promoter score went from on track to off track for all customers: 0.0 (95% interval −15.0 to "
        "15.0, n = 121), target ≥ 15.0 (tolerance 5.0), Q4 2026 to date."
    )

    assert beacon.notify() == "found 0 events, queued 0 digests, sent 2, waiting 0, failed 0"

    [(to, message)] = mail.wait_for(1)
    assert to == [nps["owner_email"]] == ["maria.lopez@example.com"]
    assert message["To"] == "maria.lopez@example.com" and message["Subject"] == sentence
    text = message.get_body(("plain",)).get_content()
    assert sentence in text and f"{PUBLIC_URL}/metric/nps" in text
    unsubscribe = message["List-Unsubscribe"].strip().strip("<>")
    assert unsubscribe.startswith(f"{PUBLIC_URL}/unsubscribe/") and unsubscribe in text
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    with receiver.arrived:
        assert receiver.arrived.wait_for(lambda: len(receiver.posts) >= 1, 10)
    [(headers, body)] = receiver.posts
    assert signed_by_secret(headers, body)
    assert abs(time.time() - int(headers["X-Beacon-Timestamp"])) < 300
    posted = json.loads(body)
    assert posted["text"] == f"{sentence} {PUBLIC_URL}/metric/nps"
    assert (posted["kind"], posted["event"]["metric_id"]) == ("status_worsened", "nps")
    assert posted["event"]["n"] == 121
    assert posted["event"]["value"] == pytest.approx(nps["value"])

    assert beacon.notify() == NOTHING_SENT
    assert len(mail.messages) == 1 and len(receiver.posts) == 1
    assert [(r["channel"], r["status"], r["attempts"]) for r in beacon.outbox()] == [
        ("email", "sent", 1),
        ("webhook", "sent", 1),
    ]


def test_a_mail_server_away_delays_the_message_and_loses_nothing(beacon, mail, receiver):
    """With the mail server stopped, a pass exits 0: the webhook goes, the e-mail stays pending with
    one attempt and its error. With the server back, the message waits for its backoff; once due
    (next_attempt_at moved into the past, as time passing would) it is delivered once, and only once."""
    beacon.publish(OFF_TRACK)
    mail.stop()

    assert beacon.notify() == "found 0 events, queued 0 digests, sent 1, waiting 1, failed 0"

    email, hook = beacon.outbox()
    assert (email["channel"], email["status"], email["attempts"]) == ("email", "pending", 1)
    assert email["last_error"] and "refused" in email["last_error"].lower()
    assert email["next_attempt_at"] > email["created_at"]
    assert (hook["status"], len(receiver.posts)) == ("sent", 1)

    mail.start()
    assert (
        beacon.notify() == "found 0 events, queued 0 digests, sent 0, waiting 1, failed 0"
    )  # its backoff is not over
    assert mail.messages == []
    with database.writing(beacon.state_url) as connection:
        connection.execute(
            database.outbox.update()
            .where(database.outbox.c.outbox_id == email["outbox_id"])
            .values(next_attempt_at=datetime(2000, 1, 1))
        )

    assert beacon.notify() == "found 0 events, queued 0 digests, sent 1, waiting 0, failed 0"
    [(to, message)] = mail.wait_for(1)
    assert to == ["maria.lopez@example.com"]
    assert message["Subject"].startswith("Net promoter score went from on track to off track")
    assert beacon.notify() == NOTHING_SENT
    assert len(mail.messages) == 1 and len(receiver.posts) == 1
    email = beacon.outbox()[0]
    assert (email["status"], email["attempts"], email["last_error"]) == ("sent", 2, None)


@pytest.mark.parametrize("store", ["sqlite", "postgresql"])
def test_two_senders_started_at_once_send_each_message_once(
    store, tmp_path, mail, receiver, monkeypatch, request
):
    """Fifty subscribers to NPS besides its owner: the event is 51 e-mails (distinct recipients, so the
    daily cap does not bite) and one webhook. Two `python -m data.notify` passes started together on
    the same outbox deliver every message exactly once, counted by Message-ID at the mail server."""
    if store == "sqlite":
        url = f"sqlite:///{tmp_path / 'state.db'}"
    else:
        url = request.getfixturevalue("postgres_cluster")()
    beacon = published_once(tmp_path, url, mail, receiver, monkeypatch)
    for number in range(50):
        alerts.subscribe(f"user{number}", f"user{number}@example.com", "metric", "nps", "instant")
    beacon.publish(OFF_TRACK)
    assert len(beacon.outbox()) == 52

    senders = [
        subprocess.Popen(
            beacon.command("data.notify"),
            cwd=ROOT,
            env=beacon.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    said = [sender.communicate(timeout=COMMAND_SECONDS) for sender in senders]
    assert [sender.returncode for sender in senders] == [0, 0], said

    received = mail.wait_for(51)
    assert len(received) == 51
    ids = Counter(message["Message-ID"] for _to, message in received)
    assert len(ids) == 51 and set(ids.values()) == {1}
    assert sorted(to for recipients, _m in received for to in recipients) == sorted(
        ["maria.lopez@example.com"] + [f"user{n}@example.com" for n in range(50)]
    )
    assert len(receiver.posts) == 1
    sent = sum(int(out.split("sent ")[1].split(",")[0]) for out, _err in said)
    assert sent == 52
    assert {row["status"] for row in beacon.outbox()} == {"sent"}


def test_a_change_within_noise_sends_nothing(beacon, mail, receiver):
    """One more passive answer moves NPS by a fraction of its interval: the publish finds no event and
    a pass of data.notify sends nothing, by e-mail or webhook."""
    assert beacon.publish(WITHIN_NOISE) == FOUND_NONE
    nps = company_nps(beacon.warehouse)
    assert (nps["status"], nps["n"]) == ("on_track", 105)

    assert beacon.notify() == NOTHING_SENT
    assert mail.messages == [] and receiver.posts == [] and beacon.outbox() == []
