"""`/segments` — every metric for every customer segment, and where a segment differs significantly
from all other customers. URL: ?period=&compare=."""

import dash
from dash import Input, Output, State, callback, dcc, html, no_update

import queries
from components import ids
from components.controls import ControlIds, chosen, view_controls
from components.crosstab import kpi_crosstab
from components.feedback import problem
from components.header import page_header, view_attributes
from components.links import href, search_after_change
from views.freshness import with_stale_notice

dash.register_page(__name__, path="/segments", name="Segments", title="Segments · Beacon", order=2)

ROOT = "segments-root"
SHOWN = "segments-shown"  # the filters of the view on screen, as the page resolved them
# The segment select opens that segment's own page.
CONTROLS = ControlIds(period="segments-period", compare="segments-compare", segment="segments-segment")


def layout(period: str | None = None, compare: str | None = None, **_other):
    try:
        return with_stale_notice(_page(period, compare))
    except queries.WarehouseError as error:
        return problem("The warehouse cannot be read", str(error), back_href=None)


@queries.memoised
def _page(period: str | None, compare: str | None):
    try:
        view = queries.view(period, compare)
        comparison = queries.segment_comparison(view)
        segments, metrics = queries.segments(), queries.metrics()
        first_day, _ = queries.data_range()
    except queries.PeriodError as error:
        return problem("This view cannot be shown", str(error))
    filters = {"period": period, "compare": compare}
    controls = view_controls(CONTROLS, view, queries.period_choices(first_day, view.as_of), segments, None)
    return html.Div(
        [
            dcc.Store(id=SHOWN, data={"period": view.period.key, "compare": view.compare, "segment": None}),
            page_header("Segments", "Every metric by customer segment", view, controls),
            kpi_crosstab(
                comparison,
                "segment_id",
                segments.set_index("segment_id")["name"],
                metrics.set_index("metric_id")["name"],
                lambda row: href(f"/metric/{row.metric_id}", **filters, segment=row.segment_id),
                lambda segment_id: href(f"/segment/{segment_id}", **filters),
            ),
            html.P(
                "▲ / ▼: the segment is significantly better / worse than all other customers together (95%). "
                "Ratio metrics are tested on their day-to-day variation; cells with too little data show "
                "their n and no mark.",
                className="small text-body-secondary",
            ),
        ],
        id=ROOT,
        className="segments-page",
        **view_attributes(view),
    )


@callback(
    Output(ids.URL, "href", allow_duplicate=True),
    Input(CONTROLS.period, "value"),
    Input(CONTROLS.compare, "value"),
    Input(CONTROLS.segment, "value"),
    State(ids.URL, "search"),
    State(SHOWN, "data"),
    prevent_initial_call=True,
)
def apply_view_controls(period, compare, segment, search, shown):
    new_search = search_after_change(search, shown, period=period, compare=compare)
    if chosen(segment):
        return href(f"/segment/{segment}") + (new_search if new_search is not None else (search or ""))
    return no_update if new_search is None else "/segments" + new_search
