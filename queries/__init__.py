"""Beacon's query layer: the only way pages reach the warehouse.

import queries
v = queries.view("2026-Q3", "prev")
queries.scorecard(v, segment_id="smb")
"""

from queries.api import (
    BREAKDOWNS,
    annotations,
    as_of,
    breakdown,
    data_range,
    distribution,
    kpis,
    latest_comments,
    monthly_history,
    movers,
    real_changes,
    response_answers,
    scorecard,
    segment_comparison,
    touchpoint_scorecard,
    trend,
    verbatims,
    view,
    voice_metric,
)
from queries.catalogue import metrics, owners, segments, touchpoints
from queries.health import data_freshness, latest_data_day, row_counts, snapshot_info
from queries.kpi import STATUSES, score_bands, without_thin_values
from queries.periods import PeriodError, View, period_choices
from queries.runner import WarehouseError, memoised

__all__ = [
    "BREAKDOWNS",
    "STATUSES",
    "PeriodError",
    "View",
    "WarehouseError",
    "annotations",
    "as_of",
    "breakdown",
    "data_freshness",
    "data_range",
    "distribution",
    "kpis",
    "latest_comments",
    "latest_data_day",
    "memoised",
    "metrics",
    "monthly_history",
    "movers",
    "owners",
    "period_choices",
    "real_changes",
    "response_answers",
    "row_counts",
    "score_bands",
    "scorecard",
    "segment_comparison",
    "segments",
    "snapshot_info",
    "touchpoint_scorecard",
    "touchpoints",
    "trend",
    "verbatims",
    "view",
    "voice_metric",
    "without_thin_values",
]
