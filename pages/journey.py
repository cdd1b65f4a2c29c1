"""`/journey` — the customer journey left to right: each stage a column of its touchpoints, coloured by
one metric, with a touchpoint × segment heatmap and the top movers (real changes only).

URL: ?period=&compare=&segment=&metric=. A touchpoint card opens /touchpoint/<id>; a heatmap cell (a
link) opens that touchpoint filtered to the segment.
"""

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from components.controls import ControlIds, metric_select, view_controls
from components.crosstab import kpi_crosstab
from components.header import page_header, view_attributes
from components.journey import REAL_CHANGES_ONLY, cell_label, journey_map, mover_list
from components.kpi_table import kpi_table
from components.links import href
from components.pieces import card
from i18n import _
from views import frames
from views.context import page_layout
from views.view_controls import write_view_controls_to_url

dash.register_page(
    __name__, path="/journey", name="Journey", title=lambda **_query: _("Journey · Beacon"), order=1
)

ROOT = "journey-root"
SHOWN = "journey-shown"  # the filters of the view on screen, as the page resolved them
CONTROLS = ControlIds(period="journey-period", compare="journey-compare", segment="journey-segment")
METRIC = "journey-metric"
HEATMAP = "journey-heatmap"


def layout(**query):
    return page_layout(_journey, query, "segment", "metric")


def _journey(context) -> html.Div:
    view, segment, found = context.view, context.segment_id, frames.journey(context)
    metric_id, cells = found["metric_id"], found["cells"]
    metric_name = found["metrics"].set_index("metric_id")["name"][metric_id]
    touchpoint_names = found["touchpoints"].set_index("touchpoint_id")["name"]
    segment_names = found["segments"].set_index("segment_id")["name"]
    filters = {**context.view_filters, "segment": segment}
    controls = html.Div(
        [
            metric_select(METRIC, found["metrics"], metric_id),
            view_controls(CONTROLS, view, found["periods"], found["segments"], segment),
        ],
        className="view-controls",
    )
    cells_named = cell_label(touchpoint_names, segment_names)

    def cell_link(row):
        return href(f"/touchpoint/{row.touchpoint_id}", **{**filters, "segment": row.segment_id})

    heatmap = [
        html.Div(
            kpi_crosstab(
                cells,
                "segment_id",
                segment_names,
                touchpoint_names,
                cell_link,
                row="touchpoint_id",
                corner=_("Touchpoint"),
            )
            if len(cells)
            else html.P(_("No data in this period."), className="text-body-secondary"),
            id=HEATMAP,
            className="status-grid",
        ),
        html.Details(
            [
                html.Summary(_("Show the numbers")),
                html.Div(
                    kpi_table(
                        cells,
                        lambda row: _(
                            "%(touchpoint)s × %(segment)s",
                            touchpoint=touchpoint_names.get(row.touchpoint_id),
                            segment=segment_names.get(row.segment_id),
                        ),
                        _("Touchpoint × segment"),
                    ),
                    className="table-responsive",
                ),
            ],
            className="table-view",
        ),
    ]
    movers = html.Div(
        [
            mover_list(_("Improved"), found["improved"], cells_named, cell_link),
            mover_list(_("Worsened"), found["worsened"], cells_named, cell_link),
            html.P(_(REAL_CHANGES_ONLY), className="small text-body-secondary mb-0"),
        ],
        className="movers",
    )
    return html.Div(
        [
            dcc.Store(id=SHOWN, data={**context.shown, "metric": metric_id}),
            page_header(
                _("Customer journey"),
                _(
                    "%(segment)s · coloured by %(metric)s",
                    segment=context.names["segment"],
                    metric=metric_name,
                ),
                view,
                controls,
            ),
            journey_map(found["touchpoints"], found["by_touchpoint"], metric_id, filters),
            dbc.Row(
                [
                    dbc.Col(card(_("%(metric)s: touchpoint × segment", metric=metric_name), heatmap), lg=8),
                    dbc.Col(
                        card(_("Top movers vs %(comparison)s", comparison=view.comparison.label), movers),
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


write_view_controls_to_url(CONTROLS, SHOWN, metric=METRIC)
