"""`/touchpoint/<touchpoint_id>` — one touchpoint: every metric measured there against its
touchpoint-scoped target (else the general one), by segment, with its annotations, latest comments
and the owners involved. URL: ?period=&compare=&segment=.
"""

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

import queries
from components.closed_loop import loop_card
from components.controls import ControlIds, view_controls
from components.crosstab import kpi_crosstab
from components.dates import format_day
from components.header import page_header, view_attributes
from components.links import href
from components.pieces import breadcrumb, card
from components.tiles import scorecard_tiles
from components.verbatims import comments_withheld, verbatim_list
from i18n import _, format_integer
from views import closed_loop, frames
from views.context import page_layout
from views.users import acting_user, rights
from views.view_controls import write_view_controls_to_url

dash.register_page(
    __name__, path_template="/touchpoint/<touchpoint_id>", title=lambda **_query: _("Touchpoint · Beacon")
)

ROOT = "touchpoint-root"
SHOWN = "touchpoint-shown"  # the filters of the view on screen, as the page resolved them
CONTROLS = ControlIds(period="touchpoint-period", compare="touchpoint-compare", segment="touchpoint-segment")
LATEST_COMMENTS = 5


def layout(touchpoint_id: str | None = None, **query):
    return page_layout(_touchpoint, query, "segment", touchpoint_id=touchpoint_id)


def _section(title: str, body) -> dbc.Card:
    return card(title, body, class_name="h-100")


def _comments(context, found, rights: dict):
    """The latest comments on the touchpoint's most answered survey metric, with a link to them all."""
    voice = found["voice"]
    if voice is None:
        return html.P(_("No survey metric is measured here."), className="text-body-secondary")
    if not rights["read_comments"]:
        return comments_withheld()
    latest, total = found["comments"]
    return [
        html.P(
            _(
                "Latest of %(total)s comments on %(metric)s",
                total=format_integer(total),
                metric=voice["name"],
            ),
            className="small",
        ),
        verbatim_list(
            latest,
            found["touchpoints"].set_index("touchpoint_id")["name"],
            found["segments"].set_index("segment_id")["name"],
            found["bands"],
        ),
        html.A(_("All comments"), href=href(f"/metric/{voice['metric_id']}", **context.filters)),
    ]


def _loop(context, allowed: dict) -> html.Div:
    """The touchpoint's closed-loop card; for who may change commitments, under each cause the link that
    starts a redesign sprint from its cases not linked to a commitment yet (others see the counts)."""
    view, touchpoint_id, segment = context.view, context.touchpoint_id, context.segment_id
    figures, starts = closed_loop.touchpoint_loop(view, touchpoint_id, segment, acting_user().owner_id)
    sprints = (
        {
            cause: (
                href(
                    "/commitment/new",
                    metric=metric_id,
                    touchpoint=touchpoint_id,
                    segment=segment,
                    cause=cause,
                    period=view.period.key,
                ),
                unlinked,
            )
            for cause, (unlinked, metric_id) in starts.items()
        }
        if allowed["change_commitments"]
        else None
    )
    return loop_card(
        figures, view.period.label, href("/cases", touchpoint=touchpoint_id, segment=segment), sprints
    )


def _touchpoint(context) -> html.Div:
    view, touchpoint_id, segment = context.view, context.touchpoint_id, context.segment_id
    allowed = rights()
    found = frames.touchpoint(context, LATEST_COMMENTS if allowed["read_comments"] else 0)
    touchpoint, card_, notes = found["touchpoint"], found["card"], found["notes"]
    segment_names = found["segments"].set_index("segment_id")["name"]
    filters = context.filters
    owners = card_.dropna(subset=["owner_id"]).drop_duplicates("owner_id")
    return html.Div(
        [
            dcc.Store(id=SHOWN, data=context.shown),
            breadcrumb(
                [
                    (_("Journey"), href("/journey", **context.view_filters, segment=segment)),
                    (touchpoint["name"], None),
                ]
            ),
            page_header(
                touchpoint["name"],
                _(
                    "%(stage)s · %(channel)s · %(segment)s",
                    stage=touchpoint["journey_stage"].capitalize(),
                    channel=touchpoint["channel"],
                    segment=context.names["segment"],
                ),
                view,
                view_controls(CONTROLS, view, found["periods"], found["segments"], segment),
            ),
            *scorecard_tiles(
                card_,
                found["history"],
                queries.STATUSES,
                lambda row: href(f"/metric/{row.metric_id}", **filters),
                view.comparison.label,
                (
                    lambda row: href(
                        "/commitment/new", metric=row.metric_id, touchpoint=touchpoint_id, segment=segment
                    )
                )
                if allowed["change_commitments"]
                else None,
            ),
            _section(
                _("By segment"),
                kpi_crosstab(
                    found["by_segment"],
                    "segment_id",
                    segment_names,
                    found["metrics"].set_index("metric_id")["name"],
                    lambda row: href(f"/metric/{row.metric_id}", **{**filters, "segment": row.segment_id}),
                ),
            ),
            card(_("Closing the loop"), _loop(context, allowed), class_name="closed-loop-card"),
            dbc.Row(
                [
                    dbc.Col(_section(_("Latest comments"), _comments(context, found, allowed)), lg=6),
                    dbc.Col(
                        _section(
                            _("Annotations"),
                            html.Ul(
                                [
                                    html.Li(_("%(day)s: %(title)s", day=format_day(n.day), title=n.title))
                                    for n in notes.itertuples()
                                ]
                            )
                            if len(notes)
                            else html.P(_("None in this period."), className="text-body-secondary"),
                        ),
                        lg=3,
                    ),
                    dbc.Col(
                        _section(
                            _("Owners involved"),
                            html.Ul(
                                [
                                    html.Li(
                                        [html.Strong(o.owner_name), html.Br(), html.Small(o.owner_title)],
                                        **{"data-owner-id": o.owner_id},
                                    )
                                    for o in owners.itertuples()
                                ],
                                className="list-unstyled",
                            ),
                        ),
                        lg=3,
                    ),
                ],
                className="g-3 mt-1",
            ),
        ],
        id=ROOT,
        className="touchpoint-page",
        **view_attributes(view),
    )


write_view_controls_to_url(CONTROLS, SHOWN)
