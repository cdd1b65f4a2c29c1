"""`/data` — data health and the metric catalogue: freshness per metric against its own cadence, rows
per table, the live snapshot and the one before it, and every metric's formal definition with its owner
and the company-wide target in force on the data's as-of date. No filters: it is about the data itself.
"""

import dash
import dash_bootstrap_components as dbc
from dash import html

import queries
from components.data_health import (
    card,
    catalogue_table,
    freshness_rule,
    freshness_summary,
    freshness_table,
    health_header,
    row_count_grid,
    snapshot_card_body,
)
from components.feedback import problem
from components.header import view_attributes
from data.state.commitments import current_date
from views.freshness import with_stale_notice

dash.register_page(__name__, path="/data", name="Data", title="Data · Beacon", order=5)

ROOT = "data-root"
FRESHNESS = "data-freshness"
SNAPSHOT = "data-snapshot"
ROW_COUNTS = "data-row-counts"
CATALOGUE = "data-catalogue"


def layout(**_other):
    try:
        return with_stale_notice(_page(current_date()))
    except queries.WarehouseError as error:
        return problem("The warehouse cannot be read", str(error), back_href=None)


@queries.memoised
def _page(today):
    """The page on `today` (business date): freshness is each metric's latest data against it."""
    as_of = queries.latest_data_day()
    if as_of is None:
        # An empty warehouse still has tables, a snapshot and a catalogue to show; no target is in force.
        catalogue = queries.metrics().assign(target=float("nan"), tolerance=float("nan"))
        attributes = {"data-as-of": ""}
    else:
        view = queries.view()
        catalogue = queries.scorecard(view)
        attributes = view_attributes(view)
    fresh = queries.data_freshness(today)
    info = queries.snapshot_info()
    target_day = f" on {as_of:%-d %b %Y}" if as_of else ""
    return html.Div(
        [
            health_header(as_of, info),
            freshness_summary(fresh),
            dbc.Row(
                [
                    dbc.Col(
                        card(
                            "Freshness",
                            [
                                freshness_table(fresh),
                                html.P(freshness_rule(today), className="small text-body-secondary mb-0"),
                            ],
                        ),
                        id=FRESHNESS,
                        lg=7,
                    ),
                    dbc.Col(
                        [
                            html.Div(
                                card("Snapshot", snapshot_card_body(info)), id=SNAPSHOT, className="mb-3"
                            ),
                            html.Div(
                                card("Rows per table", row_count_grid(queries.row_counts())), id=ROW_COUNTS
                            ),
                        ],
                        lg=5,
                    ),
                ],
                className="g-3 mb-3",
            ),
            html.Div(
                card(
                    "Metric catalogue",
                    catalogue_table(catalogue),
                    html.Span(
                        f"Targets for all customers{target_day}", className="small text-body-secondary"
                    ),
                ),
                id=CATALOGUE,
            ),
        ],
        id=ROOT,
        className="data-page",
        **{**attributes, "data-snapshot-version": info.live.version},
    )
