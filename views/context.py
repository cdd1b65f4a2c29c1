"""What a page needs from its URL: the view (period, comparison) and the metric, touchpoint, segment and
owner it names, each checked against the catalogue, in one set of words when the URL is wrong.

    context = resolve(query, metric_id=metric_id)
    if context.problem:
        return feedback.problem(_(PROBLEM_TITLE), context.problem)

An id in the page's path (`/metric/<metric_id>`) is required: a page drawn without it says there is no
such metric. An id in the query string (`?segment=smb`) is a filter: absent means all of them.
Memoised on the URL and the snapshot, like the frames pages draw, so a page's callbacks resolve the same
URL for nothing. The warehouse not being readable is not a wrong URL: queries.WarehouseError goes up.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from dash.exceptions import PreventUpdate

import i18n
import queries
from components.feedback import problem
from data.state import database
from i18n import N_, _
from queries.periods import View
from views.freshness import with_stale_notice

#: The title above every message about a wrong URL (translate it with `_` where shown).
PROBLEM_TITLE = N_("This view cannot be shown")

#: Each id a URL may name: (catalogue query, id column, the sentence saying there is no such one and
#: where to pick one, marked for translation).
_KINDS = {
    "metric": (queries.metrics, "metric_id", N_("There is no metric “%(id)s”. Pick one from the scorecard.")),
    "touchpoint": (
        queries.touchpoints,
        "touchpoint_id",
        N_("There is no touchpoint “%(id)s”. Pick one on the journey map."),
    ),
    "segment": (
        queries.segments,
        "segment_id",
        N_("There is no customer segment “%(id)s”. Pick one from the Segment list."),
    ),
    "owner": (queries.owners, "owner_id", N_("There is no owner “%(id)s”. Pick one on the owners board.")),
}


def known_ids(kind: str) -> list[str]:
    """Every id of `kind` ("metric", "touchpoint", "segment", "owner") the catalogue has."""
    query, column, _sentence = _KINDS[kind]
    return list(query()[column])


#: What a page shows when its URL names no touchpoint or segment (translated when the URL is resolved).
ALL_NAMES = {"touchpoint": N_("All touchpoints"), "segment": N_("All customers")}


@dataclass(frozen=True)
class PageContext:
    """The URL of a page, checked. `problem` is what is wrong with it (None: nothing), in words for the
    user; then `view` and the ids may be None."""

    view: View | None
    metric_id: str | None = None
    touchpoint_id: str | None = None
    segment_id: str | None = None
    owner_id: str | None = None
    #: id kind ("metric", "touchpoint", "segment", "owner") → the catalogue's name of the one named;
    #: "All touchpoints" / "All customers" (in the request's language) when none is.
    names: dict = field(default_factory=dict)
    #: The URL's own period and comparison, as written (None: the default), for links that keep the view.
    view_filters: dict = field(default_factory=dict)
    problem: str | None = None

    @property
    def filters(self) -> dict:
        """The view's filters for links: the URL's period and comparison, the segment and touchpoint."""
        return {**self.view_filters, "segment": self.segment_id, "touchpoint": self.touchpoint_id}

    @property
    def shown(self) -> dict:
        """The filters of the view on screen as resolved (the period's key, not "t30" or nothing): what
        the view controls report when nothing was changed."""
        return {
            "period": self.view.period.key,
            "compare": self.view.compare,
            "segment": self.segment_id,
            "touchpoint": self.touchpoint_id,
        }


def no_such(kind: str, value: str | None) -> str:
    """'There is no metric “nps2”. Pick one from the scorecard.': the one wording of an unknown id."""
    return _(_KINDS[kind][2], id=value)


def resolve(params: dict, *filters: str, **path_ids: str | None) -> PageContext:
    """The page context of a URL: `params` its query string, of which the period, the comparison and
    the `filters` the page reads ("segment", "touchpoint", "metric") count; `path_ids` the ids in its
    path (metric_id=, touchpoint_id=, segment_id=, owner_id=), required."""
    wanted = {name: params.get(name) or None for name in ("period", "compare", *filters)}
    required = {name.removesuffix("_id"): value for name, value in path_ids.items()}
    return _resolve(wanted, required, i18n.current())


@queries.memoised
def _resolve(wanted: dict, required: dict, language: str) -> PageContext:
    """`resolve`'s context, its words (names, problems) in `language`: memoised per language too."""
    with i18n.language(language):
        return _resolved(wanted, required)


def _resolved(wanted: dict, required: dict) -> PageContext:
    view_filters = {"period": wanted["period"], "compare": wanted["compare"]}
    try:
        view = queries.view(wanted["period"], wanted["compare"])
    except queries.PeriodError as error:
        return PageContext(view=None, view_filters=view_filters, problem=str(error))
    ids, names = {}, {}
    for kind, (query, column, _sentence) in _KINDS.items():
        value = required[kind] if kind in required else wanted.get(kind)
        if kind not in required and not value:
            ids[kind], names[kind] = None, _(ALL_NAMES[kind]) if kind in ALL_NAMES else None
            continue
        known = query().set_index(column)["name"]
        if value not in known.index:
            return PageContext(view=None, view_filters=view_filters, problem=no_such(kind, value))
        ids[kind], names[kind] = value, known[value]
    return PageContext(
        view=view,
        **{f"{kind}_id": value for kind, value in ids.items()},
        names={kind: name for kind, name in names.items() if name is not None},
        view_filters=view_filters,
    )


def page_layout(draw: Callable[[PageContext], object], query: dict, *filters: str, **path_ids: str | None):
    """The page `draw(context)` builds for a URL, below the stale-data notice; instead, when the URL is
    wrong or the warehouse cannot be read, the message saying so."""
    try:
        context = resolve(query, *filters, **path_ids)
        return with_stale_notice(
            draw(context) if context.problem is None else problem(_(PROBLEM_TITLE), context.problem)
        )
    except queries.WarehouseError as error:
        return problem(_("The warehouse cannot be read"), str(error), back_href=None)
    except database.UnreachableError:
        return state_unreachable()


def state_unreachable():
    """What a page says while the state database (commitments) does not answer: a restart, say."""
    return problem(
        _("The commitments cannot be read just now"),
        _("Beacon's state database does not answer. Reload the page in a moment."),
        back_href=None,
    )


def drawn(params: dict | str | None, *filters: str, **path_ids: str | None) -> PageContext:
    """The context of the page a callback belongs to, from its URL's parameters (or query string). A
    URL its page would not have drawn comes only from a request made by hand: no update (HTTP 204)."""
    if not isinstance(params, dict):
        params = dict(parse_qsl((params or "").lstrip("?")))
    context = resolve(params, *filters, **path_ids)
    if context.problem:
        raise PreventUpdate
    return context
