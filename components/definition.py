"""The definition panel: exactly how a metric is computed, so nobody has to guess what a number means."""

import pandas as pd
from dash import html

from components.format import format_target

_INTERVALS = {
    "nps": "adjusted Wald (n+3, promoters and detractors +¾ each)",
    "top2box": "Wilson score interval",
    "mean": "mean ± t(0.975, n−1) · s/√n",
    "ratio": (
        "R ± 1.96 · SE with days as the units: SE = √(Σ(numᵢ − R·denᵢ)² / (k(k−1))) / mean(denᵢ) over "
        "the k days with data (none with fewer than 2 days)"
    ),
}


def formula(metric) -> str:
    scale = f"{metric.scale_min:g}–{metric.scale_max:g}" if not pd.isna(metric.scale_min) else ""
    if metric.kind == "nps":
        return "100 × (promoters − detractors) / responses; promoters score 9–10, detractors 0–6, on a 0–10 scale."
    if metric.kind == "top2box":
        return f"Share of responses scoring {metric.scale_max - 1:g} or {metric.scale_max:g} on a {scale} scale, in %."
    if metric.kind == "mean":
        return f"Average score on a {scale} scale."
    scale_word = {"%": " × 100", "per1000": " × 1 000"}.get(metric.unit, "")
    return (
        f"Σ numerator / Σ denominator{scale_word} over the period: a ratio of sums, "
        "never an average of daily ratios."
    )


def definition_panel(metric) -> html.Dl:
    """`metric` is a KPI frame row (catalogue columns plus the view's target and tolerance)."""
    owner = "No owner" if pd.isna(metric.owner_name) else f"{metric.owner_name}, {metric.owner_title}"
    interval = _INTERVALS[metric.kind]
    items = [
        ("What it measures", metric.description if not pd.isna(metric.description) else "—"),
        ("Formula", formula(metric)),
        ("95% interval", interval),
        ("Direction", "Higher is better" if metric.higher_is_better else "Lower is better"),
        (
            "Minimum sample",
            "— (every case is counted; 2 days for an interval)"
            if metric.kind == "ratio"
            else f"{int(metric.min_sample)} responses",
        ),
        ("Owner", owner),
        ("Target", format_target(metric.target, metric.tolerance, metric.unit, metric.higher_is_better)),
        (
            "Status",
            "On track when the target is met; at risk when short by no more than the tolerance; off track beyond.",
        ),
    ]
    # Each term and its text in a group of their own, so a wide screen's grid never parts them.
    return html.Dl(
        [html.Div([html.Dt(term), html.Dd(text)], className="definition-item") for term, text in items],
        className="definition-list",
    )
