"""How a status is shown: always colour and icon and word, never colour alone."""

import pandas as pd
from dash import html

from components.icons import icon
from i18n import N_, _

#: Word (in English: translate it with `status_word`) and Bootstrap icon for each status of DESIGN.md.
STATUS_LABELS = {
    "on_track": (N_("On track"), "bi-check-circle-fill"),
    "at_risk": (N_("At risk"), "bi-exclamation-triangle-fill"),
    "off_track": (N_("Off track"), "bi-x-octagon-fill"),
    "insufficient": (N_("Too little data"), "bi-hourglass-split"),
    "no_target": (N_("No target"), "bi-dash-circle"),
    "no_data": (N_("No data"), "bi-slash-circle"),
}


#: What a change against the comparison period is, by its significance flag (queries.kpi.add_change):
#: True, False, or NA when the data cannot tell (too few answers, or a ratio with too few days).
CHANGE_VERDICTS = {True: N_("real change"), False: N_("within noise"), None: N_("too little data to compare")}


def status_word(status: str) -> str:
    """The status in words, in the current language."""
    return _(STATUS_LABELS[status][0])


def change_verdict(change_significant) -> str:
    return _(CHANGE_VERDICTS[None if pd.isna(change_significant) else bool(change_significant)])


def status_badge(status: str) -> html.Span:
    _label, glyph = STATUS_LABELS[status]
    return html.Span(
        [icon(glyph), status_word(status)],
        className=f"status-badge status-{status}",
    )
