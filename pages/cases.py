"""`/cases` — the follow-up queue: every case opened from an unhappy answer, filtered, sorted, exported.

Filters, sort and page live in the URL (?assignee=owner:ana&status=open&metric=&touchpoint=&segment=
&commitment=12&overdue=1&sort=due&page=2), so a queue can be shared (?commitment=: the cases linked to
that commitment); "my cases" is the queue filtered to oneself. Cases hold customers'
words: whoever may read comments sees them (views.cases.may_see), displays never.
"""

from urllib.parse import parse_qsl

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html
from dash.exceptions import PreventUpdate

import queries
from components import ids
from components.cases import queue_csv, queue_table
from components.feedback import problem
from components.format import format_count
from components.icons import icon
from components.links import href
from components.pieces import filter_bar, filter_id, page_links
from data.state import commitments, database
from i18n import _, ngettext
from views import case_rules, cases
from views.callback_input import as_drawn
from views.context import state_unreachable
from views.users import acting_user
from views.view_controls import filters_in_url

dash.register_page(
    __name__, path="/cases", name="Cases", title=lambda **_query: _("Follow-up cases · Beacon"), order=6
)

ROOT = "cases-root"
SHOWN = "cases-shown"
OVERDUE = "cases-overdue"
CSV_BUTTON = "cases-csv-button"
CSV_DOWNLOAD = "cases-csv-download"
RULES_LINK = "cases-rules-link"  # to /cases/rules, for admins (who change them)


def filters() -> dict[str, tuple[str, str, str]]:
    """Each filter: (label, column, the "all" choice), as the filter bar wants them, in the current language."""
    return {key: (_(label), column, _(cases.EVERY[key])) for key, (label, column) in cases.FILTERS.items()}


def layout(**query):
    params = {key: query.get(key) for key in cases.QUEUE_PARAMS}
    try:
        return _page(params)
    except queries.WarehouseError as error:
        return problem(_("The warehouse cannot be read"), str(error), back_href=None)
    except database.UnreachableError:
        return state_unreachable()


def _page(params: dict):
    if not cases.may_see(acting_user()):
        return problem(
            _("Follow-up cases are not shown here"),
            _("Cases hold customers' own words: sign in as someone who may read comments to see them."),
            back_href="/",
            back_label=_("Back to the scorecard"),
        )
    now, names = commitments.current_time(), cases.labels()
    try:
        shown = cases.queue(params, now, names)
    except ValueError as error:
        return problem(
            _("This queue cannot be shown"), str(error), back_href="/cases", back_label=_("Show every case")
        )
    rows, totals = shown.rows, shown.totals
    first = (shown.page - 1) * cases.PAGE_ROWS
    count = {key: format_count(value) for key, value in {**totals, "kept": shown.count}.items()}
    summary = ngettext(
        "%(kept)s of %(num)s case · in all, %(open)s open and %(overdue)s overdue",
        "%(kept)s of %(num)s cases · in all, %(open)s open and %(overdue)s overdue",
        totals["total"],
        kept=count["kept"],
        open=count["open"],
        overdue=count["overdue"],
    )
    if shown.pages > 1:
        summary = _(
            "%(summary)s · %(first)s–%(last)s shown (the CSV has them all)",
            summary=summary,
            first=format_count(first + 1),
            last=format_count(first + len(rows)),
        )
    sort = params.get("sort") or cases.DEFAULT_SORT
    mine = cases.my_assignee_keys(acting_user())
    body = (
        queue_table(rows, sort, lambda key: href("/cases", **{**params, "sort": key, "page": None}), now)
        if len(rows)
        else html.P(
            _("No case matches these filters."), className="text-body-secondary my-4", id="cases-empty"
        )
    )
    pager = page_links(
        shown.page,
        shown.pages,
        lambda number: href("/cases", **{**params, "page": number}),
        _("Pages of the queue"),
    )
    return html.Div(
        [
            dcc.Store(id=SHOWN, data={**{key: params.get(key) for key in cases.FILTERS}, "overdue": params.get("overdue")}),
            html.Div(
                [
                    html.Div([html.H1(_("Follow-up cases")), html.Div(summary, className="page-subtitle")], className="page-title"),
                    html.Div(
                        [
                            html.A([icon("bi-person-check", "me-1"), _("My cases")], href=href("/cases", assignee=mine[0], status="open"), className="btn btn-outline-primary btn-sm") if mine else None,
                            html.A([icon("bi-sliders", "me-1"), _("Case rules")], href="/cases/rules", className="btn btn-outline-secondary btn-sm", id=RULES_LINK) if case_rules.may_change(acting_user()) else None,
                            dbc.Button([icon("bi-download", "me-1"), _("Download CSV")], id=CSV_BUTTON, size="sm", color="secondary", outline=True),
                            dcc.Download(id=CSV_DOWNLOAD),
                        ],
                        className="d-flex gap-2 align-items-start",
                    ),
                ],
                className="page-header",
            ),
            filter_bar("cases", filters(), cases.filter_choices(names, params.get("commitment")), params, OVERDUE),
            html.Div(body, className="table-responsive mt-3"),
            html.Div(pager, className="d-flex justify-content-center mt-3") if pager else None,
        ],
        id=ROOT,
        className="cases-page",
        **{"data-count": str(shown.count), "data-page": str(shown.page)},
    )  # fmt: skip


@callback(
    Output(ids.URL, "search", allow_duplicate=True),
    Input(filter_id("cases", dash.ALL), "value"),
    Input(OVERDUE, "value"),
    State(ids.URL, "search"),
    State(SHOWN, "data"),
    prevent_initial_call=True,
)
def apply_filters(values, overdue, search, shown):
    """Write the chosen filters into the URL, which draws the queue again (for whoever may see cases:
    the filter bar is drawn for nobody else)."""
    if not cases.may_see(acting_user()):
        raise PreventUpdate
    return filters_in_url(values, overdue, search, shown)


@callback(
    Output(CSV_DOWNLOAD, "data"),
    Input(CSV_BUTTON, "n_clicks"),
    State(ids.URL, "search"),
    prevent_initial_call=True,
)
def download_csv(_clicks, search):
    """Every case the URL's filters keep (not only those drawn), for whoever may see cases."""
    if not cases.may_see(acting_user()):
        raise PreventUpdate
    params = dict(parse_qsl((search or "").lstrip("?")))
    now, names = commitments.current_time(), cases.labels()
    rows = as_drawn(cases.queue_rows, params, now, names)
    return {"content": queue_csv(rows), "filename": f"beacon-cases-{now:%Y-%m-%d}.csv", "type": "text/csv"}
