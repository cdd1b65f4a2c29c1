"""`/owner/<owner_id>` — "my page": my metrics as scorecard tiles, and my commitments, editable in
place (status, progress, dates, a note for the history).

A save from a stale version is refused with the change that got there first; the card keeps what
the owner typed.
"""

import dash
import dash_bootstrap_components as dbc
from dash import MATCH, Input, Output, State, callback, html, no_update
from dash.exceptions import PreventUpdate

import queries
from components.board import no_plan_alert
from components.commitments.editor import (
    IN_PLACE_FIELDS,
    commitment_card,
    commitment_card_body,
    commitment_section,
    edit_id,
)
from components.commitments.form import busy_note
from components.commitments.history import conflict_message
from components.header import page_header, view_attributes
from components.icons import icon
from components.links import href
from components.tiles import tile_grid
from data.state import commitments
from i18n import _, format_integer, ngettext
from views import cases
from views.commitment_context import effect_of, names, owner_page, register_row
from views.commitments import (
    Busy,
    Conflict,
    Invalid,
    Refused,
    Saved,
    may_edit,
    owner_sections,
    save_commitment,
)
from views.context import PageContext, page_layout
from views.users import acting_user, may_change_commitments

dash.register_page(__name__, path_template="/owner/<owner_id>", title=lambda **_query: _("Owner · Beacon"))

ROOT = "owner-root"
MY_CASES = "owner-my-cases"


def layout(owner_id: str | None = None, **query):
    return page_layout(_owner, query, owner_id=owner_id)


def _owner(context: PageContext):
    shown = owner_page(context)
    owner_id, period, compare = (
        context.owner_id,
        context.view_filters["period"],
        context.view_filters["compare"],
    )
    owner, view, plans = shown.owner, shown.view, shown.plans

    def metric_href(row) -> str:
        return href(f"/metric/{row.metric_id}", period=period, compare=compare)

    user = acting_user()
    may_change = may_change_commitments()
    sections = [
        commitment_section(
            title,
            [
                commitment_card(
                    row,
                    shown.names,
                    *shown.effects.get(row.commitment_id, (None, "")),
                    shown.today,
                    editable=may_edit(user, row._asdict()),
                )
                for row in rows.itertuples(index=False)
            ],
        )
        for title, rows in owner_sections(shown.register)
    ]
    return html.Div(
        [
            page_header(owner["name"], _("%(title)s · %(email)s", title=owner["title"], email=owner["email"]), view, None),
            no_plan_alert(
                plans[plans["no_plan"]],
                _new_plan if may_change else metric_href,
                add_plan=may_change,
            ),
            html.H2(_("My metrics"), className="h5 mt-3"),
            tile_grid(
                shown.metrics,
                queries.monthly_history(view.as_of),
                metric_href,
                view.comparison.label,
                _new_plan if may_change else None,
            )
            if len(shown.metrics)
            else html.P(_("No metric has this owner."), className="text-body-secondary"),
            html.Div(
                [
                    html.H2(_("My commitments"), className="h5 mb-0"),
                    html.A(
                        [icon("bi-plus-lg", "me-1"), _("New commitment")],
                        href=href("/commitment/new", owner=owner_id),
                        className="btn btn-primary btn-sm",
                    )
                    if may_change
                    else None,
                ],
                className="d-flex justify-content-between align-items-center mt-4 mb-2",
            ),
            *(sections or [html.P(_("No commitments yet."), className="text-body-secondary")]),
            *_my_cases(owner_id),
        ],
        id=ROOT,
        className="owner-page",
        **{"data-owner-id": owner_id},
        **view_attributes(view),
    )  # fmt: skip


def _new_plan(metric) -> str:
    """Where a plan for a metric is made: the form for a new commitment on it."""
    return href("/commitment/new", metric=metric.metric_id)


@callback(
    *(Output(edit_id(field, MATCH), "invalid") for field in IN_PLACE_FIELDS),
    *(Output(edit_id(f"{field}-feedback", MATCH), "children") for field in IN_PLACE_FIELDS),
    Output(edit_id("message", MATCH), "children"),
    Output(edit_id("card", MATCH), "children"),
    Input(edit_id("save", MATCH), "n_clicks"),
    *(State(edit_id(field, MATCH), "value") for field in IN_PLACE_FIELDS),
    State(edit_id("version", MATCH), "data"),
    running=[(Output(edit_id("save", MATCH), "disabled"), True, False)],  # a double click saves once
    prevent_initial_call=True,
)
def save_in_place(clicks, *typed):
    """Save what the owner changed on one card, the rest of the commitment as stored; a saved card is
    drawn anew from what was stored, any other outcome keeps what the owner typed."""
    if not clicks:
        raise PreventUpdate
    *values, version = typed
    commitment_id = dash.ctx.triggered_id["commitment"]
    result = save_commitment(
        acting_user(), commitment_id, dict(zip(IN_PLACE_FIELDS, values, strict=True)), version
    )
    if isinstance(result, Saved):
        return *[no_update] * (2 * len(IN_PLACE_FIELDS)), no_update, _saved_card(result)
    errors = result.field_errors if isinstance(result, Invalid) else {}
    invalid = [field in errors for field in IN_PLACE_FIELDS]
    feedback = [errors.get(field, "") for field in IN_PLACE_FIELDS]
    return *invalid, *feedback, _not_saved(result), no_update


def _not_saved(result):
    """What the card says of a save that was not made."""
    match result:
        case Refused(reason):
            return dbc.Alert(reason, color="danger", className="py-1 px-2 mb-0")
        case Invalid(errors):
            unplaced = [message for field, message in errors.items() if field not in IN_PLACE_FIELDS]
            text = (
                _("Not saved: %(errors)s", errors=" ".join(unplaced))
                if unplaced
                else _("Not saved: correct the marked fields.")
            )
            return dbc.Alert(text, color="danger", className="py-1 px-2 mb-0")
        case Conflict(theirs):
            return dbc.Alert(conflict_message(theirs, names()), color="danger", className="conflict mb-0")
        case Busy(unreachable):
            return busy_note(unreachable)


def _saved_card(saved: Saved):
    """The card drawn anew from what was stored, saying what became of the save."""
    today, stored = commitments.current_date(), commitments.get(saved.commitment_id)
    if saved.changed:
        message = html.Span(
            [
                icon("bi-check-lg", "me-1"),
                _("Saved · version %(version)s", version=format_integer(saved.version)),
            ],
            className="text-success small",
        )
    else:
        message = html.Span(
            _("Nothing to save: no field was changed."), className="text-body-secondary small"
        )
    return commitment_card_body(register_row(stored, today), names(), *effect_of(stored), today, message)


def _my_cases(owner_id: str) -> list:
    """The owner's follow-up cases in a line (open, overdue) and a link to them in the queue; nothing
    for someone who may not see cases."""
    if not cases.may_see(acting_user()):
        return []
    mine = cases.owner_cases(owner_id, commitments.current_time())
    assignee = cases.assignee_key("owner", owner_id)
    text = (
        ngettext(
            "%(num)s open, %(overdue)s of them overdue.",
            "%(num)s open, %(overdue)s of them overdue.",
            mine["open"],
            overdue=format_integer(mine["overdue"]),
        )
        if mine["open"]
        else _("No open follow-up cases.")
    )
    return [
        html.H2(_("My follow-up cases"), className="h5 mt-4 mb-2"),
        html.P(
            [
                text,
                " ",
                html.A(_("See them in the queue"), href=href("/cases", assignee=assignee, status="open")),
            ],
            id=MY_CASES,
            **{"data-open": str(mine["open"]), "data-overdue": str(mine["overdue"])},
        ),
    ]
