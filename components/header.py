"""The header of a data page and the attributes on its root: the view being shown, always explicit."""

from datetime import date

import pandas as pd
from dash import html

from components.dates import days_text, format_day
from components.icons import icon
from queries.periods import View

#: Up to this many late metrics are named in the notice; more are counted (and named in its tooltip).
NAMED_LATE = 3


def stale_notice(freshness: pd.DataFrame, as_of: date, today: date) -> html.Div | None:
    """A warning above a data page when any metric is late against its own cadence on `today`
    (`freshness`: every metric's row of queries.data_freshness); None when none is late."""
    late = freshness[freshness["freshness"] == "late"]
    if late.empty:
        return None
    age = (today - as_of).days
    names = ", ".join(late["name"])
    count, total = len(late), len(freshness)
    if count <= NAMED_LATE:
        which = (
            f"late against its cadence: {names}." if count == 1 else f"late against their cadence: {names}."
        )
        late_text = f"{count} of {total} metrics {'is' if count == 1 else 'are'} {which}"
    else:
        late_text = f"{count} of {total} metrics are late against their cadence."
    return html.Div(
        [
            icon("bi-hourglass-bottom"),
            html.Strong("Stale data"),
            html.Span(
                f"The latest data is from {format_day(as_of)}, {days_text(age)} ago. {late_text}", dir="auto"
            ),
            html.A("Data health", href="/data", className="stale-notice-link"),
        ],
        className="stale-notice",
        role="alert",
        title=names,
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
