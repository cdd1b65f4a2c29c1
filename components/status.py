"""How a status is shown: always colour and icon and word, never colour alone."""

import pandas as pd
from dash import html

from components.icons import icon

#: Word and Bootstrap icon for each status of DESIGN.md.
STATUS_LABELS = {
    "on_track": ("On track", "bi-check-circle-fill"),
    "at_risk": ("At risk", "bi-exclamation-triangle-fill"),
    "off_track": ("Off track", "bi-x-octagon-fill"),
    "insufficient": ("Too little data", "bi-hourglass-split"),
    "no_target": ("No target", "bi-dash-circle"),
    "no_data": ("No data", "bi-slash-circle"),
}


#: What a change against the comparison period is, by its significance flag (queries.kpi.add_change):
#: True, False, or NA when the data cannot tell (too few answers, or a ratio with too few days).
CHANGE_VERDICTS = {True: "real change", False: "within noise", None: "too little data to compare"}


def change_verdict(change_significant) -> str:
    return CHANGE_VERDICTS[None if pd.isna(change_significant) else bool(change_significant)]


def status_badge(status: str) -> html.Span:
    label, glyph = STATUS_LABELS[status]
    return html.Span(
        [icon(glyph), label],
        className=f"status-badge status-{status}",
    )
