"""`/segment/<segment_id>` — one customer segment: its scorecard (the tiles of `/`, filtered) and every
metric by touchpoint. URL: ?period=&compare=."""

import dash
from dash import dcc, html

import queries
from components.controls import ControlIds, view_controls
from components.crosstab import kpi_crosstab
from components.header import page_header, view_attributes
from components.links import href
from components.pieces import breadcrumb
from components.tiles import scorecard_tiles
from i18n import _
from views import frames
from views.context import page_layout
from views.view_controls import write_view_controls_to_url

dash.register_page(
    __name__, path_template="/segment/<segment_id>", title=lambda **_query: _("Segment · Beacon")
)

ROOT = "segment-root"
SHOWN = "segment-shown"  # the filters of the view on screen, as the page resolved them
CONTROLS = ControlIds(period="segment-period", compare="segment-compare", segment="segment-segment")


def layout(segment_id: str | None = None, **query):
    return page_layout(_segment, query, segment_id=segment_id)


def _segment(context) -> html.Div:
    view, segment_id, found = context.view, context.segment_id, frames.segment(context)
    filters = {**context.view_filters, "segment": segment_id}
    return html.Div(
        [
            dcc.Store(id=SHOWN, data=context.shown),
            breadcrumb(
                [(_("Segments"), href("/segments", **context.view_filters)), (context.names["segment"], None)]
            ),
            page_header(
                context.names["segment"],
                found["segment"]["description"] or "",
                view,
                view_controls(CONTROLS, view, found["periods"], found["segments"], segment_id),
            ),
            *scorecard_tiles(
                found["card"],
                found["history"],
                queries.STATUSES,
                lambda row: href(f"/metric/{row.metric_id}", **filters),
                view.comparison.label,
            ),
            html.H2(_("By touchpoint"), className="h5 mt-2"),
            kpi_crosstab(
                found["by_touchpoint"],
                "touchpoint_id",
                found["touchpoints"].set_index("touchpoint_id")["name"],
                found["metrics"].set_index("metric_id")["name"],
                lambda row: href(f"/metric/{row.metric_id}", **filters, touchpoint=row.touchpoint_id),
                lambda touchpoint_id: href(f"/touchpoint/{touchpoint_id}", **filters),
            ),
        ],
        id=ROOT,
        className="segment-page",
        **view_attributes(view),
    )


write_view_controls_to_url(CONTROLS, SHOWN, segment_opens_its_page=True)
