"""Beacon's query layer: the only way pages reach the warehouse.

import queries
v = queries.view("2026-Q3", "prev")
queries.scorecard(v, segment_id="smb")
"""

from queries.api import (
    BREAKDOWNS,
    as_of,
    breakdown,
    kpis,
    metrics,
    owners,
    scorecard,
    segments,
    touchpoints,
    view,
)
from queries.kpi import STATUSES
from queries.periods import PeriodError, View
from queries.runner import WarehouseError

__all__ = [
    "BREAKDOWNS",
    "STATUSES",
    "PeriodError",
    "View",
    "WarehouseError",
    "as_of",
    "breakdown",
    "kpis",
    "metrics",
    "owners",
    "scorecard",
    "segments",
    "touchpoints",
    "view",
]
