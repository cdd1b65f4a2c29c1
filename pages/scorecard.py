"""`/` — the scorecard: which KPIs are on, at risk or off target, who owns each, and what changed.

All state is in the URL (?period=2026-Q3&compare=prev&segment=smb): the layout reads it, the
controls write it, so a pasted link opens the same view.
"""

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html

import queries
from components import ids
from components.controls import ControlIds, view_controls
from components.header import page_header, view_attributes
from components.icons import icon
from components.kpi_table import kpi_csv, kpi_table
from components.links import href
from components.tiles import scorecard_tiles
from i18n import _
from views import frames, review
from views.context import drawn, page_layout
from views.users import rights
from views.view_controls import write_view_controls_to_url

dash.register_page(
    __name__, path="/", name="Scorecard", title=lambda **_query: _("Scorecard · Beacon"), order=0
)

ROOT = "scorecard-root"
CONTROLS = ControlIds(period="scorecard-period", compare="scorecard-compare", segment="scorecard-segment")
SHOWN = "scorecard-shown"  # the filters of the view on screen, as the page resolved them
CSV_BUTTON = "scorecard-csv-button"
CSV_DOWNLOAD = "scorecard-csv-download"
PACK_BUTTON = "scorecard-pack-button"
PACK_DOWNLOAD = "scorecard-pack-download"
PACK_PROBLEM = "scorecard-pack-problem"


def layout(**query):
    return page_layout(_scorecard, query, "segment")


def _scorecard(context) -> html.Div:
    view, segment, found = context.view, context.segment_id, frames.scorecard(context)
    filters = {**context.view_filters, "segment": segment}
    may_commit = rights()["change_commitments"]
    return html.Div(
        [
            dcc.Store(id=SHOWN, data=context.shown),
            page_header(
                _("Scorecard"),
                context.names["segment"] if segment else _("All customers"),
                view,
                view_controls(CONTROLS, view, found["periods"], found["segments"], segment),
            ),
            *scorecard_tiles(
                found["card"],
                found["history"],
                queries.STATUSES,
                lambda row: href(f"/metric/{row.metric_id}", **filters),
                view.comparison.label,
                (lambda row: href("/commitment/new", metric=row.metric_id, segment=segment))
                if may_commit
                else None,
            ),
            html.Details(
                [
                    html.Summary(_("Table view and CSV")),
                    dbc.Button(
                        [icon("bi-download", "me-1"), _("Download CSV")],
                        id=CSV_BUTTON,
                        size="sm",
                        color="secondary",
                        outline=True,
                        className="my-2",
                    ),
                    dcc.Download(id=CSV_DOWNLOAD),
                    dbc.Button(
                        [icon("bi-file-earmark-pdf", "me-1"), _("Review pack (PDF)")],
                        id=PACK_BUTTON,
                        size="sm",
                        color="secondary",
                        outline=True,
                        className="my-2 ms-2",
                    ),
                    dcc.Loading(dcc.Download(id=PACK_DOWNLOAD), type="dot"),
                    html.Span(id=PACK_PROBLEM, className="small text-danger ms-2", role="status"),
                    kpi_table(found["card"]),
                ],
                className="table-view",
            ),
        ],
        id=ROOT,
        className="scorecard",
        **view_attributes(view),
    )


write_view_controls_to_url(CONTROLS, SHOWN)


@callback(
    Output(CSV_DOWNLOAD, "data"),
    Input(CSV_BUTTON, "n_clicks"),
    State(ids.URL, "search"),
    prevent_initial_call=True,
)
def download_csv(_clicks, search):
    context = drawn(search, "segment")
    view = context.view
    return {
        "content": kpi_csv(frames.scorecard(context)["card"], view),
        "filename": f"beacon-scorecard-{view.period.start}-{view.period.end}.csv",
        "type": "text/csv",
    }


@callback(
    Output(PACK_DOWNLOAD, "data"),
    Output(PACK_PROBLEM, "children"),
    Input(PACK_BUTTON, "n_clicks"),
    State(ids.URL, "search"),
    prevent_initial_call=True,
)
def download_pack(_clicks, search):
    """The view's review pack, printed by Chromium from this server as the user sees it."""
    context = drawn(search, "segment")
    try:
        pdf = review.pack_pdf(context.shown)
    except review.ReviewPackError as error:
        return None, _("No review pack: %(reason)s", reason=error)
    return dcc.send_bytes(pdf, f"beacon-review-{context.view.period.key}.pdf"), ""
