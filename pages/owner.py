"""`/owner/<owner_id>` — "my page": my metrics as scorecard tiles, and my commitments, editable in
place (status, progress, dates, a note for the history).

A save from a stale version is refused with the change that got there first; the card keeps what
the owner typed.
"""

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import MATCH, Input, Output, State, callback, html, no_update
from dash.exceptions import PreventUpdate

import queries
from components.commitments import (
    IN_PLACE_FIELDS,
    busy_note,
    commitment_card,
    commitment_card_body,
    conflict_message,
    edit_id,
    icon,
)
from components.feedback import problem
from components.header import page_header, view_attributes
from components.links import href
from components.tiles import tile_grid
from data.state import commitments, database
from queries.accountability import metric_plans
from views.commitment_context import catalogue, effects, names
from views.freshness import with_stale_notice
from views.users import acting_user, commitment_refusal, may_change_commitments

dash.register_page(__name__, path_template="/owner/<owner_id>", title="Owner · Beacon")

ROOT = "owner-root"
#: Sections of the commitment list: (title, which rows), in the order an owner works through them.
SECTIONS = (
    ("Overdue", lambda r: r["overdue"]),
    ("Open", lambda r: r["status"].isin(commitments.OPEN_STATUSES) & ~r["overdue"]),
    ("Done", lambda r: r["status"].eq("done")),
    ("Dropped", lambda r: r["status"].eq("dropped")),
)


def layout(owner_id: str | None = None, period: str | None = None, compare: str | None = None, **_other):
    try:
        return with_stale_notice(_page(owner_id, period, compare))
    except queries.WarehouseError as error:
        return problem("The warehouse cannot be read", str(error), back_href=None)


def _page(owner_id, period, compare):
    owners = queries.owners().set_index("owner_id")
    if owner_id not in owners.index:
        return problem(
            "This page cannot be shown",
            f"There is no owner “{owner_id}”.",
            back_href="/owners",
            back_label="Back to the owners board",
        )
    try:
        view = queries.view(period, compare)
    except queries.PeriodError as error:
        return problem("This view cannot be shown", str(error))
    owner = owners.loc[owner_id]
    today, labels = commitments.current_date(), names()
    card = queries.scorecard(view)
    mine = card[card["owner_id"] == owner_id]
    everyone = commitments.register(today=today)  # a metric's plans may be someone else's commitments
    register = everyone[everyone["owner_id"] == owner_id]
    plans = metric_plans(mine, everyone)
    found = effects(register, queries.as_of())
    units = queries.metrics().set_index("metric_id")["unit"]
    filters = {"period": period, "compare": compare}
    may_change = may_change_commitments()

    sections = []
    for title, rows_of in SECTIONS:
        rows = register[rows_of(register)].sort_values("due_on", ascending=title not in ("Done", "Dropped"))
        if rows.empty:
            continue
        sections.append(
            html.Section(
                [
                    html.H3(f"{title} ({len(rows)})", className="h6 section-title"),
                    *(
                        commitment_card(
                            row,
                            labels,
                            found.get(row.commitment_id, (None, ""))[0],
                            units.get(row.metric_id, ""),
                            today,
                            editable=commitment_refusal(row._asdict(), row._asdict()) is None,
                        )
                        for row in rows.itertuples(index=False)
                    ),
                ],
                className=f"commitment-section section-{title.lower()}",
            )
        )
    no_plan = plans[plans["no_plan"]]
    return html.Div(
        [
            page_header(owner["name"], f"{owner['title']} · {owner['email']}", view, None),
            dbc.Alert(
                [
                    icon("bi-exclamation-octagon-fill", "me-2"),
                    "Off track with no open commitment: ",
                    *[
                        html.Span(
                            [
                                html.A(
                                    row.name,
                                    href=href("/commitment/new", metric=row.metric_id)
                                    if may_change
                                    else href(f"/metric/{row.metric_id}", **filters),
                                ),
                                " ",
                            ]
                        )
                        for row in no_plan.itertuples(index=False)
                    ],
                    "— add a plan." if may_change else None,
                ],
                color="danger",
                className="no-plan-alert",
            )
            if len(no_plan)
            else None,
            html.H2("My metrics", className="h5 mt-3"),
            tile_grid(
                mine,
                queries.monthly_history(view.as_of),
                lambda row: href(f"/metric/{row.metric_id}", **filters),
                view.comparison.label,
                (lambda row: href("/commitment/new", metric=row.metric_id)) if may_change else None,
            )
            if len(mine)
            else html.P("No metric has this owner.", className="text-body-secondary"),
            html.Div(
                [
                    html.H2("My commitments", className="h5 mb-0"),
                    html.A(
                        [icon("bi-plus-lg", "me-1"), "New commitment"],
                        href=href("/commitment/new", owner=owner_id),
                        className="btn btn-primary btn-sm",
                    )
                    if may_change
                    else None,
                ],
                className="d-flex justify-content-between align-items-center mt-4 mb-2",
            ),
            *(sections or [html.P("No commitments yet.", className="text-body-secondary")]),
        ],
        id=ROOT,
        className="owner-page",
        **{"data-owner-id": owner_id},
        **view_attributes(view),
    )  # fmt: skip


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
def save_in_place(clicks, status, progress, start_on, due_on, completed_on, note, version):
    """Save what the owner changed on one card, the rest of the commitment as stored; a saved card is
    drawn anew from what was stored, a refused one keeps what the owner typed."""
    if not clicks:
        raise PreventUpdate
    commitment_id = dash.ctx.triggered_id["commitment"]
    stored = commitments.get(commitment_id)
    if stored is None:
        raise PreventUpdate
    typed = {
        "status": status,
        "progress": progress,
        "start_on": start_on,
        "due_on": due_on,
        # Shown only once done: a commitment just marked done is completed today unless a day is given.
        "completed_on": completed_on if stored["status"] == "done" else None,
        "note": note,
    }
    refusal = commitment_refusal(stored, stored)  # only the fields of progress change here
    if refusal:
        alert = dbc.Alert(refusal, color="danger", className="py-1 px-2 mb-0")
        return *[False] * len(IN_PLACE_FIELDS), *[""] * len(IN_PLACE_FIELDS), alert, no_update
    today = commitments.current_date()
    clean, errors = commitments.validate({**stored, **typed}, catalogue(), today, stored)
    invalid = [field in errors for field in IN_PLACE_FIELDS]
    feedback = [errors.get(field, "") for field in IN_PLACE_FIELDS]
    unplaced = [message for field, message in errors.items() if field not in IN_PLACE_FIELDS]
    if errors:
        text = "Not saved: " + (" ".join(unplaced) if unplaced else "correct the marked fields.")
        alert = dbc.Alert(text, color="danger", className="py-1 px-2 mb-0")
        return *invalid, *feedback, alert, no_update
    try:
        new_version = commitments.update(commitment_id, version, clean, acting_user().name, clean["note"])
    except commitments.ConflictError as conflict:
        alert = dbc.Alert(
            conflict_message(conflict.changes, names()), color="danger", className="conflict mb-0"
        )
        return *invalid, *feedback, alert, no_update
    except database.BusyError:
        return *invalid, *feedback, busy_note(), no_update
    saved = commitments.with_deadlines(pd.DataFrame([commitments.get(commitment_id)]), today)
    row = next(saved.itertuples(index=False))
    effect, unit = effects(saved, queries.as_of()).get(commitment_id, (None, ""))
    if new_version == version:
        message = html.Span("Nothing to save: no field was changed.", className="text-body-secondary small")
    else:
        message = html.Span(
            [icon("bi-check-lg", "me-1"), f"Saved · version {new_version}"], className="text-success small"
        )
    body = commitment_card_body(row, names(), effect, unit, today, message)
    return *[no_update] * (2 * len(IN_PLACE_FIELDS)), no_update, body
