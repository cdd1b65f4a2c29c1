"""Beacon's Dash app and Flask server: the shell (navbar, colour mode, page container) and nothing else.

Each page in pages/ registers itself and owns its layout and callbacks. Run with gunicorn
(`make run`) or, for development, `python app.py`.
"""

import logging

import dash
from dash import Dash, Input, Output, State, clientside_callback, dcc, html

import config
import delivery
import i18n
import languages
import limits
import security
import unsubscribe
from auth import web as auth_web
from components import ids, shell
from data.state import database
from queries.runner import init_cache
from views import not_found, validation

# Settings first: a wrong one stops the app here, named, before anything is set up or served.
config.validate()
logging.basicConfig(
    level=config.LOG_LEVEL, format="%(asctime)s [%(process)d] %(levelname)s %(name)s: %(message)s"
)

# Vendored at set-up (make vendor) and linked explicitly, ahead of our own CSS, so exactly one
# Bootstrap loads and our rules override it; Dash would otherwise load every file under assets/.
# Under their version's URL, so browsers keep them (delivery.py).
# Bootstrap's right-to-left twin takes its place for Persian (languages.index_html); Vazirmatn writes the
# Persian script, which Inter has not (its files load only when a page shows that script).
VENDOR_STYLESHEETS = [
    delivery.vendor_url(name)
    for name in ("bootstrap.min.css", "bootstrap-icons.min.css", "inter/index.css", "vazirmatn/index.css")
]


def _on_callback_error(error: Exception):
    """A callback that needed the state database while it did not answer (PostgreSQL restarting)
    changes nothing on the page (no update), instead of failing with a 500: the page keeps what it
    shows, and saves say so themselves (views.commitments.Busy). Anything else is raised, as before."""
    if isinstance(error, database.UnreachableError):
        return None
    raise error


class BeaconDash(Dash):
    """Dash, its index page written in each request's language (`<html lang dir>`, the stylesheet of
    its direction): the hook Dash documents for one's own index page."""

    def interpolate_index(self, **kwargs):
        return languages.index_html(super().interpolate_index, kwargs)


app = BeaconDash(
    __name__,
    use_pages=True,
    on_error=_on_callback_error,
    title="Beacon",
    update_title=None,
    external_stylesheets=VENDOR_STYLESHEETS,
    assets_path_ignore=["vendor"],
)
server = app.server
# Each request's language (?lang=, the cookie, the account, Accept-Language), remembered; the menu's route.
languages.install(app)
init_cache(server)
# Create or migrate the state database (commitments) before serving; safe when workers start together.
database.migrate()


def layout():
    available = {page["path"] for page in dash.page_registry.values()}
    user = auth_web.current_user()
    badge = shell.signed_in(user.name, user.role) if user.username else None
    menu = shell.language_menu(i18n.LANGUAGES.values(), i18n.current())
    return html.Div(
        [
            dcc.Store(id=ids.THEME_STORE, storage_type="local"),
            dcc.Store(id=ids.COLOUR_MODE),
            shell.navbar(available, badge, menu),
            html.Main(dash.page_container, className="container-fluid page"),
        ]
    )


# Dash draws the layout once now, to check it: in a request of its own, as there is none yet.
with server.test_request_context():
    app.layout = layout

# The toggle flips between light and dark; with nothing stored yet, the system preference decides.
clientside_callback(
    """() => document.documentElement.getAttribute("data-bs-theme") === "dark" ? "light" : "dark" """,
    Output(ids.THEME_STORE, "data"),
    Input(ids.THEME_TOGGLE, "n_clicks"),
    prevent_initial_call=True,
)

clientside_callback(
    "(mode) => window.beaconApplyTheme(mode)", Output(ids.COLOUR_MODE, "data"), Input(ids.THEME_STORE, "data")
)

clientside_callback(
    """(clicks, open) => !open""",
    Output("shell-navbar-collapse", "is_open"),
    Input("shell-navbar-toggler", "n_clicks"),
    State("shell-navbar-collapse", "is_open"),
    prevent_initial_call=True,
)

# Sign-in (or, without it, loopback only) and cross-site refusal in front of every request; security
# headers on every response, the policy listing the inline scripts the callbacks make.
auth_web.install(app)
# The unsubscribe links in alerts' messages, which work without signing in.
unsubscribe.install(app)
security.secure(app)
# Compressed responses, versioned files cached for a year, the partial plotly.js bundle.
delivery.install(app)
# A body size limit, and no work for a client that has gone.
limits.install(app)
# Dash checks every callback's ids against every page at once (views/validation.py).
validation.install(app, layout)
# 404 for a page or id Beacon does not have, though the browser still draws the friendly page.
not_found.install(app)


if __name__ == "__main__":
    # No version check: dev tools would call plotly's server, and Beacon makes no outside calls.
    app.run(host=config.HOST, port=config.PORT, debug=True, dev_tools_disable_version_check=True)
