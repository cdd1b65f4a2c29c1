"""`/metric/<metric_id>` — one metric in full: trend, breakdowns, distribution, verbatims, definition.

Filters live in the URL (?period=&compare=&segment=&touchpoint=). Clicking a touchpoint or segment
bar, or a heatmap cell (a link), filters the page to it; the breadcrumb shows the path and clears it.
Each breakdown applies the *other* dimension's filter, so the bars stay comparable.
"""

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import MATCH, Input, Output, State, callback, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

import queries
from components import ids
from components.commitments.register import commitment_list, milestones
from components.controls import ALL, ControlIds, chosen, view_controls
from components.crosstab import kpi_crosstab
from components.definition import definition_panel
from components.export import csv_text
from components.feedback import problem
from components.figures import breakdown_figure, distribution_figure, trend_figure
from components.format import format_count
from components.header import page_header, view_attributes
from components.kpi_table import kpi_csv, kpi_table
from components.links import href, search_after_change, with_changes
from components.tiles import kpi_tile
from components.verbatims import comments_withheld, verbatim_list
from data.state import commitments
from queries.accountability import commitments_in_view
from views import commitment_context
from views.callback_input import BAD_INPUT, as_drawn
from views.freshness import with_stale_notice
from views.users import may_read_comments, rights

dash.register_page(__name__, path_template="/metric/<metric_id>", title="Metric · Beacon")

ROOT = "metric-root"
PARAMS = "metric-params"  # the URL's parameters, for callbacks
SHOWN = "metric-shown"  # the filters of the view on screen, as the page resolved them
CONTROLS = ControlIds(
    period="metric-period", compare="metric-compare", segment="metric-segment", touchpoint="metric-touchpoint"
)
TREND = "metric-trend"
BY_TOUCHPOINT = "metric-by-touchpoint"
BY_SEGMENT = "metric-by-segment"
HEATMAP = "metric-heatmap"
COMMITMENTS = "metric-commitments"
DISTRIBUTION = "metric-distribution"
VERBATIM_TOUCHPOINT = "metric-verbatim-touchpoint"
VERBATIM_SEGMENT = "metric-verbatim-segment"
VERBATIM_BAND = "metric-verbatim-band"
VERBATIM_PAGES = "metric-verbatim-pages"
VERBATIM_LIST = "metric-verbatim-list"
VERBATIM_COUNT = "metric-verbatim-count"
VERBATIM_CSV_BUTTON = "metric-verbatim-csv-button"
VERBATIM_CSV_DOWNLOAD = "metric-verbatim-csv-download"
VERBATIMS_PER_PAGE = 10
VERBATIMS_PER_CSV = 50_000  # an export, not a page: every matching comment up to this many


def csv_button(button_id, download_id) -> html.Div:
    return html.Div(
        [
            dbc.Button(
                [html.I(className="bi bi-download me-1", **{"aria-hidden": "true"}), "CSV"],
                id=button_id,
                size="sm",
                color="secondary",
                outline=True,
            ),
            dcc.Download(id=download_id),
        ]
    )


def table_csv_button(table: str) -> html.Div:
    """The CSV button of one of the page's KPI tables (or its trend)."""
    return csv_button(
        {"type": "metric-csv-button", "table": table}, {"type": "metric-csv-download", "table": table}
    )


def card(title: str, body, actions=None, class_name: str = "") -> dbc.Card:
    return dbc.Card(
        [
            dbc.CardHeader(
                html.Div([html.H2(title, className="card-title h6 mb-0"), actions], className="card-head")
            ),
            dbc.CardBody(body),
        ],
        className=f"metric-card {class_name}",
    )


def graph(graph_id: str, filename: str) -> dcc.Graph:
    """A chart with Plotly's PNG download and nothing else in its mode bar."""
    return dcc.Graph(
        id=graph_id,
        config={
            "displaylogo": False,
            "modeBarButtons": [["toImage"]],
            "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2},
        },
        className="metric-graph",
    )


def numbers(table) -> html.Details:
    """The numbers behind a chart, in a table that scrolls sideways inside its card on a phone."""
    return html.Details(
        [html.Summary("Show the numbers"), html.Div(table, className="table-responsive")],
        className="table-view",
    )


def _names(frame, column) -> pd.Series:
    """id → display name, in the frame's order (journey order for touchpoints)."""
    return frame.set_index(column)["name"]


def _slice(params: dict):
    """The view, touchpoints and segments for the URL's parameters, after checking that the metric,
    touchpoint and segment exist (LookupError with a plain message if not)."""
    view = queries.view(params.get("period"), params.get("compare"))
    metric_id = params["metric_id"]
    catalogue = queries.metrics()
    if metric_id not in set(catalogue["metric_id"]):
        raise LookupError(f"There is no metric “{metric_id}”. Pick one from the scorecard.")
    touchpoints, segments = queries.touchpoints(), queries.segments()
    touchpoint, segment = params.get("touchpoint"), params.get("segment")
    if touchpoint and touchpoint not in set(touchpoints["touchpoint_id"]):
        raise LookupError(f"There is no touchpoint “{touchpoint}”.")
    if segment and segment not in set(segments["segment_id"]):
        raise LookupError(f"There is no customer segment “{segment}”.")
    return view, touchpoints, segments


def _breakdowns(view, params: dict) -> dict:
    """The metric by touchpoint (under the segment filter), by segment (under the touchpoint filter)
    and per cell (unfiltered)."""
    metric_id, touchpoint, segment = params["metric_id"], params.get("touchpoint"), params.get("segment")
    return {
        "touchpoint": queries.breakdown(view, metric_id, "touchpoint", segment_id=segment or None),
        "segment": queries.breakdown(view, metric_id, "segment", touchpoint_id=touchpoint or None),
        "cell": queries.breakdown(view, metric_id, "cell"),
    }


def _trend(view, params: dict):
    """Weekly for periods up to a quarter, else monthly, from the comparison period's start."""
    grain = "week" if view.period.days <= 92 else "month"
    start = min(view.comparison.start, view.period.start)
    trend = queries.trend(
        start,
        view.period.end,
        grain,
        params["metric_id"],
        params.get("touchpoint") or None,
        params.get("segment") or None,
    )
    return trend, queries.annotations(
        start, view.period.end, params["metric_id"], params.get("touchpoint") or None
    )


def breadcrumb(metric_name: str, params: dict, touchpoint_names, segment_names) -> html.Nav:
    view_filters = {k: params.get(k) for k in ("period", "compare")}
    path = f"/metric/{params['metric_id']}"
    crumbs = [html.Li(html.A("Scorecard", href=href("/", **view_filters)), className="breadcrumb-item")]
    crumbs.append(html.Li(html.A(metric_name, href=href(path, **view_filters)), className="breadcrumb-item"))
    for key, names, label in (
        ("touchpoint", touchpoint_names, "touchpoint"),
        ("segment", segment_names, "segment"),
    ):
        value = params.get(key)
        if value:
            others = {k: v for k, v in params.items() if k not in ("metric_id", key)}
            crumbs.append(
                html.Li(
                    [
                        names.get(value, value),
                        html.A(
                            html.I(className="bi bi-x-circle", **{"aria-hidden": "true"}),
                            href=href(path, **others),
                            className="clear-filter",
                            title=f"Clear the {label} filter",
                            **{"aria-label": f"Clear the {label} filter"},
                        ),
                    ],
                    className="breadcrumb-item active",
                )
            )
    return html.Nav(html.Ol(crumbs, className="breadcrumb mb-2"), **{"aria-label": "breadcrumb"})


def layout(metric_id: str | None = None, **query):
    params = {
        "metric_id": metric_id,
        **{k: query.get(k) for k in ("period", "compare", "segment", "touchpoint")},
    }
    try:
        return with_stale_notice(_page(params, rights()))
    except queries.WarehouseError as error:
        return problem("The warehouse cannot be read", str(error), back_href=None)


@queries.memoised
def _page(params: dict, rights: dict):
    """The page for a metric and view (memoised: its tables are a thousand components)."""
    metric_id = params["metric_id"]
    try:
        view, touchpoints, segments = _slice(params)
        first_day, _ = queries.data_range()
        touchpoint, segment = params["touchpoint"] or None, params["segment"] or None
        headline = queries.kpis(view, metric_id=metric_id, touchpoint_id=touchpoint, segment_id=segment)
        breakdowns = _breakdowns(view, params)
        history = queries.monthly_history(view.as_of, segment_id=segment, touchpoint_id=touchpoint)
    except (queries.PeriodError, LookupError) as error:
        return problem("This view cannot be shown", str(error))

    metric = headline.iloc[0]
    touchpoint_names, segment_names = _names(touchpoints, "touchpoint_id"), _names(segments, "segment_id")
    survey = metric.kind != "ratio"
    controls = view_controls(
        CONTROLS,
        view,
        queries.period_choices(first_day, view.as_of),
        segments,
        segment,
        touchpoints,
        touchpoint,
    )
    scope = " · ".join(
        [touchpoint_names.get(touchpoint, "All touchpoints"), segment_names.get(segment, "All customers")]
    )
    tile = kpi_tile(
        next(headline.itertuples(index=False)),
        history[history["metric_id"] == metric_id],
        None,
        view.comparison.label,
    )

    def table(frame, id_column, names, first_column):
        frame = frame.set_index(id_column, drop=False).reindex(
            [i for i in names.index if i in set(frame[id_column])]
        )
        return kpi_table(
            frame, lambda row: names.get(getattr(row, id_column), getattr(row, id_column)), first_column
        )

    sections = [
        dbc.Row(
            [
                dbc.Col(tile, lg=4),
                dbc.Col(card("Trend", graph(TREND, f"{metric_id}-trend"), table_csv_button("trend")), lg=8),
            ],
            className="g-3",
        ),
        dbc.Row(
            dbc.Col(
                card(
                    "Commitments",
                    html.Div(id=COMMITMENTS),
                    html.A(
                        [
                            html.I(className="bi bi-plus-lg me-1", **{"aria-hidden": "true"}),
                            "Add a commitment",
                        ],
                        href=href(
                            "/commitment/new", metric=metric_id, touchpoint=touchpoint, segment=segment
                        ),
                        className="btn btn-outline-primary btn-sm",
                    )
                    if rights["change_commitments"]
                    else None,
                )
            ),
            className="g-3 mt-0",
        ),
        dbc.Row(
            [
                dbc.Col(
                    card(
                        f"By {dimension}",
                        [
                            graph(graph_id, f"{metric_id}-by-{dimension}"),
                            numbers(
                                table(breakdowns[dimension], f"{dimension}_id", names, dimension.capitalize())
                            ),
                        ],
                        table_csv_button(dimension),
                    ),
                    lg=6,
                )
                for dimension, graph_id, names in (
                    ("touchpoint", BY_TOUCHPOINT, touchpoint_names),
                    ("segment", BY_SEGMENT, segment_names),
                )
            ],
            className="g-3 mt-0",
        ),
        dbc.Row(
            dbc.Col(
                card(
                    "Touchpoint × segment",
                    [
                        html.Div(
                            kpi_crosstab(
                                breakdowns["cell"],
                                "segment_id",
                                segment_names,
                                touchpoint_names,
                                lambda row: href(
                                    f"/metric/{metric_id}",
                                    period=params["period"],
                                    compare=params["compare"],
                                    touchpoint=row.touchpoint_id,
                                    segment=row.segment_id,
                                ),
                                row="touchpoint_id",
                                corner="Touchpoint",
                            )
                            if len(breakdowns["cell"])
                            else html.P("No data in this period.", className="text-body-secondary"),
                            id=HEATMAP,
                            className="status-grid",
                        ),
                        numbers(
                            kpi_table(
                                breakdowns["cell"],
                                lambda row: (
                                    f"{touchpoint_names.get(row.touchpoint_id)} × "
                                    f"{segment_names.get(row.segment_id)}"
                                ),
                                "Touchpoint × segment",
                            )
                        ),
                    ],
                    table_csv_button("cell"),
                )
            ),
            className="g-3 mt-0",
        ),
    ]
    if survey:
        sections.append(
            dbc.Row(
                [
                    dbc.Col(
                        card("Distribution of scores", graph(DISTRIBUTION, f"{metric_id}-distribution")), lg=5
                    ),
                    dbc.Col(
                        card(
                            "Verbatim comments",
                            verbatim_panel(metric, touchpoints, segments, params)
                            if rights["read_comments"]
                            else comments_withheld(),
                            csv_button(VERBATIM_CSV_BUTTON, VERBATIM_CSV_DOWNLOAD)
                            if rights["read_comments"]
                            else None,
                        ),
                        lg=7,
                    ),
                ],
                className="g-3 mt-0",
            )
        )
    sections.append(
        dbc.Row(
            dbc.Col(card("Definition", definition_panel(metric), class_name="definition")),
            className="g-3 mt-0",
        )
    )
    return html.Div(
        [
            dcc.Store(id=PARAMS, data=params),
            dcc.Store(
                id=SHOWN,
                data={
                    "period": view.period.key,
                    "compare": view.compare,
                    "segment": segment,
                    "touchpoint": touchpoint,
                },
            ),
            breadcrumb(metric["name"], params, touchpoint_names, segment_names),
            page_header(metric["name"], scope, view, controls),
            *sections,
        ],
        id=ROOT,
        className="metric-page",
        **view_attributes(view),
    )


def verbatim_panel(metric, touchpoints, segments, params) -> list:
    bands = queries.score_bands(metric.kind, metric.scale_min, metric.scale_max, metric.higher_is_better)

    def select(select_id, label, options, value):
        return html.Div(
            [
                dbc.Label(
                    f"Comments from: {label.lower()}", html_for=select_id, class_name="visually-hidden"
                ),
                dbc.Select(
                    id=select_id,
                    options=[{"label": label, "value": ALL}, *({"label": t, "value": v} for v, t in options)],
                    value=value or ALL,
                    size="sm",
                ),
            ]
        )

    return [
        html.Div(
            [
                select(
                    VERBATIM_TOUCHPOINT,
                    "All touchpoints",
                    touchpoints[["touchpoint_id", "name"]].itertuples(index=False),
                    params.get("touchpoint"),
                ),
                select(
                    VERBATIM_SEGMENT,
                    "All segments",
                    segments[["segment_id", "name"]].itertuples(index=False),
                    params.get("segment"),
                ),
                select(
                    VERBATIM_BAND,
                    "All scores",
                    [(band, label) for band, (label, _lo, _hi) in bands.items()],
                    None,
                ),
            ],
            className="verbatim-filters",
        ),
        html.Div(id=VERBATIM_COUNT, className="small text-body-secondary my-2"),
        html.Div(id=VERBATIM_LIST),
        dbc.Pagination(id=VERBATIM_PAGES, max_value=1, active_page=1, fully_expanded=False, size="sm"),
    ]


@callback(
    Output(ids.URL, "search", allow_duplicate=True),
    Input(CONTROLS.period, "value"),
    Input(CONTROLS.compare, "value"),
    Input(CONTROLS.segment, "value"),
    Input(CONTROLS.touchpoint, "value"),
    State(ids.URL, "search"),
    State(SHOWN, "data"),
    prevent_initial_call=True,
)
def apply_view_controls(period, compare, segment, touchpoint, search, shown):
    new_search = search_after_change(
        search, shown, period=period, compare=compare, segment=chosen(segment), touchpoint=chosen(touchpoint)
    )
    return no_update if new_search is None else new_search


@callback(
    Output(ids.URL, "search", allow_duplicate=True),
    Input(BY_TOUCHPOINT, "clickData"),
    Input(BY_SEGMENT, "clickData"),
    State(ids.URL, "search"),
    prevent_initial_call=True,
)
def filter_to_clicked(touchpoint_click, segment_click, search):
    """A click on a bar filters the page to that touchpoint or segment."""
    click = {BY_TOUCHPOINT: touchpoint_click, BY_SEGMENT: segment_click}[ctx.triggered_id]
    if not click:  # a graph resets clickData when it gets a new figure
        raise PreventUpdate
    point = click["points"][0]
    if ctx.triggered_id == BY_TOUCHPOINT:
        return with_changes(search, touchpoint=point["customdata"])
    return with_changes(search, segment=point["customdata"])


@callback(
    Output(TREND, "figure"),
    Output(BY_TOUCHPOINT, "figure"),
    Output(BY_SEGMENT, "figure"),
    Input(ids.COLOUR_MODE, "data"),
    Input(PARAMS, "data"),
)
def draw_charts(mode, params):
    as_drawn(_slice, params)
    return _charts(mode, params, milestones(_commitments(params)))


def _commitments(params: dict):
    """The commitments on this metric that bear on the view's touchpoint and segment."""
    return commitments_in_view(
        commitments.register(),
        params["metric_id"],
        params.get("touchpoint") or None,
        params.get("segment") or None,
    )


@callback(Output(COMMITMENTS, "children"), Input(PARAMS, "data"))
def show_commitments(params):
    """Read fresh on every visit: commitments change without the warehouse changing."""
    found = _commitments(params)
    if found.empty:
        scoped = params.get("touchpoint") or params.get("segment")
        text = "No commitments on this metric" + (" for this touchpoint and segment." if scoped else " yet.")
        return html.P(text, className="text-body-secondary mb-0")
    return commitment_list(
        found,
        commitment_context.names(),
        commitment_context.effects(found, queries.as_of()),
        commitments.current_date(),
    )


@queries.memoised
def _charts(mode: str, params: dict, marks: tuple = ()) -> tuple[dict, ...]:
    """The trend and both breakdowns, as figure dicts (memoised: Plotly's validation
    costs more than the cached queries behind them); `marks` are commitment milestones."""
    view, touchpoints, segments = _slice(params)
    trend, notes = _trend(view, params)
    breakdowns = _breakdowns(view, params)
    touchpoint_names, segment_names = _names(touchpoints, "touchpoint_id"), _names(segments, "segment_id")
    unit = queries.metrics().set_index("metric_id").loc[params["metric_id"], "unit"]
    figures = (
        trend_figure(trend, notes, unit, mode, marks),
        breakdown_figure(breakdowns["touchpoint"], "touchpoint_id", touchpoint_names, mode),
        breakdown_figure(breakdowns["segment"], "segment_id", segment_names, mode),
    )
    return tuple(figure.to_dict() for figure in figures)


@callback(Output(DISTRIBUTION, "figure"), Input(ids.COLOUR_MODE, "data"), Input(PARAMS, "data"))
@queries.memoised
def draw_distribution(mode, params):
    view, _touchpoints, _segments = as_drawn(_slice, params)
    metric = queries.metrics().set_index("metric_id").loc[params["metric_id"]]
    bands = queries.score_bands(
        metric["kind"], metric["scale_min"], metric["scale_max"], metric["higher_is_better"]
    )
    counts = queries.distribution(view, params["metric_id"], params.get("touchpoint"), params.get("segment"))
    figure = distribution_figure(counts, bands, mode)
    return figure.to_dict()


@callback(
    Output(VERBATIM_LIST, "children"),
    Output(VERBATIM_COUNT, "children"),
    Output(VERBATIM_PAGES, "max_value"),
    Output(VERBATIM_PAGES, "active_page"),
    Input(VERBATIM_TOUCHPOINT, "value"),
    Input(VERBATIM_SEGMENT, "value"),
    Input(VERBATIM_BAND, "value"),
    Input(VERBATIM_PAGES, "active_page"),
    State(PARAMS, "data"),
)
def show_verbatims(touchpoint, segment, band, page, params):
    if not may_read_comments():  # the panel is not drawn for them; a direct request is refused here
        return comments_withheld(), "", 1, 1
    # A new filter starts again at the first page.
    page = page if ctx.triggered_id == VERBATIM_PAGES else 1
    try:
        view, touchpoints, segments = _slice(params)
    except BAD_INPUT as error:  # asked by hand: the page draws no verbatims for such a view
        return problem("These comments cannot be shown", str(error)), "", 1, 1
    metric = queries.metrics().set_index("metric_id").loc[params["metric_id"]]
    bands = queries.score_bands(
        metric["kind"], metric["scale_min"], metric["scale_max"], metric["higher_is_better"]
    )
    frame, total = queries.verbatims(
        view, params["metric_id"], chosen(touchpoint), chosen(segment), chosen(band), page, VERBATIMS_PER_PAGE
    )
    pages = max(1, -(-total // VERBATIMS_PER_PAGE))
    return (
        verbatim_list(
            frame,
            _names(touchpoints, "touchpoint_id"),
            _names(segments, "segment_id"),
            bands,
        ),
        f"{format_count(total)} {'comment' if total == 1 else 'comments'}, newest first",
        pages,
        page,
    )


@callback(
    Output({"type": "metric-csv-download", "table": MATCH}, "data"),
    Input({"type": "metric-csv-button", "table": MATCH}, "n_clicks"),
    State(PARAMS, "data"),
    prevent_initial_call=True,
)
def download_csv(_clicks, params):
    view, _touchpoints, _segments = as_drawn(_slice, params)
    table = ctx.triggered_id["table"]
    if table == "trend":
        trend, _notes = _trend(view, params)
        columns = [
            "metric_id",
            "bucket_start",
            "bucket_end",
            "n",
            "value",
            "low",
            "high",
            "target",
            "tolerance",
        ]
        content = csv_text(trend[columns])
    else:
        content = kpi_csv(_breakdowns(view, params)[table], view)
    return {
        "content": content,
        "filename": f"beacon-{params['metric_id']}-{table}-{view.period.start}-{view.period.end}.csv",
        "type": "text/csv",
    }


@callback(
    Output(VERBATIM_CSV_DOWNLOAD, "data"),
    Input(VERBATIM_CSV_BUTTON, "n_clicks"),
    State(VERBATIM_TOUCHPOINT, "value"),
    State(VERBATIM_SEGMENT, "value"),
    State(VERBATIM_BAND, "value"),
    State(PARAMS, "data"),
    prevent_initial_call=True,
)
def download_verbatims(_clicks, touchpoint, segment, band, params):
    """Every comment matching the verbatim filters, newest first."""
    if not may_read_comments():
        raise PreventUpdate
    view, _touchpoints, _segments = as_drawn(_slice, params)
    frame, _total = queries.verbatims(
        view, params["metric_id"], chosen(touchpoint), chosen(segment), chosen(band), 1, VERBATIMS_PER_CSV
    )
    return {
        "content": csv_text(frame),
        "filename": f"beacon-{params['metric_id']}-comments-{view.period.start}-{view.period.end}.csv",
        "type": "text/csv",
    }
