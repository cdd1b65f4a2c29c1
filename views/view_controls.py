"""The callback shared by pages whose only controls are period, comparison and segment: the user's
choices go into the URL, which re-renders the page."""

from dash import Input, Output, State, callback, no_update

from components import ids
from components.controls import ControlIds, chosen
from components.links import search_after_change


def write_view_controls_to_url(controls: ControlIds, shown_store: str) -> None:
    """Register, for one page, the callback from its view controls to the URL's query string.
    `shown_store` holds the filters of the view on screen, so controls reporting it change nothing."""

    @callback(
        Output(ids.URL, "search", allow_duplicate=True),
        Input(controls.period, "value"),
        Input(controls.compare, "value"),
        Input(controls.segment, "value"),
        State(ids.URL, "search"),
        State(shown_store, "data"),
        prevent_initial_call=True,
    )
    def apply_view_controls(period, compare, segment, search, shown):
        new_search = search_after_change(
            search, shown, period=period, compare=compare, segment=chosen(segment)
        )
        return no_update if new_search is None else new_search
