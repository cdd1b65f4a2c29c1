"""Reading a built Dash component tree in unit tests: its text, its parts by class, their props."""


def children(component) -> list:
    inside = getattr(component, "children", None)
    if inside is None:
        return []
    return list(inside) if isinstance(inside, list | tuple) else [inside]


def text(component) -> str:
    """Every string (and number) inside a component, in order."""
    if isinstance(component, str):
        return component
    if isinstance(component, int | float):
        return str(component)
    return "".join(text(child) for child in children(component))


def walk(component):
    """The component and every component inside it, depth first."""
    if component is None or isinstance(component, str | int | float):
        return
    yield component
    for child in children(component):
        yield from walk(child)


def props(component) -> dict:
    return component.to_plotly_json()["props"]


def with_class(component, name: str) -> list:
    """Every component inside `component` whose className has the word `name`."""
    return [c for c in walk(component) if name in (getattr(c, "className", None) or "").split()]
