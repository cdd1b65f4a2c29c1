"""One of each basic piece every page is built from: a titled card, a breadcrumb, a labelled select and a
progress bar. Pages and components use these, so each piece looks and reads the same everywhere."""

import dash_bootstrap_components as dbc
from dash import html

from components.icons import icon
from components.ids import dom_id
from i18n import N_, _, format_integer

#: The value of a select's "All customers" / "All touchpoints" choice (an empty value shows as blank).
ALL = "all"

#: The link clearing a filter of a breadcrumb, by what it filters (others: "Clear the … filter").
_CLEAR_FILTER = {
    "touchpoint": N_("Clear the touchpoint filter"),
    "segment": N_("Clear the segment filter"),
    "metric": N_("Clear the metric filter"),
}


def _clear_filter(what: str) -> str:
    return _(_CLEAR_FILTER[what]) if what in _CLEAR_FILTER else _("Clear the %(filter)s filter", filter=what)


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
        clear = _clear_filter(what)
        parts += [
            dbc.Breadcrumb(items=[{"label": label, "active": True}], class_name="breadcrumb-filter"),
            html.A(
                icon("bi-x-circle"),
                href=link,
                className="clear-filter",
                title=clear,
                **{"aria-label": clear},
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


def filter_id(page: str, name: str) -> dict:
    """Id of `page`'s filter select for URL parameter `name` (dash.ALL: all of them)."""
    return {"type": f"{page}-filter", "filter": name}


def _filter_select(page: str, name: str, label: str, everything: str, options, value) -> html.Div:
    """One filter: its label, the "all" choice (ALL), then `options` as (value, text)."""
    return html.Div(
        [
            dbc.Label(label, html_for=dom_id(filter_id(page, name)), className="form-label small mb-0"),
            dbc.Select(
                id=filter_id(page, name),
                options=[{"label": everything, "value": ALL}]
                + [{"label": text, "value": key} for key, text in options],
                value=value or ALL,
                size="sm",
            ),
        ],
        className="view-control",
    )


def filter_bar(page: str, filters: dict, choices: dict, params: dict, overdue_id: str) -> html.Div:
    """A list page's filter selects, set as the URL's `params` say, then "Overdue only" (`overdue_id`).

    `filters` maps each URL parameter to (label, column, the "all" choice), `choices` to its
    [(value, text)]."""
    return html.Div(
        [
            *(
                _filter_select(page, name, label, everything, choices[name], params.get(name))
                for name, (label, _column, everything) in filters.items()
            ),
            dbc.Checkbox(
                id=overdue_id,
                label=_("Overdue only"),
                value=params.get("overdue") == "1",
                className="overdue-filter",
            ),
        ],
        className="view-controls",
    )


def sort_headings(columns, sort: str, sort_href) -> list[html.Th]:
    """A table's headings from `columns` (key, heading, sortable); a sortable one links to
    `sort_href(key)`, the current sort's to its reverse, with aria-sort saying which is on."""
    key, descending = sort.lstrip("-"), sort.startswith("-")
    headings = []
    for column, heading, sortable in columns:
        if not sortable:
            headings.append(html.Th(heading, scope="col"))
            continue
        current = column == key
        arrow = ("bi-sort-down" if descending else "bi-sort-up") if current else "bi-arrow-down-up opacity-25"
        next_sort = f"-{column}" if current and not descending else column
        headings.append(
            html.Th(
                html.A([heading, icon(arrow, "ms-1")], href=sort_href(next_sort), className="sort-link"),
                scope="col",
                **{"aria-sort": ("descending" if descending else "ascending") if current else "none"},
            )
        )
    return headings


def page_links(page: int, pages: int, page_href, label: str) -> html.Nav | None:
    """Previous / "Page 2 of 7" / next as links to `page_href(number)`, so a page of a list is in its URL;
    none for a list of one page."""
    if pages <= 1:
        return None

    def step(number: int, text: str, icon_name: str, rel: str) -> html.Li:
        usable = 1 <= number <= pages
        link = (
            html.A([icon(icon_name), html.Span(text, className="ms-1")], href=page_href(number), className="page-link", rel=rel)
            if usable
            else html.Span([icon(icon_name), html.Span(text, className="ms-1")], className="page-link")
        )  # fmt: skip
        return html.Li(link, className="page-item" + ("" if usable else " disabled"))

    return html.Nav(
        html.Ul(
            [
                step(page - 1, _("Previous"), "bi-chevron-left", "prev"),
                html.Li(
                    html.Span(
                        _(
                            "Page %(page)s of %(pages)s",
                            page=format_integer(page),
                            pages=format_integer(pages),
                        ),
                        className="page-link",
                    ),
                    className="page-item active",
                ),
                step(page + 1, _("Next"), "bi-chevron-right", "next"),
            ],
            className="pagination pagination-sm mb-0",
        ),
        **{"aria-label": label, "data-page": str(page), "data-pages": str(pages)},
    )
