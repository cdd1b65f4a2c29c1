"""The closed-loop figures of a page's view: the follow-up cases of the answers given in its period (and
its segment, touchpoint, metric), per metric, touchpoint or owner (queries.closed_loop says how each
figure is counted).

Who sees them: everyone who sees the page. They are counts, and root causes by their list's names (the
catalogue's words, like a touchpoint's name); a cause in words, a note or a respondent's reference is
never read for them (data.state.cases.LOOP_COLUMNS), so nothing here depends on BEACON_VIEWER_COMMENTS.
Read fresh on every call: cases change without the warehouse changing.
"""

import pandas as pd

import queries
from data.state import cases
from data.state.commitments import current_time
from queries.closed_loop import loop_figures, sprint_starts, with_owners
from queries.periods import View


def period_cases(view: View, **filters) -> pd.DataFrame:
    """The cases of the answers given in the view's period, matching `filters` (metric_id=,
    touchpoint_id=, segment_id=), each with its metric's owner."""
    return with_owners(cases.in_period(view.period.start, view.period.end, **filters), queries.metrics())


def figures(view: View, by: str | None = None, **filters) -> pd.DataFrame:
    """queries.closed_loop.loop_figures of the view's cases now (one row, or one per `by`)."""
    return loop_figures(period_cases(view, **filters), current_time(), by)


def overall(view: View, **filters) -> dict:
    """The one row of figures for the view's cases, as a dict."""
    return figures(view, **filters).iloc[0].to_dict()


def per_owner(view: View) -> dict[str, dict]:
    """owner_id → their metrics' figures, for the owners board (owners without cases are absent)."""
    frame = figures(view, by="owner_id")
    return {row["owner_id"]: row for row in frame.to_dict("records")}


def touchpoint_loop(view: View, touchpoint_id: str, segment_id: str | None, owner_id: str | None) -> tuple:
    """A touchpoint's figures (as `overall`) and, per cause, what a redesign sprint from its cases
    would start with (queries.closed_loop.sprint_starts; `owner_id`: the acting owner's, if any), from
    one read of its cases."""
    found = period_cases(view, touchpoint_id=touchpoint_id, segment_id=segment_id)
    figures = loop_figures(found, current_time()).iloc[0].to_dict()
    return figures, sprint_starts(found, queries.metrics(), owner_id)
