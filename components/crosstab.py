"""A KPI crosstab: metrics down, touchpoints or segments across, each cell a value with its status.

Cells carry the DOM contract's attributes and link to the metric filtered to that cell.
"""

from collections.abc import Callable

import pandas as pd
from dash import html

from components.attributes import kpi_attributes
from components.format import format_count, format_value
from components.status import STATUS_LABELS


def _cell(row, link: str) -> html.Td:
    label, icon = STATUS_LABELS[row.status]
    text = f"n {format_count(row.n)}" if row.status == "insufficient" else format_value(row.value, row.unit)
    return html.Td(
        html.A(
            [
                text,
                html.I(className=f"bi {icon} ms-1 status-{row.status}", title=label, **{"aria-label": label}),
            ],
            href=link,
        ),
        className=f"number crosstab-cell cell-{row.status}",
        **kpi_attributes(row),
    )


def kpi_crosstab(
    frame: pd.DataFrame, column: str, column_names: pd.Series, metric_names: pd.Series, link: Callable
) -> html.Div:
    """`frame` is a KPI frame broken down by `column` ("touchpoint_id" or "segment_id"); columns follow
    the order of `column_names`, rows the catalogue order; `link(row)` is each cell's URL."""
    columns = [c for c in column_names.index if c in set(frame[column])]
    cells = {(row.metric_id, getattr(row, column)): row for row in frame.itertuples(index=False)}
    metrics = [m for m in metric_names.index if m in set(frame["metric_id"])]
    header = html.Thead(
        html.Tr([html.Th("Metric", scope="col"), *(html.Th(column_names[c], scope="col") for c in columns)])
    )
    body = html.Tbody(
        [
            html.Tr(
                [html.Th(metric_names[metric], scope="row")]
                + [
                    _cell(cells[(metric, c)], link(cells[(metric, c)]))
                    if (metric, c) in cells
                    else html.Td("—")
                    for c in columns
                ]
            )
            for metric in metrics
        ]
    )
    return html.Div(
        html.Table([header, body], className="table table-sm align-middle crosstab"),
        className="table-responsive",
    )
