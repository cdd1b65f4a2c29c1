"""`/commitments` — the register: every commitment, filtered, sorted and exported.

Filters and sort live in the URL (?owner=&metric=&touchpoint=&segment=&status=&overdue=1&sort=-due_on),
so a filtered register can be shared. Each row opens the commitment to see and edit it.
"""

from urllib.parse import parse_qsl

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, callback, dcc, html

import queries
from components import ids
from components.commitments import icon, register_csv, register_table
from components.controls import ALL, chosen
from components.feedback import problem
from components.links import href, search_after_change
from data.state import commitments
from data.state.commitments import STATUSES
from views.callback_input import as_drawn
from views.commitment_context import effects, names
from views.users import may_change_commitments

dash.register_page(__name__, path="/commitments", name="Commitments", title="Commitments · Beacon", order=4)

ROOT = "commitments-root"
SHOWN = "commitments-shown"
CSV_BUTTON = "commitments-csv-button"
CSV_DOWNLOAD = "commitments-csv-download"
OVERDUE = "commitments-overdue"
#: Filter selects: URL parameter → (label, register column, the "all" choice).
FILTERS = {
    "owner": ("Owner", "owner_id", "All owners"),
    "metric": ("Metric", "metric_id", "All metrics"),
    "touchpoint": ("Touchpoint", "touchpoint_id", "All touchpoints"),
    "segment": ("Segment", "segment_id", "All segments"),
    "status": ("Status", "status", "Any status"),
}
#: Status filter choices: "open" stands for planned and in progress.
STATUS_CHOICES = {"open": "Open (planned or in progress)", **STATUSES}
#: Sort keys (the register's column keys) → the columns they sort by.
SORTS = {
    "title": ["title"],
    "metric": ["metric_name", "title"],
    "owner": ["owner_name", "due_on"],
    "status": ["status_order", "due_on"],
    "progress": ["progress", "due_on"],
    "due_on": ["due_on", "title"],
}
DEFAULT_SORT = "due_on"
STATUS_ORDER = {"planned": 1, "in_progress": 0, "done": 2, "dropped": 3}


def filter_id(name: str) -> dict:
    return {"type": "commitments-filter", "filter": name}


def filtered(register: pd.DataFrame, params: dict, labels: dict) -> pd.DataFrame:
    """The register rows the URL's filters keep, in the URL's sort order; ValueError for a bad filter."""
    for name, (label, column, _all) in FILTERS.items():
        value = params.get(name)
        if not value:
            continue
        known = STATUS_CHOICES if name == "status" else labels[name]
        if value not in known:
            raise ValueError(f"There is no {label.lower()} “{value}” to filter by.")
        if name == "status" and value == "open":
            register = register[register["status"].isin(commitments.OPEN_STATUSES)]
        else:
            register = register[register[column] == value]
    if params.get("overdue") == "1":
        register = register[register["overdue"]]
    sort = params.get("sort") or DEFAULT_SORT
    if sort.lstrip("-") not in SORTS:
        raise ValueError(f"The register sorts by {', '.join(SORTS)}, not “{sort}”.")
    keyed = register.assign(
        metric_name=register["metric_id"].map(labels["metric"]),
        owner_name=register["owner_id"].map(labels["owner"]),
        status_order=register["status"].map(STATUS_ORDER),
    )
    return keyed.sort_values(
        SORTS[sort.lstrip("-")], ascending=not sort.startswith("-"), kind="stable", ignore_index=True
    )


def _select(name: str, label: str, everything: str, options: list[tuple[str, str]], value) -> html.Div:
    return html.Div(
        [
            dbc.Label(label, html_for=ids.dom_id(filter_id(name)), className="form-label small mb-0"),
            dbc.Select(
                id=filter_id(name),
                options=[{"label": everything, "value": ALL}]
                + [{"label": text, "value": key} for key, text in options],
                value=value or ALL,
                size="sm",
            ),
        ],
        className="view-control",
    )


def layout(**params):
    try:
        return _page({key: params.get(key) for key in (*FILTERS, "overdue", "sort")})
    except queries.WarehouseError as error:
        return problem("The warehouse cannot be read", str(error), back_href=None)


def _page(params: dict):
    today = commitments.current_date()
    labels = names()
    register = commitments.register(today=today)
    try:
        rows = filtered(register, params, labels)
    except ValueError as error:
        return problem(
            "This register view cannot be shown",
            str(error),
            back_href="/commitments",
            back_label="Show every commitment",
        )
    found = effects(rows, queries.as_of())
    choices = {name: list(labels[name].items()) for name in ("owner", "metric", "touchpoint", "segment")}
    choices["status"] = list(STATUS_CHOICES.items())
    controls = html.Div(
        [
            *(
                _select(name, label, everything, choices[name], params.get(name))
                for name, (label, _column, everything) in FILTERS.items()
            ),
            dbc.Checkbox(
                id=OVERDUE,
                label="Overdue only",
                value=params.get("overdue") == "1",
                className="overdue-filter",
            ),
        ],
        className="view-controls",
    )
    open_count = int(register["status"].isin(commitments.OPEN_STATUSES).sum())
    summary = (
        f"{len(rows)} of {len(register)} commitments shown · in all, {open_count} open and "
        f"{int(register['overdue'].sum())} overdue"
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
        else html.P("No commitment matches these filters.", className="text-body-secondary my-4")
    )
    return html.Div(
        [
            dcc.Store(id=SHOWN, data={**{name: params.get(name) for name in FILTERS}, "overdue": params.get("overdue")}),
            html.Div(
                [
                    html.Div(
                        [html.H1("Commitments"), html.Div(summary, className="page-subtitle")],
                        className="page-title",
                    ),
                    html.Div(
                        [
                            html.A([icon("bi-plus-lg", "me-1"), "New commitment"], href="/commitment/new", className="btn btn-primary btn-sm") if may_change_commitments() else None,
                            dbc.Button([icon("bi-download", "me-1"), "Download CSV"], id=CSV_BUTTON, size="sm", color="secondary", outline=True),
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
    Input({"type": "commitments-filter", "filter": dash.ALL}, "value"),
    Input(OVERDUE, "value"),
    State(ids.URL, "search"),
    State(SHOWN, "data"),
    prevent_initial_call=True,
)
def apply_filters(values, overdue, search, shown):
    """Write the chosen filters into the URL, which re-renders the register."""
    chosen_filters = {
        item["id"]["filter"]: chosen(value)
        for item, value in zip(dash.ctx.inputs_list[0], values, strict=True)
    }
    new_search = search_after_change(search, shown, **chosen_filters, overdue="1" if overdue else None)
    if new_search is None:
        raise dash.exceptions.PreventUpdate
    return new_search


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
