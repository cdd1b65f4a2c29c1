"""`/commitments` — the register: every commitment, filtered, sorted and exported.

Filters and sort live in the URL (?owner=&metric=&touchpoint=&segment=&status=&overdue=1&sort=-due_on),
so a filtered register can be shared. Each row opens the commitment to see and edit it.
"""

from urllib.parse import parse_qsl

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html

import queries
from components import ids
from components.commitments.register import register_csv, register_table
from components.feedback import problem
from components.icons import icon
from components.links import href
from components.pieces import filter_bar, filter_id
from data.state import commitments, database
from i18n import _, format_integer, ngettext
from views.callback_input import as_drawn
from views.commitment_context import effects, names
from views.commitments import DEFAULT_SORT, FILTERS, filter_choices, filter_labels, filtered, register_params
from views.context import state_unreachable
from views.users import may_change_commitments
from views.view_controls import filters_in_url

dash.register_page(
    __name__,
    path="/commitments",
    name="Commitments",
    title=lambda **_query: _("Commitments · Beacon"),
    order=4,
)

ROOT = "commitments-root"
SHOWN = "commitments-shown"
CSV_BUTTON = "commitments-csv-button"
CSV_DOWNLOAD = "commitments-csv-download"
OVERDUE = "commitments-overdue"


def layout(**params):
    try:
        return _page(register_params(params))
    except queries.WarehouseError as error:
        return problem(_("The warehouse cannot be read"), str(error), back_href=None)
    except database.UnreachableError:
        return state_unreachable()


def _page(params: dict):
    today = commitments.current_date()
    labels = names()
    register = commitments.register(today=today)
    try:
        rows = filtered(register, params, labels)
    except ValueError as error:
        return problem(
            _("This register view cannot be shown"),
            str(error),
            back_href="/commitments",
            back_label=_("Show every commitment"),
        )
    found = effects(rows, queries.as_of())
    controls = filter_bar("commitments", filter_labels(), filter_choices(labels), params, OVERDUE)
    open_count = int(register["status"].isin(commitments.OPEN_STATUSES).sum())
    summary = ngettext(
        "%(shown)s of %(num)s commitment shown · in all, %(open)s open and %(overdue)s overdue",
        "%(shown)s of %(num)s commitments shown · in all, %(open)s open and %(overdue)s overdue",
        len(register),
        shown=format_integer(len(rows)),
        open=format_integer(open_count),
        overdue=format_integer(int(register["overdue"].sum())),
    )
    sort = params.get("sort") or DEFAULT_SORT
    body = (
        register_table(
            rows,
            labels,
            found,
            sort,
            lambda key: href("/commitments", **{**params, "sort": key}),
            lambda commitment_id: f"/commitment/{commitment_id}",
            today,
        )
        if len(rows)
        else html.P(_("No commitment matches these filters."), className="text-body-secondary my-4")
    )
    return html.Div(
        [
            dcc.Store(id=SHOWN, data={**{name: params.get(name) for name in FILTERS}, "overdue": params.get("overdue")}),
            html.Div(
                [
                    html.Div(
                        [html.H1(_("Commitments")), html.Div(summary, className="page-subtitle")],
                        className="page-title",
                    ),
                    html.Div(
                        [
                            html.A([icon("bi-plus-lg", "me-1"), _("New commitment")], href="/commitment/new", className="btn btn-primary btn-sm") if may_change_commitments() else None,
                            dbc.Button([icon("bi-download", "me-1"), _("Download CSV")], id=CSV_BUTTON, size="sm", color="secondary", outline=True),
                            dcc.Download(id=CSV_DOWNLOAD),
                        ],
                        className="d-flex gap-2 align-items-start",
                    ),
                ],
                className="page-header",
            ),
            controls,
            html.Div(body, className="table-responsive"),
        ],
        id=ROOT,
        className="commitments-page",
        **{"data-count": str(len(rows))},
    )  # fmt: skip


@callback(
    Output(ids.URL, "search", allow_duplicate=True),
    Input(filter_id("commitments", dash.ALL), "value"),
    Input(OVERDUE, "value"),
    State(ids.URL, "search"),
    State(SHOWN, "data"),
    prevent_initial_call=True,
)
def apply_filters(values, overdue, search, shown):
    """Write the chosen filters into the URL, which draws the register again."""
    return filters_in_url(values, overdue, search, shown)


@callback(
    Output(CSV_DOWNLOAD, "data"),
    Input(CSV_BUTTON, "n_clicks"),
    State(ids.URL, "search"),
    prevent_initial_call=True,
)
def download_csv(_clicks, search):
    params = dict(parse_qsl((search or "").lstrip("?")))
    labels = names()
    rows = as_drawn(filtered, commitments.register(), params, labels)
    return {
        "content": register_csv(rows, labels, effects(rows, queries.as_of())),
        "filename": f"beacon-commitments-{commitments.current_date()}.csv",
        "type": "text/csv",
    }
