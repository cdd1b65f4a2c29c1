"""A KPI crosstab: metrics (or touchpoints) down, touchpoints or segments across, each cell a value
tinted by its status against its own target, with the status's icon and word.

Cells carry the DOM contract's attributes and link to the view of that cell; a cell without data
says so. This is also the touchpoint × segment heatmap: an HTML table, so every cell is readable by
a screen reader, wraps its headings on a phone and follows the colour mode through CSS.
"""

from collections.abc import Callable

import pandas as pd
from dash import html

from components.attributes import kpi_attributes
from components.format import format_count, format_value
from components.icons import icon
from components.status import STATUS_LABELS, status_word
from i18n import N_, _

#: A significant difference's marker, its tooltip and its words for a screen reader, by direction.
_DIFFERS = {
    "better": (
        "▲",
        N_("Significantly better than other customers"),
        N_("significantly better than other customers"),
    ),
    "worse": (
        "▼",
        N_("Significantly worse than other customers"),
        N_("significantly worse than other customers"),
    ),
}


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
    glyph, title, label = _DIFFERS[word]
    marker = html.Span(
        glyph,
        className=f"differs differs-{word}",
        title=_(title),
        **{"aria-label": _(label)},
    )
    return [marker], {"data-differs": "true"}


def _cell(row, link: str) -> html.Td:
    _label, glyph = STATUS_LABELS[row.status]
    label = status_word(row.status)
    text = (
        _("n %(n)s", n=format_count(row.n))
        if row.status == "insufficient"
        else format_value(row.value, row.unit)
    )
    marker, attributes = _difference(row)
    return html.Td(
        html.A(
            [
                text,
                icon(glyph, f"ms-1 status-{row.status}", label=label),
                *marker,
            ],
            href=link,
        ),
        className=f"number crosstab-cell cell-{row.status}",
        **kpi_attributes(row),
        **attributes,
    )


def _empty_cell(ids: dict) -> html.Td:
    """A cell with no data in the period: said, with the contract's attributes, never left blank."""
    _label, glyph = STATUS_LABELS["no_data"]
    label = status_word("no_data")
    attributes = {f"data-{column.replace('_', '-')}": value for column, value in ids.items()}
    return html.Td(
        [label, icon(glyph, "ms-1 status-no_data")],
        className="number crosstab-cell cell-no_data cell-empty",
        **attributes,
        **{"data-status": "no_data"},
        **dict.fromkeys(
            ("data-value", "data-n", "data-low", "data-high", "data-change", "data-change-significant"), ""
        ),
    )


def kpi_crosstab(
    frame: pd.DataFrame,
    column: str,
    column_names: pd.Series,
    row_names: pd.Series,
    link: Callable,
    column_link: Callable | None = None,
    row: str = "metric_id",
    corner: str = N_("Metric"),
) -> html.Div:
    """`frame` is a KPI frame broken down by `row` (default the metric) and `column` ("touchpoint_id"
    or "segment_id"); columns follow the order of `column_names`, rows that of `row_names`, each
    named there; `link(row)` is each cell's URL and `column_link(id)`, when given, each column
    header's; `corner` heads the row names (English, marked with N_: translated here). Rows of queries.segment_comparison get a marker where
    the segment differs significantly from the other customers."""
    columns = [c for c in column_names.index if c in set(frame[column])]
    cells = {(getattr(line, row), getattr(line, column)): line for line in frame.itertuples(index=False)}
    rows = [r for r in row_names.index if r in set(frame[row])]
    # The metric of a touchpoint × segment grid goes on its empty cells too.
    shared = {"metric_id": frame["metric_id"].iloc[0]} if row != "metric_id" and len(frame) else {}

    def heading(c):
        return html.Th(
            html.A(column_names[c], href=column_link(c)) if column_link else column_names[c], scope="col"
        )

    header = html.Thead(html.Tr([html.Th(_(corner), scope="col"), *(heading(c) for c in columns)]))
    body = html.Tbody(
        [
            html.Tr(
                [html.Th(row_names[r], scope="row")]
                + [
                    _cell(cells[(r, c)], link(cells[(r, c)]))
                    if (r, c) in cells
                    else _empty_cell({**shared, row: r, column: c})
                    for c in columns
                ]
            )
            for r in rows
        ]
    )
    return html.Div(
        html.Table([header, body], className="table table-sm align-middle crosstab"),
        className="table-responsive crosstab-scroll",
    )
