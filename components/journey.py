"""The customer journey map and the top movers: pure builders over KPI frames (queries.kpis)."""

from collections import Counter, defaultdict

import pandas as pd
from dash import html

from components.attributes import kpi_attributes
from components.format import format_change, format_count, format_value
from components.icons import icon
from components.links import href
from components.status import STATUS_LABELS, status_badge, status_word
from i18n import N_, _, ngettext

# Statuses from worst to best, for "the worst status stands out"; words without a verdict come last.
_SEVERITY = {"off_track": 0, "at_risk": 1, "insufficient": 2, "on_track": 3, "no_target": 4, "no_data": 5}


def _metric_line(row) -> html.Li:
    glyph, label = STATUS_LABELS[row.status][1], status_word(row.status)
    return html.Li(
        [
            html.Span(row.name, className="journey-metric-name"),
            html.Span(
                [
                    format_value(row.value, row.unit),
                    icon(glyph, f"ms-1 status-{row.status}", label=label),
                ],
                className="journey-metric-value",
            ),
        ],
        className="journey-metric",
        **kpi_attributes(row),
    )


def default_metric(by_touchpoint: pd.DataFrame) -> str:
    """The metric measured at the most touchpoints (it colours most of the map), then with the most
    responses: touchpoint NPS rather than relationship NPS in the demo."""
    reach = by_touchpoint.groupby("metric_id", sort=False).agg(
        touchpoints=("touchpoint_id", "nunique"), responses=("n", "sum")
    )
    return reach.sort_values(["touchpoints", "responses"], ascending=False).index[0]


#: How the other metrics of a card that need no attention are counted, by status: the count in words,
#: in the language's plural form.
_CALM_COUNTS = {
    "on_track": lambda n: ngettext("%(num)s other metric on track", "%(num)s other metrics on track", n),
    "insufficient": lambda n: ngettext(
        "%(num)s other metric with too little data", "%(num)s other metrics with too little data", n
    ),
    "no_target": lambda n: ngettext(
        "%(num)s other metric with no target", "%(num)s other metrics with no target", n
    ),
    "no_data": lambda n: ngettext(
        "%(num)s other metric with no data", "%(num)s other metrics with no data", n
    ),
}


def touchpoint_card(touchpoint, rows: list, selected_metric: str, link: str, compact: bool = False) -> html.A:
    """A touchpoint with the selected metric large, coloured by its status on the left edge, and the
    worst status of the other metrics measured here as plainly on the right edge, with those needing
    attention (off track or at risk) named and the rest counted by status. `compact` (the wall)
    counts the ones needing attention instead of listing them. `rows`: the touchpoint's KPI rows, as
    DataFrame.itertuples gives them (a card is drawn per touchpoint: plain rows keep that quick)."""
    selected = [row for row in rows if row.metric_id == selected_metric]
    others = sorted(
        (row for row in rows if row.metric_id != selected_metric), key=lambda row: _SEVERITY[row.status]
    )
    attention = [row for row in others if row.status in ("off_track", "at_risk")]
    others_status = others[0].status if others else ""
    if selected:
        row = selected[0]
        headline = html.Div(
            [
                html.Span(format_value(row.value, row.unit), className="journey-value"),
                status_badge(row.status),
            ],
            className="journey-headline",
            **kpi_attributes(row),
        )
        colour_status = row.status
    else:
        headline = html.Div(_("Not measured here"), className="journey-headline text-body-secondary")
        colour_status = "no_data"
    return html.A(
        [
            html.Div(
                [
                    html.Span(touchpoint.name, className="journey-touchpoint"),
                    html.Span(touchpoint.channel, className="journey-channel"),
                ],
                className="journey-card-head",
            ),
            headline,
            *(_attention_count(attention) if compact else _attention_lines(attention, others)),
        ],
        href=link,
        className=f"journey-card status-border-{colour_status}"
        + (f" others-{others_status}" if others_status else ""),
        **{
            "data-touchpoint-id": touchpoint.touchpoint_id,
            "data-status": colour_status,
            "data-others-status": others_status,
        },
    )


#: The badge over the other metrics needing attention, by the worst one's status.
_OTHERS_STATUS = {"off_track": N_("Other metrics: off track"), "at_risk": N_("Other metrics: at risk")}


def _attention_lines(attention: list, others: list) -> list:
    """The others needing attention under a badge of the worst one's status, then the rest counted."""
    alarmed = {row.metric_id for row in attention}
    calm = Counter(row.status for row in others if row.metric_id not in alarmed)
    counts = [counted(calm[status]) for status, counted in _CALM_COUNTS.items() if status in calm]
    alarm = []
    if attention:
        worst = attention[0].status
        glyph = STATUS_LABELS[worst][1]
        alarm = [
            html.Div(
                [
                    icon(glyph),
                    _(_OTHERS_STATUS[worst]),
                ],
                className=f"status-badge journey-others status-{worst}",
            ),
            html.Ul([_metric_line(row) for row in attention], className="journey-metrics"),
        ]
    return [*alarm, *(html.Div(text, className="journey-rest") for text in counts)]


def _attention_count(attention: list) -> list:
    if not attention:
        return [html.Div(_("No other in alarm"), className="journey-rest")]
    worst = attention[0].status
    glyph = STATUS_LABELS[worst][1]
    count = len(attention)
    return [
        html.Div(
            [
                icon(glyph, f"status-{worst}"),
                " " + ngettext("%(num)s other in alarm", "%(num)s others in alarm", count),
            ],
            className="journey-rest journey-attention-count",
            title=", ".join(row.name for row in attention),
            **{"data-count": str(count)},
        )
    ]


def journey_map(
    touchpoints: pd.DataFrame, kpis: pd.DataFrame, selected_metric: str, filters: dict, compact: bool = False
) -> html.Div:
    """Stages left to right by stage_order, each a column of its touchpoints' cards (`compact` ones on
    the wall)."""
    rows = defaultdict(list)
    for row in kpis.itertuples(index=False):
        rows[row.touchpoint_id].append(row)
    columns = []
    for (_order, stage), stage_touchpoints in touchpoints.groupby(
        ["stage_order", "journey_stage"], sort=True
    ):
        cards = [
            touchpoint_card(
                touchpoint,
                rows[touchpoint.touchpoint_id],
                selected_metric,
                href(f"/touchpoint/{touchpoint.touchpoint_id}", **filters),
                compact,
            )
            for touchpoint in stage_touchpoints.itertuples(index=False)
        ]
        columns.append(
            html.Section(
                [html.H2(stage.capitalize(), className="journey-stage-name"), *cards],
                className="journey-stage",
                **{"data-journey-stage": stage},
            )
        )
    return html.Div(columns, className="journey-map")


def cell_label(touchpoint_names, segment_names):
    """'Online checkout · Students': a mover's label for touchpoint × segment cells."""
    return lambda row: _(
        "%(touchpoint)s · %(segment)s",
        touchpoint=touchpoint_names.get(row.touchpoint_id),
        segment=segment_names.get(row.segment_id),
    )


#: What the movers lists hold, said under every one of them (translate it with `_` where shown).
REAL_CHANGES_ONLY = N_(
    "Only real changes: significant at 95%, with enough answers (for ratio metrics, days) in both periods."
)


def _mover_detail(row) -> str:
    """'41.0 → 45.5 · n 1 234': a mover's value before and now, and its n."""
    values = {"before": format_value(row.previous_value, row.unit), "now": format_value(row.value, row.unit)}
    if pd.isna(row.n):
        return _("%(before)s → %(now)s", **values)
    return _("%(before)s → %(now)s · n %(n)s", **values, n=format_count(row.n))


def mover_list(title: str, movers: pd.DataFrame, label, link, title_class: str = "h6") -> html.Div:
    """Rows whose change is real (significant at 95%), in the order given: `label(row)` names each
    (a cell, a metric), `link(row)` is its URL."""
    if movers.empty:
        return html.Div(
            [
                html.H3(title, className=title_class),
                html.P(_("No real change in this direction."), className="text-body-secondary"),
            ]
        )
    items = [
        html.Li(
            html.A(
                [
                    html.Span(label(row), className="mover-cell"),
                    html.Span(format_change(row.change, row.unit), className="mover-change"),
                    html.Span(
                        _mover_detail(row),
                        className="mover-detail",
                    ),
                ],
                href=link(row),
            ),
            className="mover",
            **kpi_attributes(row),
        )
        for row in movers.itertuples(index=False)
    ]
    return html.Div([html.H3(title, className=title_class), html.Ol(items, className="mover-list")])
