"""Messages shown instead of data when something is wrong: plain words, a way forward, no traceback."""

import dash_bootstrap_components as dbc
from dash import html

from i18n import _


def problem(
    title: str, message: str, back_href: str | None = "/", back_label: str | None = None
) -> dbc.Alert:
    """A warning box naming what is wrong; `message` should say which command or link fixes it; the
    link back says `back_label` (by default: back to the scorecard)."""
    back_label = back_label or _("Back to the scorecard")
    children = [html.H2(title, className="h5 alert-heading"), html.P(message, className="mb-0")]
    if back_href:
        children.append(html.A(back_label, href=back_href, className="alert-link d-block mt-2"))
    return dbc.Alert(children, color="warning", className="problem")
