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
from components.status import change_verdict, status_badge, status_word
from i18n import N_, _, ngettext


def change_text(row, comparison_label: str, shown_label: str | None = None) -> html.Div:
    """'▲ +2.1 pts vs Q3 2026 · real change': the arrow, the size, and whether it is real, noise, or
    cannot be told from too little data; 'Q3 2026 vs Q2 2026' when the tile shows another period than
    the page's (`shown_label`)."""
    if pd.isna(row.change):
        return html.Div(
            _("No comparison with %(period)s", period=comparison_label),
            className="tile-change text-body-secondary",
        )
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
            html.Span(
                " "
                + (
                    _("%(period)s vs %(comparison)s", period=shown_label, comparison=comparison_label)
                    if shown_label
                    else _("vs %(comparison)s", comparison=comparison_label)
                )
                + " · "
            ),
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
        return _("Meets target")
    if pd.isna(row.gap_clear):
        return ""
    if not row.gap_clear:
        return _("Short of target, within noise")
    return _("Clearly below target") if row.higher_is_better else _("Clearly above target")


def precision_text(row) -> str:
    """'95% interval 10.0 to 30.0 · n 14': how exact the value is, and what it rests on (answers for
    a survey, days for a ratio, which counts every case but varies from day to day)."""
    interval = format_interval(row.low, row.high, row.unit)
    if row.kind == "ratio":
        days = getattr(row, "days", None)
        if days is None or pd.isna(days):
            return (
                _("95%% interval %(interval)s", interval=interval)
                if interval != NO_NUMBER
                else _("Too few days for an interval")
            )
        if interval == NO_NUMBER:
            return ngettext(
                "Too few days for an interval · %(num)s day",
                "Too few days for an interval · %(num)s days",
                int(days),
            )
        return ngettext(
            "95%% interval %(interval)s · %(num)s day",
            "95%% interval %(interval)s · %(num)s days",
            int(days),
            interval=interval,
        )
    if pd.isna(row.n):
        return _("95%% interval %(interval)s", interval=interval)
    return _("95%% interval %(interval)s · n %(n)s", interval=interval, n=format_count(row.n))


#: The cadences' words in "measured quarterly" (data.warehouse.contract's CADENCES), marked for translation.
MEASURED = {
    "daily": N_("%(period)s, measured daily"),
    "weekly": N_("%(period)s, measured weekly"),
    "monthly": N_("%(period)s, measured monthly"),
    "quarterly": N_("%(period)s, measured quarterly"),
}


def measured_text(period: str, cadence: str) -> str:
    """'Q3 2026, measured quarterly': a metric shown at its own cadence's period."""
    return _(MEASURED[cadence], period=period) if cadence in MEASURED else f"{period}, {cadence}"


def _text_or(value, default: str | None) -> str | None:
    """`value` when it is text, else `default` (frames hold None or NaN where there is none)."""
    return value if isinstance(value, str) else default


def kpi_tile(row, sparkline: pd.DataFrame | None, href: str | None, comparison_label: str):
    """One KPI as a tile, a link to `href` when given; `sparkline` holds its monthly value and target."""
    # The detail's kind is a class too, so a compact view (the wall) can keep only the warnings.
    if row.status == "insufficient":
        detail = _(
            "Too little data: n %(n)s of %(needed)s needed",
            n=format_count(row.n),
            needed=format_count(int(row.min_sample)),
        )
        kind = "warning"
    elif row.status == "no_data":
        detail, kind = _("No data in this period"), "warning"
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
            html.Div(measured_text(measured, row.cadence), className="tile-measured") if measured else None,
            html.Div(format_value(row.value, row.unit), className="tile-value"),
            html.Div(detail, className=f"tile-detail tile-detail-{kind}"),
            html.Div(
                [
                    html.Span(
                        _("No target set")
                        if pd.isna(row.target)
                        else _(
                            "Target %(target)s",
                            target=format_target(row.target, row.tolerance, row.unit, row.higher_is_better),
                        )
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
                        src=image,
                        alt=_("%(metric)s, last 12 months, with target", metric=row.name),
                        className="tile-sparkline",
                    )
                    if image
                    else html.Div(className="tile-sparkline"),
                    html.Span(
                        row.owner_name if not pd.isna(row.owner_name) else _("No owner"),
                        className="tile-owner",
                        title=_("Owner"),
                    ),
                ],
                className="tile-foot",
            ),
        ],
        **link,
        className=f"kpi-tile status-border-{row.status}",
        **kpi_attributes(row),
    )


def summary_strip(values: pd.Series, words, badge, label, colour, attribute: str, noun) -> html.Div:
    """How many of `values` are each of `words` (worst first), as chips of `badge(word)` coloured by
    `colour(word)`; words nobody has are left out. `label(word)` is the word for screen readers, and
    `noun(count)` says how many things there are ('12 KPIs', by the language's plural rules)."""
    counts = values.value_counts()
    shown = [word for word in words if counts.get(word, 0)]
    text = _("%(things)s: %(counts)s") % {
        "things": noun(len(values)) if callable(noun) else f"{format_count(len(values))} {noun}",
        "counts": _(", ").join(
            _("%(count)s %(status)s", count=format_count(counts[word]), status=label(word).lower())
            for word in shown
        ),
    }
    chips = [
        html.Span(
            [html.Span(format_count(counts[word]), className="summary-count"), badge(word)],
            className=f"summary-chip status-{colour(word)}",
            **{attribute: word, "data-count": str(counts[word])},
        )
        for word in shown
    ]
    return html.Div(chips, className="status-summary", role="status", **{"aria-label": text})


def status_summary(frame: pd.DataFrame, statuses: tuple[str, ...]) -> html.Div:
    """How many KPIs have each status, worst first; statuses nobody has are left out."""
    return summary_strip(
        frame["status"],
        statuses,
        status_badge,
        status_word,
        lambda status: status,
        "data-status",
        lambda count: ngettext("%(num)s KPI", "%(num)s KPIs", count),
    )


def with_commitment_action(tile, row, href: str) -> html.Div:
    """A tile with an "add a commitment" button beside its value. The button sits outside the tile's
    link (a link inside a link is invalid HTML) and is laid over the tile's empty corner."""
    label = _("Add a commitment for %(metric)s", metric=row.name)
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
