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
        if facts.get("kind") == "ratio":
            said += f", {format_count(facts['days'])} days)" if facts.get("days") is not None else ")"
        else:
            said += f", n = {format_count(facts['n'])})" if facts.get("n") is not None else ")"
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
        said = f"The commitment “{facts.get('commitment_title')}” on {name} now has its effect measured"
        if facts.get("verdict_label"):
            unit = facts.get("unit") or ""
            before, after = (
                format_value(facts.get("value_before"), unit),
                format_value(facts.get("value_after"), unit),
            )
            return f"{said}: {facts['verdict_label']}, {before} before and {after} after."
        return f"{said}."
    if kind == "no_plan":
        return (
            f"{name} has been off track for {where} since {facts.get('since')} with no open commitment: "
            f"{_measure(facts)}."
        )
    if kind == "case_new":
        return _cases_line(facts)
    if kind == "case_contact_overdue":
        return (
            f"Follow-up case {facts.get('case_id')} on {name} for {where} (score {_score(facts)}) was due "
            f"a first contact by {_moment(facts.get('contact_due_at'))} and has had none; assigned to "
            f"{facts.get('assignee_name') or 'nobody'}."
        )
    if kind == "case_resolve_overdue":
        return (
            f"Follow-up case {facts.get('case_id')} on {name} for {where} (score {_score(facts)}) was due "
            f"to be resolved by {_moment(facts.get('resolve_due_at'))} and is not; assigned to "
            f"{facts.get('assignee_name') or 'nobody'}."
        )
    return f"{name}: {kind.replace('_', ' ')}."


def _score(facts: dict) -> str:
    score = facts.get("score")
    return "–" if score is None else f"{score:g}"


def _moment(text: str | None) -> str:
    """'2026-11-22 09:00' from an ISO date and time (seconds dropped)."""
    return (text or "")[:16] or "its due time"


def _cases_line(facts: dict) -> str:
    """'3 new follow-up cases for Ana Silva: 2 on Net promoter score, 1 on Satisfaction (top-2-box).'
    A case handed on: 'Follow-up case 12 on Net promoter score was reassigned to Ana Silva by Ben.'"""
    if facts.get("reassigned_by"):
        metric = (facts.get("by_metric") or [{}])[0]
        what = metric.get("metric_name") or metric.get("metric_id") or "a metric"
        who = facts.get("assignee_name") or facts.get("assignee_id")
        return f"Follow-up case {facts.get('case_id')} on {what} was reassigned to {who} by {facts['reassigned_by']}."
    count = facts.get("count") or 0
    noun = "new follow-up case" if count == 1 else "new follow-up cases"
    who = facts.get("assignee_name") or facts.get("assignee_id") or "nobody (the metric has no owner)"
    parts = [
        f"{item['count']} on {item.get('metric_name') or item['metric_id']}"
        for item in facts.get("by_metric", [])
    ]
    said = f"{count} {noun} for {who}"
    if parts:
        said += ": " + ", ".join(parts)
    overdue = facts.get("overdue_count") or 0
    if overdue:
        said += f"; {overdue} already past {'its' if count == 1 else 'their'} time for a first contact"
    return said + "."


def link(facts: dict) -> str:
    return config.PUBLIC_URL + (facts.get("link") or "/")


def _footer_text(unsubscribe: str | None) -> str:
    return f"\n\nStop these messages: {unsubscribe}\n" if unsubscribe else "\n"


_PAGE_START = '<!doctype html><html><body style="font-family:Arial,sans-serif;color:#222;max-width:600px">'
_PAGE_END = "</body></html>"


def _stop(unsubscribe: str | None) -> str:
    if not unsubscribe:
        return ""
    return (
        f'<p style="color:#666;font-size:12px">'
        f'<a href="{html.escape(unsubscribe)}" style="color:#666">Stop these messages</a></p>'
    )


def _page(body: str, unsubscribe: str | None) -> str:
    return f"{_PAGE_START}{body}{_stop(unsubscribe)}{_PAGE_END}"


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


# The weekly digest. Its content is worked out once a week (views/digest.py) and kept in the outbox as
# the message every recipient gets; each copy gains its own unsubscribe link when it is sent.

DIGEST_STATUS_WORDS = {
    **{status: _status(status) for status in ("on_track", "at_risk", "off_track")},
    "other": "without a status",
}
#: The most lines a digest section lists; the rest are one line linking to where they all are.
DIGEST_LINES = 8
#: The digest's "what changed" worst first: what went wrong, then what moved, then what recovered.
_CHANGE_ORDER = ("status_worsened", "significant_change", "late_data", "status_recovered")


def _commitment_line(item: dict, overdue: bool) -> str:
    title, metric, owner, due = item["title"], item["metric_name"], item["owner_name"], item["due_on"]
    if overdue:
        return f"“{title}” on {metric}, owned by {owner}, was due on {due} and is not done."
    return f"“{title}” on {metric}, owned by {owner}, is due on {due}."


def _no_plan_line(facts: dict) -> str:
    name = facts.get("metric_name") or facts.get("metric_id")
    return f"{name} is off track with no open commitment: {_measure(facts)}."


def _pack_line(pack: dict | None) -> str | None:
    if pack is None:
        return None
    if pack.get("error"):
        return f"The review pack could not be attached this week: {pack['error']}"
    return f"The executive review pack is attached ({pack['filename']})."


def _at_most(items: list[tuple[str, str]], more_path: str) -> list[tuple[str, str]]:
    """The first DIGEST_LINES items, then one line saying how many more and where they all are."""
    if len(items) <= DIGEST_LINES:
        return items
    rest = len(items) - DIGEST_LINES
    return [*items[:DIGEST_LINES], (f"… and {rest} more.", config.PUBLIC_URL + more_path)]


def _digest_sections(content: dict) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(heading, what to say when empty, [(sentence, link)]) for each part of the digest, in order."""
    changes = sorted(
        content["changes"],
        key=lambda e: _CHANGE_ORDER.index(e["kind"]) if e["kind"] in _CHANGE_ORDER else len(_CHANGE_ORDER),
    )
    return [
        (
            "What changed for real this week",
            "Nothing changed beyond noise this week.",
            _at_most([(sentence(e["kind"], e["facts"]), link(e["facts"])) for e in changes], "/alerts"),
        ),
        (
            "Off track with no plan",
            "Every metric off track has an open commitment.",
            _at_most([(_no_plan_line(facts), link(facts)) for facts in content["no_plan"]], "/owners"),
        ),
        (
            "Overdue commitments",
            "No commitment is overdue.",
            _at_most(
                [(_commitment_line(item, True), link(item)) for item in content["overdue"]],
                "/commitments?overdue=1",
            ),
        ),
        (
            "Due in the next 7 days",
            "No commitment is due in the next 7 days.",
            _at_most(
                [(_commitment_line(item, False), link(item)) for item in content["due_soon"]], "/commitments"
            ),
        ),
    ]


def digest_mail(content: dict) -> tuple[str, str, str]:
    """(subject, plain text, HTML) of the weekly digest from `content` (views/digest.py): the period,
    status counts, what changed for real, off track with no plan, overdue and due-soon commitments,
    each with its link; and a line about the review pack when one was asked for."""
    counts = content["counts"]
    period, as_of, week = content["period_label"], content["as_of"], content["week"]
    subject = (
        f"Beacon weekly digest, {period}: {counts['off_track']} off track, {counts['at_risk']} at risk, "
        f"{counts['on_track']} on track"
    )
    status = ", ".join(f"{counts[key]} {words}" for key, words in DIGEST_STATUS_WORDS.items())
    scorecard = config.PUBLIC_URL + "/"
    intro = f"Beacon's weekly digest for week {week}: {period}, data as of {as_of}."
    pack = _pack_line(content.get("pack"))

    lines = [intro, "", f"Metrics: {status}.", f"Open the scorecard: {scorecard}"]
    for heading, empty, items in _digest_sections(content):
        lines += ["", f"{heading}:"]
        lines += [f"- {said} {url}" for said, url in items] or [f"- {empty}"]
    if pack:
        lines += ["", pack]
    text = "\n".join(lines) + "\n"

    cell = "padding:8px;text-align:center;vertical-align:top;font-size:14px;border:1px solid #ddd"
    colours = {
        "on_track": "background:#e6f4ea;color:#1e6b34",
        "at_risk": "background:#fff4e0;color:#7a4b00",
        "off_track": "background:#fde8e8;color:#a4261e",
        "other": "background:#f2f2f2;color:#444",
    }
    tiles = "".join(
        f'<td width="25%" style="{cell};{colours[key]}"><div style="font-size:22px;font-weight:bold">{counts[key]}</div>'
        f"{html.escape(words)}</td>"
        for key, words in DIGEST_STATUS_WORDS.items()
    )
    parts = [
        f'<p style="font-size:15px">{html.escape(intro)}</p>',
        '<table role="presentation" cellpadding="0" cellspacing="0" width="100%" '
        f'style="border-collapse:collapse;margin:8px 0"><tr>{tiles}</tr></table>',
        f'<p><a href="{html.escape(scorecard)}" style="color:#1a5fb4">Open the scorecard</a></p>',
    ]
    row = "padding:6px 0;border-bottom:1px solid #eee;font-size:14px;vertical-align:top"
    for heading, empty, items in _digest_sections(content):
        parts.append(f'<h2 style="font-size:16px;margin:20px 0 6px">{html.escape(heading)}</h2>')
        if not items:
            parts.append(f'<p style="color:#555;font-size:14px;margin:0">{html.escape(empty)}</p>')
            continue
        rows = "".join(
            f'<tr><td style="{row}">{html.escape(said)}</td>'
            f'<td style="{row};padding-left:12px;white-space:nowrap">'
            f'<a href="{html.escape(url)}" style="color:#1a5fb4">Open</a></td></tr>'
            for said, url in items
        )
        parts.append(
            '<table role="presentation" cellpadding="0" cellspacing="0" width="100%" '
            f'style="border-collapse:collapse">{rows}</table>'
        )
    if pack:
        parts.append(f'<p style="font-size:14px;margin-top:20px">{html.escape(pack)}</p>')
    return subject, text, _page("".join(parts), None)


def digest_copy(payload: dict, unsubscribe: str | None) -> tuple[str, str, str]:
    """(subject, plain text, HTML) of one recipient's copy of a queued digest: its own unsubscribe link
    added to both parts."""
    page = payload["html"].removesuffix(_PAGE_END) + _stop(unsubscribe) + _PAGE_END
    return payload["subject"], payload["text"].rstrip("\n") + _footer_text(unsubscribe), page


def pack_filename(period_key: str) -> str:
    """The review pack's name as a digest attaches it."""
    return f"beacon-review-{period_key}.pdf"
