"""Commitments on screen: badges, the register table, the form, the history, and whether one worked.

Pure builders: frames and dicts in, components out. Every commitment row or card carries DESIGN.md's
attributes (components.attributes.commitment_attributes).
"""

from datetime import date

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from components.attributes import commitment_attributes
from components.controls import ALL
from components.dates import days_text, format_day
from components.export import csv_text
from components.format import format_change, format_value
from components.icons import icon
from components.ids import dom_id
from data.state.commitments import DESCRIPTION_MAX, FIELD_LABELS, KINDS, NOTE_MAX, STATUSES, TITLE_MAX
from queries.accountability import EFFECT_LABELS, Effect

#: Icon of each commitment status, and of overdue, which trumps the status it qualifies.
STATUS_ICONS = {
    "planned": "bi-calendar-event",
    "in_progress": "bi-play-circle-fill",
    "done": "bi-check-circle-fill",
    "dropped": "bi-x-circle",
    "overdue": "bi-alarm-fill",
}
EFFECT_ICONS = {
    "moved": "bi-graph-up-arrow",
    "no_change": "bi-dash-lg",
    "too_little_data": "bi-hourglass-split",
}


def busy_note() -> html.Span:
    """Said beside Save, by both editors, when the state database stayed busy: nothing was saved, and
    the form keeps what was typed."""
    return html.Span(
        [icon("bi-hourglass-split", "me-1"), "Not saved: the database is busy. Try again."],
        className="busy-note text-danger small",
    )


def commitment_badge(status: str, overdue: bool) -> html.Span:
    """The status in colour, icon and word; an open commitment past its due date shows "Overdue"."""
    key = "overdue" if overdue else status
    label = f"Overdue · {STATUSES[status].lower()}" if overdue else STATUSES[status]
    return html.Span([icon(STATUS_ICONS[key]), label], className=f"commitment-badge commitment-{key}")


def scope_text(row, names: dict) -> str:
    """'Website · Small business': the touchpoint and segment a commitment is on, '' when on all."""
    return " · ".join(
        names[kind].get(value, value)
        for kind, value in (("touchpoint", row.touchpoint_id), ("segment", row.segment_id))
        if value
    )


def due_text(row, today: date) -> str:
    """'Due 30 Nov 2026', '12 days overdue', 'Done 3 Nov 2026 · 2 days late'."""
    due = pd.Timestamp(row.due_on).date()
    if row.status == "done" and row.completed_on is not None and not pd.isna(row.completed_on):
        late = (pd.Timestamp(row.completed_on).date() - due).days
        return f"Done {format_day(row.completed_on)}" + (
            f" · {days_text(late)} late" if late > 0 else " · on time"
        )
    if row.overdue:
        return f"{days_text((today - due).days)} overdue (due {format_day(due)})"
    return f"Due {format_day(due)}"


#: Effect verdicts in a table's few words; the full words are in the badge's tooltip.
SHORT_EFFECT_LABELS = {"moved": "Moved", "no_change": "No change", "too_little_data": "Too little data"}


def effect_badge(effect: Effect | None, unit: str, short: bool = False) -> html.Span | str:
    """Whether a done commitment moved its metric, in words, with the change when it did."""
    if effect is None:
        return ""
    text = (SHORT_EFFECT_LABELS if short else EFFECT_LABELS)[effect.verdict]
    tone = effect.verdict
    if effect.verdict == "moved":
        tone = "moved-better" if effect.better else "moved-worse"
        text = f"{text}: {format_change(effect.change, unit)}"
    return html.Span(
        [icon(EFFECT_ICONS[effect.verdict]), text],
        className=f"effect-badge effect-{tone}",
        title=effect.reason,
        **{"data-effect": effect.verdict},
    )


def effect_panel(effect: Effect | None, unit: str) -> html.Div | None:
    """The before/after comparison of a done commitment, with the windows and the reason."""
    if effect is None:
        return None
    rows = []
    if effect.before is not None:
        for label, window, value in (
            ("Before", effect.before, effect.value_before),
            ("After", effect.after, effect.value_after),
        ):
            rows.append(
                html.Tr(
                    [
                        html.Th(label, scope="row"),
                        html.Td(f"{format_day(window.start)} – {format_day(window.end)}"),
                        html.Td(format_value(value, unit), className="text-end"),
                    ]
                )
            )
    return html.Div(
        [
            html.Div(effect_badge(effect, unit), className="mb-2"),
            html.P(effect.reason, className="small text-body-secondary"),
            html.Table(html.Tbody(rows), className="table table-sm effect-table") if rows else None,
        ],
        className="effect-panel",
        **{"data-effect": effect.verdict},
    )


#: Register columns: (key, heading, sortable).
REGISTER_COLUMNS = (
    ("title", "Commitment", True),
    ("metric", "Metric", True),
    ("scope", "Touchpoint · segment", False),
    ("owner", "Owner", True),
    ("status", "Status", True),
    ("progress", "Progress", True),
    ("due_on", "Due", True),
    ("effect", "Effect", False),
)


def progress_bar(progress: int, label: str) -> html.Div:
    return html.Div(
        html.Div(className="progress-bar", style={"width": f"{int(progress)}%"}),
        className="progress commitment-progress",
        role="progressbar",
        **{
            "aria-label": label,
            "aria-valuenow": str(int(progress)),
            "aria-valuemin": "0",
            "aria-valuemax": "100",
        },
    )


def register_table(
    frame: pd.DataFrame, names: dict, effects: dict, sort: str, sort_href, row_href, today: date
) -> html.Table:
    """The register: one row per commitment of `frame`; headings link to `sort_href(key)`.

    `names` maps "metric"/"touchpoint"/"segment"/"owner" to id → name; `effects` commitment id →
    (Effect, unit) for done ones.
    """
    key, descending = sort.lstrip("-"), sort.startswith("-")
    headings = []
    for column, heading, sortable in REGISTER_COLUMNS:
        if not sortable:
            headings.append(html.Th(heading, scope="col"))
            continue
        current = column == key
        arrow = ("bi-sort-down" if descending else "bi-sort-up") if current else "bi-arrow-down-up opacity-25"
        next_sort = f"-{column}" if current and not descending else column
        headings.append(
            html.Th(
                html.A([heading, icon(arrow, "ms-1")], href=sort_href(next_sort), className="sort-link"),
                scope="col",
                **{"aria-sort": ("descending" if descending else "ascending") if current else "none"},
            )
        )
    rows = []
    for row in frame.itertuples(index=False):
        scope = scope_text(row, names)
        effect, unit = effects.get(row.commitment_id, (None, ""))
        rows.append(
            html.Tr(
                [
                    html.Td(
                        [
                            html.A(
                                row.title,
                                href=row_href(row.commitment_id),
                                className="fw-semibold",
                                dir="auto",
                            ),
                            html.Div(KINDS[row.kind], className="small text-body-secondary"),
                        ]
                    ),
                    html.Td(names["metric"].get(row.metric_id, row.metric_id)),
                    html.Td(scope or "All", className="" if scope else "text-body-secondary"),
                    html.Td(names["owner"].get(row.owner_id, row.owner_id)),
                    html.Td(commitment_badge(row.status, row.overdue)),
                    html.Td(
                        [
                            progress_bar(row.progress, f"{row.title}: {row.progress}% done"),
                            f"{row.progress}%",
                        ],
                        className="progress-cell",
                    ),
                    html.Td(due_text(row, today)),
                    html.Td(effect_badge(effect, unit, short=True)),
                ],
                **commitment_attributes(row),
            )
        )
    return html.Table(
        [html.Thead(html.Tr(headings)), html.Tbody(rows)],
        className="table table-hover align-middle commitment-register",
    )


def register_csv(frame: pd.DataFrame, names: dict, effects: dict) -> str:
    """The register as CSV: ids and names, dates as ISO, and the effect verdict of done ones."""
    export = frame.assign(
        metric=frame["metric_id"].map(names["metric"]),
        touchpoint=frame["touchpoint_id"].map(names["touchpoint"]),
        segment=frame["segment_id"].map(names["segment"]),
        owner=frame["owner_id"].map(names["owner"]),
        effect=frame["commitment_id"].map(lambda i: effects[i][0].verdict if i in effects else ""),
        effect_change=frame["commitment_id"].map(lambda i: effects[i][0].change if i in effects else None),
    )
    columns = [
        "commitment_id", "title", "kind", "metric_id", "metric", "touchpoint_id", "touchpoint",
        "segment_id", "segment", "owner_id", "owner", "status", "overdue", "progress", "start_on",
        "due_on", "completed_on", "on_time", "expected_value", "effect", "effect_change", "description",
        "created_at", "created_by", "updated_at", "updated_by", "version",
    ]  # fmt: skip
    return csv_text(export[columns])


def _options(choices, empty: str | None = None, empty_value: str = "") -> list[dict]:
    options = [{"label": label, "value": value} for value, label in choices]
    return ([{"label": empty, "value": empty_value}] if empty is not None else []) + options


def field_id(page: str, field: str) -> dict:
    return {"type": f"{page}-field", "field": field}


def feedback_id(page: str, field: str) -> dict:
    return {"type": f"{page}-feedback", "field": field}


def _field(page: str, field: str, control, errors: dict, hint: str | None = None, width: int = 6) -> dbc.Col:
    """A labelled control with its message beside it (and a hint while there is none)."""
    return dbc.Col(
        [
            dbc.Label(
                FIELD_LABELS.get(field, "Note for the history"), html_for=dom_id(field_id(page, field))
            ),
            control,
            dbc.FormFeedback(errors.get(field, ""), id=feedback_id(page, field), type="invalid"),
            dbc.FormText(hint) if hint else None,
        ],
        md=width,
        className="mb-3",
    )


def form_value(value) -> str:
    """A stored value as a form shows it: dates as ISO, numbers without a trailing .0, nothing as ''."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, date):
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def commitment_form(page: str, values: dict, errors: dict, choices: dict, unit_hint: str) -> dbc.Form:
    """Every field of a commitment, each with its message; `values` as the user last typed them.

    `choices` maps "metric"/"touchpoint"/"segment"/"owner" to [(id, name)] for the selects; touchpoint
    and segment offer ALL ("all of them"), which `chosen` turns back into no value.
    """

    # Numbers are typed in text inputs too: a browser's number input sends nothing at all for a value it
    # rejects (150 in a 0–100 field), so the form could not say what is wrong and would save a blank.
    def control(field: str, kind: str = "text", **props):
        value = form_value(values.get(field))
        if field in ("touchpoint_id", "segment_id"):
            value = value or ALL
        common = {"id": field_id(page, field), "value": value, "invalid": field in errors}
        if kind == "select":
            return dbc.Select(**common, **props)
        if kind == "textarea":
            return dbc.Textarea(**common, dir="auto", **props)  # typed in its writer's direction
        return dbc.Input(type=kind, **common, **props)

    sprint = values.get("kind") == "redesign sprint"
    return dbc.Form(
        [
            dbc.Row(
                [
                    _field(
                        page,
                        "title",
                        control("title", maxLength=TITLE_MAX * 2, placeholder="What will be done"),
                        errors,
                        width=12,
                    ),
                    _field(page, "metric_id", control("metric_id", "select", options=_options(choices["metric"], "Choose…")), errors, width=3),
                    _field(page, "touchpoint_id", control("touchpoint_id", "select", options=_options(choices["touchpoint"], "All touchpoints", ALL)), errors, width=3),
                    _field(page, "segment_id", control("segment_id", "select", options=_options(choices["segment"], "All customers", ALL)), errors, width=3),
                    _field(page, "owner_id", control("owner_id", "select", options=_options(choices["owner"], "Choose…")), errors, width=3),
                    _field(page, "kind", control("kind", "select", options=_options(KINDS.items())), errors, width=3),
                    _field(page, "start_on", control("start_on", "date"), errors, width=3),
                    _field(
                        page,
                        "due_on",
                        control("due_on", "date", disabled=sprint),
                        errors,
                        "The 20th working day of a redesign sprint" if sprint else None,
                        width=3,
                    ),
                    _field(page, "status", control("status", "select", options=_options(STATUSES.items())), errors, width=3),
                    _field(page, "progress", control("progress", inputMode="numeric"), errors, "Percent done, 0–100", width=3),
                    _field(page, "completed_on", control("completed_on", "date"), errors, "Today when marked done", width=3),
                    _field(page, "expected_value", control("expected_value", inputMode="decimal"), errors, unit_hint, width=3),
                    _field(page, "description", control("description", "textarea", rows=3, maxLength=DESCRIPTION_MAX * 2), errors, width=12),
                    _field(page, "note", control("note", "textarea", rows=2, maxLength=NOTE_MAX * 2, placeholder="Why this change (kept in the history)"), errors, width=12),
                ]
            )
        ],
        className="commitment-form",
    )  # fmt: skip


def _change_value(field: str, value, names: dict) -> str:
    if value is None or value == "":
        return "—"
    lookup = {
        "metric_id": names["metric"],
        "touchpoint_id": names["touchpoint"],
        "segment_id": names["segment"],
        "owner_id": names["owner"],
        "status": STATUSES,
        "kind": KINDS,
    }.get(field)
    if lookup is not None:
        return lookup.get(value, value)
    if field == "progress":
        return f"{value}%"
    if field.endswith("_on"):
        return format_day(value)
    return str(value)


def change_list(entry: dict, names: dict) -> html.Ul:
    """'Status: In progress → Done' per field an entry changed (created fields show their value)."""
    items = []
    for field, (before, after) in entry["changes"].items():
        label = FIELD_LABELS.get(field, field)
        if field == "description":
            items.append(html.Li(f"{label} {'set' if before is None else 'changed'}"))
        elif before is None and entry["version"] == 1:
            items.append(
                html.Li([html.Span(f"{label}: "), html.Span(_change_value(field, after, names), dir="auto")])
            )
        else:
            items.append(
                html.Li(
                    [
                        html.Span(f"{label}: "),
                        html.Span(
                            _change_value(field, before, names), className="text-body-secondary", dir="auto"
                        ),
                        " → ",
                        html.Strong(_change_value(field, after, names), dir="auto"),
                    ]
                )
            )
    return html.Ul(items, className="change-list")


def history_list(entries: list[dict], names: dict) -> html.Ol:
    """The history, newest first: who, when, what changed and the note."""
    return html.Ol(
        [
            html.Li(
                [
                    html.Div(
                        [
                            html.Strong(entry["changed_by"]),
                            f" {'created it' if entry['version'] == 1 else 'changed it'} · ",
                            html.Time(f"{entry['changed_at']:%-d %b %Y %H:%M}", dateTime=entry["changed_at"].isoformat()),
                            html.Span(f" · version {entry['version']}", className="text-body-secondary"),
                        ],
                        className="history-head",
                    ),
                    html.Blockquote(entry["note"], className="history-note", dir="auto") if entry["note"] else None,
                    change_list(entry, names),
                ],
                className="history-entry",
                **{"data-version": str(entry["version"])},
            )
            for entry in reversed(entries)
        ],
        className="history-list",
    )  # fmt: skip


def conflict_message(entries: list[dict], names: dict) -> list:
    """What someone else saved while this person was editing, and what to do now."""
    return [
        html.H2("Not saved: someone else changed this commitment", className="h6 alert-heading"),
        *[
            html.Div(
                [
                    html.Div(f"{entry['changed_by']} saved version {entry['version']} on {entry['changed_at']:%-d %b %Y at %H:%M}:"),
                    change_list(entry, names),
                    html.Blockquote(entry["note"], className="history-note", dir="auto") if entry["note"] else None,
                ]
            )
            for entry in entries
        ],
        html.P(
            "Your edits are still in the form. Reload to start from the latest version, then make them again.",
            className="mb-0",
        ),
    ]  # fmt: skip


def edit_id(field: str, commitment_id) -> dict:
    """Ids of the in-place editor of one commitment card: field is a form field, "save", "message",
    "version" or "card" (the card's frame, which a save fills anew)."""
    return {"type": f"owner-edit-{field}", "commitment": commitment_id}


#: What an owner edits in place on a commitment card; the rest is on the commitment's own page.
IN_PLACE_FIELDS = ("status", "progress", "start_on", "due_on", "completed_on", "note")


def commitment_card(
    row, names: dict, effect: Effect | None, unit: str, today: date, editable: bool = True
) -> html.Div:
    """One commitment as a card on its owner's page, editable in place (status, progress, dates, note)
    for whoever may change it: a frame that a save fills anew with `commitment_card_body`."""
    return html.Div(
        commitment_card_body(row, names, effect, unit, today, editable=editable),
        id=edit_id("card", int(row.commitment_id)),
    )


def commitment_card_body(
    row, names: dict, effect: Effect | None, unit: str, today: date, message=None, editable: bool = True
) -> html.Div:
    """The card itself, with `message` (what the last save said) under its editor; without the editor,
    its progress as text."""
    cid = int(row.commitment_id)
    scope = scope_text(row, names)

    def labelled(field: str, control, width: str, shown: bool = True) -> html.Div:
        return html.Div(
            [
                dbc.Label(
                    FIELD_LABELS.get(field, "Note"),
                    html_for=dom_id(edit_id(field, cid)),
                    className="small mb-0",
                ),
                control,
                dbc.FormFeedback("", id=edit_id(f"{field}-feedback", cid), type="invalid"),
            ],
            className=f"in-place-field {width}{'' if shown else ' d-none'}",
        )

    return html.Div(
        [
            dcc.Store(id=edit_id("version", cid), data=int(row.version)),
            html.Div(
                [
                    html.A(row.title, href=f"/commitment/{cid}", className="commitment-title", dir="auto"),
                    commitment_badge(row.status, row.overdue),
                ],
                className="commitment-card-head",
            ),
            html.Div(
                [
                    html.Span(names["metric"].get(row.metric_id, row.metric_id), className="fw-semibold"),
                    f" · {scope}" if scope else " · all touchpoints and customers",
                    f" · {KINDS[row.kind]} · ",
                    html.Span(due_text(row, today)),
                ],
                className="commitment-meta",
            ),
            html.Div(effect_badge(effect, unit), className="mt-1") if effect is not None else None,
            html.Div(
                [progress_bar(row.progress, f"Progress {int(row.progress)}%"), f"{int(row.progress)}\u202f% done"],
                className="commitment-card-progress small text-body-secondary mt-2",
            )
            if not editable
            else html.Div(
                [
                    labelled("status", dbc.Select(id=edit_id("status", cid), options=_options(STATUSES.items()), value=row.status, size="sm"), "w-status"),
                    labelled("progress", dbc.Input(id=edit_id("progress", cid), value=str(int(row.progress)), inputMode="numeric", size="sm"), "w-progress"),
                    labelled("start_on", dbc.Input(id=edit_id("start_on", cid), type="date", value=form_value(row.start_on), size="sm"), "w-date"),
                    labelled("due_on", dbc.Input(id=edit_id("due_on", cid), type="date", value=form_value(row.due_on), size="sm", disabled=row.kind == "redesign sprint"), "w-date"),
                    # Only a done commitment has a completion date; marking one done fills in today.
                    labelled("completed_on", dbc.Input(id=edit_id("completed_on", cid), type="date", value=form_value(row.completed_on), size="sm"), "w-date", shown=row.status == "done"),
                    labelled("note", dbc.Input(id=edit_id("note", cid), type="text", placeholder="What happened (kept in the history)", maxLength=NOTE_MAX * 2, size="sm"), "w-note"),
                    dbc.Button("Save", id=edit_id("save", cid), size="sm", color="primary", className="align-self-end"),
                ],
                className="in-place-editor",
            ),
            html.Div(message, id=edit_id("message", cid), className="in-place-message", role="status")
            if editable
            else None,
        ],
        className=f"commitment-card commitment-card-{'overdue' if row.overdue else row.status}",
        **commitment_attributes(row),
    )  # fmt: skip


def commitment_list(frame: pd.DataFrame, names: dict, effects: dict, today: date) -> html.Ul:
    """A short list of commitments (a metric's or a touchpoint's): title, owner, status, dates, effect."""
    return html.Ul(
        [
            html.Li(
                [
                    html.Div(
                        [
                            html.A(
                                row.title,
                                href=f"/commitment/{row.commitment_id}",
                                className="fw-semibold",
                                dir="auto",
                            ),
                            commitment_badge(row.status, row.overdue),
                        ],
                        className="d-flex justify-content-between gap-2",
                    ),
                    html.Div(
                        [
                            names["owner"].get(row.owner_id, row.owner_id),
                            " · ",
                            due_text(row, today),
                            " ",
                            effect_badge(*effects[row.commitment_id])
                            if row.commitment_id in effects
                            else None,
                        ],
                        className="small text-body-secondary",
                    ),
                ],
                className="commitment-item",
                **commitment_attributes(row),
            )
            for row in frame.itertuples(index=False)
        ],
        className="commitment-list",
    )


def milestones(frame: pd.DataFrame) -> tuple:
    """Commitment starts and completions for a trend chart: ((ISO day, "start" | "done", title), …)."""
    starts = [
        (str(row.start_on), "start", row.title)
        for row in frame.itertuples(index=False)
        if row.status != "dropped"
    ]
    done = [
        (str(row.completed_on), "done", row.title)
        for row in frame.itertuples(index=False)
        if row.status == "done" and row.completed_on is not None and not pd.isna(row.completed_on)
    ]
    return tuple(starts + done)
