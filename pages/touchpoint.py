"""`/touchpoint/<touchpoint_id>` — one touchpoint: every metric measured there against its
touchpoint-scoped target (else the general one), by segment, with its annotations, latest comments
and the owners involved. URL: ?period=&compare=&segment=.
"""

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

import queries
from components.controls import ControlIds, view_controls
from components.crosstab import kpi_crosstab
from components.feedback import problem
from components.header import page_header, view_attributes
from components.links import href
from components.tiles import status_summary, tile_grid
from components.verbatims import comments_withheld, verbatim_list
from views.freshness import with_stale_notice
from views.users import rights
from views.view_controls import write_view_controls_to_url

dash.register_page(__name__, path_template="/touchpoint/<touchpoint_id>", title="Touchpoint · Beacon")

ROOT = "touchpoint-root"
SHOWN = "touchpoint-shown"  # the filters of the view on screen, as the page resolved them
CONTROLS = ControlIds(period="touchpoint-period", compare="touchpoint-compare", segment="touchpoint-segment")
LATEST_COMMENTS = 5


def layout(touchpoint_id: str | None = None, **query):
    params = {"touchpoint_id": touchpoint_id, **{k: query.get(k) for k in ("period", "compare", "segment")}}
    try:
        return with_stale_notice(_page(params, rights()))
    except queries.WarehouseError as error:
        return problem("The warehouse cannot be read", str(error), back_href=None)


def _section(title: str, body) -> dbc.Card:
    return dbc.Card(
        [dbc.CardHeader(html.H2(title, className="h6 mb-0")), dbc.CardBody(body)], className="h-100"
    )


@queries.memoised
def _page(params: dict, rights: dict):
    touchpoint_id, segment = params["touchpoint_id"], params.get("segment") or None
    try:
        view = queries.view(params.get("period"), params.get("compare"))
        touchpoints, segments, metrics = queries.touchpoints(), queries.segments(), queries.metrics()
        if touchpoint_id not in set(touchpoints["touchpoint_id"]):
            raise LookupError(f"There is no touchpoint “{touchpoint_id}”. Pick one on the journey map.")
        if segment and segment not in set(segments["segment_id"]):
            raise LookupError(f"There is no customer segment “{segment}”.")
        card = queries.touchpoint_scorecard(view, touchpoint_id, segment)
        history = queries.monthly_history(view.as_of, segment_id=segment, touchpoint_id=touchpoint_id)
        by_segment = queries.kpis(view, ("segment",), touchpoint_id=touchpoint_id)
        notes = queries.annotations(view.comparison.start, view.period.end, None, touchpoint_id)
        first_day, _ = queries.data_range()
    except (queries.PeriodError, LookupError) as error:
        return problem("This view cannot be shown", str(error))

    touchpoint = touchpoints.set_index("touchpoint_id").loc[touchpoint_id]
    segment_names = segments.set_index("segment_id")["name"]
    metric_names = metrics.set_index("metric_id")["name"]
    filters = {"period": params.get("period"), "compare": params.get("compare")}
    controls = view_controls(CONTROLS, view, queries.period_choices(first_day, view.as_of), segments, segment)
    shown = {"period": view.period.key, "compare": view.compare, "segment": segment}
    comments = html.P("No survey metric is measured here.", className="text-body-secondary")
    voice = queries.voice_metric(card)
    if voice is not None and not rights["read_comments"]:
        comments = comments_withheld()
    elif voice is not None:
        # Its metric page has all the comments.
        latest, total = queries.verbatims(
            view, voice["metric_id"], touchpoint_id, segment, page_size=LATEST_COMMENTS
        )
        comments = [
            html.P(
                f"Latest of {total:,} comments on {voice['name']}".replace(",", "\u202f"), className="small"
            ),
            verbatim_list(
                latest,
                touchpoints.set_index("touchpoint_id")["name"],
                segment_names,
                queries.score_bands(
                    voice["kind"], voice["scale_min"], voice["scale_max"], voice["higher_is_better"]
                ),
            ),
            html.A(
                "All comments",
                href=href(
                    f"/metric/{voice['metric_id']}", **filters, segment=segment, touchpoint=touchpoint_id
                ),
            ),
        ]
    owners = card.dropna(subset=["owner_id"]).drop_duplicates("owner_id")
    return html.Div(
        [
            dcc.Store(id=SHOWN, data=shown),
            html.Nav(
                html.Ol(
                    [
                        html.Li(
                            html.A("Journey", href=href("/journey", **filters, segment=segment)),
                            className="breadcrumb-item",
                        ),
                        html.Li(touchpoint["name"], className="breadcrumb-item active"),
                    ],
                    className="breadcrumb mb-2",
                ),
                **{"aria-label": "breadcrumb"},
            ),
            page_header(
                touchpoint["name"],
                f"{touchpoint['journey_stage'].capitalize()} · {touchpoint['channel']} · "
                f"{segment_names.get(segment, 'All customers')}",
                view,
                controls,
            ),
            status_summary(card, queries.STATUSES),
            tile_grid(
                card,
                history,
                lambda row: href(
                    f"/metric/{row.metric_id}", **filters, segment=segment, touchpoint=touchpoint_id
                ),
                view.comparison.label,
                (
                    lambda row: href(
                        "/commitment/new", metric=row.metric_id, touchpoint=touchpoint_id, segment=segment
                    )
                )
                if rights["change_commitments"]
                else None,
            ),
            _section(
                "By segment",
                kpi_crosstab(
                    by_segment,
                    "segment_id",
                    segment_names,
                    metric_names,
                    lambda row: href(
                        f"/metric/{row.metric_id}",
                        **filters,
                        segment=row.segment_id,
                        touchpoint=touchpoint_id,
                    ),
                ),
            ),
            dbc.Row(
                [
                    dbc.Col(_section("Latest comments", comments), lg=6),
                    dbc.Col(
                        _section(
                            "Annotations",
                            html.Ul(
                                [
                                    html.Li(f"{pd.Timestamp(n.day):%-d %b %Y}: {n.title}")
                                    for n in notes.itertuples()
                                ]
                            )
                            if len(notes)
                            else html.P("None in this period.", className="text-body-secondary"),
                        ),
                        lg=3,
                    ),
                    dbc.Col(
                        _section(
                            "Owners involved",
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
