"""The header of a data page and the attributes on its root: the view being shown, always explicit."""

from datetime import date

import pandas as pd
from dash import html

from components.dates import format_day
from components.icons import icon
from i18n import _, ngettext
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
    names = _(", ").join(late["name"])
    count, total = len(late), len(freshness)
    if count <= NAMED_LATE:
        late_text = ngettext(
            "%(num)s of %(total)s metrics is late against its cadence: %(names)s.",
            "%(num)s of %(total)s metrics are late against their cadence: %(names)s.",
            count,
            total=total,
            names=names,
        )
    else:
        late_text = ngettext(
            "%(num)s of %(total)s metrics is late against its cadence.",
            "%(num)s of %(total)s metrics are late against their cadence.",
            count,
            total=total,
        )
    latest = ngettext(
        "The latest data is from %(day)s, %(num)s day ago.",
        "The latest data is from %(day)s, %(num)s days ago.",
        age,
        day=format_day(as_of),
    )
    return html.Div(
        [
            icon("bi-hourglass-bottom"),
            html.Strong(_("Stale data")),
            html.Span(f"{latest} {late_text}", dir="auto"),
            html.A(_("Data health"), href="/data", className="stale-notice-link"),
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
                        _(
                            "%(period)s vs %(comparison)s · data as of %(day)s",
                            period=view.period.label,
                            comparison=view.comparison.label,
                            day=format_day(view.as_of),
                        ),
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
