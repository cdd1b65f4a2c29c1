"""The header of a data page and the attributes on its root: the view being shown, always explicit."""

from datetime import date

import pandas as pd
from dash import html

from components.commitments import days_text, format_day
from queries.periods import View


def stale_notice(late: pd.DataFrame, as_of: date, today: date) -> html.Div | None:
    """A warning above a data page when any metric is late against its own cadence on `today`
    (`late`: rows of queries.late_metrics, with name and cadence); None when every metric is fresh."""
    if late.empty:
        return None
    age = (today - as_of).days
    count = len(late)
    names = ", ".join(late["name"])
    return html.Div(
        [
            html.I(className="bi bi-hourglass-bottom", **{"aria-hidden": "true"}),
            html.Strong("Stale data"),
            html.Span(
                f"The latest data is from {format_day(as_of)}, {days_text(age)} ago. "
                + (
                    f"1 metric is late against its cadence: {names}."
                    if count == 1
                    else f"{count} metrics are late against their cadence: {names}."
                ),
                dir="auto",
            ),
            html.A("Data health", href="/data", className="stale-notice-link"),
        ],
        className="stale-notice",
        role="alert",
        **{"data-banner": "stale", "data-late-count": str(count)},
    )


def page_header(title: str, subtitle: str, view: View, controls) -> html.Div:
    """The page's title, subtitle and view (period vs comparison, as of) beside its controls."""
    return html.Div(
        [
            html.Div(
                [
                    # Names from the catalogue (a metric's, an owner's), each in its own writing direction.
                    html.H1(title, dir="auto"),
                    html.Div(subtitle, className="page-subtitle", dir="auto"),
                    html.Div(
                        f"{view.period.label} vs {view.comparison.label} · data as of {view.as_of:%-d %b %Y}",
                        className="as-of",
                    ),
                ],
                className="page-title",
            ),
            controls,
        ],
        className="page-header",
    )


def view_attributes(view: View) -> dict:
    """DESIGN.md's attributes on the root of a data page."""
    return {
        "data-period-start": view.period.start.isoformat(),
        "data-period-end": view.period.end.isoformat(),
        "data-compare-start": view.comparison.start.isoformat(),
        "data-compare-end": view.comparison.end.isoformat(),
        "data-as-of": view.as_of.isoformat(),
    }
