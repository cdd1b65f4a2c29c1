"""The view controls every data page shows: period, comparison and segment (and, where asked, touchpoint).

Native selects: fast, accessible, styled by Bootstrap in both colour modes. Each page passes its own
prefixed IDs and turns changes into the URL with components.links.with_changes.
"""

from typing import NamedTuple

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from queries.periods import COMPARISONS, View

#: The value of the "All customers" / "All touchpoints" choice (an empty value would show as blank).
ALL = "all"


def chosen(value: str | None) -> str | None:
    """A select's value as a filter: None for the "all" choice."""
    return None if value in (None, "", ALL) else value


class ControlIds(NamedTuple):
    period: str
    compare: str
    segment: str
    touchpoint: str | None = None


def _select(label: str, control_id: str, options: list[tuple[str, str]], value: str) -> html.Div:
    return html.Div(
        [
            dbc.Label(label, html_for=control_id, className="form-label small mb-0"),
            dbc.Select(
                id=control_id,
                options=[{"label": text, "value": key} for key, text in options],
                value=value,
                size="sm",
            ),
        ],
        className="view-control",
    )


def _with_shown_period(choices: list[tuple[str, str]], view: View) -> list[tuple[str, str]]:
    """The choices, plus the period on screen when it is not among them (a URL may ask for a period
    before the data starts): a select must never show another period than the one displayed."""
    if any(key == view.period.key for key, _label in choices):
        return choices
    return [(view.period.key, view.period.label), *choices]


def view_controls(
    ids: ControlIds,
    view: View,
    period_choices: list[tuple[str, str]],
    segments: pd.DataFrame,
    segment_id: str | None,
    touchpoints: pd.DataFrame | None = None,
    touchpoint_id: str | None = None,
) -> html.Div:
    controls = [
        _select("Period", ids.period, _with_shown_period(period_choices, view), view.period.key),
        _select("Compare with", ids.compare, list(COMPARISONS.items()), view.compare),
        _select(
            "Segment",
            ids.segment,
            [(ALL, "All customers"), *segments[["segment_id", "name"]].itertuples(index=False)],
            segment_id or ALL,
        ),
    ]
    if ids.touchpoint and touchpoints is not None:
        controls.append(
            _select(
                "Touchpoint",
                ids.touchpoint,
                [(ALL, "All touchpoints"), *touchpoints[["touchpoint_id", "name"]].itertuples(index=False)],
                touchpoint_id or ALL,
            )
        )
    return html.Div(controls, className="view-controls")


def metric_select(control_id: str, metrics: pd.DataFrame, metric_id: str) -> html.Div:
    """Which metric a page colours or charts by, in catalogue order."""
    return _select(
        "Metric", control_id, list(metrics[["metric_id", "name"]].itertuples(index=False)), metric_id
    )
