"""Every wording of alerts' messages, in one place: a sentence per event, an e-mail (plain text and
HTML, inline styles, no remote images) for one event or a summary of several, and a webhook's body."""

import html

import config
from components.format import format_change, format_count, format_interval, format_target, format_value
from components.status import STATUS_LABELS


def _status(status: str | None) -> str:
    label = STATUS_LABELS.get(status)
    return label[0].lower() if label else (status or "").replace("_", " ")


def _slice(facts: dict) -> str:
    names = [facts.get("touchpoint_name"), facts.get("segment_name")]
    named = " and ".join(name for name in names if name)
    return named or "all customers"


def _measure(facts: dict) -> str:
    """'28.0 (95% interval 21.3 to 34.7, n = 412), target ≥ 45.0, Q4 2026 to date': as the pages say it."""
    unit = facts.get("unit") or ""
    said = format_value(facts.get("value"), unit)
    if facts.get("low") is not None and facts.get("high") is not None:
        said += f" (95% interval {format_interval(facts['low'], facts['high'], unit)}"
        # What it rests on, as the tiles say: answers for a survey, days for a ratio.
        basis = ("days", "days") if facts.get("kind") == "ratio" else ("n", "n =")
        count = facts.get(basis[0])
        said += f", {basis[1]} {format_count(count)})" if count is not None else ")"
    if facts.get("target") is not None:
        target = format_target(
            facts["target"], facts.get("tolerance"), unit, facts.get("higher_is_better", True) is not False
        )
        said += f", target {target}"
    if facts.get("period_label"):
        said += f", {facts['period_label']}"
    return said


def sentence(kind: str, facts: dict) -> str:
    """One plain sentence saying what happened: a subject line, a chat message."""
    name = facts.get("metric_name") or facts.get("metric_id") or "A metric"
    where = _slice(facts)
    if kind in ("status_worsened", "status_recovered"):
        moved = (
            f"went from {_status(facts['previous_status'])} to {_status(facts.get('status'))}"
            if facts.get("previous_status")
            else f"is {_status(facts.get('status'))}"
        )
        return f"{name} {moved} for {where}: {_measure(facts)}."
    if kind == "significant_change":
        change = format_change(facts.get("change"), facts.get("unit") or "")
        against = facts.get("compare_label") or "the comparison period"
        return f"{name} changed by {change} against {against} for {where}, beyond noise: {_measure(facts)}."
    if kind == "late_data":
        return (
            f"{name} has had no new data since {facts.get('latest_day')} (expected {facts.get('cadence')}); "
            f"as of {facts.get('as_of')}."
        )
    if kind == "commitment_overdue":
        return (
            f"The commitment “{facts.get('commitment_title')}” on {name} was due on "
            f"{facts.get('commitment_due_on')} and is not done."
        )
    if kind == "verdict_available":
        return f"The commitment “{facts.get('commitment_title')}” on {name} now has its effect measured."
    if kind == "no_plan":
        return (
            f"{name} has been off track for {where} since {facts.get('since')} with no open commitment: "
            f"{_measure(facts)}."
        )
    return f"{name}: {kind.replace('_', ' ')}."


def link(facts: dict) -> str:
    return config.PUBLIC_URL + (facts.get("link") or "/")


def _footer_text(unsubscribe: str | None) -> str:
    return f"\n\nStop these messages: {unsubscribe}\n" if unsubscribe else "\n"


def _page(body: str, unsubscribe: str | None) -> str:
    stop = (
        f'<p style="color:#666;font-size:12px">'
        f'<a href="{html.escape(unsubscribe)}" style="color:#666">Stop these messages</a></p>'
        if unsubscribe
        else ""
    )
    return (
        '<!doctype html><html><body style="font-family:Arial,sans-serif;color:#222;max-width:600px">'
        f"{body}{stop}</body></html>"
    )


def event_mail(kind: str, facts: dict, unsubscribe: str | None) -> tuple[str, str, str]:
    """(subject, plain text, HTML) for one event."""
    said = sentence(kind, facts)
    text = f"{said}\n\nOpen it in Beacon: {link(facts)}" + _footer_text(unsubscribe)
    body = (
        f'<p style="font-size:15px">{html.escape(said)}</p>'
        f'<p><a href="{html.escape(link(facts))}" style="color:#1a5fb4">Open it in Beacon</a></p>'
    )
    return said, text, _page(body, unsubscribe)


def summary_mail(events: list[tuple[str, dict]], unsubscribe: str | None) -> tuple[str, str, str]:
    """(subject, plain text, HTML) for several events in one message: a daily batch or what went over
    the day's cap."""
    subject = f"Beacon: {len(events)} alerts"
    lines = [f"- {sentence(kind, facts)} {link(facts)}" for kind, facts in events]
    text = f"{len(events)} alerts from Beacon:\n\n" + "\n".join(lines) + _footer_text(unsubscribe)
    items = "".join(
        f'<li style="margin-bottom:8px">{html.escape(sentence(kind, facts))} '
        f'<a href="{html.escape(link(facts))}" style="color:#1a5fb4">Open</a></li>'
        for kind, facts in events
    )
    body = f"<p>{len(events)} alerts from Beacon:</p><ul>{items}</ul>"
    return subject, text, _page(body, unsubscribe)


def webhook_body(event_id: int, kind: str, facts: dict) -> dict:
    """The JSON a webhook receives: `text` for Slack or Teams, the event's facts for anything else."""
    return {
        "text": f"{sentence(kind, facts)} {link(facts)}",
        "event": facts,
        "kind": kind,
        "event_id": event_id,
        "link": link(facts),
    }
