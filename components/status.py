"""How a status is shown: always colour and icon and word, never colour alone."""

from dash import html

#: Word and Bootstrap icon for each status of DESIGN.md.
STATUS_LABELS = {
    "on_track": ("On track", "bi-check-circle-fill"),
    "at_risk": ("At risk", "bi-exclamation-triangle-fill"),
    "off_track": ("Off track", "bi-x-octagon-fill"),
    "insufficient": ("Too little data", "bi-hourglass-split"),
    "no_target": ("No target", "bi-dash-circle"),
    "no_data": ("No data", "bi-slash-circle"),
}


def status_badge(status: str) -> html.Span:
    label, icon = STATUS_LABELS[status]
    return html.Span(
        [html.I(className=f"bi {icon}", **{"aria-hidden": "true"}), label],
        className=f"status-badge status-{status}",
    )
