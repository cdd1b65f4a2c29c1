"""Alerts' store: events (each once, by its dedupe_key), who hears of them, and the outbox they wait
in for data.notify; each publication's slice statuses; subscriptions, owners' opt-outs, one-use
unsubscribe links and the admins' webhooks.

An event goes to its metric's owner (the catalogue's e-mail) unless they opted out of that metric, to
every active subscription on its metric, touchpoint or segment, and to every enabled webhook: one
outbox row per (channel, recipient), so nobody hears of an event twice. An event addressed to one
person (`assignee_email` in its facts: new follow-up cases) goes to them unless they opted out of
cases' messages (subject "cases"), and to the webhooks.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

import config
from data.state import cases, database
from data.state.commitments import current_time
from data.warehouse import events as found
from data.warehouse.snapshot import previous_path as kept_previous

SUBJECTS = ("metric", "touchpoint", "segment", "digest")
BATCHES = ("instant", "daily")
EMAIL_MAX = 320
#: Keys asked about per statement by `recorded` (databases bound the parameters of one statement).
RECORDED_CHUNK = 1000

_events, _outbox = database.alert_events, database.outbox
_subscriptions, _opt_outs, _links = database.subscriptions, database.opt_outs, database.unsubscribe_links
_webhooks, _publications, _statuses = database.webhooks, database.publications, database.slice_statuses


@dataclass(frozen=True)
class Recipient:
    channel: str  # email | webhook
    recipient: str  # an e-mail address, or a webhook's id
    reason: str  # owner | assignee | subscription | webhook
    subscription_id: int | None = None
    batch: str = "instant"


def _insert_new(connection, table: sa.Table, values: dict, key: list[str]) -> int | None:
    """Insert `values` unless a row with the same unique `key` exists (then nothing, and None): the
    database decides, so two writers racing on PostgreSQL insert it once. Returns the new primary key."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table).values(**values).on_conflict_do_nothing(index_elements=key)
    result = connection.execute(statement)
    if result.rowcount == 0:
        return None
    (primary,) = result.inserted_primary_key
    return primary


def add_event(
    connection,
    kind: str,
    dedupe_key: str,
    facts: dict,
    *,
    metric_id: str | None = None,
    touchpoint_id: str | None = None,
    segment_id: str | None = None,
    commitment_id: int | None = None,
    snapshot_id: str | None = None,
    found_at: datetime | None = None,
) -> int | None:
    """The new event's id; None (nothing inserted) when an event with `dedupe_key` exists."""
    values = {
        "kind": kind,
        "dedupe_key": dedupe_key,
        "metric_id": metric_id,
        "touchpoint_id": touchpoint_id,
        "segment_id": segment_id,
        "commitment_id": commitment_id,
        "snapshot_id": snapshot_id,
        "found_at": found_at or current_time(),
        "facts": facts,
    }
    return _insert_new(connection, _events, values, ["dedupe_key"])


def recipients_for(connection, facts: dict) -> list[Recipient]:
    """Who hears of an event with `facts`: the owner (unless opted out of the metric), the matching
    active subscriptions, every enabled webhook; one per (channel, recipient), the owner's default
    before a subscription, and daily only when every matching subscription of that address is daily."""
    metric_id, touchpoint_id, segment_id = (
        facts.get("metric_id"),
        facts.get("touchpoint_id"),
        facts.get("segment_id"),
    )
    chosen: dict[tuple[str, str], Recipient] = {}
    owner = (facts.get("owner_email") or "").strip().lower()
    if owner and metric_id:
        opted_out = connection.execute(
            sa.select(_opt_outs.c.opt_out_id).where(
                sa.func.lower(_opt_outs.c.email) == owner,
                _opt_outs.c.subject == "metric",
                _opt_outs.c.subject_id == metric_id,
            )
        ).first()
        if opted_out is None:
            chosen[("email", owner)] = Recipient("email", owner, "owner")
    # An event addressed to one person (a case_new to the cases' assignee), unless they opted out of it.
    addressed = (facts.get("assignee_email") or "").strip().lower()
    if addressed:
        opted_out = connection.execute(
            sa.select(_opt_outs.c.opt_out_id).where(
                sa.func.lower(_opt_outs.c.email) == addressed, _opt_outs.c.subject == "cases"
            )
        ).first()
        if opted_out is None:
            chosen[("email", addressed)] = Recipient("email", addressed, "assignee")
    matches = [
        sa.and_(_subscriptions.c.subject == subject, _subscriptions.c.subject_id == subject_id)
        for subject, subject_id in (
            ("metric", metric_id),
            ("touchpoint", touchpoint_id),
            ("segment", segment_id),
        )
        if subject_id
    ]
    if matches:
        subscribed = connection.execute(
            sa.select(_subscriptions.c.subscription_id, _subscriptions.c.email, _subscriptions.c.batch)
            .where(_subscriptions.c.ended_at.is_(None), sa.or_(*matches))
            .order_by(_subscriptions.c.subscription_id)
        ).all()
        for subscription_id, email, batch in subscribed:
            key = ("email", email.lower())
            held = chosen.get(key)
            if held is None:
                chosen[key] = Recipient("email", email.lower(), "subscription", subscription_id, batch)
            elif held.reason == "subscription" and held.batch == "daily" and batch == "instant":
                chosen[key] = Recipient("email", email.lower(), "subscription", subscription_id, "instant")
    hooks = connection.execute(
        sa.select(_webhooks.c.webhook_id)
        .where(_webhooks.c.enabled, _webhooks.c.ended_at.is_(None))
        .order_by(_webhooks.c.webhook_id)
    ).scalars()
    for webhook_id in hooks:
        chosen[("webhook", str(webhook_id))] = Recipient("webhook", str(webhook_id), "webhook")
    return list(chosen.values())


def next_daily_hour(now: datetime) -> datetime:
    """The next DAILY_HOUR o'clock after `now` (local time): when a daily batch goes out."""
    at = now.replace(hour=config.DAILY_HOUR, minute=0, second=0, microsecond=0)
    return at if at > now else at + timedelta(days=1)


def _queue_row(connection, recipient: Recipient, due: datetime, now: datetime, **values) -> int | None:
    """One pending outbox row for `recipient`, unless its (dedupe_key, channel, recipient) is there."""
    values = {
        **values,
        "channel": recipient.channel,
        "recipient": recipient.recipient,
        "reason": recipient.reason,
        "subscription_id": recipient.subscription_id,
        "batch": recipient.batch,
        "due_at": due,
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": due,
        "created_at": now,
    }
    return _insert_new(connection, _outbox, values, ["dedupe_key", "channel", "recipient"])


def queue(
    connection, event_id: int, recipients: list[Recipient], due_at: datetime | None = None
) -> list[int]:
    """Outbox rows of event `event_id`, one per recipient, pending: due at `due_at` (default now), or at
    the next DAILY_HOUR for a daily batch. A row already there is skipped. Returns the new rows' ids."""
    now = current_time()
    ids = []
    for recipient in recipients:
        due = next_daily_hour(now) if recipient.batch == "daily" else (due_at or now)
        outbox_id = _queue_row(
            connection, recipient, due, now, dedupe_key=f"event:{event_id}", event_id=event_id, kind="event"
        )
        if outbox_id is not None:
            ids.append(outbox_id)
    return ids


def digest_recipients(connection, owner_emails: list[str]) -> list[Recipient]:
    """Who gets the weekly digest: every metric owner in `owner_emails` (the catalogue's) unless they
    opted out of the digest, and every active digest subscription; one per address, the owner's
    default before a subscription (as recipients_for)."""
    opted_out = set(
        connection.execute(
            sa.select(sa.func.lower(_opt_outs.c.email)).where(_opt_outs.c.subject == "digest")
        ).scalars()
    )
    chosen: dict[str, Recipient] = {}
    for email in owner_emails:
        email = (email or "").strip().lower()
        if email and email not in opted_out:
            chosen.setdefault(email, Recipient("email", email, "owner"))
    subscribed = connection.execute(
        sa.select(_subscriptions.c.subscription_id, _subscriptions.c.email)
        .where(_subscriptions.c.subject == "digest", _subscriptions.c.ended_at.is_(None))
        .order_by(_subscriptions.c.subscription_id)
    )
    for subscription_id, email in subscribed:
        chosen.setdefault(email.lower(), Recipient("email", email.lower(), "subscription", subscription_id))
    return list(chosen.values())


def digest_queued(connection, dedupe_key: str) -> set[str]:
    """The addresses the digest `dedupe_key` (digest:<week>) is queued for already."""
    return set(
        connection.execute(
            sa.select(_outbox.c.recipient).where(
                _outbox.c.dedupe_key == dedupe_key, _outbox.c.kind == "digest"
            )
        ).scalars()
    )


def queue_digest(
    connection, dedupe_key: str, recipients: list[Recipient], payload: dict, due_at: datetime
) -> list[int]:
    """Outbox rows of one digest (`payload`: subject, text, html and perhaps an attachment), one per
    recipient, due at `due_at`; an address it is queued for already is skipped. The new rows' ids."""
    now = current_time()
    ids = []
    for recipient in recipients:
        outbox_id = _queue_row(
            connection, recipient, due_at, now, dedupe_key=dedupe_key, kind="digest", payload=payload
        )
        if outbox_id is not None:
            ids.append(outbox_id)
    return ids


def found_since(connection, since: datetime, kinds: tuple[str, ...]) -> list[dict]:
    """The events of `kinds` found at or after `since`, oldest first: what a digest says changed."""
    query = (
        sa.select(_events.c.event_id, _events.c.kind, _events.c.found_at, _events.c.facts)
        .where(_events.c.found_at >= since, _events.c.kind.in_(kinds))
        .order_by(_events.c.found_at, _events.c.event_id)
    )
    return _dicts(connection, query)


def recorded(connection, dedupe_keys: list[str]) -> set[str]:
    """Which of `dedupe_keys` name an event recorded already."""
    held: set[str] = set()
    for start in range(0, len(dedupe_keys), RECORDED_CHUNK):  # thousands of overdue cases: in chunks
        chunk = dedupe_keys[start : start + RECORDED_CHUNK]
        held.update(
            connection.execute(
                sa.select(_events.c.dedupe_key).where(_events.c.dedupe_key.in_(chunk))
            ).scalars()
        )
    return held


def record(connection, kind: str, dedupe_key: str, facts: dict, **ids) -> int | None:
    """Add the event and queue it to everyone who hears of it; None when it was recorded before."""
    event_id = add_event(connection, kind, dedupe_key, facts, **ids)
    if event_id is not None:
        queue(connection, event_id, recipients_for(connection, facts))
    return event_id


def _recorded(snapshot_id: str, url: str | None) -> bool:
    with database.reading(url) as connection:
        held = connection.execute(
            sa.select(_publications.c.snapshot_id).where(_publications.c.snapshot_id == snapshot_id)
        ).first()
    return held is not None


def record_publication(
    live_path: Path, previous_path: Path | None = None, url: str | None = None
) -> int | None:
    """Record the snapshot at `live_path` once: its publication, the events since `previous_path`
    (default: the one kept beside it) with their outbox rows, the follow-up cases of its new answers
    (data.state.cases.record_cases, one case_new event per assignee), and its slice statuses (a slice
    whose status is unchanged keeps its `since`). The number of events found; None when this snapshot was
    recorded before (by another publish step or a data.notify pass) or there is no snapshot file.
    `url`: the state database (default BEACON_STATE_URL)."""
    if not Path(live_path).exists() or _recorded(found.snapshot_identity(live_path), url):
        return None
    publication = found.detect(live_path, previous_path)
    now = current_time()
    with database.writing(url) as connection:
        row = {
            "snapshot_id": publication.snapshot_id,
            "previous_id": publication.previous_id,
            "as_of": publication.as_of,
            "published_at": now,
            "events": len(publication.events),
        }
        if _insert_new(connection, _publications, row, ["snapshot_id"]) is None:
            return None
        for event in publication.events:
            record(
                connection,
                event["kind"],
                event["dedupe_key"],
                event["facts"],
                metric_id=event["metric_id"],
                touchpoint_id=event["touchpoint_id"],
                segment_id=event["segment_id"],
                snapshot_id=publication.snapshot_id,
                found_at=now,
            )
        # The follow-up cases of the answers new in this snapshot, and one case_new per assignee.
        previous = Path(previous_path) if previous_path is not None else kept_previous(Path(live_path))
        opened = cases.record_cases(connection, Path(live_path), previous, publication.snapshot_id, now)
        for dedupe_key, facts in opened.messages:
            record(
                connection, "case_new", dedupe_key, facts, snapshot_id=publication.snapshot_id, found_at=now
            )
        if opened.by_assignee:
            connection.execute(
                _publications.update()
                .where(_publications.c.snapshot_id == publication.snapshot_id)
                .values(events=len(publication.events) + len(opened.by_assignee))
            )
        held = {
            (r.metric_id, r.touchpoint_id, r.segment_id): (r.status, r.since)
            for r in connection.execute(sa.select(_statuses))
        }
        connection.execute(_statuses.delete())
        rows = []
        for status in publication.statuses:
            before = held.get((status["metric_id"], status["touchpoint_id"], status["segment_id"]))
            since = before[1] if before is not None and before[0] == status["status"] else now
            rows.append({**status, "snapshot_id": publication.snapshot_id, "since": since})
        if rows:
            connection.execute(_statuses.insert(), rows)
    return len(publication.events) + len(opened.by_assignee)


def after_publish(live_path: Path) -> str:
    """Record a publish just made, for a command line: the sentence it prints. A state database that
    does not answer leaves the snapshot published: the next data.notify pass records it instead."""
    try:
        database.migrate()
        count = record_publication(live_path)
    except (database.BusyError, sa.exc.SQLAlchemyError) as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return (
            f"Warning: the alerts of this snapshot were not recorded ({reason}); "
            "`python -m data.notify` will find them on its next pass."
        )
    if count is None:
        return "Alerts: this snapshot was recorded already."
    return f"Alerts: {count} found in this publish (python -m data.notify sends them)."


# Reads and changes for pages (each opens its own transaction).


def events(viewer_email: str | None = None, metric_id: str | None = None, limit: int = 100) -> list[dict]:
    """The latest events, newest first, each with its deliveries ([{outbox_id, channel, recipient,
    status, attempts, sent_at, next_attempt_at, last_error}]); `viewer_email` None: all, else only the events with a
    delivery to that address; `metric_id`: that metric's only."""
    query = sa.select(_events).order_by(_events.c.found_at.desc(), _events.c.event_id.desc()).limit(limit)
    if metric_id is not None:
        query = query.where(_events.c.metric_id == metric_id)
    if viewer_email is not None:
        delivered = sa.select(_outbox.c.event_id).where(
            _outbox.c.channel == "email", sa.func.lower(_outbox.c.recipient) == viewer_email.strip().lower()
        )
        query = query.where(_events.c.event_id.in_(delivered))
    with database.reading() as connection:
        found_events = [dict(row._mapping) for row in connection.execute(query)]
        ids = [event["event_id"] for event in found_events]
        deliveries: dict[int, list[dict]] = {event_id: [] for event_id in ids}
        if ids:
            rows = connection.execute(
                sa.select(
                    _outbox.c.event_id,
                    _outbox.c.outbox_id,
                    _outbox.c.channel,
                    _outbox.c.recipient,
                    _outbox.c.status,
                    _outbox.c.attempts,
                    _outbox.c.sent_at,
                    _outbox.c.next_attempt_at,
                    _outbox.c.last_error,
                )
                .where(_outbox.c.event_id.in_(ids))
                .order_by(_outbox.c.outbox_id)
            )
            for row in rows:
                delivery = dict(row._mapping)
                deliveries[delivery.pop("event_id")].append(delivery)
    return [{**event, "deliveries": deliveries[event["event_id"]]} for event in found_events]


def _email(email: str) -> str:
    """An e-mail address as stored (trimmed, lower case); ValueError saying what is wrong with it."""
    email = (email or "").strip().lower()
    if not email:
        raise ValueError("Give an e-mail address.")
    if len(email) > EMAIL_MAX:
        raise ValueError(f"An e-mail address has at most {EMAIL_MAX} characters.")
    if (
        email.count("@") != 1
        or any(c.isspace() for c in email)
        or email.startswith("@")
        or email.endswith("@")
    ):
        raise ValueError(f"“{email}” is not an e-mail address (name@example.com).")
    return email


def _subject(subject: str, subject_id: str | None) -> tuple[str, str | None]:
    if subject not in SUBJECTS:
        raise ValueError(f"Subscribe to a metric, touchpoint, segment or the digest, not “{subject}”.")
    if subject == "digest":
        return subject, None
    subject_id = (subject_id or "").strip()
    if not subject_id:
        raise ValueError(f"Choose which {subject} to hear about.")
    return subject, subject_id


def _dicts(connection, query) -> list[dict]:
    return [dict(row._mapping) for row in connection.execute(query)]


def subscriptions_of(username: str) -> list[dict]:
    """The active subscriptions of `username`, oldest first."""
    with database.reading() as connection:
        return _dicts(
            connection,
            sa.select(_subscriptions)
            .where(_subscriptions.c.username == username, _subscriptions.c.ended_at.is_(None))
            .order_by(_subscriptions.c.subscription_id),
        )


def subscribe(username: str, email: str, subject: str, subject_id: str | None, batch: str) -> int:
    """A new subscription's id (or the same active one's, asked again); ValueError on bad input."""
    email = _email(email)
    subject, subject_id = _subject(subject, subject_id)
    if batch not in BATCHES:
        raise ValueError(f"Send alerts at once (instant) or in a daily summary (daily), not “{batch}”.")
    with database.writing() as connection:
        same = connection.execute(
            sa.select(_subscriptions.c.subscription_id).where(
                _subscriptions.c.username == username,
                _subscriptions.c.email == email,
                _subscriptions.c.subject == subject,
                _subscriptions.c.subject_id.is_(None)
                if subject_id is None
                else _subscriptions.c.subject_id == subject_id,
                _subscriptions.c.batch == batch,
                _subscriptions.c.ended_at.is_(None),
            )
        ).first()
        if same is not None:
            return same[0]
        return connection.execute(
            _subscriptions.insert().values(
                username=username,
                email=email,
                subject=subject,
                subject_id=subject_id,
                batch=batch,
                created_at=current_time(),
            )
        ).inserted_primary_key[0]


def _end_subscription(connection, subscription_id: int, by: str) -> bool:
    result = connection.execute(
        _subscriptions.update()
        .where(_subscriptions.c.subscription_id == subscription_id, _subscriptions.c.ended_at.is_(None))
        .values(ended_at=current_time(), ended_by=by)
    )
    return result.rowcount == 1


def end_subscription(subscription_id: int, by: str) -> bool:
    """End a subscription (`by`: who did); False when it was not active."""
    with database.writing() as connection:
        return _end_subscription(connection, subscription_id, by)


def webhooks_list() -> list[dict]:
    """The webhooks in use, oldest first, without their secrets."""
    with database.reading() as connection:
        return _dicts(
            connection,
            sa.select(
                _webhooks.c.webhook_id,
                _webhooks.c.name,
                _webhooks.c.url,
                _webhooks.c.enabled,
                _webhooks.c.created_at,
                _webhooks.c.created_by,
            )
            .where(_webhooks.c.ended_at.is_(None))
            .order_by(_webhooks.c.webhook_id),
        )


def add_webhook(name: str, url: str, secret: str, by: str) -> int:
    """A new enabled webhook's id; ValueError on a missing name or secret, or a URL that is not http(s)."""
    name, url, secret = (name or "").strip(), (url or "").strip(), (secret or "").strip()
    if not name:
        raise ValueError("Give the webhook a name.")
    if not url.startswith(("https://", "http://")) or any(c.isspace() for c in url) or len(url) > 2000:
        raise ValueError("A webhook's URL starts with https:// (or http://), without spaces.")
    if not secret or len(secret) > 200:
        raise ValueError("Give a secret of at most 200 characters: the receiver checks signatures with it.")
    with database.writing() as connection:
        return connection.execute(
            _webhooks.insert().values(
                name=name, url=url, secret=secret, enabled=True, created_at=current_time(), created_by=by
            )
        ).inserted_primary_key[0]


def end_webhook(webhook_id: int) -> bool:
    """Stop and remove a webhook; False when it was not in use."""
    with database.writing() as connection:
        result = connection.execute(
            _webhooks.update()
            .where(_webhooks.c.webhook_id == webhook_id, _webhooks.c.ended_at.is_(None))
            .values(enabled=False, ended_at=current_time())
        )
        return result.rowcount == 1


def opt_outs_of(email: str) -> list[dict]:
    """What the owner at `email` opted out of: {opt_out_id, subject, subject_id, created_at}."""
    with database.reading() as connection:
        return _dicts(
            connection,
            sa.select(
                _opt_outs.c.opt_out_id, _opt_outs.c.subject, _opt_outs.c.subject_id, _opt_outs.c.created_at
            )
            .where(sa.func.lower(_opt_outs.c.email) == (email or "").strip().lower())
            .order_by(_opt_outs.c.opt_out_id),
        )


def _opt_out(connection, email: str, subject: str, subject_id: str | None) -> None:
    same = _opt_outs.c.subject_id.is_(None) if subject_id is None else _opt_outs.c.subject_id == subject_id
    held = connection.execute(
        sa.select(_opt_outs.c.opt_out_id).where(
            _opt_outs.c.email == email, _opt_outs.c.subject == subject, same
        )
    ).first()
    if held is None:
        connection.execute(
            _opt_outs.insert().values(
                email=email, subject=subject, subject_id=subject_id, created_at=current_time()
            )
        )


def opt_out(email: str, subject: str, subject_id: str | None) -> None:
    """Stop an owner's default alerts of a metric (or their digest: subject "digest"); once is enough."""
    email = _email(email)
    subject, subject_id = _subject(subject, subject_id)
    with database.writing() as connection:
        _opt_out(connection, email, subject, subject_id)


def opt_in(email: str, subject: str, subject_id: str | None) -> None:
    """Undo an opt-out: the owner hears of that metric (or gets the digest) again."""
    email = _email(email)
    subject, subject_id = _subject(subject, subject_id)
    same = _opt_outs.c.subject_id.is_(None) if subject_id is None else _opt_outs.c.subject_id == subject_id
    with database.writing() as connection:
        connection.execute(
            _opt_outs.delete().where(_opt_outs.c.email == email, _opt_outs.c.subject == subject, same)
        )


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_unsubscribe_link(
    connection, outbox_id: int, email: str, subscription_id: int | None, subject: str, subject_id: str | None
) -> str:
    """A one-use token ending `subscription_id` (None: opting the owner out of `subject`/`subject_id`);
    only its SHA-256 is stored."""
    token = secrets.token_urlsafe(32)
    connection.execute(
        _links.insert().values(
            token_hash=_hash(token),
            outbox_id=outbox_id,
            email=email.strip().lower(),
            subscription_id=subscription_id,
            subject=subject,
            subject_id=subject_id,
            created_at=current_time(),
        )
    )
    return token


def _link_row(connection, token: str):
    return connection.execute(sa.select(_links).where(_links.c.token_hash == _hash(token or ""))).first()


def peek_unsubscribe_link(token: str) -> dict | None:
    """What a link would end (with `used_at`, set once used); None for a token never issued."""
    with database.reading() as connection:
        row = _link_row(connection, token)
    return None if row is None else dict(row._mapping)


def use_unsubscribe_link(token: str) -> dict | None:
    """Use a link once: end its subscription, or opt the owner out (a digest's: every way the digest
    reaches that address); the link as it was, or None when the token is unknown or was used already."""
    with database.writing() as connection:
        row = _link_row(connection, token)
        if row is None or row.used_at is not None:
            return None
        used = connection.execute(
            _links.update()
            .where(_links.c.token_hash == row.token_hash, _links.c.used_at.is_(None))
            .values(used_at=current_time())
        )
        if used.rowcount != 1:
            return None
        if row.subject == "digest":
            # One digest goes to an address however many ways it is due (an owner, a subscription or
            # two): its link stops them all, so that nobody gets it again after asking not to.
            subscribed = connection.execute(
                sa.select(_subscriptions.c.subscription_id).where(
                    sa.func.lower(_subscriptions.c.email) == row.email,
                    _subscriptions.c.subject == "digest",
                    _subscriptions.c.ended_at.is_(None),
                )
            ).scalars()
            for subscription_id in subscribed.all():
                _end_subscription(connection, subscription_id, "unsubscribe link")
            _opt_out(connection, row.email, "digest", None)
        elif row.subscription_id is not None:
            _end_subscription(connection, row.subscription_id, "unsubscribe link")
        else:
            _opt_out(connection, row.email, row.subject, row.subject_id)
    return dict(row._mapping)
