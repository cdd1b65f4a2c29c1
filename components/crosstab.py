"""A KPI crosstab: metrics down, touchpoints or segments across, each cell a value with its status.

Cells carry the DOM contract's attributes and link to the metric filtered to that cell.
"""

from collections.abc import Callable

import pandas as pd
from dash import html

from components.attributes import kpi_attributes
from components.format import format_count, format_value
from components.status import STATUS_LABELS


def _difference(row) -> tuple[list, dict]:
    """A marker where a segment differs significantly from all other customers (rows of
    queries.segment_comparison), phrased by direction: better or worse than the rest."""
    if not hasattr(row, "differs_significantly"):
        return [], {}
    differs = row.differs_significantly
    if pd.isna(differs):
        return [], {"data-differs": ""}
    if not differs:
        return [], {"data-differs": "false"}
    word = "better" if (row.value > row.rest_value) == bool(row.higher_is_better) else "worse"
    marker = html.Span(
        "▲" if word == "better" else "▼",
        className=f"differs differs-{word}",
        title=f"Significantly {word} than other customers",
        **{"aria-label": f"significantly {word} than other customers"},
    )
    return [marker], {"data-differs": "true"}


def _cell(row, link: str) -> html.Td:
    label, icon = STATUS_LABELS[row.status]
    text = f"n {format_count(row.n)}" if row.status == "insufficient" else format_value(row.value, row.unit)
    marker, attributes = _difference(row)
    return html.Td(
        html.A(
            [
                text,
                html.I(className=f"bi {icon} ms-1 status-{row.status}", title=label, **{"aria-label": label}),
                *marker,
            ],
            href=link,
        ),
        className=f"number crosstab-cell cell-{row.status}",
        **kpi_attributes(row),
        **attributes,
    )


def kpi_crosstab(
    frame: pd.DataFrame,
    column: str,
    column_names: pd.Series,
    metric_names: pd.Series,
    link: Callable,
    column_link: Callable | None = None,
) -> html.Div:
    """`frame` is a KPI frame broken down by `column` ("touchpoint_id" or "segment_id"); columns follow
    the order of `column_names`, rows the catalogue order; `link(row)` is each cell's URL and
    `column_link(id)`, when given, each column header's. Rows of queries.segment_comparison get a
    marker where the segment differs significantly from the other customers."""
    columns = [c for c in column_names.index if c in set(frame[column])]
    cells = {(row.metric_id, getattr(row, column)): row for row in frame.itertuples(index=False)}
    metrics = [m for m in metric_names.index if m in set(frame["metric_id"])]

    def heading(c):
        return html.Th(
            html.A(column_names[c], href=column_link(c)) if column_link else column_names[c], scope="col"
        )

    header = html.Thead(html.Tr([html.Th("Metric", scope="col"), *(heading(c) for c in columns)]))
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
