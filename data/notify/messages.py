"""Every wording of alerts' messages, in one place: a sentence per event, an e-mail (plain text and
HTML, inline styles, no remote images) for one event or a summary of several, and a webhook's body."""

import html

import config

STATUS_WORDS = {"on_track": "on track", "at_risk": "at risk", "off_track": "off track"}


def _number(value, unit) -> str:
    if value is None:
        return "no value"
    return f"{value:.1f} {unit}".strip() if unit else f"{value:.1f}"


def _slice(facts: dict) -> str:
    names = [facts.get("touchpoint_name"), facts.get("segment_name")]
    named = " and ".join(name for name in names if name)
    return named or "all customers"


def _measure(facts: dict) -> str:
    unit = facts.get("unit") or ""
    said = _number(facts.get("value"), unit)
    if facts.get("low") is not None and facts.get("high") is not None:
        interval = f"95% interval {facts['low']:.1f} to {facts['high']:.1f}"
        if facts.get("n") is not None:
            # A count: the warehouse holds n as a DOUBLE, shown as the whole number it is.
            interval += f", n = {facts['n']:.0f}"
        said += f" ({interval})"
    if facts.get("target") is not None:
        said += f" against a target of {_number(facts['target'], unit)}"
    if facts.get("period_label"):
        said += f", {facts['period_label']}"
    return said


def sentence(kind: str, facts: dict) -> str:
    """One plain sentence saying what happened: a subject line, a chat message."""
    name = facts.get("metric_name") or facts.get("metric_id") or "A metric"
    where = _slice(facts)
    status = STATUS_WORDS.get(facts.get("status"), facts.get("status") or "")
    if kind in ("status_worsened", "status_recovered"):
        return f"{name} is {status} for {where}: {_measure(facts)}."
    if kind == "significant_change":
        return f"{name} changed significantly for {where}: {_measure(facts)}."
    if kind == "late_data":
        return f"{name} has no new data for {where} as of {facts.get('as_of')}."
    if kind == "commitment_overdue":
        return f"The commitment “{facts.get('commitment_title')}” on {name} was due on {facts.get('commitment_due_on')} and is not done."
    if kind == "verdict_available":
        return f"The commitment “{facts.get('commitment_title')}” on {name} now has its effect measured."
    if kind == "no_plan":
        return f"{name} has been off track for {where} since {facts.get('since')} with no open commitment: {_measure(facts)}."
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
