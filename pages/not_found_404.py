"""The page for any path Beacon does not have."""

import dash
from dash import html

from i18n import _

dash.register_page(__name__, path="/404", title=lambda **_query: _("Not found · Beacon"))


def layout(**_params):
    return html.Div(
        [
            html.H1(_("This page does not exist"), className="h3"),
            html.P(_("The address may be mistyped, or the page may have moved.")),
            html.A(_("Go to the scorecard"), href="/", className="btn btn-primary"),
        ],
        className="not-found py-5 text-center",
    )
