"""The weekly digest: once an ISO week, at DIGEST_DAY DIGEST_HOUR (local time, BEACON_TIMEZONE) or the
first `python -m data.notify` pass after it, one e-mail per recipient (data.state.alerts
.digest_recipients: the metric owners unless opted out, and the digest's subscribers) saying, for the
default view (the quarter to date): how many metrics are on track, at risk, off track or neither;
what changed for real in the last 7 days (the significant changes and status moves found at publish);
the metrics off track with no plan; the commitments overdue and those due in the next 7 days.

The content is worked out once per week and queued as the outbox's payload (dedupe key
digest:<ISO year>-W<week>), so every recipient gets the same digest and a second pass queues nothing.
It is worded once per language its recipients read (data.notify.language: the recipient's account's
choice, else BEACON_DEFAULT_LANGUAGE). With DIGEST_PACK=1 the executive review pack (data.review_pack)
goes with it as a PDF, in the digest's language.

A view, not data/: it reads the query layer. notify.py (the command's shell) runs it, as views/clock.py.
"""

import base64
import logging
from datetime import datetime, time, timedelta

import pandas as pd

import config
import i18n
import queries
from components import alert_messages
from data import review_pack
from data.notify.language import account_languages
from data.state import alerts, commitments, database
from data.warehouse.events import RATED, as_json
from queries.accountability import metric_plans

log = logging.getLogger(__name__)

#: The publish-time events a digest counts as "changed for real".
CHANGE_KINDS = ("significant_change", "status_worsened", "status_recovered")
#: How far back "this week" and forward "due next" reach.
WEEK = timedelta(days=7)


def week_key(now: datetime) -> str:
    """The ISO week `now` falls in, as 2026-W48."""
    year, week, _day = now.isocalendar()
    return f"{year}-W{week:02d}"


def due_at(now: datetime) -> datetime:
    """When this ISO week's digest is due: its DIGEST_DAY at DIGEST_HOUR o'clock (local time)."""
    monday = now.date() - timedelta(days=now.weekday())
    day = monday + timedelta(days=config.WEEKDAYS.index(config.DIGEST_DAY))
    return datetime.combine(day, time(config.DIGEST_HOUR))


def owner_ids() -> dict[str, str]:
    """The catalogue's owners' e-mail (lower case) → owner_id: whose account an owner's address is."""
    owners = queries.owners()
    return {
        email.strip().lower(): owner_id
        for owner_id, email in zip(owners["owner_id"], owners["email"], strict=True)
        if isinstance(email, str) and email.strip()
    }


def _waiting(now: datetime, url: str | None) -> list[alerts.Recipient]:
    """The recipients this week's digest is due for and not queued to yet (none before it is due, and
    none at all with BEACON_DIGEST_DAY=off)."""
    if config.DIGEST_DAY == "off" or now < due_at(now):
        return []
    catalogue = queries.metrics()
    owners = queries.owners().set_index("owner_id")["email"]
    emails = [owners.get(owner_id) for owner_id in catalogue["owner_id"].dropna().unique()]
    with database.reading(url) as connection:
        everyone = alerts.digest_recipients(connection, [email for email in emails if isinstance(email, str)])
        queued = alerts.digest_queued(connection, f"digest:{week_key(now)}")
    return [recipient for recipient in everyone if recipient.recipient not in queued]


def _commitment_item(row: dict, metric_names: dict, owner_names: dict) -> dict:
    return {
        "title": row["title"],
        "metric_name": metric_names.get(row["metric_id"], row["metric_id"]),
        "owner_name": owner_names.get(row["owner_id"], row["owner_id"]),
        "due_on": as_json(row["due_on"]),
        "link": f"/commitment/{int(row['commitment_id'])}",
    }


def content(now: datetime, url: str | None = None) -> dict:
    """What the digest at `now` says (alert_messages.digest_mail words it): its week, the default view's
    period and as-of date, status counts, changes, no-plan metrics and commitments, each with its link."""
    view = queries.view()
    card = queries.scorecard(view)
    today = now.date()
    register = commitments.register(url, today=today)
    statuses = card["status"].tolist()
    counts = {status: statuses.count(status) for status in RATED}
    counts["other"] = len(statuses) - sum(counts.values())
    with database.reading(url) as connection:
        changes = alerts.found_since(connection, now - WEEK, CHANGE_KINDS)
    no_plan = []
    for row in metric_plans(card, register).to_dict("records"):
        if row["no_plan"]:
            facts = {
                key: as_json(row[key]) for key in ("metric_id", "unit", "value", "low", "high", "n", "target")
            }
            no_plan.append(
                {
                    **facts,
                    "metric_name": row["name"],
                    "period_label": row["measured_period"] or view.period.label,
                    "link": f"/metric/{row['metric_id']}",
                }
            )
    metric_names = dict(zip(card["metric_id"], card["name"], strict=True))
    owners = queries.owners()
    owner_names = dict(zip(owners["owner_id"], owners["name"], strict=True))
    ordered = register.sort_values(["due_on", "commitment_id"])
    due_soon = (
        ordered["status"].isin(commitments.OPEN_STATUSES)
        & ~ordered["overdue"]
        & (pd.to_datetime(ordered["due_on"]) <= pd.Timestamp(today + WEEK))
    )
    return {
        "week": week_key(now),
        "period_key": view.period.key,
        "period_label": view.period.label,
        "as_of": view.as_of.isoformat(),
        "counts": counts,
        "changes": [{"kind": event["kind"], "facts": event["facts"]} for event in changes],
        "no_plan": no_plan,
        "overdue": [
            _commitment_item(row, metric_names, owner_names)
            for row in ordered[ordered["overdue"]].to_dict("records")
        ],
        "due_soon": [
            _commitment_item(row, metric_names, owner_names) for row in ordered[due_soon].to_dict("records")
        ],
    }


def _pack(period_key: str) -> tuple[dict | None, dict]:
    """(the attachment, what the digest says of it) for the review pack of `period_key` in the current
    language, made by `python -m data.review_pack` in a process of its own; when it cannot be, the
    digest says why."""
    filename = alert_messages.pack_filename(period_key)
    try:
        # The same warehouse and state database as this pass, whatever the environment says.
        settings = {"BEACON_WAREHOUSE": str(config.WAREHOUSE), "BEACON_STATE_URL": config.STATE_URL}
        pdf = review_pack.pack_apart(period_key, settings, lang=i18n.current())
    except (review_pack.ReviewPackError, OSError) as error:  # a digest without its pack beats none
        log.warning("The review pack for the digest was not made: %s", error)
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return None, {"error": reason}
    attachment = {"filename": filename, "content_base64": base64.b64encode(pdf).decode("ascii")}
    return attachment, {"filename": filename}


def payload(now: datetime, url: str | None = None, pack: bool | None = None) -> dict:
    """The outbox payload of the digest at `now` in the current language: subject, text, html, and the
    review pack as `attachment` when DIGEST_PACK=1 (or `pack`) and it could be made."""
    found = content(now, url)
    attachment = None
    if config.DIGEST_PACK == "1" if pack is None else pack:
        attachment, found["pack"] = _pack(found["period_key"])
    subject, text, page = alert_messages.digest_mail(found)
    made = {"subject": subject, "text": text, "html": page}
    if attachment is not None:
        made["attachment"] = attachment
    return made


def planned(now: datetime, url: str | None = None) -> list[str]:
    """The addresses this week's digest would be queued to now (what --dry-run lists)."""
    return [recipient.recipient for recipient in _waiting(now, url)]


def queue(now: datetime, url: str | None = None) -> int:
    """Queue this week's digest, due now, to everyone it is due for and not queued to yet; the number
    of messages queued (0 before DIGEST_DAY DIGEST_HOUR, and on every later pass that week)."""
    waiting = _waiting(now, url)
    if not waiting:
        return 0
    with database.reading(url) as connection:
        chosen = account_languages(connection, [r.recipient for r in waiting], owner_ids())
    by_language: dict[str, list[alerts.Recipient]] = {}
    for recipient in waiting:
        with i18n.language(chosen.get(recipient.recipient)) as code:
            by_language.setdefault(code, []).append(recipient)
    queued = 0
    for code, recipients in by_language.items():
        with i18n.language(code):  # the period's labels too are worked out in the language
            made = payload(now, url)
        with database.writing(url) as connection:
            queued += len(alerts.queue_digest(connection, f"digest:{week_key(now)}", recipients, made, now))
    return queued
