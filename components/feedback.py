"""Messages shown instead of data when something is wrong: plain words, a way forward, no traceback."""

import dash_bootstrap_components as dbc
from dash import html


def problem(
    title: str, message: str, back_href: str | None = "/", back_label: str = "Back to the scorecard"
) -> dbc.Alert:
    """A warning box naming what is wrong; `message` should say which command or link fixes it."""
    children = [html.H2(title, className="h5 alert-heading"), html.P(message, className="mb-0")]
    if back_href:
        children.append(html.A(back_label, href=back_href, className="alert-link d-block mt-2"))
    return dbc.Alert(children, color="warning", className="problem")
