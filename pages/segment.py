"""`/segment/<segment_id>` — one customer segment: its scorecard (the tiles of `/`, filtered) and every
metric by touchpoint. URL: ?period=&compare=."""

import dash
from dash import Input, Output, State, callback, dcc, html, no_update

import queries
from components import ids
from components.controls import ControlIds, chosen, view_controls
from components.crosstab import kpi_crosstab
from components.feedback import problem
from components.header import page_header, view_attributes
from components.links import href, search_after_change
from components.tiles import status_summary, tile_grid
from views.freshness import with_stale_notice

dash.register_page(__name__, path_template="/segment/<segment_id>", title="Segment · Beacon")

ROOT = "segment-root"
SHOWN = "segment-shown"  # the filters of the view on screen, as the page resolved them
CONTROLS = ControlIds(period="segment-period", compare="segment-compare", segment="segment-segment")


def layout(segment_id: str | None = None, period: str | None = None, compare: str | None = None, **_other):
    try:
        return with_stale_notice(_page(segment_id, period, compare))
    except queries.WarehouseError as error:
        return problem("The warehouse cannot be read", str(error), back_href=None)


@queries.memoised
def _page(segment_id: str, period: str | None, compare: str | None):
    try:
        view = queries.view(period, compare)
        segments, touchpoints, metrics = queries.segments(), queries.touchpoints(), queries.metrics()
        if segment_id not in set(segments["segment_id"]):
            raise LookupError(
                f"There is no customer segment “{segment_id}”. Pick one from the Segments page."
            )
        card = queries.scorecard(view, segment_id=segment_id)
        history = queries.monthly_history(view.as_of, segment_id=segment_id)
        by_touchpoint = queries.kpis(view, ("touchpoint",), segment_id=segment_id)
        first_day, _ = queries.data_range()
    except (queries.PeriodError, LookupError) as error:
        return problem("This view cannot be shown", str(error))
    segment = segments.set_index("segment_id").loc[segment_id]
    filters = {"period": period, "compare": compare}
    controls = view_controls(
        CONTROLS, view, queries.period_choices(first_day, view.as_of), segments, segment_id
    )
    return html.Div(
        [
            dcc.Store(
                id=SHOWN, data={"period": view.period.key, "compare": view.compare, "segment": segment_id}
            ),
            html.Nav(
                html.Ol(
                    [
                        html.Li(
                            html.A("Segments", href=href("/segments", **filters)), className="breadcrumb-item"
                        ),
                        html.Li(segment["name"], className="breadcrumb-item active"),
                    ],
                    className="breadcrumb mb-2",
                ),
                **{"aria-label": "breadcrumb"},
            ),
            page_header(segment["name"], segment["description"] or "", view, controls),
            status_summary(card, queries.STATUSES),
            tile_grid(
                card,
                history,
                lambda row: href(f"/metric/{row.metric_id}", **filters, segment=segment_id),
                view.comparison.label,
            ),
            html.H2("By touchpoint", className="h5 mt-2"),
            kpi_crosstab(
                by_touchpoint,
                "touchpoint_id",
                touchpoints.set_index("touchpoint_id")["name"],
                metrics.set_index("metric_id")["name"],
                lambda row: href(
                    f"/metric/{row.metric_id}", **filters, segment=segment_id, touchpoint=row.touchpoint_id
                ),
                lambda touchpoint_id: href(f"/touchpoint/{touchpoint_id}", **filters, segment=segment_id),
            ),
        ],
        id=ROOT,
        className="segment-page",
        **view_attributes(view),
    )


@callback(
    Output(ids.URL, "href", allow_duplicate=True),
    Input(CONTROLS.period, "value"),
    Input(CONTROLS.compare, "value"),
    Input(CONTROLS.segment, "value"),
    State(ids.URL, "pathname"),
    State(ids.URL, "search"),
    State(SHOWN, "data"),
    prevent_initial_call=True,
)
def apply_view_controls(period, compare, segment, pathname, search, shown):
    """Period and comparison change the view; the segment select moves to another segment's page."""
    new_search = search_after_change(search, shown, period=period, compare=compare)
    target = "/segments" if chosen(segment) is None else f"/segment/{segment}"
    if new_search is None and target == pathname:
        return no_update
    return target + (search or "" if new_search is None else new_search)
