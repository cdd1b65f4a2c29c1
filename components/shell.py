"""The frame around every page: the navigation bar and the colour-mode toggle."""

import dash_bootstrap_components as dbc
from dash import html

from components import ids
from components.icons import icon

#: Every page Beacon has or will have, in navigation order. Pages not built yet are shown disabled,
#: so the navigation does not jump about as they arrive.
NAVIGATION = (
    ("Scorecard", "/"),
    ("Journey", "/journey"),
    ("Segments", "/segments"),
    ("Owners", "/owners"),
    ("Commitments", "/commitments"),
    ("Cases", "/cases"),
    ("Data", "/data"),
    ("Alerts", "/alerts"),
    ("Wall", "/wall"),
)


def signed_in(name: str, role: str) -> html.Div:
    """Who is signed in, and the way out (a plain form post: it works before any callback has loaded)."""
    return html.Div(
        [
            html.Span(
                [icon("bi-person-circle", "me-1"), name],
                className="shell-user",
                title=f"Signed in as {name} ({role})",
                id=ids.SIGNED_IN,
            ),
            html.Span(role, className="badge text-bg-secondary ms-1 me-2"),
            html.Form(
                html.Button(
                    "Sign out", type="submit", className="btn btn-sm btn-outline-secondary", id=ids.SIGN_OUT
                ),
                action="/signout",
                method="POST",
                className="d-inline",
            ),
        ],
        className="d-flex align-items-center ms-lg-2 py-2 py-lg-0",
    )


def navbar(available_paths: set[str], user: html.Div | None = None) -> dbc.Navbar:
    """The navigation; `user` (from `signed_in`) shows who is signed in, when sign-in is on."""
    links = [
        dbc.NavItem(
            dbc.NavLink(
                label if path in available_paths else html.Span(label, title="Coming soon"),
                href=path,
                active="exact" if path == "/" else "partial",
                disabled=path not in available_paths,
            )
        )
        for label, path in NAVIGATION
    ]
    toggle = html.Button(
        icon("bi-circle-half"),
        id=ids.THEME_TOGGLE,
        className="btn btn-link nav-link theme-toggle",
        title="Switch between light and dark mode",
        **{"aria-label": "Switch between light and dark mode"},
    )
    # A plain link: dbc.NavLink takes no title or aria-label, which an icon alone needs.
    settings = html.A(
        icon("bi-bell"),
        href="/settings",
        className="nav-link shell-settings",
        title="Your alerts: subscriptions and settings",
        **{"aria-label": "Your alerts: subscriptions and settings"},
    )
    return dbc.Navbar(
        dbc.Container(
            [
                dbc.NavbarBrand(
                    [icon("bi-broadcast-pin", "me-2"), "Beacon"],
                    href="/",
                ),
                dbc.NavbarToggler(id="shell-navbar-toggler"),
                dbc.Collapse(
                    dbc.Nav(
                        [
                            *links,
                            dbc.NavItem(settings, className="ms-lg-auto"),
                            dbc.NavItem(toggle),
                            *([user] if user else []),
                        ],
                        navbar=True,
                        className="w-100 align-items-lg-center",
                    ),
                    id="shell-navbar-collapse",
                    navbar=True,
                ),
            ],
            fluid=True,
        ),
        color="body-tertiary",
        dark=False,  # text follows the colour mode (data-bs-theme) instead of forcing light text
        className="shell-navbar border-bottom",
        expand="lg",
    )
