"""How often each metric of the live snapshot is measured. The pure rules live in the warehouse layer
(data/warehouse/cadence.py), which publishes the answers of the standard views with them."""

import pandas as pd

from data.warehouse.cadence import (
    ASSUMED_CADENCE,
    CADENCE_WINDOW_DAYS,
    CADENCES,
    GRACE_DAYS,
    cadences,
    holds_a_whole_period,
    infer_cadence,
    late_after_days,
    measured_view,
    period_bounds,
)
from queries.catalogue import metrics
from queries.runner import memoised, run

__all__ = [
    "ASSUMED_CADENCE",
    "CADENCES",
    "CADENCE_WINDOW_DAYS",
    "GRACE_DAYS",
    "cadences",
    "holds_a_whole_period",
    "infer_cadence",
    "late_after_days",
    "measured_view",
    "metric_cadences",
    "period_bounds",
]


@memoised
def metric_cadences() -> pd.DataFrame:
    """Every metric's cadence (declared or inferred) and latest day with data."""
    return cadences(run("data_days", window_days=CADENCE_WINDOW_DAYS), metrics())
