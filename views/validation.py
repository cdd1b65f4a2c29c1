"""Every page drawn at once, for Dash to check each callback's inputs, outputs and states against
(suppress_callback_exceptions is off): a page's components reach the browser only once its URL is
visited, so the layout on screen cannot tell a mistyped id from one still to come.

Each page is drawn as a visit would draw it, `/metric/<metric_id>` and the like with ids from the
catalogue, then stripped to its components with ids: Dash needs their ids and types, not the data.
"""

import copy
import logging
import re
import sys
from collections.abc import Callable

import dash
from dash.development.base_component import Component
from flask import g

import auth
import queries
from data.state import commitments

log = logging.getLogger(__name__)


def _path_values() -> dict[str, str]:
    """A value for each path variable that draws its page in full: a survey metric (the distribution
    and verbatims are drawn for those only), the first touchpoint and segment, an owner with
    commitments (their editors are drawn on the owner page), a new commitment; without a readable
    warehouse, only the new commitment (the pages then say what is wrong)."""
    values = {"commitment_id": "new"}
    try:
        metrics, owners = queries.metrics(), queries.owners()
        touchpoints, segments = queries.touchpoints(), queries.segments()
    except queries.WarehouseError:
        return values
    surveys = metrics[metrics["kind"] != "ratio"]
    with_commitments = owners[owners["owner_id"].isin(set(commitments.register()["owner_id"]))]
    for name, frame, column in (
        ("metric_id", surveys if len(surveys) else metrics, "metric_id"),
        ("touchpoint_id", touchpoints, "touchpoint_id"),
        ("segment_id", segments, "segment_id"),
        ("owner_id", with_commitments if len(with_commitments) else owners, "owner_id"),
    ):
        if len(frame):
            values[name] = frame[column].iloc[0]
    return values


def _with_ids(node) -> list[Component]:
    """The components with ids in `node` (a component, a list of them, or anything else), each bare:
    its id and, as its children, its own descendants with ids."""
    if isinstance(node, list | tuple):
        return [bare for item in node for bare in _with_ids(item)]
    if not isinstance(node, Component):
        return []
    below = _with_ids(getattr(node, "children", None))
    if getattr(node, "id", None) is None:
        return below
    bare = copy.copy(node)
    for prop in [name for name in vars(bare) if name != "id" and not name.startswith(("_", "available_"))]:
        delattr(bare, prop)
    if below:
        bare.children = below
    return [bare]


def _warehouse_readable() -> bool:
    try:
        queries.latest_data_day()
    except queries.WarehouseError:
        return False
    return True


def every_page(shell: Component) -> dash.html.Div:
    """The shell and every registered page, stripped to their components with ids."""
    values = _path_values()
    layouts = [shell]
    for page in dash.page_registry.values():
        variables = re.findall(r"<(\w+)>", page.get("path_template") or "")
        layout = page["layout"]
        layouts.append(
            layout(**{name: values.get(name) for name in variables}) if callable(layout) else layout
        )
        # What a page draws for some users only (an owner's own controls, say): it says so itself.
        extras = getattr(sys.modules.get(page["module"]), "validation_extras", None)
        if extras is not None:
            layouts.append(extras())
    return dash.html.Div(_with_ids(layouts))


def install(app: dash.Dash, shell: Callable[[], Component]) -> None:
    """Give Dash every page's ids to check the callbacks against, drawn once per process on its first
    request that gets this far. Registered after Dash's own set-up, which puts there each page drawn
    without arguments ("no such metric" and the like), and after sign-in's checks."""
    drawn = []

    @app.server.before_request
    def check_callbacks_against_every_page():
        if not drawn:
            # As someone with every right sees them, so every control is there; in an app context of
            # its own, so this request's user is untouched.
            with app.server.app_context():
                g.user = auth.User("Beacon's callback check", auth.ADMIN)
                try:
                    layout = every_page(shell())
                except Exception:  # a busy state database, say: Dash's own layout stands until next time
                    log.warning("Callback check not drawn yet", exc_info=True)
                    return
            app.validation_layout = layout
            # Drawn without a readable warehouse, the pages hold only their messages: draw again later.
            if _warehouse_readable():
                drawn.append(layout)
            return
        app.validation_layout = drawn[0]
