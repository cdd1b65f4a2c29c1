"""One icon builder: a Bootstrap Icons glyph, hidden from screen readers (the words beside it speak)."""

from dash import html


def icon(name: str, class_name: str = "") -> html.I:
    """`icon("bi-alarm-fill", "me-1")`: the glyph `name` with any extra classes."""
    return html.I(className=f"bi {name} {class_name}".strip(), **{"aria-hidden": "true"})
