"""The KPI table: one row per metric with value, interval, target, status and change.

An accessible, exportable view of a scorecard frame (queries.scorecard); each row carries the DOM
contract's data attributes so tests can read values without scraping text.
"""

import pandas as pd
from dash import html

from components.format import format_change, format_count, format_interval, format_target, format_value
from components.status import status_badge


def data_attributes(row) -> dict:
    """DESIGN.md's KPI attributes: raw numbers in full precision, empty where there is none."""

    def raw(value):
        return "" if pd.isna(value) else repr(float(value)) if isinstance(value, float) else str(value)

    return {
        "data-metric-id": row.metric_id,
        "data-value": raw(row.value),
        "data-status": row.status,
        "data-n": raw(row.n),
        "data-target": raw(row.target),
        "data-owner-id": raw(row.owner_id),
    }


def _change(row) -> html.Span:
    if pd.isna(row.change):
        return html.Span(format_change(row.change, row.unit))
    if pd.isna(row.change_significant):
        note = "census"
    else:
        note = "significant" if row.change_significant else "within noise"
    return html.Span(
        [format_change(row.change, row.unit), html.Small(f" ({note})", className="text-body-secondary")]
    )


def kpi_table(frame: pd.DataFrame) -> html.Table:
    header = html.Thead(
        html.Tr(
            [
                html.Th("Metric", scope="col"),
                html.Th("Value", scope="col", className="number"),
                html.Th("95% interval", scope="col", className="number"),
                html.Th("Target", scope="col", className="number"),
                html.Th("Status", scope="col"),
                html.Th("Change", scope="col", className="number"),
                html.Th("n", scope="col", className="number"),
            ]
        )
    )
    rows = [
        html.Tr(
            [
                html.Th(
                    [
                        html.Div(row.name, className="metric-name"),
                        html.Div(
                            row.owner_name if pd.notna(row.owner_name) else "No owner", className="owner"
                        ),
                    ],
                    scope="row",
                ),
                html.Td(format_value(row.value, row.unit), className="number"),
                html.Td(format_interval(row.low, row.high, row.unit), className="number"),
                html.Td(
                    format_target(row.target, row.tolerance, row.unit, row.higher_is_better),
                    className="number",
                ),
                html.Td(status_badge(row.status)),
                html.Td(_change(row), className="number"),
                html.Td(format_count(row.n), className="number"),
            ],
            className="kpi-row",
            **data_attributes(row),
        )
        for row in frame.itertuples(index=False)
    ]
    return html.Table([header, html.Tbody(rows)], className="table table-hover align-middle kpi-table")
