"""`/review` — the executive review pack as a print layout, what `python -m data.review_pack` prints.

/review?period=2026-Q4&compare=prev&segment=smb&public=1: a cover, the scorecard, a page per metric off
track or at risk, the commitments register; light colours always (assets/review.css). The root says
data-review-ready="true" once every chart is drawn, for the printer to wait on.
"""

import dash
from dash import Input, Output, clientside_callback, dcc, html

import queries
from components import review as pack
from components.feedback import problem
from components.header import view_attributes
from i18n import _
from views import review
from views.context import PROBLEM_TITLE, page_layout
from views.wall_settings import WallSettingError

dash.register_page(__name__, path="/review", title=lambda **_query: _("Review pack · Beacon"))

ROOT = "review-root"
READY = "review-ready"  # polls until every chart is drawn, then marks the root ready and stops


def layout(**query):
    try:
        public = review.public_mode(query)
    except WallSettingError as error:
        return problem(_(PROBLEM_TITLE), str(error))
    return page_layout(lambda context: _review(context, public), query, *review.READS)


def _review(context, public: bool) -> html.Div:
    view, found = context.view, review.review(context, public)
    comparison = view.comparison.label
    return html.Div(
        [
            dcc.Interval(id=READY, interval=100),
            pack.cover(view, context.names["segment"], public, found["today"]),
            pack.scorecard_section(found["card"], queries.STATUSES, comparison),
            *(
                pack.metric_section(
                    page.row,
                    page.trend,
                    page.by_touchpoint,
                    page.by_segment,
                    found["touchpoints"],
                    found["segments"],
                    page.commitments,
                    found["names"],
                    found["effects"],
                    found["today"],
                    comparison,
                )
                for page in found["pages"]
            ),
            pack.register_section(found["register"], found["names"], found["effects"], found["today"]),
        ],
        id=ROOT,
        className="review-pack",
        **view_attributes(view),
        **{
            "data-bs-theme": "light",
            "data-public": str(public).lower(),
            "data-reviewed-count": str(len(found["pages"])),
        },
    )


# Plotly draws each chart after the page's components mount; the pack is ready when every one has.
clientside_callback(
    """(ticks) => {
        const root = document.getElementById("review-root");
        if (!root) return window.dash_clientside.no_update;
        const graphs = [...root.querySelectorAll(".review-graph")];
        if (document.fonts.status !== "loaded") return false;
        if (!graphs.every((graph) => graph.querySelector(".main-svg"))) return false;
        root.setAttribute("data-review-ready", "true");
        return true;
    }""",
    Output(READY, "disabled"),
    Input(READY, "n_intervals"),
)
