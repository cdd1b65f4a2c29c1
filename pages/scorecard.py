"""`/` — the scorecard: every KPI for the period with its owner, target, status and change.

This first version is the accessible KPI table; the tiles, controls and sparklines come with the
scorecard issue. Filters come from the URL (?period=2026-Q3&compare=prev&segment=smb).
"""

import dash
from dash import html

import queries
from components.feedback import problem
from components.kpi_table import kpi_table

dash.register_page(__name__, path="/", name="Scorecard", title="Scorecard · Beacon", order=0)

PREFIX = "scorecard"
ROOT = f"{PREFIX}-root"


def layout(period: str | None = None, compare: str | None = None, segment: str | None = None, **_other):
    try:
        view = queries.view(period, compare)
        segments = queries.segments()
        if segment and segment not in set(segments["segment_id"]):
            return problem("Unknown segment", f"There is no customer segment “{segment}”.")
        frame = queries.scorecard(view, segment_id=segment or None)
    except queries.WarehouseError as error:
        return problem("The warehouse cannot be read", str(error), back_href=None)
    except queries.PeriodError as error:
        return problem("That period cannot be shown", str(error))

    segment_name = segments.set_index("segment_id")["name"].get(segment, "All customers")
    return html.Div(
        [
            html.Div(
                [
                    html.H1("Scorecard"),
                    html.Span(f"{view.period.label} · {segment_name}"),
                    html.Span(
                        f"vs {view.comparison.label} · data as of {view.as_of:%d %b %Y}",
                        className="as-of",
                    ),
                ],
                className="page-header",
            ),
            kpi_table(frame),
        ],
        id=ROOT,
        **{
            "data-period-start": view.period.start.isoformat(),
            "data-period-end": view.period.end.isoformat(),
            "data-as-of": view.as_of.isoformat(),
        },
    )
