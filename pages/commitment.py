"""`/commitment/<id>` — one commitment: edit every field, see its history and whether it worked.

`/commitment/new?metric=…&touchpoint=…&segment=…` opens the same form empty, pre-filled from the
tile, metric page or touchpoint page it was opened from. A save from a stale version is refused and
the form keeps what the user typed; a successful save reloads the page with the saved state.
"""

from datetime import date, timedelta

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

import queries
from components import ids
from components.attributes import commitment_attributes
from components.commitments import (
    busy_note,
    commitment_badge,
    commitment_form,
    conflict_message,
    due_text,
    effect_panel,
    field_id,
    history_list,
)
from components.controls import chosen
from components.feedback import problem
from components.format import UNIT_WORDS
from components.links import href
from data.state import commitments, database
from queries.accountability import commitment_effect
from views.commitment_context import (
    NEW,
    catalogue,
    choices,
    metric_owners,
    names,
    stored_commitment,
    unit_of,
)
from views.users import acting_user, commitment_refusal, may_change_commitments

dash.register_page(__name__, path_template="/commitment/<commitment_id>", title="Commitment · Beacon")

PAGE = "commitment"  # prefix of the form's pattern-matching ids
ROOT = "commitment-root"
SAVE = "commitment-save"
MESSAGE = "commitment-message"
SAVE_NOTE = "commitment-save-note"  # beside Save: what became of the last click when nothing else says
EDITING = "commitment-editing"  # {"commitment_id": id or None, "version": the version being edited}
#: A new action is due in four weeks unless the owner says otherwise.
DEFAULT_ACTION_DAYS = 28
SAVED_MESSAGES = {"created": "Commitment created.", "saved": "Saved."}


def _unit_hint(metric_id: str | None) -> str:
    unit = unit_of(metric_id)
    words = UNIT_WORDS.get(unit, unit)
    return f"The value the metric should reach, in {words}" if words else "The value the metric should reach"


def _new_values(metric, touchpoint, segment, owner, today: date) -> dict:
    """A new commitment's fields, pre-filled from the page it was opened from (unknown ids left out);
    the owner is the one asked for, else the metric's."""
    known = catalogue()
    metric = metric if metric in known.metrics else None
    return {
        "metric_id": metric,
        "touchpoint_id": touchpoint if touchpoint in known.touchpoints else None,
        "segment_id": segment if segment in known.segments else None,
        "owner_id": owner if owner in known.owners else metric_owners().get(metric) if metric else None,
        "kind": "action",
        "status": "planned",
        "progress": 0,
        "start_on": today,
        "due_on": today + timedelta(days=DEFAULT_ACTION_DAYS),
    }


def _read_only(row: dict | None) -> str | None:
    """Why this user cannot save here, said up front (the save is refused on the server regardless)."""
    if not may_change_commitments():
        return f"You are signed in as a {acting_user().role}: you can read commitments but not change them."
    if row is not None and commitment_refusal(row, row):
        return "This commitment is neither yours nor on a metric you own: you can read it but not change it."
    return None


def layout(commitment_id: str | None = None, saved=None, version=None, **prefill):
    try:
        return _page(commitment_id, saved, version, prefill)
    except queries.WarehouseError as error:
        return problem("The warehouse cannot be read", str(error), back_href=None)


def _page(commitment_id, saved, version, prefill: dict):
    today = commitments.current_date()
    labels = names()
    if commitment_id == NEW:
        wanted = (prefill.get(key) for key in ("metric", "touchpoint", "segment", "owner"))
        values, row = _new_values(*wanted, today), None
    else:
        row = stored_commitment(commitment_id)
        if row is None:
            return problem(
                "This commitment cannot be shown",
                f"There is no commitment “{commitment_id}”. Find it in the commitments register.",
                back_href="/commitments",
                back_label="Back to the commitments register",
            )
        values = row
    read_only = _read_only(row)
    form = dbc.Card(
        [
            dbc.CardBody(
                [
                    dbc.Alert(read_only, color="secondary", className="read-only-note")
                    if read_only
                    else None,
                    # A disabled fieldset disables every control in it: read-only looks read-only.
                    html.Fieldset(
                        commitment_form(PAGE, values, {}, choices(), _unit_hint(values.get("metric_id"))),
                        disabled=read_only is not None,
                        className="commitment-fields",
                    ),
                    html.Div(
                        [
                            # None for who may not save: Dash re-enables a running button after any call.
                            dbc.Button(
                                "Create commitment" if row is None else "Save changes",
                                id=SAVE,
                                color="primary",
                            )
                            if read_only is None
                            else None,
                            html.A(
                                "Cancel" if read_only is None else "Back to the register",
                                href="/commitments",
                                className="btn btn-link",
                            ),
                            html.Span(id=SAVE_NOTE, role="status", className="align-self-center"),
                        ],
                        className="d-flex gap-2",
                    ),
                ]
            )
        ],
        className="commitment-form-card",
    )
    # The banner only while the commitment is as this save left it: not after someone else's save.
    fresh = row is None or str(row["version"]) == (version or "1")
    message = (
        dbc.Alert(SAVED_MESSAGES[saved], color="success", className="mb-3")
        if saved in SAVED_MESSAGES and fresh
        else None
    )
    side = []
    attributes = {}
    if row is not None:
        register_row = commitments.with_deadlines(pd.DataFrame([row]), today).iloc[0]
        attributes = commitment_attributes(register_row)
        effect = commitment_effect(row, queries.as_of())
        if effect is not None:
            side.append(_card("Did it move the metric?", effect_panel(effect, unit_of(row["metric_id"]))))
        side.append(_card("History", history_list(commitments.history(row["commitment_id"]), labels)))
    title = "New commitment" if row is None else row["title"]
    return html.Div(
        [
            dcc.Store(id=EDITING, data={"commitment_id": row and row["commitment_id"], "version": row and row["version"]}),
            html.Nav(
                html.Ol(
                    [
                        html.Li(html.A("Commitments", href="/commitments"), className="breadcrumb-item"),
                        html.Li(title, className="breadcrumb-item active", dir="auto"),
                    ],
                    className="breadcrumb mb-2",
                ),
                **{"aria-label": "breadcrumb"},
            ),
            html.Div(
                [
                    html.Div(
                        [
                            html.H1(title, dir="auto"),
                            html.Div(
                                [
                                    commitment_badge(row["status"], bool(register_row["overdue"])),
                                    html.Span(due_text(register_row, today), className="ms-2"),
                                    html.Span(
                                        [" · ", html.A(labels["owner"].get(row["owner_id"], row["owner_id"]), href=f"/owner/{row['owner_id']}")]
                                    ),
                                ]
                                if row is not None
                                else "Pre-filled from where you came; every field can be changed.",
                                className="page-subtitle",
                            ),
                        ],
                        className="page-title",
                    ),
                ],
                className="page-header",
            ),
            html.Div(message, id=MESSAGE),
            dbc.Row([dbc.Col(form, lg=8 if side else 12), dbc.Col(side, lg=4) if side else None], className="g-3"),
        ],
        id=ROOT,
        className="commitment-page",
        **attributes,
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
    running=[(Output(SAVE, "disabled"), True, False)],  # a double click saves once
    prevent_initial_call=True,
)
def save(clicks, typed, editing):
    """Validate and save; on any problem say what and where, and leave the form as typed."""
    if not clicks:
        raise PreventUpdate
    try:
        return (*_save(typed, editing), "")
    except database.BusyError:
        fields = len(ctx.states_list[0])
        return [False] * fields, [""] * fields, None, no_update, busy_note()


def _save(typed, editing) -> tuple:
    """(invalid flags, field messages, the message, the address to go to) for one click of Save."""
    fields = [item["id"]["field"] for item in ctx.states_list[0]]
    values = dict(zip(fields, typed, strict=True))
    values.update({field: chosen(values[field]) for field in ("touchpoint_id", "segment_id")})
    stored = commitments.get(editing["commitment_id"]) if editing["commitment_id"] else None
    # Checked here, on the server, whatever the page showed: a refused save changes nothing.
    refusal = commitment_refusal(stored, values)
    if refusal:
        return [False] * len(fields), [""] * len(fields), dbc.Alert(refusal, color="danger"), no_update
    clean, errors = commitments.validate(values, catalogue(), commitments.current_date(), stored)
    invalid = [field in errors for field in fields]
    messages = [errors.get(field, "") for field in fields]
    if errors:
        alert = dbc.Alert(
            f"Not saved: {len(errors)} field{'s' if len(errors) > 1 else ''} to correct, marked below.",
            color="danger",
        )
        return invalid, messages, alert, no_update
    user, note = acting_user().name, clean.pop("note")
    if editing["commitment_id"] is None:
        created = commitments.create(clean, user, note)
        return invalid, messages, no_update, href(f"/commitment/{created}", saved="created")
    try:
        version = commitments.update(editing["commitment_id"], editing["version"], clean, user, note)
    except commitments.ConflictError as conflict:
        return (
            invalid,
            messages,
            dbc.Alert(conflict_message(conflict.changes, names()), color="danger", className="conflict"),
            no_update,
        )
    except LookupError as missing:
        return invalid, messages, dbc.Alert(str(missing), color="danger"), no_update
    if version == editing["version"]:
        return (
            invalid,
            messages,
            dbc.Alert("Nothing to save: no field was changed.", color="secondary"),
            no_update,
        )
    return invalid, messages, no_update, href(f"/commitment/{editing['commitment_id']}", saved="saved", version=version)  # fmt: skip
