"""The one callback from a page's view controls (period, comparison, segment, and touchpoint or metric
where the page has them) to its URL: the user's choices go into the query string, which re-renders the
page. On the segment pages the segment select opens that segment's own page instead."""

from dash import Input, Output, State, callback, ctx, no_update
from dash.exceptions import PreventUpdate

from components import ids
from components.controls import ControlIds, chosen
from components.links import search_after_change, with_changes


def write_view_controls_to_url(
    controls: ControlIds, shown_store: str, metric: str | None = None, segment_opens_its_page: bool = False
) -> None:
    """Register, for one page, the callback from its view controls to the URL. `shown_store` holds the
    filters of the view on screen, so controls reporting them change nothing; `metric` is the id of the
    page's metric select, if any. With `segment_opens_its_page`, choosing a segment goes to
    /segment/<id> (and "All customers" to /segments), keeping the rest of the query string."""
    selects = {"period": controls.period, "compare": controls.compare, "segment": controls.segment}
    if controls.touchpoint:
        selects["touchpoint"] = controls.touchpoint
    if metric:
        selects["metric"] = metric
    where = "href" if segment_opens_its_page else "search"

    @callback(
        Output(ids.URL, where, allow_duplicate=True),
        inputs={"values": {name: Input(select_id, "value") for name, select_id in selects.items()}},
        state={
            "pathname": State(ids.URL, "pathname"),
            "search": State(ids.URL, "search"),
            "shown": State(shown_store, "data"),
        },
        prevent_initial_call=True,
    )
    def apply_view_controls(values, pathname, search, shown):
        chosen_values = {
            name: value if name in ("period", "compare", "metric") else chosen(value)
            for name, value in values.items()
        }
        if not segment_opens_its_page:
            new_search = search_after_change(search, shown, **chosen_values)
            return no_update if new_search is None else new_search
        segment = chosen_values.pop("segment")
        new_search = search_after_change(search, shown, **chosen_values)
        target = "/segments" if segment is None else f"/segment/{segment}"
        if new_search is None and target == pathname:
            return no_update
        return target + (search or "" if new_search is None else new_search)


def filters_in_url(values: list, overdue: bool, search: str | None, shown: dict) -> str:
    """A list page's filter bar (components.pieces.filter_bar) as the URL's new query string, from
    the callback's pattern-matched `values` (in dash.ctx's order) and its "Overdue only" box; no update
    when it asks for the view on screen. Other filters start the list again at its first page."""
    chosen_filters = {
        item["id"]["filter"]: chosen(value) for item, value in zip(ctx.inputs_list[0], values, strict=True)
    }
    new_search = search_after_change(search, shown, **chosen_filters, overdue="1" if overdue else None)
    if new_search is None:
        raise PreventUpdate
    return with_changes(new_search, page=None)
