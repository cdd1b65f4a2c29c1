"""URLs that carry a view's filters, so any view can be reloaded, shared or pasted in an email."""

from urllib.parse import parse_qsl, urlencode

#: Query parameters that describe a view, in the order they are written.
FILTERS = ("period", "compare", "segment", "touchpoint")


def query_string(**params) -> str:
    """'?period=2026-Q3&segment=smb' from the given values, leaving out the empty ones."""
    kept = {name: value for name, value in params.items() if value not in (None, "")}
    return f"?{urlencode(kept)}" if kept else ""


def href(path: str, **params) -> str:
    return path + query_string(**params)


def with_changes(search: str | None, **changes) -> str:
    """The query string `search` with some parameters changed (None removes one)."""
    params = dict(parse_qsl((search or "").lstrip("?")))
    params.update(changes)
    return query_string(**params)


def search_after_change(search: str | None, shown: dict, **chosen) -> str | None:
    """The query string once the chosen filter values replace those of the view being shown
    (`shown`, as the page resolved them); None when nothing differs, as when controls report their
    values on first render."""
    changes = {name: value for name, value in chosen.items() if value != shown.get(name)}
    return with_changes(search, **changes) if changes else None
