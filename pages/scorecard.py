"""`/` — the scorecard: which KPIs are on, at risk or off target, who owns each, and what changed.

All state is in the URL (?period=2026-Q3&compare=prev&segment=smb): the layout reads it, the
controls write it, so a pasted link opens the same view.
"""

from urllib.parse import parse_qsl

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html

import queries
from components import ids
from components.controls import ControlIds, view_controls
from components.feedback import problem
from components.header import page_header, view_attributes
from components.kpi_table import kpi_csv, kpi_table
from components.links import href
from components.tiles import status_summary, tile_grid
from views.callback_input import as_drawn
from views.freshness import with_stale_notice
from views.users import rights
from views.view_controls import write_view_controls_to_url

dash.register_page(__name__, path="/", name="Scorecard", title="Scorecard · Beacon", order=0)

ROOT = "scorecard-root"
CONTROLS = ControlIds(period="scorecard-period", compare="scorecard-compare", segment="scorecard-segment")
SHOWN = "scorecard-shown"  # the filters of the view on screen, as the page resolved them
CSV_BUTTON = "scorecard-csv-button"
CSV_DOWNLOAD = "scorecard-csv-download"


def _scorecard(period, compare, segment):
    """The view, segment name and KPI frame the URL asks for; raises PeriodError/LookupError."""
    view = queries.view(period, compare)
    segments = queries.segments()
    names = segments.set_index("segment_id")["name"]
    if segment and segment not in names:
        raise LookupError(f"There is no customer segment “{segment}”. Choose one from the Segment list.")
    return (
        view,
        segments,
        names.get(segment, "All customers"),
        queries.scorecard(view, segment_id=segment or None),
    )


def layout(period: str | None = None, compare: str | None = None, segment: str | None = None, **_other):
    try:
        return with_stale_notice(_page(period, compare, segment, rights()))
    except queries.WarehouseError as error:
        return problem("The warehouse cannot be read", str(error), back_href=None)


@queries.memoised
def _page(period: str | None, compare: str | None, segment: str | None, rights: dict):
    """The page for a view (memoised: building a hundred components costs more than the cached queries)."""
    try:
        view, segments, segment_name, card = _scorecard(period, compare, segment)
        history = queries.monthly_history(view.as_of, segment_id=segment or None)
        first_day, _ = queries.data_range()
    except (queries.PeriodError, LookupError) as error:
        return problem("This view cannot be shown", str(error))

    filters = {"period": period, "compare": compare, "segment": segment}
    controls = view_controls(CONTROLS, view, queries.period_choices(first_day, view.as_of), segments, segment)
    shown = {"period": view.period.key, "compare": view.compare, "segment": segment or None}
    return html.Div(
        [
            dcc.Store(id=SHOWN, data=shown),
            page_header("Scorecard", segment_name, view, controls),
            status_summary(card, queries.STATUSES),
            tile_grid(
                card,
                history,
                lambda row: href(f"/metric/{row.metric_id}", **filters),
                view.comparison.label,
                (lambda row: href("/commitment/new", metric=row.metric_id, segment=segment))
                if rights["change_commitments"]
                else None,
            ),
            html.Details(
                [
                    html.Summary("Table view and CSV"),
                    dbc.Button(
                        [html.I(className="bi bi-download me-1", **{"aria-hidden": "true"}), "Download CSV"],
                        id=CSV_BUTTON,
                        size="sm",
                        color="secondary",
                        outline=True,
                        className="my-2",
                    ),
                    dcc.Download(id=CSV_DOWNLOAD),
                    kpi_table(card),
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
    params = dict(parse_qsl((search or "").lstrip("?")))
    view, _segments, _name, card = as_drawn(
        _scorecard, params.get("period"), params.get("compare"), params.get("segment")
    )
    return {
        "content": kpi_csv(card, view),
        "filename": f"beacon-scorecard-{view.period.start}-{view.period.end}.csv",
        "type": "text/csv",
    }
