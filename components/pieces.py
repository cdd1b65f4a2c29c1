"""One of each basic piece every page is built from: a titled card, a breadcrumb, a labelled select and a
progress bar. Pages and components use these, so each piece looks and reads the same everywhere."""

import dash_bootstrap_components as dbc
from dash import html

from components.icons import icon


def card(title: str, body, actions=None, class_name: str = "", header_class_name: str = "") -> dbc.Card:
    """A section: its title (a level-2 heading) with any `actions` (a CSV button, a link) beside it in the
    header, `body` below."""
    return dbc.Card(
        [
            dbc.CardHeader(
                html.Div([html.H2(title, className="card-title h6 mb-0"), actions], className="card-head"),
                class_name=header_class_name or None,
            ),
            dbc.CardBody(body),
        ],
        class_name=class_name or None,
    )


def breadcrumb(trail: list[tuple[str, str | None]], filters: list[tuple[str, str, str]] = ()) -> html.Div:
    """Where a page sits: (label, href) from the top, the last one (href None) the page itself. Then
    each filter on it, (label, what it filters, href without it), a crumb with a link clearing it
    beside (a crumb of dbc.Breadcrumb holds words only, so each filter is a breadcrumb of its own)."""
    parts = [
        dbc.Breadcrumb(
            items=[{"label": label, "href": link, "active": link is None} for label, link in trail]
        )
    ]
    for label, what, link in filters:
        parts += [
            dbc.Breadcrumb(items=[{"label": label, "active": True}], class_name="breadcrumb-filter"),
            html.A(
                icon("bi-x-circle"),
                href=link,
                className="clear-filter",
                title=f"Clear the {what} filter",
                **{"aria-label": f"Clear the {what} filter"},
            ),
        ]
    return html.Div(parts, className="page-breadcrumb mb-2")


def select(
    control_id, label: str, options, value: str, class_name: str = "view-control", hidden_label: bool = False
) -> html.Div:
    """A native select (fast, accessible, styled by Bootstrap in both colour modes) of (value, text)
    `options`, labelled `label` (for screen readers only when `hidden_label`)."""
    return html.Div(
        [
            dbc.Label(
                label,
                html_for=control_id,
                class_name="visually-hidden" if hidden_label else "form-label small mb-0",
            ),
            dbc.Select(
                id=control_id,
                options=[{"label": text, "value": key} for key, text in options],
                value=value,
                size="sm",
            ),
        ],
        className=class_name or None,
    )


def progress(percent, label: str, class_name: str = "") -> dbc.Progress:
    """How far along something is, 0–100; `label` ("Reply to complaints: 40% done") is read by screen
    readers, the bar is what the eye sees."""
    return dbc.Progress(value=int(percent), label=label, hide_label=True, class_name=class_name or None)
