"""The definition panel: exactly how a metric is computed, so nobody has to guess what a number means."""

import pandas as pd
from dash import html

import i18n
from components.format import format_target
from i18n import N_, _, ngettext

#: How each kind's 95% interval is computed (translate with `_` where shown).
_INTERVALS = {
    "nps": N_("adjusted Wald (n+3, promoters and detractors +¾ each)"),
    "top2box": N_("Wilson score interval"),
    "mean": N_("mean ± t(0.975, n−1) · s/√n"),
    "ratio": N_(
        "R ± 1.96 · SE with days as the units: SE = √(Σ(numᵢ − R·denᵢ)² / (k(k−1))) / mean(denᵢ) over "
        "the k days with data (none with fewer than 2 days)"
    ),
}


def score_text(value: float) -> str:
    """A score of a scale as `:g` writes it ('10', '2.5'), in the language's digits and decimal sign."""
    return i18n.format_integer(int(value)) if float(value).is_integer() else i18n.format_decimal(value, 1)


def formula(metric) -> str:
    scale = (
        _("%(low)s–%(high)s", low=score_text(metric.scale_min), high=score_text(metric.scale_max))
        if not pd.isna(metric.scale_min)
        else ""
    )
    if metric.kind == "nps":
        return _(
            "100 × (promoters − detractors) / responses; promoters score 9–10, detractors 0–6, on a 0–10 scale."
        )
    if metric.kind == "top2box":
        return _(
            "Share of responses scoring %(low)s or %(high)s on a %(scale)s scale, in %%.",
            low=score_text(metric.scale_max - 1),
            high=score_text(metric.scale_max),
            scale=scale,
        )
    if metric.kind == "mean":
        return _("Average score on a %(scale)s scale.", scale=scale)
    scaling = {"%": " × 100", "per1000": f" × {i18n.format_integer(1000)}"}.get(metric.unit, "")
    return _(
        "Σ numerator / Σ denominator%(scaling)s over the period: a ratio of sums, "
        "never an average of daily ratios.",
        scaling=scaling,
    )


def definition_panel(metric) -> html.Dl:
    """`metric` is a KPI frame row (catalogue columns plus the view's target and tolerance)."""
    owner = (
        _("No owner") if pd.isna(metric.owner_name) else _(", ").join([metric.owner_name, metric.owner_title])
    )
    interval = _(_INTERVALS[metric.kind])
    items = [
        (_("What it measures"), metric.description if not pd.isna(metric.description) else "—"),
        (_("Formula"), formula(metric)),
        (_("%(level)s interval", level=i18n.format_percent(95, 0)), interval),
        (_("Direction"), _("Higher is better") if metric.higher_is_better else _("Lower is better")),
        (
            _("Minimum sample"),
            _("— (every case is counted; 2 days for an interval)")
            if metric.kind == "ratio"
            else ngettext("%(num)s response", "%(num)s responses", int(metric.min_sample)),
        ),
        (_("Owner"), owner),
        (_("Target"), format_target(metric.target, metric.tolerance, metric.unit, metric.higher_is_better)),
        (
            _("Status"),
            _(
                "On track when the target is met; at risk when short by no more than the tolerance; "
                "off track beyond."
            ),
        ),
    ]
    # Each term and its text in a group of their own, so a wide screen's grid never parts them.
    return html.Dl(
        [html.Div([html.Dt(term), html.Dd(text)], className="definition-item") for term, text in items],
        className="definition-list",
    )
