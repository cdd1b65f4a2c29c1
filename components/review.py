"""The executive review pack's pages, as print builders: a cover, the scorecard, one page per metric off
track or at risk (its trend, its breakdowns, its owner's commitments and their verdicts) and the
commitments register. Pure: frames in, components out (views.review gathers the frames)."""

from datetime import date

import pandas as pd
from dash import dcc, html

from components.attributes import kpi_attributes
from components.commitments.register import commitment_list, register_table
from components.dates import format_day
from components.format import format_value
from components.kpi_table import kpi_table
from components.status import status_badge
from components.tiles import change_text, gap_text, precision_text, status_summary
from i18n import N_, _

#: The statuses a metric needs for a page of its own, worst first.
REVIEWED = ("off_track", "at_risk")


def cover(view, audience: str, public: bool, made_on: date) -> html.Section:
    """The first page: what the pack reviews (period, comparison, audience) and how fresh its data is."""
    return html.Section(
        [
            html.Div(_("Beacon · Executive review"), className="review-kicker"),
            html.H1(view.period.label, className="review-cover-period"),
            html.Div(
                _("compared with %(comparison)s", comparison=view.comparison.label),
                className="review-cover-compare",
            ),
            html.Div(audience, className="review-cover-audience", dir="auto"),
            html.Dl(
                [
                    html.Dt(_("Data as of")),
                    html.Dd(format_day(view.as_of), className="review-as-of"),
                    html.Dt(_("Period")),
                    html.Dd(
                        _(
                            "%(start)s to %(end)s",
                            start=format_day(view.period.start),
                            end=format_day(view.period.end),
                        )
                    ),
                    html.Dt(_("Prepared")),
                    html.Dd(format_day(made_on)),
                ],
                className="review-cover-facts",
            ),
            html.P(_("Public edition: thin slices blanked, no comments."), className="review-public")
            if public
            else None,
        ],
        className="review-page review-cover",
    )


def scorecard_section(card: pd.DataFrame, statuses, comparison_label: str) -> html.Section:
    """Every KPI with its owner, value, interval, n, target, status and change with its verdict."""
    return html.Section(
        [
            html.H2(_("Scorecard"), className="review-title"),
            html.Div(
                _("Change is against %(comparison)s.", comparison=comparison_label),
                className="review-subtitle",
            ),
            status_summary(card, statuses),
            kpi_table(card),
        ],
        className="review-page review-scorecard",
    )


def metric_section(
    row,
    trend_figure: dict,
    by_touchpoint: pd.DataFrame,
    by_segment: pd.DataFrame,
    touchpoint_names: pd.Series,
    segment_names: pd.Series,
    commitments: pd.DataFrame,
    names: dict,
    effects: dict,
    today: date,
    comparison_label: str,
) -> html.Section:
    """One metric off track or at risk on a page of its own: the headline figures, the trend, the
    metric by touchpoint and by segment, and its commitments with their "did it move" verdicts."""
    owner = row.owner_name if isinstance(row.owner_name, str) else _("No owner")
    headline = html.Div(
        [
            html.Div(
                [
                    html.H2(row.name, className="review-title", dir="auto"),
                    status_badge(row.status),
                    html.Span(_("Owner: %(name)s", name=owner), className="review-owner", dir="auto"),
                ],
                className="review-metric-head",
            ),
            html.Div(
                [
                    html.Span(format_value(row.value, row.unit), className="review-value"),
                    html.Span(precision_text(row), className="review-precision"),
                    html.Span(gap_text(row), className="review-gap"),
                    change_text(row, comparison_label),
                ],
                className="review-metric-figures",
            ),
        ],
        className="review-metric-headline",
        **kpi_attributes(row),
    )
    plans = (
        commitment_list(commitments, names, effects, today)
        if len(commitments)
        else html.P(_("No commitments on this metric."), className="review-none")
    )
    return html.Section(
        [
            headline,
            dcc.Graph(
                figure=trend_figure,
                config={"staticPlot": True, "displayModeBar": False},
                className="review-graph",
            ),
            html.Div(
                [
                    _breakdown(
                        _("By touchpoint"), N_("Touchpoint"), by_touchpoint, "touchpoint_id", touchpoint_names
                    ),
                    html.Div(
                        [
                            _breakdown(
                                _("By segment"), _("Segment"), by_segment, "segment_id", segment_names
                            ),
                            html.Div([html.H3(_("Commitments")), plans], className="review-plans"),
                        ]
                    ),
                ],
                className="review-metric-body",
            ),
        ],
        className="review-page review-metric",
        **{"data-metric-id": row.metric_id},
    )


def _breakdown(title: str, heading: str, frame: pd.DataFrame, column: str, names: pd.Series) -> html.Div:
    """A breakdown's KPI table (its first column headed `heading`, an N_ message), its rows in the catalogue's order
    (journey order for touchpoints)."""
    if frame.empty:
        return html.Div([html.H3(title), html.P(_("No data in this period."), className="review-none")])
    ordered = frame.set_index(column, drop=False).reindex([i for i in names.index if i in set(frame[column])])
    table = kpi_table(ordered, lambda row: names.get(getattr(row, column), getattr(row, column)), heading)
    return html.Div([html.H3(title), table], className="review-breakdown")


def register_section(register: pd.DataFrame, names: dict, effects: dict, today: date) -> html.Section:
    """The commitments register: every commitment in the pack's audience, with its effect verdict."""
    body = (
        register_table(
            register,
            names,
            effects,
            "due_on",
            lambda _key: None,
            lambda commitment_id: f"/commitment/{commitment_id}",
            today,
        )
        if len(register)
        else html.P(_("No commitments yet."), className="review-none")
    )
    return html.Section(
        [html.H2(_("Commitments register"), className="review-title"), body],
        className="review-page review-register",
    )


def reviewed(card: pd.DataFrame) -> pd.DataFrame:
    """The KPI rows that get a page of their own: off track first, then at risk, each in card order."""
    order = {status: rank for rank, status in enumerate(REVIEWED)}
    chosen = card[card["status"].isin(REVIEWED)]
    return (
        chosen.assign(_rank=chosen["status"].map(order))
        .sort_values("_rank", kind="stable")
        .drop(columns="_rank")
    )
