"""Component IDs shared across pages. Page-specific IDs live in their page module, prefixed by page."""

import json

from dash.dash import _ID_LOCATION

# Dash pages' own location (refresh="callback-nav"): a callback writing its `search` or `href` re-renders
# the page through layout(**query) and pushes browser history, so filters live in the URL. Its id is
# Dash's, imported where Dash's own tools import it.
URL = _ID_LOCATION
THEME_STORE = "shell-theme"  # "light" | "dark" | None (follow the system), kept in localStorage
THEME_TOGGLE = "shell-theme-toggle"
SIGNED_IN = "shell-signed-in"
SIGN_OUT = "shell-sign-out"
COLOUR_MODE = "shell-colour-mode"  # the mode in effect, "light" or "dark": what figure callbacks read


def dom_id(pattern: dict) -> str:
    """The DOM id Dash gives a pattern-matching id (keys sorted, compact JSON): what a label's
    `html_for` must name."""
    return json.dumps(pattern, sort_keys=True, separators=(",", ":"))
