"""`/segments` — every metric for every customer segment, and where a segment differs significantly
from all other customers. URL: ?period=&compare=."""

import dash
from dash import dcc, html

from components.controls import ControlIds, view_controls
from components.crosstab import kpi_crosstab
from components.header import page_header, view_attributes
from components.links import href
from i18n import _
from views import frames
from views.context import page_layout
from views.view_controls import write_view_controls_to_url

dash.register_page(
    __name__, path="/segments", name="Segments", title=lambda **_query: _("Segments · Beacon"), order=2
)

ROOT = "segments-root"
SHOWN = "segments-shown"  # the filters of the view on screen, as the page resolved them
# The segment select opens that segment's own page.
CONTROLS = ControlIds(period="segments-period", compare="segments-compare", segment="segments-segment")


def layout(**query):
    return page_layout(_segments, query)


def _segments(context) -> html.Div:
    view, found, filters = context.view, frames.segments(context), context.view_filters
    return html.Div(
        [
            dcc.Store(id=SHOWN, data=context.shown),
            page_header(
                _("Segments"),
                _("Every metric by customer segment"),
                view,
                view_controls(CONTROLS, view, found["periods"], found["segments"], None),
            ),
            kpi_crosstab(
                found["comparison"],
                "segment_id",
                found["segments"].set_index("segment_id")["name"],
                found["metrics"].set_index("metric_id")["name"],
                lambda row: href(f"/metric/{row.metric_id}", **filters, segment=row.segment_id),
                lambda segment_id: href(f"/segment/{segment_id}", **filters),
            ),
            html.P(
                _(
                    "▲ / ▼: the segment is significantly better / worse than all other customers together (95%). "
                    "Ratio metrics are tested on their day-to-day variation; cells with too little data show "
                    "their n and no mark."
                ),
                className="small text-body-secondary",
            ),
        ],
        id=ROOT,
        className="segments-page",
        **view_attributes(view),
    )


write_view_controls_to_url(CONTROLS, SHOWN, segment_opens_its_page=True)
