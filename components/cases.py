"""Follow-up cases on screen: the queue table and its CSV, a case's status badge, its answer (the score,
the comment in the customer's own direction, the other answers of the same response), its timeline,
and the forms of its actions. Pure: records and frames in, components out."""

from datetime import datetime

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html
from dash.development.base_component import Component

from components.export import csv_text
from components.icons import icon
from components.pieces import sort_headings
from data.state.cases import LINKED, OUTCOMES, STATUSES
from i18n import N_, _, format_day, format_time, pgettext

#: Each status: its icon and colour (always with its word, never colour alone).
STATUS_LOOK = {
    "new": ("bi-envelope-exclamation", "primary"),
    "contacted": ("bi-telephone", "info"),
    "reopened": ("bi-arrow-counterclockwise", "warning"),
    "resolved": ("bi-check-circle-fill", "success"),
}
#: Queue columns: (key, heading, sortable); headings marked for translation.
QUEUE_COLUMNS = (
    ("case", N_("Case"), False),
    ("score", N_("Score"), True),
    ("metric", N_("Metric"), True),
    ("scope", N_("Touchpoint · segment"), False),
    ("assignee", N_("Assignee"), True),
    ("status", N_("Status"), True),
    ("due", N_("Due"), True),
    ("responded", N_("Answered"), True),
)
#: The root cause select's "none chosen" (an empty value would show as a blank select).
NO_CAUSE = "-"
#: The actions a case page offers: key → (button text, marked for translation; icon).
ACTIONS = {
    "contact": (N_("Mark contacted"), "bi-telephone"),
    "resolve": (N_("Resolve"), "bi-check2-circle"),
    "reopen": (N_("Reopen"), "bi-arrow-counterclockwise"),
    "set_cause": (N_("Save the cause"), "bi-tag"),
    "note": (N_("Add a note"), "bi-chat-left-text"),
    "reassign": (N_("Reassign"), "bi-person-gear"),
}
#: The fields a timeline entry's changes name, as its line writes them, marked for translation.
CHANGE_NAMES = {
    "status": N_("status"),
    "outcome": N_("outcome"),
    "root_cause": N_("root cause"),
    "cause_note": N_("cause note"),
    "contacted_at": N_("contacted at"),
    "resolved_at": N_("resolved at"),
    "contact_due_at": N_("contact due at"),
    "resolve_due_at": N_("resolve due at"),
    "assignee": N_("assignee"),
    "assignee_kind": N_("assignee kind"),
    "assignee_id": N_("assignee id"),
}


def moment_text(moment) -> str:
    """'3 Nov 2026 08:05' as the language writes a day and a time ('3.11.2026 klo 8.05'); a dash
    when there is none."""
    if moment is None or pd.isna(moment):
        return "—"
    moment = pd.Timestamp(moment).to_pydatetime()
    return _("%(day)s %(time)s", day=format_day(moment), time=format_time(moment))


def status_word(status: str) -> str:
    """A status in the current language (an unknown one as it is stored)."""
    return _(STATUSES[status]) if status in STATUSES else status


def outcome_word(outcome: str | None) -> str:
    return _(OUTCOMES[outcome]) if outcome in OUTCOMES else (outcome or "")


def status_badge(status: str, class_name: str = "") -> html.Span:
    glyph, colour = STATUS_LOOK.get(status, ("bi-question-circle", "secondary"))
    label = [icon(glyph, "me-1"), status_word(status)]
    return html.Span(label, className=f"badge text-bg-{colour} case-status {class_name}".strip())


def _due(next_due, overdue: bool, late: str, alarm) -> dict:
    """When the next step is due, and how late it is (words and icon, not colour alone; `alarm`: the
    icon, as sent): a span as Dash sends it (see `_sent`)."""
    if next_due is None or pd.isna(next_due):
        return _element("Span", "—", className="text-body-secondary")
    due = moment_text(next_due)
    if not overdue:
        return _element("Span", due)
    said = (
        _("%(due)s · first contact overdue", due=due)
        if late == "contact"
        else _("%(due)s · resolution overdue", due=due)
    )
    return _element("Span", [alarm, said], className="text-danger fw-semibold")


def _score(score) -> str:
    return f"{score:g}"


def _headings() -> list[tuple[str, str, bool]]:
    return [(key, _(heading), sortable) for key, heading, sortable in QUEUE_COLUMNS]


def _sent(value):
    """`value` (a component, or children) as Dash sends it to the browser: plain dicts {"type",
    "namespace", "props"}, lists and text, exactly what the component's JSON is."""
    if isinstance(value, Component):
        value = value.to_plotly_json()
    if isinstance(value, dict):
        return {key: _sent(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_sent(item) for item in value]
    return value


def _element(tag: str, children, **props) -> dict:
    """The html.`tag` element with `children` and `props` as Dash sends it (see `_sent`)."""
    return {"type": tag, "namespace": "dash_html_components", "props": {"children": children, **props}}


def queue_table(rows: list[dict], sort: str, sort_href, now: datetime) -> html.Table:
    """The queue: one row per case (`rows`: views.cases.queue's); headings link to `sort_href(key)`.

    A page is 100 rows of about ten elements each, and a Dash component is slow to build and to
    serialise (it checks every prop on the way in and on the way out): so the rows are built as
    the very JSON those html components would send (`_element`; the props are ours, known good),
    and each status's badge is a real component, serialised once (`_sent`) and drawn in every row
    that has it. The browser gets the same elements either way."""
    badges = {status: _sent(status_badge(status)) for status in {row["status"] for row in rows}}
    alarm = _sent(icon("bi-alarm", "me-1"))
    drawn = []
    for row in rows:
        case_id = str(row["case_id"])
        cells = [
            _element("Td", _element("A", f"#{case_id}", href=f"/case/{case_id}", className="fw-semibold")),
            _element("Td", _score(row["score"]), className="number"),
            _element("Td", row["metric_name"]),
            _element("Td", f"{row['touchpoint_name']} · {row['segment_name']}", className="small"),
            _element("Td", row["assignee_name"], className="text-break"),
            _element("Td", badges[row["status"]]),
            _element("Td", _due(row["next_due"], row["overdue"], row["late"], alarm), className="small"),
            _element("Td", moment_text(row["responded_at"]), className="small text-nowrap"),
        ]
        drawn.append(
            _element(
                "Tr",
                cells,
                **{
                    "data-case-id": case_id,
                    "data-status": row["status"],
                    "data-assignee-id": row["assignee"],
                    "data-overdue": "true" if row["overdue"] else "false",
                    "data-metric-id": row["metric_id"],
                    "data-response-id": row["response_id"],
                    "data-commitment-id": row["commitment"],
                },
            )
        )
    return dbc.Table(
        [html.Thead(html.Tr(sort_headings(_headings(), sort, sort_href))), html.Tbody(drawn)],
        size="sm",
        hover=True,
        class_name="case-queue mb-0",
    )


def queue_csv(frame: pd.DataFrame) -> str:
    """The queue as CSV, with the same words as the table (no comments: they stay on the case page)."""
    columns = {
        "case_id": "case",
        "score": "score",
        "metric_name": "metric",
        "touchpoint_name": "touchpoint",
        "segment_name": "segment",
        "assignee_name": "assignee",
        "status": "status",
        "next_due": "due",
        "overdue": "overdue",
        "responded_at": "answered",
        "respondent_ref": "respondent_ref",
        "root_cause": "root_cause",
    }
    return csv_text(frame.reindex(columns=list(columns)).rename(columns=columns))


def answer_card(answers: pd.DataFrame, case: dict, names: dict) -> html.Div:
    """The answer the case is about (score and comment, the comment in its writer's own direction), and
    the other answers given in the same response."""
    if answers.empty:
        return html.P(
            _("This answer is no longer in the live snapshot (it was corrected or removed at the source)."),
            className="text-body-secondary",
        )
    own, others = answers.iloc[0], answers.iloc[1:]
    comment = own["comment"] if isinstance(own["comment"], str) and own["comment"].strip() else None
    parts = [
        html.Div(
            [
                html.Span(
                    _score(own["score"]), className="case-score", **{"data-score": _score(own["score"])}
                ),
                html.Span(
                    names["metric"].get(own["metric_id"], own["metric_id"]), className="ms-2 fw-semibold"
                ),
            ],
            className="d-flex align-items-baseline mb-2",
        ),
        html.Blockquote(comment, className="case-comment", dir="auto")
        if comment
        else html.P(_("No comment with this answer."), className="text-body-secondary"),
    ]
    if len(others):
        parts.append(html.H3(_("Also answered in this response"), className="h6 mt-3"))
        parts.append(
            html.Ul(
                [
                    html.Li(
                        [
                            html.Span(
                                names["metric"].get(row.metric_id, row.metric_id), className="fw-semibold"
                            ),
                            f" {_score(row.score)}",
                            html.Span(f" — {row.comment}", dir="auto")
                            if isinstance(row.comment, str) and row.comment
                            else None,
                        ]
                    )
                    for row in others.itertuples(index=False)
                ],
                className="list-unstyled small mb-0",
            )
        )
    return html.Div(parts)


def commitment_link(commitment_id: int | None, title: str | None):
    """The commitment a case is linked to ('#12 Redesign: …', a link), or a dash."""
    if commitment_id is None or pd.isna(commitment_id):
        return "—"
    text = LINKED_TO % {"id": int(commitment_id), "title": title or ""} if title else f"#{int(commitment_id)}"
    return html.A(text, href=f"/commitment/{int(commitment_id)}", className="case-commitment", dir="auto")


#: A case's commitment, by its number and title; its timeline's entry when it was linked.
LINKED_TO = "#%(id)s %(title)s"
LINKED_HEADING = N_("Linked to commitment #%(id)s")


def _overdue(due, overdue: bool) -> str:
    """A due time, and " · overdue" when the case is late for it."""
    return _("%(due)s · overdue", due=moment_text(due)) if overdue else moment_text(due)


def facts_list(
    case: dict, names: dict, assignee: str, late: str, commitment_title: str | None = None
) -> html.Dl:
    """The case's own facts: where, who, the respondent's reference, its clocks (`late`: what it is
    late for, "contact", "resolution" or ""), its outcome and cause, and the commitment it is linked to
    (titled `commitment_title`)."""
    rows = [
        (
            _("Touchpoint · segment"),
            f"{names['touchpoint'].get(case['touchpoint_id'], case['touchpoint_id'])} · {names['segment'].get(case['segment_id'], case['segment_id'])}",
        ),
        (_("Assignee"), assignee),
        (
            _("Respondent reference"),
            html.Code(case["respondent_ref"])
            if case["respondent_ref"]
            else _("None given (find the customer by the time and place of the answer)"),
        ),
        (_("Answered"), moment_text(case["responded_at"])),
        (
            _("First contact due"),
            _overdue(case["contact_due_at"], late == "contact"),
        ),
        (_("Contacted"), moment_text(case["contacted_at"])),
        (
            _("Resolution due"),
            _overdue(case["resolve_due_at"], late == "resolution"),
        ),
        (
            _("Resolved"),
            _(
                "%(time)s · %(outcome)s",
                time=moment_text(case["resolved_at"]),
                outcome=outcome_word(case["outcome"]),
            )
            if case["resolved_at"]
            else "—",
        ),
        (_("Root cause"), case["root_cause"] or "—"),
        (_("Commitment"), commitment_link(case.get("commitment_id"), commitment_title)),
    ]
    if case.get("cause_note"):
        rows.append((_("About the cause"), html.Span(case["cause_note"], dir="auto")))
    return html.Dl(
        [part for label, value in rows for part in (html.Dt(label), html.Dd(value))],
        className="case-facts mb-0",
    )


def _change_text(entry: dict, assignees: dict[str, str] | None = None) -> str:
    """`field: before → after; …`, an assignee by name where `assignees` (key → name) knows it."""
    changes, assignees = entry.get("changes") or {}, assignees or {}

    def shown(field: str, value) -> str:
        if field == "assignee":
            return assignees.get(value, value) or "—"
        if field == "status" and value:
            return status_word(value)
        if field == "outcome" and value:
            return outcome_word(value)
        if field.endswith("_at") and isinstance(value, str) and value:
            try:
                return moment_text(datetime.fromisoformat(value))
            except ValueError:
                return value
        return value or "—"

    def name(field: str) -> str:
        return _(CHANGE_NAMES[field]) if field in CHANGE_NAMES else field.replace("_", " ")

    said = [
        f"{name(field)}: {shown(field, values[0])} → {shown(field, values[1])}"
        for field, values in changes.items()
    ]
    return "; ".join(said)


def action_word(action: str) -> str:
    """What a history entry did, in a word of the current language ('Set cause'): the timeline's own
    words (context "case history"), apart from the buttons' imperatives."""
    words = {
        "opened": pgettext("case history", "Opened"),
        "contact": pgettext("case history", "Contact"),
        "resolve": pgettext("case history", "Resolve"),
        "reopen": pgettext("case history", "Reopen"),
        "set_cause": pgettext("case history", "Set cause"),
        "note": pgettext("case history", "Note"),
        "reassign": pgettext("case history", "Reassign"),
        LINKED: pgettext("case history", "Link"),
    }
    return words.get(action) or action.replace("_", " ").capitalize()


def _heading(entry: dict, assignees: dict[str, str]):
    """What a timeline entry did, in words: a hand-over names both people; 'Linked to commitment #12'
    links to it."""
    changes = entry.get("changes") or {}
    if entry["action"] == LINKED:
        commitment_id = changes.get("commitment_id", [None, None])[1]
        return html.A(
            _(LINKED_HEADING, id=commitment_id),
            href=f"/commitment/{commitment_id}",
            className="fw-semibold",
        )
    moved = changes.get("assignee")
    if entry["action"] == "reassign" and moved:
        before, after = (assignees.get(key, key) if key else _("nobody") for key in moved)
        said = _("Reassigned from %(before)s to %(after)s", before=before, after=after)
    else:
        said = action_word(entry["action"])
    return html.Span(said, className="fw-semibold")


def timeline(entries: list[dict], assignees: dict[str, str] | None = None) -> html.Ol:
    """Every change, newest first: when, who, what, and the note (`assignees`: assignee key → name)."""
    assignees = assignees or {}
    items = [
        html.Li(
            [
                html.Div(
                    [
                        _heading(entry, assignees),
                        html.Span(
                            f" · {entry['changed_by']} · {moment_text(entry['changed_at'])}",
                            className="text-body-secondary small",
                        ),
                    ]
                ),
                html.Div(_change_text(entry, assignees), className="small")
                if entry.get("changes") and entry["action"] not in ("reassign", LINKED)
                else None,
                html.P(entry["note"], className="mb-0 small", dir="auto") if entry.get("note") else None,
            ],
            className="list-group-item px-0",
            **{"data-version": str(entry["version"])},
        )
        for entry in reversed(entries)
    ]
    return html.Ol(items, className="list-group list-group-flush case-timeline")


def action_forms(case: dict, causes: list[str], ids: dict, assignees: list[tuple[str, str]] = ()) -> html.Div:
    """The forms of the actions this case's status allows; `ids` names each control (the page's ids);
    `assignees`: whom it may be handed to, as (assignee key, text)."""
    status = case["status"]
    buttons = []
    if status in ("new", "reopened"):
        buttons.append("contact")
    parts = []
    note = dbc.Textarea(
        id=ids["note"],
        placeholder=_("A note (what was said, what was done)"),
        rows=2,
        maxLength=2000,
        class_name="mb-2",
    )
    parts.append(
        html.Div([dbc.Label(_("Note"), html_for=ids["note"], class_name="form-label small mb-1"), note])
    )
    # The outcome is chosen while the case is open; on a resolved case its select is still there, hidden:
    # the page's one callback reads it, and Dash runs no callback whose State is missing from the page.
    parts.append(
        html.Div(
            [
                dbc.Label(_("Outcome"), html_for=ids["outcome"], class_name="form-label small mb-1"),
                dbc.Select(
                    id=ids["outcome"],
                    options=[{"label": _(text), "value": key} for key, text in OUTCOMES.items()],
                    value="fixed",
                    size="sm",
                    class_name="mb-2",
                ),
            ],
            hidden=status == "resolved",
        )
    )
    buttons.append("resolve" if status != "resolved" else "reopen")
    buttons.append("note")
    parts.append(
        html.Div(
            [
                dbc.Button(
                    [icon(ACTIONS[key][1], "me-1"), _(ACTIONS[key][0])],
                    id={"type": ids["action"], "action": key},
                    size="sm",
                    color="primary" if i == 0 else "secondary",
                    outline=i > 0,
                )
                for i, key in enumerate(buttons)
            ],
            className="d-flex flex-wrap gap-2 mb-3",
        )
    )
    parts.append(
        html.Div(
            [
                dbc.Label(_("Root cause"), html_for=ids["cause"], class_name="form-label small mb-1"),
                dbc.Select(
                    id=ids["cause"],
                    options=[{"label": _("Not chosen yet"), "value": ""}]
                    + [{"label": c, "value": c} for c in causes],
                    value=case["root_cause"] or "",
                    size="sm",
                    class_name="mb-2",
                ),
                dbc.Input(
                    id=ids["cause_note"],
                    placeholder=_("The cause in words"),
                    value=case.get("cause_note") or "",
                    size="sm",
                    class_name="mb-2",
                    maxLength=2000,
                ),
                dbc.Button(
                    [icon(ACTIONS["set_cause"][1], "me-1"), _(ACTIONS["set_cause"][0])],
                    id={"type": ids["action"], "action": "set_cause"},
                    size="sm",
                    color="secondary",
                    outline=True,
                ),
            ]
        )
    )
    parts.append(reassign_form(case, ids, assignees))
    return html.Div(parts)


def reassign_form(case: dict, ids: dict, assignees: list[tuple[str, str]]) -> html.Div:
    """Hand the case to an owner or an account, with a note saying why (optional)."""
    current = f"{case['assignee_kind']}:{case['assignee_id']}" if case.get("assignee_id") else None
    options = [{"label": text, "value": key} for key, text in assignees]
    if current and current not in dict(assignees):
        options.insert(0, {"label": case["assignee_id"], "value": current})
    return html.Div(
        [
            dbc.Label(_("Reassign to"), html_for=ids["assignee"], class_name="form-label small mb-1"),
            dbc.Select(id=ids["assignee"], options=options, value=current, size="sm", class_name="mb-2"),
            dbc.Label(_("Why (optional)"), html_for=ids["reassign_note"], class_name="form-label small mb-1"),
            dbc.Input(
                id=ids["reassign_note"],
                placeholder=_("What the new assignee should know"),
                size="sm",
                class_name="mb-2",
                maxLength=2000,
            ),
            dbc.Button(
                [icon(ACTIONS["reassign"][1], "me-1"), _(ACTIONS["reassign"][0])],
                id={"type": ids["action"], "action": "reassign"},
                size="sm",
                color="secondary",
                outline=True,
            ),
        ],
        className="case-reassign border-top pt-3 mt-3",
    )


def said(kind: str, text) -> dbc.Alert:
    return dbc.Alert(text, color=kind, class_name="py-2 mb-0 mt-2 small")


def conflict_text(changes: list[dict]) -> html.Div:
    """Someone acted first: what they did, so nobody overwrites it without seeing it."""
    return html.Div(
        [
            html.P(
                _("Not saved: someone acted on this case since you opened it. Their changes:"),
                className="mb-1",
            ),
            html.Ul(
                [
                    html.Li(
                        f"{c['changed_by']}: {action_word(c['action'])}"
                        + (f" — {_change_text(c)}" if c.get("changes") else "")
                        + (f" ({c['note']})" if c.get("note") else "")
                    )
                    for c in changes
                ],
                className="mb-1",
            ),
            html.P(
                _("The page now shows the case as it is; act again if you still want to."), className="mb-0"
            ),
        ]
    )


def refresh_link(case_id: int) -> dcc.Link:
    return dcc.Link(_("Reload the case"), href=f"/case/{case_id}", refresh=True)
