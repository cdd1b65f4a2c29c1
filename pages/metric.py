"""`/metric/<metric_id>` — one metric in full: trend, breakdowns, distribution, verbatims, definition.

Filters live in the URL (?period=&compare=&segment=&touchpoint=). Clicking a touchpoint or segment
bar, or a heatmap cell (a link), filters the page to it; the breadcrumb shows the path and clears it.
Each breakdown applies the *other* dimension's filter, so the bars stay comparable.
"""

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import MATCH, Input, Output, State, callback, ctx, dcc, html
from dash.exceptions import PreventUpdate

import queries
from components import ids
from components.alerts import recent_alerts
from components.closed_loop import loop_card
from components.commitments.register import commitment_list, milestones
from components.controls import ALL, ControlIds, chosen, view_controls
from components.crosstab import kpi_crosstab
from components.definition import definition_panel
from components.export import csv_text
from components.feedback import problem
from components.figures import breakdown_figure, distribution_figure, trend_figure
from components.header import page_header, view_attributes
from components.icons import icon
from components.kpi_table import kpi_csv, kpi_table
from components.links import href, with_changes
from components.pieces import breadcrumb, card, select
from components.theme import MODES
from components.tiles import kpi_tile
from components.verbatims import comments_withheld, score_bands_in_words, verbatim_list
from data.state import commitments
from i18n import N_, _, current, ngettext
from queries.accountability import commitments_in_view
from views import alerts, closed_loop, commitment_context, frames
from views.context import PageContext, drawn, page_layout, resolve
from views.users import may_read_comments, rights
from views.view_controls import write_view_controls_to_url

dash.register_page(__name__, path_template="/metric/<metric_id>", title=lambda **_query: _("Metric · Beacon"))

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
RECENT_ALERTS = "metric-recent-alerts"
CLOSED_LOOP = "metric-closed-loop"
DISTRIBUTION = "metric-distribution"
VERBATIM_TOUCHPOINT = "metric-verbatim-touchpoint"
VERBATIM_SEGMENT = "metric-verbatim-segment"
VERBATIM_BAND = "metric-verbatim-band"
VERBATIM_PAGES = "metric-verbatim-pages"
VERBATIM_LIST = "metric-verbatim-list"
VERBATIM_COUNT = "metric-verbatim-count"
VERBATIM_CSV_BUTTON = "metric-verbatim-csv-button"
VERBATIM_CSV_DOWNLOAD = "metric-verbatim-csv-download"
NUMBERS = "metric-numbers"  # a chart's "Show the numbers" table
NUMBERS_SUMMARY = "metric-numbers-summary"  # the line that opens it
VERBATIMS_PER_PAGE = 10
VERBATIMS_PER_CSV = 50_000  # an export, not a page: every matching comment up to this many
READS = ("segment", "touchpoint")  # the filters of the URL's query string the page reads
#: The first column's heading of each "Show the numbers" table (translated by kpi_table).
NUMBERS_HEADINGS = {
    "touchpoint": N_("Touchpoint"),
    "segment": N_("Segment"),
    "cell": N_("Touchpoint × segment"),
}


def csv_button(button_id, download_id) -> html.Div:
    return html.Div(
        [
            dbc.Button(
                [icon("bi-download", "me-1"), "CSV"], id=button_id, size="sm", color="secondary", outline=True
            ),
            dcc.Download(id=download_id),
        ]
    )


def table_csv_button(table: str) -> html.Div:
    """The CSV button of one of the page's KPI tables (or its trend)."""
    return csv_button(
        {"type": "metric-csv-button", "table": table}, {"type": "metric-csv-download", "table": table}
    )


def section(title: str, body, actions=None, class_name: str = "") -> dbc.Card:
    return card(title, body, actions, class_name=f"metric-card {class_name}".strip())


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


def numbers_table(found: dict, table: str, cells: bool) -> html.Table:
    """The KPI table behind the `table` chart ("touchpoint", "segment" or "cell") of the page's frames
    (views.frames.metric), its rows in journey order; `cells=False` for its closed stand-in."""
    frame = found["breakdowns"][table]
    touchpoints = _names(found["touchpoints"], "touchpoint_id")
    segments = _names(found["segments"], "segment_id")
    if table == "cell":
        return kpi_table(
            frame,
            lambda row: f"{touchpoints.get(row.touchpoint_id)} × {segments.get(row.segment_id)}",
            NUMBERS_HEADINGS["cell"],
            cells,
        )
    names, column = {"touchpoint": touchpoints, "segment": segments}[table], f"{table}_id"
    frame = frame.set_index(column, drop=False).reindex([i for i in names.index if i in set(frame[column])])
    return kpi_table(
        frame,
        lambda row: names.get(getattr(row, column), getattr(row, column)),
        NUMBERS_HEADINGS[table],
        cells,
    )


def numbers(found: dict, table: str) -> html.Details:
    """The numbers behind a chart, in a table that scrolls sideways inside its card on a phone. Closed,
    its rows carry only their names and data attributes; the cells are drawn when it is first opened
    (fill_numbers), as most visits never open it."""
    return html.Details(
        [
            html.Summary(_("Show the numbers"), id={"type": NUMBERS_SUMMARY, "table": table}),
            html.Div(
                numbers_table(found, table, cells=False),
                id={"type": NUMBERS, "table": table},
                className="table-responsive",
            ),
        ],
        className="table-view",
    )


def loading(words: str) -> html.Div:
    """What an area a callback fills shows until it is filled: a few grey bars, and `words` ("Loading
    comments…") for a screen reader."""
    return html.Div(
        [
            html.Span(words, className="visually-hidden"),
            *(dbc.Placeholder(xs=width, className="d-block mb-2") for width in (8, 6, 7)),
        ],
        className="placeholder-glow",
        **{"aria-busy": "true"},
    )


def _names(frame, column) -> pd.Series:
    """id → display name, in the frame's order (journey order for touchpoints)."""
    return frame.set_index(column)["name"]


def _context(params: dict) -> PageContext:
    """The page context of the URL the page stored for its callbacks (no update for one it would not
    have drawn)."""
    return drawn(params, *READS, metric_id=params.get("metric_id"))


def metric_breadcrumb(context: PageContext) -> html.Div:
    """Scorecard › the metric › its touchpoint and segment filters, each with a link that clears it."""
    path = f"/metric/{context.metric_id}"
    trail = [
        (_("Scorecard"), href("/", **context.view_filters)),
        (context.names["metric"], href(path, **context.view_filters)),
    ]
    filters = [
        (context.names[key], key, href(path, **{**context.filters, key: None}))
        for key in ("touchpoint", "segment")
        if context.filters[key]
    ]
    return breadcrumb(trail, filters)


def layout(metric_id: str | None = None, **query):
    return page_layout(_metric, query, *READS, metric_id=metric_id)


def _metric(context: PageContext) -> html.Div:
    view, metric_id = context.view, context.metric_id
    touchpoint, segment = context.touchpoint_id, context.segment_id
    allowed, found = rights(), frames.metric(context)
    headline, breakdowns = found["headline"], found["breakdowns"]
    touchpoints, segments, history = found["touchpoints"], found["segments"], found["history"]
    metric = headline.iloc[0]
    touchpoint_names, segment_names = _names(touchpoints, "touchpoint_id"), _names(segments, "segment_id")
    survey = metric.kind != "ratio"
    controls = view_controls(CONTROLS, view, found["periods"], segments, segment, touchpoints, touchpoint)
    scope = " · ".join(
        [
            context.names["touchpoint"] if touchpoint else _("All touchpoints"),
            context.names["segment"] if segment else _("All customers"),
        ]
    )
    tile = kpi_tile(
        next(headline.itertuples(index=False)),
        history[history["metric_id"] == metric_id],
        None,
        view.comparison.label,
    )

    sections = [
        dbc.Row(
            [
                dbc.Col(tile, lg=4),
                dbc.Col(
                    section(_("Trend"), graph(TREND, f"{metric_id}-trend"), table_csv_button("trend")), lg=8
                ),
            ],
            className="g-3",
        ),
        dbc.Row(
            [
                dbc.Col(
                    section(
                        _("Commitments"),
                        html.Div(loading(_("Loading commitments…")), id=COMMITMENTS),
                        html.A(
                            [icon("bi-plus-lg", "me-1"), _("Add a commitment")],
                            href=href(
                                "/commitment/new", metric=metric_id, touchpoint=touchpoint, segment=segment
                            ),
                            className="btn btn-outline-primary btn-sm",
                        )
                        if allowed["change_commitments"]
                        else None,
                    ),
                    lg=8,
                ),
                dbc.Col(
                    section(_("Recent alerts"), html.Div(loading(_("Loading alerts…")), id=RECENT_ALERTS)),
                    lg=4,
                ),
            ],
            className="g-3 mt-0",
        ),
        dbc.Row(
            dbc.Col(
                section(
                    _("Closing the loop"),
                    html.Div(loading(_("Loading follow-up cases…")), id=CLOSED_LOOP),
                    class_name="closed-loop-card",
                )
            ),
            className="g-3 mt-0",
        ),
        dbc.Row(
            [
                dbc.Col(
                    section(
                        title,
                        [
                            graph(graph_id, f"{metric_id}-by-{dimension}"),
                            numbers(found, dimension),
                        ],
                        table_csv_button(dimension),
                    ),
                    lg=6,
                )
                for dimension, graph_id, title in (
                    ("touchpoint", BY_TOUCHPOINT, _("By touchpoint")),
                    ("segment", BY_SEGMENT, _("By segment")),
                )
            ],
            className="g-3 mt-0",
        ),
        dbc.Row(
            dbc.Col(
                section(
                    _("Touchpoint × segment"),
                    [
                        html.Div(
                            kpi_crosstab(
                                breakdowns["cell"],
                                "segment_id",
                                segment_names,
                                touchpoint_names,
                                lambda row: href(
                                    f"/metric/{metric_id}",
                                    **context.view_filters,
                                    touchpoint=row.touchpoint_id,
                                    segment=row.segment_id,
                                ),
                                row="touchpoint_id",
                                corner=N_("Touchpoint"),
                            )
                            if len(breakdowns["cell"])
                            else html.P(_("No data in this period."), className="text-body-secondary"),
                            id=HEATMAP,
                            className="status-grid",
                        ),
                        numbers(found, "cell"),
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
                        section(
                            _("Distribution of scores"), graph(DISTRIBUTION, f"{metric_id}-distribution")
                        ),
                        lg=5,
                    ),
                    dbc.Col(
                        section(
                            _("Verbatim comments"),
                            verbatim_panel(metric, touchpoints, segments, context)
                            if allowed["read_comments"]
                            else comments_withheld(),
                            csv_button(VERBATIM_CSV_BUTTON, VERBATIM_CSV_DOWNLOAD)
                            if allowed["read_comments"]
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
            dbc.Col(section(_("Definition"), definition_panel(metric), class_name="definition")),
            className="g-3 mt-0",
        )
    )
    return html.Div(
        [
            dcc.Store(id=PARAMS, data={"metric_id": metric_id, **context.filters}),
            dcc.Store(id=SHOWN, data=context.shown),
            metric_breadcrumb(context),
            page_header(metric["name"], scope, view, controls),
            *sections,
        ],
        id=ROOT,
        className="metric-page",
        **view_attributes(view),
    )


def verbatim_panel(metric, touchpoints, segments, context: PageContext) -> list:
    bands = score_bands_in_words(
        queries.score_bands(metric.kind, metric.scale_min, metric.scale_max, metric.higher_is_better),
        metric.kind,
    )

    def choose(select_id, label, everything, options, value):
        return select(
            select_id,
            label,
            [(ALL, everything), *options],
            value or ALL,
            class_name="",
            hidden_label=True,
        )

    return [
        html.Div(
            [
                choose(
                    VERBATIM_TOUCHPOINT,
                    _("Comments from: all touchpoints"),
                    _("All touchpoints"),
                    touchpoints[["touchpoint_id", "name"]].itertuples(index=False),
                    context.touchpoint_id,
                ),
                choose(
                    VERBATIM_SEGMENT,
                    _("Comments from: all segments"),
                    _("All segments"),
                    segments[["segment_id", "name"]].itertuples(index=False),
                    context.segment_id,
                ),
                choose(
                    VERBATIM_BAND,
                    _("Comments from: all scores"),
                    _("All scores"),
                    [(band, label) for band, (label, _lo, _hi) in bands.items()],
                    None,
                ),
            ],
            className="verbatim-filters",
        ),
        html.Div(id=VERBATIM_COUNT, className="small text-body-secondary my-2"),
        html.Div(loading(_("Loading comments…")), id=VERBATIM_LIST),
        dbc.Pagination(id=VERBATIM_PAGES, max_value=1, active_page=1, fully_expanded=False, size="sm"),
    ]


write_view_controls_to_url(CONTROLS, SHOWN)


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
    return _charts(mode, params, milestones(_commitments(_context(params))), current())


def _commitments(context: PageContext):
    """The commitments on this metric that bear on the view's touchpoint and segment."""
    return commitments_in_view(
        commitments.register(), context.metric_id, context.touchpoint_id, context.segment_id
    )


@callback(
    Output({"type": NUMBERS, "table": MATCH}, "children"),
    Input({"type": NUMBERS_SUMMARY, "table": MATCH}, "n_clicks"),
    State(PARAMS, "data"),
    prevent_initial_call=True,
)
def fill_numbers(clicks, params):
    """A "Show the numbers" table's cells, drawn the first time it is opened (later clicks only close
    and open it again)."""
    if clicks != 1:
        raise PreventUpdate
    return numbers_table(frames.metric(_context(params)), ctx.triggered_id["table"], cells=True)


@callback(Output(COMMITMENTS, "children"), Input(PARAMS, "data"))
def show_commitments(params):
    """Read fresh on every visit: commitments change without the warehouse changing."""
    context = _context(params)
    found = _commitments(context)
    if found.empty:
        scoped = context.touchpoint_id or context.segment_id
        text = (
            _("No commitments on this metric for this touchpoint and segment.")
            if scoped
            else _("No commitments on this metric yet.")
        )
        return html.P(text, className="text-body-secondary mb-0")
    return commitment_list(
        found,
        commitment_context.names(),
        commitment_context.effects(found, queries.as_of()),
        commitments.current_date(),
    )


@callback(Output(RECENT_ALERTS, "children"), Input(PARAMS, "data"))
def show_recent_alerts(params):
    """Read fresh on every visit, as commitments are: alerts come with publishes and the clock."""
    metric_id = params["metric_id"]
    return recent_alerts(alerts.metric_events(metric_id), href("/alerts", metric=metric_id))


@callback(Output(CLOSED_LOOP, "children"), Input(PARAMS, "data"))
def show_closed_loop(params):
    """The follow-up cases of the view's answers (its touchpoint and segment too), read fresh: cases
    change without the warehouse changing. Counts only, so for everyone who sees the page."""
    context = _context(params)
    figures = closed_loop.overall(
        context.view,
        metric_id=context.metric_id,
        touchpoint_id=context.touchpoint_id,
        segment_id=context.segment_id,
    )
    return loop_card(figures, context.view.period.label, href("/cases", metric=context.metric_id))


@queries.memoised
def _charts(mode: str, params: dict, marks: tuple = (), language: str | None = None) -> tuple[dict, ...]:
    """The trend and both breakdowns, as figure dicts (memoised with the queries behind them);
    `marks` are commitment milestones. `language` is the one spoken (i18n.current()): the figures'
    words are in it, so it keys the memo."""
    context = _context(params)
    found = frames.metric(context)
    trend, notes = frames.trend(context)
    breakdowns = found["breakdowns"]
    unit = found["headline"].iloc[0]["unit"]
    return (
        trend_figure(trend, notes, unit, mode, marks),
        breakdown_figure(
            breakdowns["touchpoint"], "touchpoint_id", _names(found["touchpoints"], "touchpoint_id"), mode
        ),
        breakdown_figure(breakdowns["segment"], "segment_id", _names(found["segments"], "segment_id"), mode),
    )


def _bands(metric_id: str) -> dict:
    """The metric's score bands, named in the language spoken."""
    metric = queries.metrics().set_index("metric_id").loc[metric_id]
    bands = queries.score_bands(
        metric["kind"], metric["scale_min"], metric["scale_max"], metric["higher_is_better"]
    )
    return score_bands_in_words(bands, metric["kind"])


@callback(Output(DISTRIBUTION, "figure"), Input(ids.COLOUR_MODE, "data"), Input(PARAMS, "data"))
def draw_distribution(mode, params):
    return _distribution(mode, params, current())


@queries.memoised
def _distribution(mode, params, language: str | None = None):
    """The distribution of scores, memoised in each `language` (its legend and hover are words)."""
    context = _context(params)
    counts = queries.distribution(context.view, context.metric_id, context.touchpoint_id, context.segment_id)
    return distribution_figure(counts, _bands(context.metric_id), mode)


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
    context = resolve(params, *READS, metric_id=params.get("metric_id"))
    if context.problem:  # asked by hand: the page draws no verbatims for such a view
        return problem(_("These comments cannot be shown"), context.problem), "", 1, 1
    frame, total = queries.verbatims(
        context.view,
        context.metric_id,
        chosen(touchpoint),
        chosen(segment),
        chosen(band),
        page,
        VERBATIMS_PER_PAGE,
    )
    pages = max(1, -(-total // VERBATIMS_PER_PAGE))
    found = frames.metric(context)
    return (
        verbatim_list(
            frame,
            _names(found["touchpoints"], "touchpoint_id"),
            _names(found["segments"], "segment_id"),
            _bands(context.metric_id),
        ),
        ngettext("%(num)s comment, newest first", "%(num)s comments, newest first", total),
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
    context = _context(params)
    view, table = context.view, ctx.triggered_id["table"]
    if table == "trend":
        trend, _notes = frames.trend(context)
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
        content = kpi_csv(frames.metric(context)["breakdowns"][table], view)
    return {
        "content": content,
        "filename": f"beacon-{context.metric_id}-{table}-{view.period.start}-{view.period.end}.csv",
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
    context = _context(params)
    view = context.view
    frame, _total = queries.verbatims(
        view, context.metric_id, chosen(touchpoint), chosen(segment), chosen(band), 1, VERBATIMS_PER_CSV
    )
    return {
        "content": csv_text(frame),
        "filename": f"beacon-{context.metric_id}-comments-{view.period.start}-{view.period.end}.csv",
        "type": "text/csv",
    }


def warm(metric_id: str) -> None:
    """What the callbacks draw for the page's default view, in both colour modes: warm.py draws it
    from a new snapshot before it goes live."""
    context = resolve({}, *READS, metric_id=metric_id)
    params = {"metric_id": metric_id, **context.filters}
    survey = queries.metrics().set_index("metric_id").loc[metric_id, "kind"] != "ratio"
    for mode in MODES:
        draw_charts(mode, params)
        if survey:  # the page has no distribution of a ratio's scores
            draw_distribution(mode, params)
