"""Verbatim comments, newest first, always rendered as plain text (never HTML), each in its own writing
direction (dir="auto", as every user's or customer's text in Beacon)."""

import pandas as pd
from dash import html


def verbatim_list(
    frame: pd.DataFrame, touchpoint_names: pd.Series, segment_names: pd.Series, bands
) -> html.Ul:
    """`bands` are the metric's score bands (queries.score_bands): they colour each score badge."""

    def band(score):
        return next((name for name, (_label, low, high) in bands.items() if low <= score <= high), "middle")

    if frame.empty:
        return html.P("No comments match these filters.", className="text-body-secondary")
    items = [
        html.Li(
            [
                html.Div(
                    [
                        html.Span(f"{row.score:g}", className=f"score-badge band-{band(row.score)}"),
                        html.Span(f"{pd.Timestamp(row.responded_at):%-d %b %Y}"),
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
        "Verbatim comments are shown to metric owners and admins only on this Beacon.",
        className="text-body-secondary comments-withheld",
    )
