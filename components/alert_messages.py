"""Every wording of alerts' messages, in one place: a sentence per event, an e-mail (plain text and
HTML, inline styles, no remote images) for one event or a summary of several, and a webhook's body.

In the current language (i18n): the notifier composes each message inside `i18n.language(...)` of its
recipient. English keeps the ISO days and times its messages always had; the other languages write
them as their locale does. Labels the facts carry as recorded (a period's, a comparison's) are shown
as they were recorded."""

import html
from datetime import date, datetime

import config
import i18n
from components.format import format_change, format_count, format_interval, format_target, format_value
from components.status import STATUS_LABELS, status_word
from i18n import N_, _, ngettext

#: How often a metric is expected to have data (the catalogue's cadence), as "expected …" says it.
_CADENCES = {
    "daily": N_("expected daily"),
    "weekly": N_("expected weekly"),
    "monthly": N_("expected monthly"),
    "quarterly": N_("expected quarterly"),
}
#: A done commitment's verdict (queries.accountability's effect), by its key in the facts.
_VERDICTS = {
    "moved": N_("Moved (significant)"),
    "no_change": N_("No measurable change"),
    "too_little_data": N_("Too little data"),
}


def _status(status: str | None) -> str:
    if status in STATUS_LABELS:
        return status_word(status).lower()
    return (status or "").replace("_", " ")


def _day(text: str | None) -> str:
    """A day of the facts (ISO): as it is in English, in the locale's writing elsewhere."""
    if not text or i18n.current() == i18n.SOURCE:
        return text or ""
    try:
        return i18n.format_day(date.fromisoformat(str(text)[:10]))
    except ValueError:
        return str(text)


def _slice(facts: dict) -> str:
    touchpoint, segment = facts.get("touchpoint_name"), facts.get("segment_name")
    if touchpoint and segment:
        return _("%(touchpoint)s and %(segment)s", touchpoint=touchpoint, segment=segment)
    return touchpoint or segment or _("all customers")


def _measure(facts: dict) -> str:
    """'28.0 (95% interval 21.3 to 34.7, n = 412), target ≥ 45.0, Q4 2026 to date': as the pages say it."""
    unit = facts.get("unit") or ""
    said = format_value(facts.get("value"), unit)
    if facts.get("low") is not None and facts.get("high") is not None:
        interval = format_interval(facts["low"], facts["high"], unit)
        # What it rests on, as the tiles say: answers for a survey, days for a ratio.
        if facts.get("kind") == "ratio" and facts.get("days") is not None:
            said = _(
                "%(value)s (95%% interval %(interval)s, %(days)s)",
                value=said,
                interval=interval,
                days=ngettext("%(num)s day", "%(num)s days", int(facts["days"])),
            )
        elif facts.get("kind") != "ratio" and facts.get("n") is not None:
            said = _(
                "%(value)s (95%% interval %(interval)s, n = %(n)s)",
                value=said,
                interval=interval,
                n=format_count(facts["n"]),
            )
        else:
            said = _("%(value)s (95%% interval %(interval)s)", value=said, interval=interval)
    if facts.get("target") is not None:
        target = format_target(
            facts["target"], facts.get("tolerance"), unit, facts.get("higher_is_better", True) is not False
        )
        said = _("%(value)s, target %(target)s", value=said, target=target)
    if facts.get("period_label"):
        said = _("%(value)s, %(period)s", value=said, period=facts["period_label"])
    return said


def sentence(kind: str, facts: dict) -> str:
    """One plain sentence saying what happened: a subject line, a chat message."""
    name = facts.get("metric_name") or facts.get("metric_id") or _("A metric")
    where = _slice(facts)
    if kind in ("status_worsened", "status_recovered"):
        if facts.get("previous_status"):
            return _(
                "%(metric)s went from %(before)s to %(after)s for %(where)s: %(measure)s.",
                metric=name,
                before=_status(facts["previous_status"]),
                after=_status(facts.get("status")),
                where=where,
                measure=_measure(facts),
            )
        return _(
            "%(metric)s is %(status)s for %(where)s: %(measure)s.",
            metric=name,
            status=_status(facts.get("status")),
            where=where,
            measure=_measure(facts),
        )
    if kind == "significant_change":
        return _(
            "%(metric)s changed by %(change)s against %(comparison)s for %(where)s, beyond noise: "
            "%(measure)s.",
            metric=name,
            change=format_change(facts.get("change"), facts.get("unit") or ""),
            comparison=facts.get("compare_label") or _("the comparison period"),
            where=where,
            measure=_measure(facts),
        )
    if kind == "late_data":
        cadence = facts.get("cadence")
        return _(
            "%(metric)s has had no new data since %(day)s (%(expected)s); as of %(as_of)s.",
            metric=name,
            day=_day(facts.get("latest_day")),
            expected=_(_CADENCES[cadence])
            if cadence in _CADENCES
            else _("expected %(cadence)s", cadence=cadence),
            as_of=_day(facts.get("as_of")),
        )
    if kind == "commitment_overdue":
        return _(
            "The commitment “%(title)s” on %(metric)s was due on %(day)s and is not done.",
            title=facts.get("commitment_title"),
            metric=name,
            day=_day(facts.get("commitment_due_on")),
        )
    if kind == "verdict_available":
        title = facts.get("commitment_title")
        if facts.get("verdict_label"):
            unit = facts.get("unit") or ""
            verdict = facts.get("verdict")
            return _(
                "The commitment “%(title)s” on %(metric)s now has its effect measured: %(verdict)s, "
                "%(before)s before and %(after)s after.",
                title=title,
                metric=name,
                verdict=_(_VERDICTS[verdict]) if verdict in _VERDICTS else facts["verdict_label"],
                before=format_value(facts.get("value_before"), unit),
                after=format_value(facts.get("value_after"), unit),
            )
        return _(
            "The commitment “%(title)s” on %(metric)s now has its effect measured.", title=title, metric=name
        )
    if kind == "no_plan":
        return _(
            "%(metric)s has been off track for %(where)s since %(day)s with no open commitment: %(measure)s.",
            metric=name,
            where=where,
            day=_day(facts.get("since")),
            measure=_measure(facts),
        )
    if kind == "case_new":
        return _cases_line(facts)
    if kind in ("case_contact_overdue", "case_resolve_overdue"):
        values = {
            "case": facts.get("case_id"),
            "metric": name,
            "where": where,
            "score": _score(facts),
            "assignee": facts.get("assignee_name") or _("nobody"),
        }
        if kind == "case_contact_overdue":
            return _(
                "Follow-up case %(case)s on %(metric)s for %(where)s (score %(score)s) was due a first contact "
                "by %(due)s and has had none; assigned to %(assignee)s.",
                due=_moment(facts.get("contact_due_at")),
                **values,
            )
        return _(
            "Follow-up case %(case)s on %(metric)s for %(where)s (score %(score)s) was due to be resolved by "
            "%(due)s and is not; assigned to %(assignee)s.",
            due=_moment(facts.get("resolve_due_at")),
            **values,
        )
    return f"{name}: {kind.replace('_', ' ')}."


def _score(facts: dict) -> str:
    score = facts.get("score")
    if score is None:
        return "–"
    if i18n.current() == i18n.SOURCE:
        return f"{score:g}"
    return i18n.format_decimal(score, 0 if float(score).is_integer() else 1)


def _moment(text: str | None) -> str:
    """'2026-11-22 09:00' from an ISO date and time (seconds dropped); the locale's day and time
    outside English."""
    if not text:
        return _("its due time")
    if i18n.current() == i18n.SOURCE:
        return text[:16]
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text[:16]
    return _("%(day)s %(time)s", day=i18n.format_day(moment), time=i18n.format_time(moment))


def _cases_line(facts: dict) -> str:
    """'3 new follow-up cases for Ana Silva: 2 on Net promoter score, 1 on Satisfaction (top-2-box).'
    A case handed on: 'Follow-up case 12 on Net promoter score was reassigned to Ana Silva by Ben.'"""
    if facts.get("reassigned_by"):
        metric = (facts.get("by_metric") or [{}])[0]
        return _(
            "Follow-up case %(case)s on %(metric)s was reassigned to %(assignee)s by %(by)s.",
            case=facts.get("case_id"),
            metric=metric.get("metric_name") or metric.get("metric_id") or _("a metric"),
            assignee=facts.get("assignee_name") or facts.get("assignee_id"),
            by=facts["reassigned_by"],
        )
    count = facts.get("count") or 0
    who = facts.get("assignee_name") or facts.get("assignee_id") or _("nobody (the metric has no owner)")
    said = ngettext(
        "%(num)s new follow-up case for %(who)s", "%(num)s new follow-up cases for %(who)s", count, who=who
    )
    parts = [
        _(
            "%(count)s on %(metric)s",
            count=format_count(item["count"]),
            metric=item.get("metric_name") or item["metric_id"],
        )
        for item in facts.get("by_metric", [])
    ]
    if parts:
        said = _("%(cases)s: %(metrics)s", cases=said, metrics=_(", ").join(parts))
    overdue = facts.get("overdue_count") or 0
    if overdue:
        late = (
            _("%(count)s already past its time for a first contact", count=format_count(overdue))
            if count == 1
            else _("%(count)s already past their time for a first contact", count=format_count(overdue))
        )
        said = _("%(cases)s; %(late)s", cases=said, late=late)
    return said + "."


def link(facts: dict) -> str:
    return config.PUBLIC_URL + (facts.get("link") or "/")


def _footer_text(unsubscribe: str | None) -> str:
    return "\n\n" + _("Stop these messages: %(link)s", link=unsubscribe) + "\n" if unsubscribe else "\n"


def _page_start() -> str:
    """The HTML message's opening; outside English with its language and direction (Persian right to
    left)."""
    code = i18n.current()
    said = "" if code == i18n.SOURCE else f' lang="{code}" dir="{i18n.direction(code)}"'
    return (
        f'<!doctype html><html{said}><body style="font-family:Arial,sans-serif;color:#222;max-width:600px">'
    )


_PAGE_END = "</body></html>"


def _stop(unsubscribe: str | None) -> str:
    if not unsubscribe:
        return ""
    stop = html.escape(_("Stop these messages"))
    return (
        f'<p style="color:#666;font-size:12px">'
        f'<a href="{html.escape(unsubscribe)}" style="color:#666">{stop}</a></p>'
    )


def _page(body: str, unsubscribe: str | None) -> str:
    return f"{_page_start()}{body}{_stop(unsubscribe)}{_PAGE_END}"


def _inline_start() -> str:
    """The padding on the side a line starts (mail readers know padding-left, seldom logical ones)."""
    return "padding-right" if i18n.direction() == "rtl" else "padding-left"


def _open_link(url: str, words: str) -> str:
    return f'<a href="{html.escape(url)}" style="color:#1a5fb4">{html.escape(words)}</a>'


def event_mail(kind: str, facts: dict, unsubscribe: str | None) -> tuple[str, str, str]:
    """(subject, plain text, HTML) for one event."""
    said, open_it = sentence(kind, facts), _("Open it in Beacon")
    text = f"{said}\n\n" + _("Open it in Beacon: %(link)s", link=link(facts)) + _footer_text(unsubscribe)
    body = f'<p style="font-size:15px">{html.escape(said)}</p><p>{_open_link(link(facts), open_it)}</p>'
    return said, text, _page(body, unsubscribe)


def summary_subject(count: int) -> str:
    """'Beacon: 3 alerts': a summary's subject."""
    return ngettext("Beacon: %(num)s alert", "Beacon: %(num)s alerts", count)


def summary_mail(events: list[tuple[str, dict]], unsubscribe: str | None) -> tuple[str, str, str]:
    """(subject, plain text, HTML) for several events in one message: a daily batch or what went over
    the day's cap."""
    intro = ngettext("%(num)s alert from Beacon:", "%(num)s alerts from Beacon:", len(events))
    lines = [f"- {sentence(kind, facts)} {link(facts)}" for kind, facts in events]
    text = f"{intro}\n\n" + "\n".join(lines) + _footer_text(unsubscribe)
    opening = _("Open")
    items = "".join(
        f'<li style="margin-bottom:8px">{html.escape(sentence(kind, facts))} {_open_link(link(facts), opening)}</li>'
        for kind, facts in events
    )
    body = f"<p>{html.escape(intro)}</p><ul>{items}</ul>"
    return summary_subject(len(events)), text, _page(body, unsubscribe)


def webhook_body(event_id: int, kind: str, facts: dict) -> dict:
    """The JSON a webhook receives: `text` for Slack or Teams, the event's facts for anything else."""
    return {
        "text": f"{sentence(kind, facts)} {link(facts)}",
        "event": facts,
        "kind": kind,
        "event_id": event_id,
        "link": link(facts),
    }


# The weekly digest. Its content is worked out once a week (views/digest.py) and worded once per
# language its recipients read, kept in the outbox as the message each of them gets; each copy gains
# its own unsubscribe link when it is sent.

#: The digest's status counts, in the tiles' order (words: `_digest_status_word`).
DIGEST_STATUSES = ("on_track", "at_risk", "off_track", "other")
#: The most lines a digest section lists; the rest are one line linking to where they all are.
DIGEST_LINES = 8
#: The digest's "what changed" worst first: what went wrong, then what moved, then what recovered.
_CHANGE_ORDER = ("status_worsened", "significant_change", "late_data", "status_recovered")


def _digest_status_word(key: str) -> str:
    return _status(key) if key != "other" else _("without a status")


def _commitment_line(item: dict, overdue: bool) -> str:
    values = {
        "title": item["title"],
        "metric": item["metric_name"],
        "owner": item["owner_name"],
        "day": _day(item["due_on"]),
    }
    if overdue:
        return _(
            "“%(title)s” on %(metric)s, owned by %(owner)s, was due on %(day)s and is not done.", **values
        )
    return _("“%(title)s” on %(metric)s, owned by %(owner)s, is due on %(day)s.", **values)


def _no_plan_line(facts: dict) -> str:
    return _(
        "%(metric)s is off track with no open commitment: %(measure)s.",
        metric=facts.get("metric_name") or facts.get("metric_id"),
        measure=_measure(facts),
    )


def _pack_line(pack: dict | None) -> str | None:
    if pack is None:
        return None
    if pack.get("error"):
        return _("The review pack could not be attached this week: %(reason)s", reason=pack["error"])
    return _("The executive review pack is attached (%(name)s).", name=pack["filename"])


def _at_most(items: list[tuple[str, str]], more_path: str) -> list[tuple[str, str]]:
    """The first DIGEST_LINES items, then one line saying how many more and where they all are."""
    if len(items) <= DIGEST_LINES:
        return items
    rest = len(items) - DIGEST_LINES
    return [
        *items[:DIGEST_LINES],
        (ngettext("… and %(num)s more.", "… and %(num)s more.", rest), config.PUBLIC_URL + more_path),
    ]


def _digest_sections(content: dict) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(heading, what to say when empty, [(sentence, link)]) for each part of the digest, in order."""
    changes = sorted(
        content["changes"],
        key=lambda e: _CHANGE_ORDER.index(e["kind"]) if e["kind"] in _CHANGE_ORDER else len(_CHANGE_ORDER),
    )
    return [
        (
            _("What changed for real this week"),
            _("Nothing changed beyond noise this week."),
            _at_most([(sentence(e["kind"], e["facts"]), link(e["facts"])) for e in changes], "/alerts"),
        ),
        (
            _("Off track with no plan"),
            _("Every metric off track has an open commitment."),
            _at_most([(_no_plan_line(facts), link(facts)) for facts in content["no_plan"]], "/owners"),
        ),
        (
            _("Overdue commitments"),
            _("No commitment is overdue."),
            _at_most(
                [(_commitment_line(item, True), link(item)) for item in content["overdue"]],
                "/commitments?overdue=1",
            ),
        ),
        (
            _("Due in the next 7 days"),
            _("No commitment is due in the next 7 days."),
            _at_most(
                [(_commitment_line(item, False), link(item)) for item in content["due_soon"]], "/commitments"
            ),
        ),
    ]


def digest_mail(content: dict) -> tuple[str, str, str]:
    """(subject, plain text, HTML) of the weekly digest from `content` (views/digest.py) in the current
    language: the period, status counts, what changed for real, off track with no plan, overdue and
    due-soon commitments, each with its link; and a line about the review pack when one was asked for."""
    counts = content["counts"]
    period, as_of, week = content["period_label"], _day(content["as_of"]), content["week"]
    number = {key: format_count(counts[key]) for key in DIGEST_STATUSES}
    subject = _(
        "Beacon weekly digest, %(period)s: %(off_track)s off track, %(at_risk)s at risk, "
        "%(on_track)s on track",
        period=period,
        **{key: number[key] for key in ("off_track", "at_risk", "on_track")},
    )
    status = _(", ").join(
        _("%(count)s %(status)s", count=number[key], status=_digest_status_word(key))
        for key in DIGEST_STATUSES
    )
    scorecard, open_scorecard, opening = config.PUBLIC_URL + "/", _("Open the scorecard"), _("Open")
    intro = _(
        "Beacon's weekly digest for week %(week)s: %(period)s, data as of %(day)s.",
        week=week,
        period=period,
        day=as_of,
    )
    pack = _pack_line(content.get("pack"))

    lines = [
        intro,
        "",
        _("Metrics: %(counts)s.", counts=status),
        _("Open the scorecard: %(link)s", link=scorecard),
    ]
    for heading, empty, items in _digest_sections(content):
        lines += ["", _("%(heading)s:", heading=heading)]
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
        f'<td width="25%" style="{cell};{colours[key]}"><div style="font-size:22px;font-weight:bold">{number[key]}</div>'
        f"{html.escape(_digest_status_word(key))}</td>"
        for key in DIGEST_STATUSES
    )
    parts = [
        f'<p style="font-size:15px">{html.escape(intro)}</p>',
        '<table role="presentation" cellpadding="0" cellspacing="0" width="100%" '
        f'style="border-collapse:collapse;margin:8px 0"><tr>{tiles}</tr></table>',
        f"<p>{_open_link(scorecard, open_scorecard)}</p>",
    ]
    row = "padding:6px 0;border-bottom:1px solid #eee;font-size:14px;vertical-align:top"
    for heading, empty, items in _digest_sections(content):
        parts.append(f'<h2 style="font-size:16px;margin:20px 0 6px">{html.escape(heading)}</h2>')
        if not items:
            parts.append(f'<p style="color:#555;font-size:14px;margin:0">{html.escape(empty)}</p>')
            continue
        rows = "".join(
            f'<tr><td style="{row}">{html.escape(said)}</td>'
            f'<td style="{row};{_inline_start()}:12px;white-space:nowrap">'
            f"{_open_link(url, opening)}</td></tr>"
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
    added to both parts (in the current language: the recipient's, as the digest was worded)."""
    page = payload["html"].removesuffix(_PAGE_END) + _stop(unsubscribe) + _PAGE_END
    return payload["subject"], payload["text"].rstrip("\n") + _footer_text(unsubscribe), page


def pack_filename(period_key: str) -> str:
    """The review pack's name as a digest attaches it."""
    return f"beacon-review-{period_key}.pdf"
