"""The KPI table: one row per metric, touchpoint, segment or cell, with value, interval, target,
status, change and n. The accessible twin of every tile grid and chart, and what CSV export writes.
"""

from collections.abc import Callable

import pandas as pd
from dash import html

from components.attributes import kpi_attributes
from components.export import csv_text
from components.format import format_change, format_count, format_interval, format_target, format_value
from components.status import change_verdict, status_badge
from i18n import N_, _, format_percent


def metric_header(row) -> list:
    """Row header for a scorecard: the metric and its owner."""
    owner = row.owner_name if pd.notna(row.owner_name) else _("No owner")
    return [html.Div(row.name, className="metric-name"), html.Div(owner, className="owner")]


def _change(row) -> list:
    if pd.isna(row.change):
        return [format_change(row.change, row.unit)]
    note = change_verdict(row.change_significant)
    return [format_change(row.change, row.unit), html.Small(f" ({note})", className="text-body-secondary")]


def kpi_table(
    frame: pd.DataFrame,
    row_header: Callable = metric_header,
    first_column: str = N_("Metric"),
    cells: bool = True,
) -> html.Table:
    """`row_header(row)` gives the first cell's content (a metric, a touchpoint, a segment...).

    With `cells=False` each row is its header and its DOM attributes only: the light stand-in of a
    table nobody has opened yet, whose cells a page fills in when it is opened."""
    interval = _("%(level)s interval", level=format_percent(95, 0))
    columns = [_("Value"), interval, _("Target"), (_("Status"), ""), _("Change"), _("n")]
    header = html.Thead(
        html.Tr(
            [html.Th(_(first_column), scope="col")]
            + [
                html.Th(c[0], scope="col", className=c[1])
                if isinstance(c, tuple)
                else html.Th(c, scope="col", className="number")
                for c in columns
            ]
        )
    )
    rows = [
        html.Tr(
            [
                html.Th(row_header(row), scope="row"),
                *(_cells(row) if cells else ()),
            ],
            className="kpi-row" if cells else "kpi-row kpi-row-unfilled",
            **kpi_attributes(row),
        )
        for row in frame.itertuples(index=False)
    ]
    return html.Table(
        [header, html.Tbody(rows)], className="table table-sm table-hover align-middle kpi-table"
    )


def _cells(row) -> list:
    """A KPI row's cells after its header: value, interval, target, status, change, n."""
    return [
        html.Td(format_value(row.value, row.unit), className="number"),
        html.Td(format_interval(row.low, row.high, row.unit), className="number"),
        html.Td(
            format_target(row.target, row.tolerance, row.unit, row.higher_is_better),
            className="number",
        ),
        html.Td(status_badge(row.status)),
        html.Td(_change(row), className="number"),
        html.Td(format_count(row.n), className="number"),
    ]


#: Columns of a KPI frame written to CSV, in the users' words.
EXPORT_COLUMNS = [
    "metric_id", "name", "owner_name", "touchpoint_id", "segment_id", "n", "value", "low", "high", "target",
    "tolerance", "status", "gap_clear", "previous_value", "previous_n", "change", "change_significant",
]  # fmt: skip


def kpi_csv(frame: pd.DataFrame, view) -> str:
    """A KPI frame as CSV, each row stamped with the period it covers and the one it is compared with."""
    export = frame[EXPORT_COLUMNS].rename(columns={"name": "metric", "owner_name": "owner"})
    # A metric shown at its own cadence's period (queries.kpis) is stamped with that period's dates.
    stamps = {
        "period_start": ("measured_start", view.period.start),
        "period_end": ("measured_end", view.period.end),
        "compare_start": ("compare_start", view.comparison.start),
        "compare_end": ("compare_end", view.comparison.end),
    }
    return csv_text(
        export.assign(
            **{
                column: frame[own].fillna(default) if own in frame else default
                for column, (own, default) in stamps.items()
            }
        )
    )
