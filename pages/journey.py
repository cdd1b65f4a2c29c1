"""`/journey` — the customer journey left to right: each stage a column of its touchpoints, coloured by
one metric, with a touchpoint × segment heatmap and the top movers (real changes only).

URL: ?period=&compare=&segment=&metric=. A touchpoint card opens /touchpoint/<id>; a heatmap cell (a
link) opens that touchpoint filtered to the segment.
"""

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html, no_update

import queries
from components import ids
from components.controls import ControlIds, chosen, metric_select, view_controls
from components.crosstab import kpi_crosstab
from components.feedback import problem
from components.header import page_header, view_attributes
from components.journey import REAL_CHANGES_ONLY, cell_label, default_metric, journey_map, mover_list
from components.kpi_table import kpi_table
from components.links import href, search_after_change
from views.freshness import with_stale_notice

dash.register_page(__name__, path="/journey", name="Journey", title="Journey · Beacon", order=1)

ROOT = "journey-root"
PARAMS = "journey-params"  # the URL's parameters, for callbacks
SHOWN = "journey-shown"  # the filters of the view on screen, as the page resolved them
CONTROLS = ControlIds(period="journey-period", compare="journey-compare", segment="journey-segment")
METRIC = "journey-metric"
HEATMAP = "journey-heatmap"


def layout(**query):
    params = {key: query.get(key) for key in ("period", "compare", "segment", "metric")}
    try:
        return with_stale_notice(_page(params))
    except queries.WarehouseError as error:
        return problem("The warehouse cannot be read", str(error), back_href=None)


def _resolve(params: dict):
    """The view, catalogue and the KPIs per touchpoint the URL asks for; LookupError if unknown ids."""
    view = queries.view(params.get("period"), params.get("compare"))
    segments, metrics = queries.segments(), queries.metrics()
    segment, metric_id = params.get("segment") or None, params.get("metric") or None
    if segment and segment not in set(segments["segment_id"]):
        raise LookupError(f"There is no customer segment “{segment}”.")
    if metric_id and metric_id not in set(metrics["metric_id"]):
        raise LookupError(f"There is no metric “{metric_id}”.")
    by_touchpoint = queries.kpis(view, ("touchpoint",), segment_id=segment)
    return view, segments, metrics, by_touchpoint, metric_id or default_metric(by_touchpoint)


@queries.memoised
def _page(params: dict):
    try:
        view, segments, metrics, by_touchpoint, metric_id = _resolve(params)
        touchpoints = queries.touchpoints()
        first_day, _ = queries.data_range()
        cells = queries.breakdown(view, metric_id, "cell")
        improved, worsened = queries.movers(view, metric_id)
    except (queries.PeriodError, LookupError) as error:
        return problem("This view cannot be shown", str(error))

    segment = params.get("segment") or None
    names = metrics.set_index("metric_id")["name"]
    touchpoint_names = touchpoints.set_index("touchpoint_id")["name"]
    segment_names = segments.set_index("segment_id")["name"]
    filters = {"period": params.get("period"), "compare": params.get("compare"), "segment": segment}
    controls = html.Div(
        [
            metric_select(METRIC, metrics, metric_id),
            view_controls(CONTROLS, view, queries.period_choices(first_day, view.as_of), segments, segment),
        ],
        className="view-controls",
    )
    shown = {"period": view.period.key, "compare": view.compare, "segment": segment, "metric": metric_id}

    cells_named = cell_label(touchpoint_names, segment_names)

    def cell_link(row):
        return href(f"/touchpoint/{row.touchpoint_id}", **{**filters, "segment": row.segment_id})

    return html.Div(
        [
            dcc.Store(id=PARAMS, data=params),
            dcc.Store(id=SHOWN, data=shown),
            page_header(
                "Customer journey",
                f"{segment_names.get(segment, 'All customers')} · coloured by {names[metric_id]}",
                view,
                controls,
            ),
            journey_map(touchpoints, by_touchpoint, metric_id, filters),
            dbc.Row(
                [
                    dbc.Col(
                        dbc.Card(
                            [
                                dbc.CardHeader(
                                    html.H2(f"{names[metric_id]}: touchpoint × segment", className="h6 mb-0")
                                ),
                                dbc.CardBody(
                                    [
                                        html.Div(
                                            kpi_crosstab(
                                                cells,
                                                "segment_id",
                                                segment_names,
                                                touchpoint_names,
                                                cell_link,
                                                row="touchpoint_id",
                                                corner="Touchpoint",
                                            )
                                            if len(cells)
                                            else html.P(
                                                "No data in this period.", className="text-body-secondary"
                                            ),
                                            id=HEATMAP,
                                            className="status-grid",
                                        ),
                                        html.Details(
                                            [
                                                html.Summary("Show the numbers"),
                                                html.Div(
                                                    kpi_table(
                                                        cells,
                                                        lambda row: (
                                                            f"{touchpoint_names.get(row.touchpoint_id)} × "
                                                            f"{segment_names.get(row.segment_id)}"
                                                        ),
                                                        "Touchpoint × segment",
                                                    ),
                                                    className="table-responsive",
                                                ),
                                            ],
                                            className="table-view",
                                        ),
                                    ]
                                ),
                            ]
                        ),
                        lg=8,
                    ),
                    dbc.Col(
                        dbc.Card(
                            [
                                dbc.CardHeader(
                                    html.H2(f"Top movers vs {view.comparison.label}", className="h6 mb-0")
                                ),
                                dbc.CardBody(
                                    [
                                        mover_list("Improved", improved, cells_named, cell_link),
                                        mover_list("Worsened", worsened, cells_named, cell_link),
                                        html.P(
                                            REAL_CHANGES_ONLY,
                                            className="small text-body-secondary mb-0",
                                        ),
                                    ],
                                    className="movers",
                                ),
                            ]
                        ),
                        lg=4,
                    ),
                ],
                className="g-3 mt-1",
            ),
        ],
        id=ROOT,
        className="journey-page",
        **view_attributes(view),
    )


@callback(
    Output(ids.URL, "search", allow_duplicate=True),
    Input(CONTROLS.period, "value"),
    Input(CONTROLS.compare, "value"),
    Input(CONTROLS.segment, "value"),
    Input(METRIC, "value"),
    State(ids.URL, "search"),
    State(SHOWN, "data"),
    prevent_initial_call=True,
)
def apply_view_controls(period, compare, segment, metric, search, shown):
    new_search = search_after_change(
        search, shown, period=period, compare=compare, segment=chosen(segment), metric=metric
    )
    return no_update if new_search is None else new_search
