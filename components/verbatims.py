"""Verbatim comments, newest first, always rendered as plain text (never HTML), each in its own writing
direction (dir="auto", as every user's or customer's text in Beacon)."""

import pandas as pd
from dash import html

from components.dates import format_day
from components.definition import score_text
from i18n import N_, _

#: The score bands' names (queries.score_bands), NPS's and any other scale's, with their scores.
_NPS_BANDS = {
    "worst": N_("Detractors (%(low)s–%(high)s)"),
    "middle": N_("Passives (%(low)s–%(high)s)"),
    "best": N_("Promoters (%(low)s–%(high)s)"),
}
_SCALE_BANDS = {
    "worst": (N_("Worst two (%(low)s–%(high)s)"), N_("Worst two (%(number)s)")),
    "middle": (N_("Middle (%(low)s–%(high)s)"), N_("Middle (%(number)s)")),
    "best": (N_("Best two (%(low)s–%(high)s)"), N_("Best two (%(number)s)")),
}


def score_bands_in_words(bands: dict, kind: str) -> dict:
    """queries.score_bands with each band named in the current language: {band: (name, lowest, highest)}."""
    named = {}
    for band, (_label, low, high) in bands.items():
        if kind == "nps":
            text = _(_NPS_BANDS[band], low=score_text(low), high=score_text(high))
        elif low == high:
            text = _(_SCALE_BANDS[band][1], number=score_text(low))
        else:
            text = _(_SCALE_BANDS[band][0], low=score_text(low), high=score_text(high))
        named[band] = (text, low, high)
    return named


def verbatim_list(
    frame: pd.DataFrame, touchpoint_names: pd.Series, segment_names: pd.Series, bands
) -> html.Ul:
    """`bands` are the metric's score bands (queries.score_bands): they colour each score badge."""

    def band(score):
        return next((name for name, (_label, low, high) in bands.items() if low <= score <= high), "middle")

    if frame.empty:
        return html.P(_("No comments match these filters."), className="text-body-secondary")
    items = [
        html.Li(
            [
                html.Div(
                    [
                        html.Span(score_text(row.score), className=f"score-badge band-{band(row.score)}"),
                        html.Span(format_day(row.responded_at)),
                        html.Span(touchpoint_names.get(row.touchpoint_id, row.touchpoint_id), dir="auto"),
                        html.Span(segment_names.get(row.segment_id, row.segment_id), dir="auto"),
                    ],
                    className="verbatim-meta",
                ),
                # A text child (Dash escapes it), laid out in its own direction (a Persian comment: right to left).
                html.P(row.comment, className="verbatim-text", dir="auto"),
            ],
            className="verbatim",
        )
        for row in frame.itertuples(index=False)
    ]
    return html.Ul(items, className="verbatim-list")


def comments_withheld() -> html.P:
    """Said where comments would be, to a viewer this Beacon does not show them to."""
    return html.P(
        _("Verbatim comments are shown to metric owners and admins only on this Beacon."),
        className="text-body-secondary comments-withheld",
    )
