"""The frames each data page draws, for a resolved page context: memoised together on the context and
the snapshot, so a warm page costs one cache read and the building of its components, which pages do
per request (components are never cached)."""

import queries
from components.journey import default_metric
from views.context import PageContext


def period_choices(context: PageContext) -> list[tuple[str, str]]:
    """The periods the view controls offer: from the first data day to the view's as-of date."""
    first_day, _ = queries.data_range()
    return queries.period_choices(first_day, context.view.as_of)


def trend(context: PageContext):
    """The metric's trend in the view, weekly for periods up to a quarter, else monthly, from the
    comparison period's start, and the annotations over those weeks: (trend, annotations)."""
    view = context.view
    grain = "week" if view.period.days <= 92 else "month"
    start = min(view.comparison.start, view.period.start)
    found = queries.trend(
        start, view.period.end, grain, context.metric_id, context.touchpoint_id, context.segment_id
    )
    return found, queries.annotations(start, view.period.end, context.metric_id, context.touchpoint_id)


@queries.memoised
def scorecard(context: PageContext) -> dict:
    """The KPI of every metric in the view (and segment), with each one's monthly history."""
    view, segment = context.view, context.segment_id
    return {
        "card": queries.scorecard(view, segment_id=segment),
        "history": queries.monthly_history(view.as_of, segment_id=segment),
        "segments": queries.segments(),
        "periods": period_choices(context),
    }


@queries.memoised
def segment(context: PageContext) -> dict:
    """One segment's scorecard and every metric by touchpoint for it."""
    view, segment_id = context.view, context.segment_id
    return {
        **scorecard(context),
        "by_touchpoint": queries.kpis(view, ("touchpoint",), segment_id=segment_id),
        "segment": queries.segments().set_index("segment_id").loc[segment_id],
        "touchpoints": queries.touchpoints(),
        "metrics": queries.metrics(),
    }


@queries.memoised
def segments(context: PageContext) -> dict:
    """Every metric per segment against all other customers."""
    return {
        "comparison": queries.segment_comparison(context.view),
        "segments": queries.segments(),
        "metrics": queries.metrics(),
        "periods": period_choices(context),
    }


@queries.memoised
def touchpoint(context: PageContext, latest_comments: int) -> dict:
    """One touchpoint's scorecard, its metrics by segment, its annotations and, when `latest_comments`,
    that many of the latest comments on its most answered survey metric (`voice`)."""
    view, touchpoint_id, segment_id = context.view, context.touchpoint_id, context.segment_id
    card = queries.touchpoint_scorecard(view, touchpoint_id, segment_id)
    voice = queries.voice_metric(card)
    comments = None
    if voice is not None and latest_comments:
        comments = queries.verbatims(
            view, voice["metric_id"], touchpoint_id, segment_id, page_size=latest_comments
        )
    return {
        "card": card,
        "history": queries.monthly_history(view.as_of, segment_id=segment_id, touchpoint_id=touchpoint_id),
        "by_segment": queries.kpis(view, ("segment",), touchpoint_id=touchpoint_id),
        "notes": queries.annotations(view.comparison.start, view.period.end, None, touchpoint_id),
        "touchpoint": queries.touchpoints().set_index("touchpoint_id").loc[touchpoint_id],
        "touchpoints": queries.touchpoints(),
        "segments": queries.segments(),
        "metrics": queries.metrics(),
        "voice": voice,
        "comments": comments,
        "bands": None
        if voice is None
        else queries.score_bands(
            voice["kind"], voice["scale_min"], voice["scale_max"], voice["higher_is_better"]
        ),
        "periods": period_choices(context),
    }


@queries.memoised
def journey(context: PageContext) -> dict:
    """Every touchpoint's KPIs, the metric colouring them (the URL's, else the default), its
    touchpoint × segment cells and its top movers."""
    view = context.view
    by_touchpoint = queries.kpis(view, ("touchpoint",), segment_id=context.segment_id)
    metric_id = context.metric_id or default_metric(by_touchpoint)
    improved, worsened = queries.movers(view, metric_id)
    return {
        "by_touchpoint": by_touchpoint,
        "metric_id": metric_id,
        "cells": queries.breakdown(view, metric_id, "cell"),
        "improved": improved,
        "worsened": worsened,
        "touchpoints": queries.touchpoints(),
        "segments": queries.segments(),
        "metrics": queries.metrics(),
        "periods": period_choices(context),
    }


def breakdowns(context: PageContext) -> dict:
    """One metric by touchpoint (under the segment filter), by segment (under the touchpoint filter) and
    per cell (unfiltered)."""
    view, metric_id = context.view, context.metric_id
    return {
        "touchpoint": queries.breakdown(view, metric_id, "touchpoint", segment_id=context.segment_id),
        "segment": queries.breakdown(view, metric_id, "segment", touchpoint_id=context.touchpoint_id),
        "cell": queries.breakdown(view, metric_id, "cell"),
    }


@queries.memoised
def metric(context: PageContext) -> dict:
    """One metric in the view's touchpoint and segment, its breakdowns and the monthly history."""
    view, touchpoint_id, segment_id = context.view, context.touchpoint_id, context.segment_id
    return {
        "headline": queries.kpis(
            view, metric_id=context.metric_id, touchpoint_id=touchpoint_id, segment_id=segment_id
        ),
        "breakdowns": breakdowns(context),
        "history": queries.monthly_history(view.as_of, segment_id=segment_id, touchpoint_id=touchpoint_id),
        "touchpoints": queries.touchpoints(),
        "segments": queries.segments(),
        "periods": period_choices(context),
    }


@queries.memoised
def data_health(today) -> dict:
    """The data page's frames on `today` (business date): freshness is each metric's latest data
    against it. An empty warehouse still has tables, a snapshot and a catalogue; no view, no target."""
    as_of = queries.latest_data_day()
    view = queries.view() if as_of is not None else None
    return {
        "as_of": as_of,
        "view": view,
        "catalogue": queries.scorecard(view)
        if view is not None
        else queries.metrics().assign(target=float("nan"), tolerance=float("nan")),
        "freshness": queries.data_freshness(today),
        "snapshot": queries.snapshot_info(),
        "row_counts": queries.row_counts(),
    }
