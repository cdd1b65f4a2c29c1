"""KPI tiles and the status summary strip: what an executive reads in the two minutes before a review.

A tile shows one row of a KPI frame (queries.kpis): name, value, interval, target, status by colour,
icon and word, the change and whether it is real, whether the gap to target is clear, a 12-month
sparkline, the owner and n. Every page that shows KPIs uses these builders.
"""

import pandas as pd
from dash import html

from components.attributes import kpi_attributes
from components.format import (
    NO_NUMBER,
    format_change,
    format_count,
    format_interval,
    format_target,
    format_value,
    rounds_to_zero,
)
from components.icons import icon
from components.sparkline import sparkline_svg
from components.status import STATUS_LABELS, change_verdict, status_badge


def change_text(row, comparison_label: str, shown_label: str | None = None) -> html.Div:
    """'▲ +2.1 pts vs Q3 2026 · real change': the arrow, the size, and whether it is real, noise, or
    cannot be told from too little data; 'Q3 2026 vs Q2 2026' when the tile shows another period than
    the page's (`shown_label`)."""
    if pd.isna(row.change):
        return html.Div(f"No comparison with {comparison_label}", className="tile-change text-body-secondary")
    flat = rounds_to_zero(row.change, row.unit)
    arrow = "bi-arrow-right" if flat else "bi-arrow-up-right" if row.change > 0 else "bi-arrow-down-right"
    better = None if flat else (row.change > 0) == bool(row.higher_is_better)
    verdict = change_verdict(row.change_significant)
    real = not pd.isna(row.change_significant) and bool(row.change_significant)
    tone = ("" if flat else "better" if better else "worse") if real else "noise"
    return html.Div(
        [
            icon(arrow),
            html.Span(format_change(row.change, row.unit), className="fw-semibold"),
            html.Span(f" {shown_label + ' ' if shown_label else ''}vs {comparison_label} · "),
            html.Span(verdict, className="verdict"),
        ],
        className=f"tile-change change-{tone}",
    )


def gap_text(row) -> str:
    """Whether a value short of its target is clearly short (its 95% interval excludes the target)."""
    # Too little data already says the gap cannot be judged.
    if row.status in ("no_data", "no_target", "insufficient"):
        return ""
    if row.status == "on_track":
        return "Meets target"
    if pd.isna(row.gap_clear):
        return ""
    if not row.gap_clear:
        return "Short of target, within noise"
    return "Clearly below target" if row.higher_is_better else "Clearly above target"


def precision_text(row) -> str:
    """'95% interval 10.0 to 30.0 · n 14': how exact the value is, and what it rests on (answers for
    a survey, days for a ratio, which counts every case but varies from day to day)."""
    interval = format_interval(row.low, row.high, row.unit)
    if row.kind == "ratio":
        days = getattr(row, "days", None)
        basis = (
            ""
            if days is None or pd.isna(days)
            else f" · {format_count(days)} {'day' if days == 1 else 'days'}"
        )
        return (
            f"95% interval {interval}{basis}"
            if interval != NO_NUMBER
            else f"Too few days for an interval{basis}"
        )
    n = "" if pd.isna(row.n) else f" · n {format_count(row.n)}"
    return f"95% interval {interval}{n}"


def _text_or(value, default: str | None) -> str | None:
    """`value` when it is text, else `default` (frames hold None or NaN where there is none)."""
    return value if isinstance(value, str) else default


def kpi_tile(row, sparkline: pd.DataFrame | None, href: str | None, comparison_label: str):
    """One KPI as a tile, a link to `href` when given; `sparkline` holds its monthly value and target."""
    # The detail's kind is a class too, so a compact view (the wall) can keep only the warnings.
    if row.status == "insufficient":
        detail, kind = f"Too little data: n {format_count(row.n)} of {int(row.min_sample)} needed", "warning"
    elif row.status == "no_data":
        detail, kind = "No data in this period", "warning"
    else:
        detail, kind = precision_text(row), "precision"
    image = (
        sparkline_svg(sparkline["value"], sparkline["target"])
        if sparkline is not None and len(sparkline)
        else ""
    )
    container = html.A if href else html.Div
    link = {"href": href} if href else {}
    # Shown at its own cadence's period (queries.kpis): "Q3 2026, measured quarterly".
    measured = _text_or(getattr(row, "measured_period", None), None)
    return container(
        [
            html.Div(
                [html.H2(row.name, className="tile-name"), status_badge(row.status)], className="tile-head"
            ),
            html.Div(f"{measured}, measured {row.cadence}", className="tile-measured") if measured else None,
            html.Div(format_value(row.value, row.unit), className="tile-value"),
            html.Div(detail, className=f"tile-detail tile-detail-{kind}"),
            html.Div(
                [
                    html.Span(
                        "No target set"
                        if pd.isna(row.target)
                        else f"Target {format_target(row.target, row.tolerance, row.unit, row.higher_is_better)}"
                    ),
                    html.Span(gap_text(row), className="tile-gap"),
                ],
                className="tile-target",
            ),
            change_text(
                row,
                _text_or(getattr(row, "compare_label", None), comparison_label),
                measured,  # named in the change line too: a wall has no room for the line above
            ),
            html.Div(
                [
                    html.Img(
                        src=image, alt=f"{row.name}, last 12 months, with target", className="tile-sparkline"
                    )
                    if image
                    else html.Div(className="tile-sparkline"),
                    html.Span(
                        row.owner_name if not pd.isna(row.owner_name) else "No owner",
                        className="tile-owner",
                        title="Owner",
                    ),
                ],
                className="tile-foot",
            ),
        ],
        **link,
        className=f"kpi-tile status-border-{row.status}",
        **kpi_attributes(row),
    )


def summary_strip(values: pd.Series, words, badge, label, colour, attribute: str, noun: str) -> html.Div:
    """How many of `values` are each of `words` (worst first), as chips of `badge(word)` coloured by
    `colour(word)`; words nobody has are left out. `label(word)` is the word for screen readers."""
    counts = values.value_counts()
    shown = [word for word in words if counts.get(word, 0)]
    chips = [
        html.Span(
            [html.Span(str(counts[word]), className="summary-count"), badge(word)],
            className=f"summary-chip status-{colour(word)}",
            **{attribute: word, "data-count": str(counts[word])},
        )
        for word in shown
    ]
    text = f"{len(values)} {noun}: " + ", ".join(f"{counts[word]} {label(word).lower()}" for word in shown)
    return html.Div(chips, className="status-summary", role="status", **{"aria-label": text})


def status_summary(frame: pd.DataFrame, statuses: tuple[str, ...]) -> html.Div:
    """How many KPIs have each status, worst first; statuses nobody has are left out."""
    return summary_strip(
        frame["status"],
        statuses,
        status_badge,
        lambda status: STATUS_LABELS[status][0],
        lambda status: status,
        "data-status",
        "KPIs",
    )


def with_commitment_action(tile, row, href: str) -> html.Div:
    """A tile with an "add a commitment" button beside its value. The button sits outside the tile's
    link (a link inside a link is invalid HTML) and is laid over the tile's empty corner."""
    label = f"Add a commitment for {row.name}"
    return html.Div(
        [
            tile,
            html.A(
                icon("bi-plus-lg"),
                href=href,
                className="tile-action",
                title=label,
                **{"aria-label": label, "data-metric-id": row.metric_id},
            ),
        ],
        className="tile-cell",
    )


def tile_grid(
    card: pd.DataFrame, history: pd.DataFrame, link, comparison_label: str, new_commitment=None
) -> html.Div:
    """A tile per row of a KPI frame, each with its sparkline from `history` (queries.monthly_history)
    and linking to `link(row)`; with `new_commitment(row)`, each offers to add a commitment there."""
    sparklines = dict(tuple(history.groupby("metric_id", sort=False)))
    tiles = []
    for row in card.itertuples(index=False):
        tile = kpi_tile(row, sparklines.get(row.metric_id), link(row), comparison_label)
        tiles.append(with_commitment_action(tile, row, new_commitment(row)) if new_commitment else tile)
    return html.Div(tiles, className="tile-grid")


def scorecard_tiles(
    card: pd.DataFrame, history: pd.DataFrame, statuses, link, comparison_label: str, new_commitment=None
) -> list:
    """A scorecard's body (/, a segment's, a touchpoint's, the wall's): how many KPIs have each status,
    then their tiles (tile_grid's `link` and `new_commitment`)."""
    return [status_summary(card, statuses), tile_grid(card, history, link, comparison_label, new_commitment)]
