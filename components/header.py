"""The header of a data page and the attributes on its root: the view being shown, always explicit."""

from dash import html

from queries.periods import View


def page_header(title: str, subtitle: str, view: View, controls) -> html.Div:
    return html.Div(
        [
            html.Div(
                [
                    # Names from the catalogue (a metric's, an owner's), each in its own writing direction.
                    html.H1(title, dir="auto"),
                    html.Div(subtitle, className="page-subtitle", dir="auto"),
                    html.Div(
                        f"{view.period.label} vs {view.comparison.label} · data as of {view.as_of:%-d %b %Y}",
                        className="as-of",
                    ),
                ],
                className="page-title",
            ),
            controls,
        ],
        className="page-header",
    )


def view_attributes(view: View) -> dict:
    """DESIGN.md's attributes on the root of a data page."""
    return {
        "data-period-start": view.period.start.isoformat(),
        "data-period-end": view.period.end.isoformat(),
        "data-as-of": view.as_of.isoformat(),
    }
