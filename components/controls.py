"""The view controls every data page shows: period, comparison and segment (and, where asked, touchpoint).

Each page passes its own prefixed IDs; views.view_controls turns changes into the URL.
"""

from typing import NamedTuple

import pandas as pd
from dash import html

from components.pieces import ALL, select
from i18n import _
from queries.periods import COMPARISONS, PeriodError, View, parse_period


def chosen(value: str | None) -> str | None:
    """A select's value as a filter: None for the "all" choice."""
    return None if value in (None, "", ALL) else value


class ControlIds(NamedTuple):
    period: str
    compare: str
    segment: str
    touchpoint: str | None = None


def _with_shown_period(choices: list[tuple[str, str]], view: View) -> list[tuple[str, str]]:
    """The choices, plus the period on screen when it is not among them (a URL may ask for a period
    before the data starts): a select must never show another period than the one displayed."""
    # Each choice named in the language being spoken (the list is memoised with its English names).
    choices = [(key, _period_label(key, label, view)) for key, label in choices]
    if any(key == view.period.key for key, _label in choices):
        return choices
    return [(view.period.key, view.period.label), *choices]


def _period_label(key: str, label: str, view: View) -> str:
    try:
        return parse_period(key, view.as_of).label
    except PeriodError:
        return label


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
        select(ids.period, _("Period"), _with_shown_period(period_choices, view), view.period.key),
        select(
            ids.compare,
            _("Compare with"),
            [(key, _(words)) for key, words in COMPARISONS.items()],
            view.compare,
        ),
        select(
            ids.segment,
            _("Segment"),
            [(ALL, _("All customers")), *segments[["segment_id", "name"]].itertuples(index=False)],
            segment_id or ALL,
        ),
    ]
    if ids.touchpoint and touchpoints is not None:
        controls.append(
            select(
                ids.touchpoint,
                _("Touchpoint"),
                [
                    (ALL, _("All touchpoints")),
                    *touchpoints[["touchpoint_id", "name"]].itertuples(index=False),
                ],
                touchpoint_id or ALL,
            )
        )
    return html.Div(controls, className="view-controls")


def metric_select(control_id: str, metrics: pd.DataFrame, metric_id: str) -> html.Div:
    """Which metric a page colours or charts by, in catalogue order."""
    return select(
        control_id, _("Metric"), list(metrics[["metric_id", "name"]].itertuples(index=False)), metric_id
    )
