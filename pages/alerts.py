"""`/alerts` — what Beacon found and who it told: recent events, newest first, each with its deliveries.

Admins (and the local user without sign-in) see every event; anyone else the events sent to their own
addresses (their owner e-mail, their subscriptions'), with those deliveries only. Filters live in the
URL (?kind=&metric=), so a filtered list can be shared.
"""

import dash
from dash import Input, Output, State, callback, dcc, html
from dash.exceptions import PreventUpdate

import queries
from components import ids
from components.alerts import KIND_LABELS, event_list, kind_label
from components.controls import ALL, chosen
from components.feedback import problem
from components.icons import icon
from components.links import search_after_change
from components.pieces import select
from data.state import database
from i18n import _, format_integer, ngettext
from views import alerts
from views.context import known_ids, no_such, state_unreachable
from views.users import acting_user

dash.register_page(
    __name__, path="/alerts", name="Alerts", title=lambda **_query: _("Alerts · Beacon"), order=5
)

ROOT = "alerts-root"
SHOWN = "alerts-shown"
KIND = "alerts-kind"
METRIC = "alerts-metric"


def layout(kind: str | None = None, metric: str | None = None, **_query):
    try:
        return _page(kind or None, metric or None)
    except queries.WarehouseError as error:
        return problem(_("The warehouse cannot be read"), str(error), back_href=None)
    except database.UnreachableError:
        return state_unreachable()


def _page(kind: str | None, metric: str | None):
    if kind is not None and kind not in KIND_LABELS:
        return problem(
            _("These alerts cannot be shown"),
            _("There is no kind of alert “%(kind)s”. Pick one from the list.", kind=kind),
            back_href="/alerts",
            back_label=_("Show every alert"),
        )
    if metric is not None and metric not in known_ids("metric"):
        return problem(
            _("These alerts cannot be shown"),
            no_such("metric", metric),
            back_href="/alerts",
            back_label=_("Show every alert"),
        )
    user = acting_user()
    events, mine = alerts.recent(user, kind, metric)
    empty = (
        _("No alerts match these filters.")
        if kind or metric
        else _("No alerts yet: Beacon records them when a publish changes a status, or the clock finds one.")
        if mine is None
        else _("No alerts sent to you yet. Subscribe to metrics, touchpoints or segments in Settings.")
    )
    controls = html.Div(
        [
            select(
                KIND,
                _("Kind"),
                [(ALL, _("Every kind")), *((key, kind_label(key)) for key in KIND_LABELS)],
                kind or ALL,
            ),
            select(METRIC, _("Metric"), [(ALL, _("Every metric")), *alerts.choices("metric")], metric or ALL),
        ],
        className="view-controls mb-3",
    )
    return html.Div(
        [
            dcc.Store(id=SHOWN, data={"kind": kind, "metric": metric}),
            html.Div(
                [
                    html.Div(
                        [
                            html.H1(_("Alerts")),
                            html.Div(_subtitle(len(events), mine), className="page-subtitle text-break"),
                        ],
                        className="page-title",
                    ),
                    html.A(
                        [icon("bi-gear", "me-1"), _("Alert settings")],
                        href="/settings",
                        className="btn btn-outline-secondary btn-sm",
                    ),
                ],
                className="page-header",
            ),
            controls,
            event_list(events, alerts.webhook_names(user), empty),
        ],
        id=ROOT,
        className="alerts-page",
        **{"data-count": str(len(events)), "data-scope": "all" if mine is None else "own"},
    )


def _subtitle(count: int, mine: set[str] | None) -> str:
    """'12 events, newest first · sent to ana@example.com': how many, and whose."""
    if count == alerts.LIMIT:  # older ones stay in the store; filters reach them
        if mine is None:
            return _(
                "The latest %(limit)s events, newest first · every recipient", limit=format_integer(count)
            )
        if mine:
            return _(
                "The latest %(limit)s events, newest first · sent to %(addresses)s",
                limit=format_integer(count),
                addresses=", ".join(sorted(mine)),
            )
        return _("The latest %(limit)s events, newest first · sent to you", limit=format_integer(count))
    if mine is None:
        return ngettext(
            "%(num)s event, newest first · every recipient",
            "%(num)s events, newest first · every recipient",
            count,
        )
    if mine:
        return ngettext(
            "%(num)s event, newest first · sent to %(addresses)s",
            "%(num)s events, newest first · sent to %(addresses)s",
            count,
            addresses=", ".join(sorted(mine)),
        )
    return ngettext(
        "%(num)s event, newest first · sent to you", "%(num)s events, newest first · sent to you", count
    )


@callback(
    Output(ids.URL, "search", allow_duplicate=True),
    Input(KIND, "value"),
    Input(METRIC, "value"),
    State(ids.URL, "search"),
    State(SHOWN, "data"),
    prevent_initial_call=True,
)
def apply_filters(kind, metric, search, shown):
    """Write the chosen filters into the URL, which draws the list again."""
    new_search = search_after_change(search, shown, kind=chosen(kind), metric=chosen(metric))
    if new_search is None:
        raise PreventUpdate
    return new_search
