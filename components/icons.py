"""One icon builder: a Bootstrap Icons glyph, hidden from screen readers when the words beside it speak,
or labelled when it speaks alone."""

from dash import html


def icon(name: str, class_name: str = "", label: str | None = None) -> html.I:
    """`icon("bi-alarm-fill", "me-1")`: the glyph `name` with any extra classes; with `label`, a glyph
    that says `label` (its tooltip and its accessible name) instead of hiding."""
    class_names = f"bi {name} {class_name}".strip()
    if label is not None:
        return html.I(className=class_names, title=label, **{"aria-label": label})
    return html.I(className=class_names, **{"aria-hidden": "true"})
