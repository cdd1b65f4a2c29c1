"""The frame around every page: the navigation bar, the language menu and the colour-mode toggle."""

from collections.abc import Iterable

import dash_bootstrap_components as dbc
from dash import html

from components import ids
from components.icons import icon
from i18n import N_, Language, _

#: Every page Beacon has or will have, in navigation order. Pages not built yet are shown disabled,
#: so the navigation does not jump about as they arrive.
NAVIGATION = (
    (N_("Scorecard"), "/"),
    (N_("Journey"), "/journey"),
    (N_("Segments"), "/segments"),
    (N_("Owners"), "/owners"),
    (N_("Commitments"), "/commitments"),
    (N_("Cases"), "/cases"),
    (N_("Data"), "/data"),
    (N_("Alerts"), "/alerts"),
    (N_("Wall"), "/wall"),
)


def signed_in(name: str, role: str) -> html.Div:
    """Who is signed in, and the way out (a plain form post: it works before any callback has loaded)."""
    return html.Div(
        [
            html.Span(
                [icon("bi-person-circle", "me-1"), name],
                className="shell-user",
                title=_("Signed in as %(name)s (%(role)s)", name=name, role=_(role)),
                id=ids.SIGNED_IN,
            ),
            html.Span(_(role), className="badge text-bg-secondary ms-1 me-2"),
            html.Form(
                html.Button(
                    _("Sign out"),
                    type="submit",
                    className="btn btn-sm btn-outline-secondary",
                    id=ids.SIGN_OUT,
                ),
                action="/signout",
                method="POST",
                className="d-inline",
            ),
        ],
        className="d-flex align-items-center ms-lg-2 py-2 py-lg-0",
    )


#: The roles' names as the badge shows them (auth's role words), marked for translation.
ROLE_WORDS = (N_("viewer"), N_("owner"), N_("admin"), N_("display"))

LANGUAGE_MENU = "shell-language-menu"


def language_menu(languages: Iterable[Language], current: str) -> html.Div:
    """The interface languages, each in its own name and writing direction: a plain form posting to
    /language (languages.py), which remembers the choice and comes back to this page. Works before
    any callback has loaded, like signing out."""
    languages = list(languages)
    shown = next(language for language in languages if language.code == current)
    choices = [
        html.Button(
            language.native,
            type="submit",
            name="lang",
            value=language.code,
            lang=language.code,
            dir=language.direction,
            className="dropdown-item" + (" active" if language.code == current else ""),
            **{"aria-current": "true" if language.code == current else "false", "data-lang": language.code},
        )
        for language in languages
    ]
    return dbc.DropdownMenu(
        html.Form(choices, action="/language", method="POST"),
        label=html.Span([icon("bi-translate", "me-1"), html.Span(shown.native, lang=shown.code)]),
        nav=True,
        align_end=True,
        id=LANGUAGE_MENU,
        toggle_class_name="shell-language",
    )


def navbar(
    available_paths: set[str], user: html.Div | None = None, languages: html.Div | None = None
) -> dbc.Navbar:
    """The navigation; `user` (from `signed_in`) shows who is signed in, when sign-in is on;
    `languages` (from `language_menu`) the language menu."""
    links = [
        dbc.NavItem(
            dbc.NavLink(
                _(label) if path in available_paths else html.Span(_(label), title=_("Coming soon")),
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
        title=_("Switch between light and dark mode"),
        **{"aria-label": _("Switch between light and dark mode")},
    )
    # A plain link: dbc.NavLink takes no title or aria-label, which an icon alone needs.
    settings = html.A(
        icon("bi-bell"),
        href="/settings",
        className="nav-link shell-settings",
        title=_("Your alerts: subscriptions and settings"),
        **{"aria-label": _("Your alerts: subscriptions and settings")},
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
                            *([languages] if languages else []),
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
