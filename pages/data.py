"""`/data` — data health and the metric catalogue: freshness per metric against its own cadence, rows
per table, the live snapshot and the one before it, and every metric's formal definition with its owner
and the company-wide target in force on the data's as-of date. No filters: it is about the data itself.
"""

from functools import partial

import dash
import dash_bootstrap_components as dbc
from dash import html

import queries
from components.data_health import (
    catalogue_table,
    freshness_rule,
    freshness_summary,
    freshness_table,
    health_header,
    row_count_grid,
    snapshot_card_body,
)
from components.dates import format_day
from components.feedback import problem
from components.header import view_attributes
from components.pieces import card
from data.state.commitments import current_date
from i18n import _
from views import frames
from views.freshness import with_stale_notice

dash.register_page(__name__, path="/data", name="Data", title=lambda **_query: _("Data · Beacon"), order=5)

ROOT = "data-root"
FRESHNESS = "data-freshness"
SNAPSHOT = "data-snapshot"
ROW_COUNTS = "data-row-counts"
CATALOGUE = "data-catalogue"

#: The page's cards fill their row, their headers on the card's own background.
health_card = partial(card, class_name="h-100", header_class_name="bg-transparent")


def layout(**_other):
    try:
        return with_stale_notice(_data(current_date()))
    except queries.WarehouseError as error:
        return problem(_("The warehouse cannot be read"), str(error), back_href=None)


def _data(today) -> html.Div:
    found = frames.data_health(today)
    as_of, info, fresh = found["as_of"], found["snapshot"], found["freshness"]
    attributes = view_attributes(found["view"]) if found["view"] else {"data-as-of": ""}
    targets = (
        _("Targets for all customers on %(day)s", day=format_day(as_of))
        if as_of
        else _("Targets for all customers")
    )
    return html.Div(
        [
            health_header(as_of, info),
            freshness_summary(fresh),
            dbc.Row(
                [
                    dbc.Col(
                        health_card(
                            _("Freshness"),
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
                                health_card(_("Snapshot"), snapshot_card_body(info)),
                                id=SNAPSHOT,
                                className="mb-3",
                            ),
                            html.Div(
                                health_card(_("Rows per table"), row_count_grid(found["row_counts"])),
                                id=ROW_COUNTS,
                            ),
                        ],
                        lg=5,
                    ),
                ],
                className="g-3 mb-3",
            ),
            html.Div(
                health_card(
                    _("Metric catalogue"),
                    catalogue_table(found["catalogue"]),
                    html.Span(targets, className="small text-body-secondary"),
                ),
                id=CATALOGUE,
            ),
        ],
        id=ROOT,
        className="data-page",
        **{**attributes, "data-snapshot-version": info.live.version},
    )
