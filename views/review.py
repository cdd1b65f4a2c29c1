"""What the executive review pack (/review) needs from its URL, and the pack as a PDF for a download.

/review?period=2026-Q4&compare=prev&segment=smb&public=1 — `public=1` follows the wall's public rules
(views.wall_settings): figures from too few answers blanked, no comments (the pack has none anyway).
"""

from dataclasses import dataclass, replace
from urllib.parse import urlencode

import flask
import pandas as pd

import i18n
import queries
from components.commitments.register import milestones
from components.figures import trend_figure
from components.review import reviewed
from data import review_pack
from data.state import commitments
from queries.accountability import commitments_in_view
from views import frames
from views.commitment_context import effects, names
from views.context import PageContext
from views.wall_settings import parse_wall_settings

#: What pack_pdf raises, named here for its callers (pages do not reach into data/).
ReviewPackError = review_pack.ReviewPackError

#: The query parameters the pack's page reads, besides the view's period and comparison.
READS = ("segment",)


def public_mode(query: dict) -> bool:
    """Whether the URL asks for the public edition; WallSettingError names a bad `public=`."""
    return parse_wall_settings({"public": query.get("public")}).public


@dataclass(frozen=True)
class MetricPage:
    row: object  # the metric's scorecard row
    trend: dict  # the trend figure
    by_touchpoint: pd.DataFrame
    by_segment: pd.DataFrame
    commitments: pd.DataFrame


def _trend(context: PageContext, unit: str, marks: tuple) -> dict:
    """The metric page's trend for the view, in light colours (paper), sized for a pack's page."""
    figure = trend_figure(*frames.trend(context), unit, "light", marks)
    figure["layout"] = {**figure["layout"], "height": 250, "margin": {"t": 10, "b": 40, "l": 50, "r": 10}}
    return figure


def review(context: PageContext, public: bool) -> dict:
    """The pack's frames: the scorecard, a MetricPage per metric off track or at risk, the register."""
    view, segment = context.view, context.segment_id
    card = queries.scorecard(view, segment_id=segment)
    thin = queries.without_thin_values if public else (lambda frame: frame)
    card = thin(card)
    today = commitments.current_date()
    # In the order the register's "Due" heading says: soonest first.
    register = commitments_in_view(commitments.register(today=today), segment_id=segment).sort_values(
        ["due_on", "commitment_id"], ignore_index=True
    )
    pages = []
    for row in reviewed(card).itertuples(index=False):
        on_metric = commitments_in_view(register, row.metric_id)
        metric_context = replace(context, metric_id=row.metric_id)
        found = frames.breakdowns(metric_context)
        pages.append(
            MetricPage(
                row=row,
                trend=_trend(metric_context, row.unit, milestones(on_metric)),
                by_touchpoint=thin(found["touchpoint"]),
                by_segment=thin(found["segment"]),
                commitments=on_metric,
            )
        )
    return {
        "card": card,
        "pages": pages,
        "register": register,
        "names": names(),
        "effects": effects(register, view.as_of),
        "today": today,
        "touchpoints": queries.touchpoints().set_index("touchpoint_id")["name"],
        "segments": queries.segments().set_index("segment_id")["name"],
    }


def pack_pdf(params: dict) -> bytes:
    """The review pack of the view `params` name (period, compare, segment), printed by Chromium from
    this very server (the request's own URL root), signed in as the user asking: their cookies go with
    it, and the pack is in the language of their request. ReviewPackError says why there is none."""
    chosen = {key: params.get(key) for key in ("period", "compare", *READS) if params.get(key)}
    query = urlencode({**chosen, i18n.PARAMETER: i18n.current()})
    root = flask.request.host_url
    cookies = [{"name": name, "value": value, "url": root} for name, value in flask.request.cookies.items()]
    return review_pack.render_pack(root, query, None, cookies=cookies)
