"""Delivering the outbox: claim due messages, send them, mark them, each message once however many
senders run at once.

A claim is one write transaction marking due rows `sending` for this sender until `claimed_until`
(PostgreSQL: FOR UPDATE SKIP LOCKED, so two senders take different rows; SQLite: BEGIN IMMEDIATE, so
they take turns). A sender that dies mid-pass leaves its rows to the next after the lease. Each send
adds a delivery_attempts row; a failure puts the message back with a backoff (1, 2, 4 … minutes, at
most 60), and a mail server's permanent refusal (5xx) fails it after MAX_PERMANENT tries.

A recipient's daily-batch messages, and what goes past ALERT_DAILY_CAP in a local day, go out as one
summary at the next DAILY_HOUR: the earliest row carries it, the others become `merged` into it.
"""

import base64
import logging
import os
import socket
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from types import ModuleType

import sqlalchemy as sa

import config
import i18n
from data.notify import smtp, webhook
from data.notify.language import account_languages
from data.state import alerts, database
from data.state.commitments import current_time

log = logging.getLogger(__name__)

outbox, attempts, events = database.outbox, database.delivery_attempts, database.alert_events
#: How long a claim holds its rows: far longer than a pass's sends, short enough to recover soon.
LEASE = timedelta(minutes=10)
#: Rows claimed per transaction.
CLAIM_BATCH = 500
MAX_PERMANENT = 3
BACKOFF_CAP_MINUTES = 60


def sender_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def backoff(attempt: int) -> timedelta:
    """The wait after the `attempt`th failure: 1, 2, 4 … minutes, at most an hour."""
    return timedelta(minutes=min(2 ** (attempt - 1), BACKOFF_CAP_MINUTES))


class Undeliverable(Exception):
    """A message that cannot be sent at all (its webhook is gone): failed at once."""


class _DryRun(Exception):
    """Rolls a dry run's claim back."""


@dataclass
class Tally:
    sent: int = 0
    waiting: int = 0
    failed: int = 0
    planned: list[str] = field(default_factory=list)  # --dry-run: what would be sent


def _due(now: datetime):
    c = outbox.c
    return sa.or_(
        sa.and_(c.status == "pending", c.due_at <= now, c.next_attempt_at <= now),
        sa.and_(c.status == "sending", c.claimed_until < now),  # a dead sender's lease ran out
    )


def _sent_today(connection, recipients: list[str], now: datetime, name: str) -> dict[str, int]:
    """Messages each address had today, counting those `name` holds claimed (a dry run's earlier
    claims, in its one transaction)."""
    day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    c = outbox.c
    rows = connection.execute(
        sa.select(c.recipient, sa.func.count())
        .where(
            c.recipient.in_(recipients),
            sa.or_(
                sa.and_(c.status == "sent", c.sent_at >= day),
                sa.and_(c.status == "sending", c.claimed_by == name, c.channel == "email"),
            ),
        )
        .group_by(c.recipient)
    )
    return dict(rows.all())


def claim(connection, name: str, now: datetime, limit: int | None = None) -> list[dict]:
    """Claim due rows for `name` in this write transaction, at most `limit` (default CLAIM_BATCH, read
    at the call); returns the messages to send now (a summary's carrier has `merged` set to its rows),
    having deferred what goes past the cap."""
    c = outbox.c
    limit = CLAIM_BATCH if limit is None else limit
    query = sa.select(outbox).where(_due(now)).order_by(c.due_at, c.outbox_id).limit(limit)
    if connection.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = [dict(row._mapping) for row in connection.execute(query)]
    if not rows:
        return []
    emails = sorted({row["recipient"] for row in rows if row["channel"] == "email"})
    sent = _sent_today(connection, emails, now, name) if emails else {}
    send, defer, merge = [], [], {}
    for row in rows:
        key = (row["channel"], row["recipient"])
        if row["batch"] == "daily" and row["kind"] == "event":
            merge.setdefault(key, []).append(row)
        elif (
            row["channel"] == "email"
            and row["kind"] == "event"
            and sent.get(row["recipient"], 0) >= config.ALERT_DAILY_CAP
        ):
            defer.append(row["outbox_id"])
        else:
            send.append(row)
            if row["channel"] == "email":
                sent[row["recipient"]] = sent.get(row["recipient"], 0) + 1
    for group in merge.values():
        # A summary tried before carries the rows merged into it then: they go in this one too.
        earlier = [
            dict(row._mapping)
            for row in connection.execute(
                sa.select(outbox)
                .where(c.status == "merged", c.merged_into.in_([row["outbox_id"] for row in group]))
                .order_by(c.outbox_id)
            )
        ]
        carrier = group[0]
        carrier["merged"] = sorted(group + earlier, key=lambda row: row["outbox_id"])
        send.append(carrier)
        others = [row["outbox_id"] for row in group[1:] + earlier]
        if others:
            connection.execute(
                outbox.update()
                .where(c.outbox_id.in_(others))
                .values(
                    status="merged", merged_into=carrier["outbox_id"], claimed_by=name, claimed_until=None
                )
            )
    if defer:
        # Past the day's cap: one summary with the rest at the next DAILY_HOUR.
        connection.execute(
            outbox.update()
            .where(c.outbox_id.in_(defer))
            .values(
                status="pending",
                batch="daily",
                due_at=alerts.next_daily_hour(now),
                next_attempt_at=alerts.next_daily_hour(now),
                claimed_by=None,
                claimed_until=None,
            )
        )
    if send:
        connection.execute(
            outbox.update()
            .where(c.outbox_id.in_([row["outbox_id"] for row in send]))
            .values(status="sending", claimed_by=name, claimed_until=now + LEASE)
        )
    return send


def _event_facts(connection, event_ids: list[int]) -> dict[int, tuple[str, dict]]:
    rows = connection.execute(
        sa.select(events.c.event_id, events.c.kind, events.c.facts).where(events.c.event_id.in_(event_ids))
    )
    return {event_id: (kind, facts) for event_id, kind, facts in rows}


def _unsubscribe_subject(connection, row: dict, facts: dict) -> tuple[str, str | None]:
    if row["subscription_id"] is not None:
        found = connection.execute(
            sa.select(database.subscriptions.c.subject, database.subscriptions.c.subject_id).where(
                database.subscriptions.c.subscription_id == row["subscription_id"]
            )
        ).first()
        if found:
            return found.subject, found.subject_id
    if row["kind"] == "digest":
        return "digest", None
    if row["reason"] == "assignee":  # new cases: stop them, not a metric's alerts
        return "cases", None
    return "metric", facts.get("metric_id")


def _prepare(connection, rows: list[dict], owner_ids: dict[str, str] | None = None) -> list[dict]:
    """What each claimed message says: its events, webhook address, unsubscribe link, and the language
    it is worded in (its recipient's account's, else None: the default; data.notify.language)."""
    emails = [row["recipient"] for row in rows if row["channel"] == "email"]
    languages = account_languages(connection, emails, owner_ids) if emails else {}
    ids = {r["event_id"] for row in rows for r in row.get("merged", [row]) if r["event_id"] is not None}
    facts = _event_facts(connection, sorted(ids)) if ids else {}
    hooks = {
        str(h.webhook_id): h
        for h in connection.execute(sa.select(database.webhooks).where(database.webhooks.c.enabled))
    }
    for row in rows:
        row["events"] = [
            (r["event_id"], *facts[r["event_id"]]) for r in row.get("merged", [row]) if r["event_id"] in facts
        ]
        row["hook"] = hooks.get(row["recipient"]) if row["channel"] == "webhook" else None
        row["unsubscribe"] = None
        row["language"] = languages.get(row["recipient"].lower()) if row["channel"] == "email" else None
        if row["channel"] == "email":
            first = row["events"][0][2] if row["events"] else {}
            subject, subject_id = _unsubscribe_subject(connection, row, first)
            token = alerts.new_unsubscribe_link(
                connection, row["outbox_id"], row["recipient"], row["subscription_id"], subject, subject_id
            )
            row["unsubscribe"] = f"{config.PUBLIC_URL}/unsubscribe/{token}"
    return rows


def email(row: dict, wording: ModuleType) -> EmailMessage:
    """The e-mail for a prepared outbox row: one event, a summary, or a digest (its payload), in the
    words of `wording` (components.alert_messages, handed in by the command: this layer has no words)."""
    if row["kind"] == "digest":
        subject, text, page = wording.digest_copy(row["payload"], row["unsubscribe"])
    elif len(row["events"]) == 1:
        _id, kind, facts = row["events"][0]
        subject, text, page = wording.event_mail(kind, facts, row["unsubscribe"])
    else:
        subject, text, page = wording.summary_mail([(k, f) for _i, k, f in row["events"]], row["unsubscribe"])
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = config.MAIL_FROM
    message["To"] = row["recipient"]
    message["Date"] = formatdate(localtime=True)
    domain = parseaddr(config.MAIL_FROM)[1].partition("@")[2] or "localhost"
    # Stable per row, so that a retry after a lost answer is recognised as the same message.
    message["Message-ID"] = f"<beacon-outbox-{row['outbox_id']}@{domain}>"
    if row["unsubscribe"]:
        message["List-Unsubscribe"] = f"<{row['unsubscribe']}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(text)
    message.add_alternative(page, subtype="html")
    attachment = (row.get("payload") or {}).get("attachment") if row["kind"] == "digest" else None
    if attachment:
        # The review pack: kept in the outbox itself, so that a sender on any host can attach it.
        message.add_attachment(
            base64.b64decode(attachment["content_base64"]),
            maintype="application",
            subtype="pdf",
            filename=attachment["filename"],
        )
    return message


def _describe(row: dict, wording: ModuleType) -> str:
    if row["kind"] == "digest":
        subject = row["payload"]["subject"]
    elif len(row["events"]) == 1:
        subject = wording.sentence(row["events"][0][1], row["events"][0][2])
    else:
        subject = wording.summary_subject(len(row["events"]))
    return f"{row['recipient']} {row['channel']} {subject}"


def _mark(connection, row: dict, name: str, now: datetime, error: Exception | None) -> str:
    ok = error is None
    connection.execute(
        attempts.insert().values(
            outbox_id=row["outbox_id"], at=now, sender=name, ok=ok, error=None if ok else str(error)[:2000]
        )
    )
    tries = row["attempts"] + 1
    c = outbox.c
    if ok:
        values = {"status": "sent", "sent_at": now, "last_error": None}
    elif isinstance(error, Undeliverable) or (
        row["channel"] == "email" and smtp.permanent(error) and tries >= MAX_PERMANENT
    ):
        values = {"status": "failed", "last_error": str(error)[:2000]}
    else:
        values = {
            "status": "pending",
            "next_attempt_at": now + backoff(tries),
            "last_error": str(error)[:2000],
        }
    # Only while the claim is still this sender's: a lease taken over is the other sender's to mark.
    connection.execute(
        outbox.update()
        .where(c.outbox_id == row["outbox_id"], c.claimed_by == name, c.status == "sending")
        .values(attempts=tries, claimed_by=None, claimed_until=None, **values)
    )
    if ok and row.get("merged"):
        connection.execute(outbox.update().where(c.merged_into == row["outbox_id"]).values(sent_at=now))
    return values["status"]


def deliver(row: dict, mail: smtp.Connection | None, wording: ModuleType) -> None:
    """Send one prepared row, worded in its recipient's language (row["language"], else the default)."""
    with i18n.language(row.get("language")):
        _deliver(row, mail, wording)


def _deliver(row: dict, mail: smtp.Connection | None, wording: ModuleType) -> None:
    if row["channel"] == "email":
        if mail is None:
            raise RuntimeError("BEACON_SMTP_URL is not set: no e-mail can be sent")
        mail.send(email(row, wording))
    elif row["channel"] == "webhook":
        if row["hook"] is None:
            raise Undeliverable(f"webhook {row['recipient']} is removed or disabled")
        for event_id, kind, facts in row["events"]:
            webhook.post(row["hook"].url, row["hook"].secret, wording.webhook_body(event_id, kind, facts))
    else:
        raise Undeliverable(f"unknown channel {row['channel']!r}")


def deliver_due(
    url: str | None = None,
    *,
    wording: ModuleType,
    dry_run: bool = False,
    name: str | None = None,
    owner_ids: dict[str, str] | None = None,
) -> Tally:
    """Send every due message once, in the words of `wording`, each in its recipient's language
    (`owner_ids`: the catalogue's owner e-mail → owner_id, to find an owner's account); with
    `dry_run`, list them and change nothing."""
    name = name or sender_name()
    tally = Tally()
    mail = smtp.Connection(smtp.parse(config.SMTP_URL)) if config.SMTP_URL else None
    try:
        while True:
            now = current_time()
            if dry_run:
                try:
                    with database.writing(url) as connection:
                        # Claim after claim in one transaction (each takes rows the last did not),
                        # then all rolled back.
                        while claimed := claim(connection, name, now):
                            for row in _prepare(connection, claimed, owner_ids):
                                with i18n.language(row["language"]):
                                    tally.planned.append(_describe(row, wording))
                        raise _DryRun
                except _DryRun:
                    break
            with database.writing(url) as connection:
                rows = _prepare(connection, claim(connection, name, now), owner_ids)
            if not rows:
                break
            for row in rows:
                try:
                    deliver(row, mail, wording)
                    error = None
                except Exception as failure:  # every failure is recorded, and retried unless permanent
                    error = failure
                    log.warning("Outbox %d to %s not sent: %s", row["outbox_id"], row["recipient"], failure)
                with database.writing(url) as connection:
                    status = _mark(connection, row, name, current_time(), error)
                tally.sent += status == "sent"
                tally.failed += status == "failed"
    finally:
        if mail is not None:
            mail.close()
    with database.reading(url) as connection:
        tally.waiting = connection.execute(
            sa.select(sa.func.count()).select_from(outbox).where(outbox.c.status.in_(("pending", "sending")))
        ).scalar()
    return tally
