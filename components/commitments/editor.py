"""A commitment as a card on its owner's page, editable in place (status, progress, dates, a note) by
whoever may change it."""

from datetime import date

import dash_bootstrap_components as dbc
from dash import dcc, html

from components.attributes import commitment_attributes
from components.commitments.badges import commitment_badge, due_text, effect_badge, scope_text
from components.commitments.form import form_value, options
from components.ids import dom_id
from components.pieces import progress
from data.state.commitments import FIELD_LABELS, KINDS, NOTE_MAX, STATUSES
from i18n import _, format_integer, format_percent
from queries.accountability import Effect


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
                    _(FIELD_LABELS[field]) if field in FIELD_LABELS else _("Note"),
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
                    " · " + (scope or _("all touchpoints and customers")),
                    f" · {_(KINDS[row.kind])} · ",
                    html.Span(due_text(row, today)),
                ],
                className="commitment-meta",
            ),
            html.Div(effect_badge(effect, unit), className="mt-1") if effect is not None else None,
            html.Div(
                [
                    progress(row.progress, _("Progress %(percent)s", percent=format_percent(int(row.progress), 0)), "commitment-progress"),
                    _("%(percent)s done", percent=format_percent(int(row.progress), 0)),
                ],
                className="commitment-card-progress small text-body-secondary mt-2",
            )
            if not editable
            else html.Div(
                [
                    labelled("status", dbc.Select(id=edit_id("status", cid), options=options((value, _(word)) for value, word in STATUSES.items()), value=row.status, size="sm"), "w-status"),
                    labelled("progress", dbc.Input(id=edit_id("progress", cid), value=str(int(row.progress)), inputMode="numeric", size="sm"), "w-progress"),
                    labelled("start_on", dbc.Input(id=edit_id("start_on", cid), type="date", value=form_value(row.start_on), size="sm"), "w-date"),
                    labelled("due_on", dbc.Input(id=edit_id("due_on", cid), type="date", value=form_value(row.due_on), size="sm", disabled=row.kind == "redesign sprint"), "w-date"),
                    # Only a done commitment has a completion date: hidden and empty until then, so that
                    # marking one done here completes it today.
                    labelled("completed_on", dbc.Input(id=edit_id("completed_on", cid), type="date", value=form_value(row.completed_on) if row.status == "done" else "", size="sm"), "w-date", shown=row.status == "done"),
                    labelled("note", dbc.Input(id=edit_id("note", cid), type="text", placeholder=_("What happened (kept in the history)"), maxLength=NOTE_MAX * 2, size="sm"), "w-note"),
                    dbc.Button(_("Save"), id=edit_id("save", cid), size="sm", color="primary", className="align-self-end"),
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


def commitment_section(title: str, cards: list) -> html.Section:
    """A titled group of commitment cards ("Overdue (2)") on an owner's page; `title` in English (one
    of views.commitments.OWNER_SECTIONS), shown translated, its class kept English."""
    return html.Section(
        [
            html.H3(
                _("%(section)s (%(count)s)", section=_(title), count=format_integer(len(cards))),
                className="h6 section-title",
            ),
            *cards,
        ],
        className=f"commitment-section section-{title.lower()}",
    )
