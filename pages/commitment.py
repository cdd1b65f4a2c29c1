"""`/commitment/<id>` — one commitment: edit every field, see its history and whether it worked.

`/commitment/new?metric=…&touchpoint=…&segment=…` opens the same form empty, pre-filled from the
tile, metric page or touchpoint page it was opened from. A save from a stale version is refused and
the form keeps what the user typed; a successful save reloads the page with the saved state.

`…&cause=…&period=…` (a touchpoint's closed-loop card) opens a redesign sprint of that root cause:
saving links the follow-up cases of the cause at the touchpoint in that period that no commitment
holds yet, in the same transaction; the commitment's page then counts them, with their queue.
"""

from datetime import date
from urllib.parse import parse_qsl

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

import queries
from components import ids
from components.attributes import commitment_attributes
from components.commitments.badges import effect_panel, status_line
from components.commitments.cases import linked_cases, sprint_note
from components.commitments.form import busy_note, field_id, form_card
from components.commitments.history import conflict_message, history_list
from components.controls import chosen
from components.feedback import problem
from components.links import href
from data.state import commitments, database
from i18n import N_, _, ngettext
from views import cases
from views.commitment_context import choices, commitment_page, names, sprint_cases
from views.commitments import Busy, Conflict, Invalid, Refused, Saved, read_only_note, save_commitment
from views.context import state_unreachable
from views.users import acting_user

dash.register_page(
    __name__, path_template="/commitment/<commitment_id>", title=lambda **_query: _("Commitment · Beacon")
)

PAGE = "commitment"  # prefix of the form's pattern-matching ids
ROOT = "commitment-root"
SAVE = "commitment-save"
MESSAGE = "commitment-message"
SAVE_NOTE = "commitment-save-note"  # beside Save: what became of the last click when nothing else says
EDITING = "commitment-editing"  # {"commitment_id": id or None, "version": the version being edited}
SAVED_MESSAGES = {"created": N_("Commitment created."), "saved": N_("Saved.")}


def layout(commitment_id: str | None = None, saved=None, version=None, **prefill):
    try:
        return _page(commitment_id, saved, version, prefill)
    except queries.WarehouseError as error:
        return problem(_("The warehouse cannot be read"), str(error), back_href=None)
    except database.UnreachableError:
        return state_unreachable()


def _page(commitment_id, saved, version, prefill: dict):
    shown = commitment_page(commitment_id, prefill)
    if shown is None:
        return problem(
            _("This commitment cannot be shown"),
            _("There is no commitment “%(id)s”. Find it in the commitments register.", id=commitment_id),
            back_href="/commitments",
            back_label=_("Back to the commitments register"),
        )
    stored, row = shown.stored, shown.row
    read_only = read_only_note(acting_user(), stored)
    form = form_card(PAGE, shown.values, choices(), shown.unit, read_only, stored is None, SAVE, SAVE_NOTE)
    # The banner only while the commitment is as this save left it: not after someone else's save.
    fresh = stored is None or str(stored["version"]) == (version or "1")
    message = (
        dbc.Alert(_(SAVED_MESSAGES[saved]), color="success", className="mb-3")
        if saved in SAVED_MESSAGES and fresh
        else None
    )
    side = []
    if stored is not None:
        if shown.effect is not None:
            side.append(_card(_("Did it move the metric?"), effect_panel(shown.effect, shown.unit)))
        if shown.linked:
            queue = href("/cases", commitment=stored["commitment_id"]) if cases.may_see() else None
            side.append(_card(_("Follow-up cases"), linked_cases(shown.linked, queue)))
        side.append(_card(_("History"), history_list(shown.history, shown.names)))
    title = _("New commitment") if stored is None else stored["title"]
    owners = shown.names["owner"]
    return html.Div(
        [
            dcc.Store(id=EDITING, data={"commitment_id": stored and stored["commitment_id"], "version": stored and stored["version"]}),
            html.Nav(
                html.Ol(
                    [
                        html.Li(html.A(_("Commitments"), href="/commitments"), className="breadcrumb-item"),
                        html.Li(title, className="breadcrumb-item active", dir="auto"),
                    ],
                    className="breadcrumb mb-2",
                ),
                **{"aria-label": _("breadcrumb")},
            ),
            html.Div(
                html.Div(
                    [
                        html.H1(title, dir="auto"),
                        html.Div(
                            status_line(row, owners.get(row.owner_id, row.owner_id), shown.today)
                            if row is not None
                            else _("Pre-filled from where you came; every field can be changed."),
                            className="page-subtitle",
                        ),
                    ],
                    className="page-title",
                ),
                className="page-header",
            ),
            html.Div(message, id=MESSAGE),
            dbc.Row([dbc.Col([sprint_note(shown.sprint), form], lg=8 if side else 12), dbc.Col(side, lg=4) if side else None], className="g-3"),
        ],
        id=ROOT,
        className="commitment-page",
        **(commitment_attributes(row) if row is not None else {}),
        **({"data-linked-cases": str(shown.linked)} if stored is not None else {}),
    )  # fmt: skip


def _card(title: str, body) -> dbc.Card:
    return dbc.Card(
        [dbc.CardHeader(html.H2(title, className="card-title h6 mb-0")), dbc.CardBody(body)], className="mb-3"
    )


@callback(
    Output(field_id(PAGE, "due_on"), "value"),
    Output(field_id(PAGE, "due_on"), "disabled"),
    Input(field_id(PAGE, "kind"), "value"),
    Input(field_id(PAGE, "start_on"), "value"),
    State(field_id(PAGE, "due_on"), "value"),
    prevent_initial_call=True,
)
def derive_sprint_due(kind, start, due):
    """A redesign sprint's due date follows from its start; an action's is the owner's to set."""
    if kind != "redesign sprint":
        return no_update, False
    try:
        return commitments.sprint_due(date.fromisoformat(start)).isoformat(), True
    except (TypeError, ValueError):
        return due, True


@callback(
    Output({"type": f"{PAGE}-field", "field": ALL}, "invalid"),
    Output({"type": f"{PAGE}-feedback", "field": ALL}, "children"),
    Output(MESSAGE, "children"),
    Output(ids.URL, "href", allow_duplicate=True),
    Output(SAVE_NOTE, "children"),
    Input(SAVE, "n_clicks"),
    State({"type": f"{PAGE}-field", "field": ALL}, "value"),
    State(EDITING, "data"),
    State(ids.URL, "search"),
    running=[(Output(SAVE, "disabled"), True, False)],  # a double click saves once
    prevent_initial_call=True,
)
def save(clicks, typed, editing, search):
    """Save the form; on any problem say what and where, and leave the form as typed. A new one opened
    from a touchpoint's root cause links its cases, read again from the URL here on the server."""
    if not clicks:
        raise PreventUpdate
    fields = [item["id"]["field"] for item in ctx.states_list[0]]
    values = dict(zip(fields, typed, strict=True))
    values.update({field: chosen(values[field]) for field in ("touchpoint_id", "segment_id")})
    new = editing["commitment_id"] is None
    sprint = sprint_cases(dict(parse_qsl((search or "").lstrip("?")))) if new else None
    result = save_commitment(acting_user(), editing["commitment_id"], values, editing["version"], sprint)
    errors = result.field_errors if isinstance(result, Invalid) else {}
    said, address, note = _said(result)
    return (
        [field in errors for field in fields],
        [errors.get(field, "") for field in fields],
        said,
        address,
        note,
    )


def _said(result) -> tuple:
    """(the message, the address to go to, the note beside Save) for what became of a save."""
    match result:
        case Saved(commitment_id, created=True):
            return no_update, href(f"/commitment/{commitment_id}", saved="created"), ""
        case Saved(changed=False):
            return dbc.Alert(_("Nothing to save: no field was changed."), color="secondary"), no_update, ""
        case Saved(commitment_id, version):
            return no_update, href(f"/commitment/{commitment_id}", saved="saved", version=version), ""
        case Refused(reason):
            return dbc.Alert(reason, color="danger"), no_update, ""
        case Invalid(errors):
            text = ngettext(
                "Not saved: %(num)s field to correct, marked below.",
                "Not saved: %(num)s fields to correct, marked below.",
                len(errors),
            )
            return dbc.Alert(text, color="danger"), no_update, ""
        case Conflict(theirs):
            return (
                dbc.Alert(conflict_message(theirs, names()), color="danger", className="conflict"),
                no_update,
                "",
            )
        case Busy(unreachable):
            return None, no_update, busy_note(unreachable)
