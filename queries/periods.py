"""Reporting periods, as pages and the query layer name them: the pure logic lives in the warehouse
layer (data/warehouse/periods.py), which publishes the answers of the standard views with it."""

from data.warehouse.periods import (
    COMPARISONS,
    DEFAULT_COMPARE,
    FIRST_YEAR,
    LAST_YEAR,
    TRAILING_DAYS,
    Period,
    PeriodError,
    View,
    comparison_period,
    parse_period,
    period_choices,
    quarter_of,
    resolve_view,
    year_earlier,
)

__all__ = [
    "COMPARISONS",
    "DEFAULT_COMPARE",
    "FIRST_YEAR",
    "LAST_YEAR",
    "TRAILING_DAYS",
    "Period",
    "PeriodError",
    "View",
    "comparison_period",
    "parse_period",
    "period_choices",
    "quarter_of",
    "resolve_view",
    "year_earlier",
]
