"""DESIGN.md's testable DOM contract: the data attributes every KPI tile, row and cell carries."""

import pandas as pd


def raw(value) -> str:
    """A number for a data attribute: full precision, empty when there is none."""
    if value is None or pd.isna(value):
        return ""
    return repr(float(value)) if isinstance(value, float) else str(value)


def flag(value) -> str:
    """A yes/no for a data attribute: `true`, `false`, or empty when there is no verdict."""
    if value is None or pd.isna(value):
        return ""
    return "true" if value else "false"


def kpi_attributes(row) -> dict:
    """Attributes of one KPI frame row (queries.kpis): metric, value, status, n, target, owner, the 95%
    interval, the change and its verdict, and the slice."""
    attributes = {
        "data-metric-id": row.metric_id,
        "data-value": raw(row.value),
        "data-status": row.status,
        "data-n": raw(row.n),
        "data-target": raw(row.target),
        "data-owner-id": raw(row.owner_id),
        "data-low": raw(row.low),
        "data-high": raw(row.high),
        "data-change": raw(row.change),
        "data-change-significant": flag(row.change_significant),
    }
    for column in ("touchpoint_id", "segment_id"):
        value = getattr(row, column, None)
        if value is not None and not pd.isna(value):
            attributes[f"data-{column.replace('_', '-')}"] = value
    # A metric shown at its own cadence's latest whole period says which one (queries.kpis).
    measured_start = getattr(row, "measured_start", None)
    if measured_start is not None and not pd.isna(measured_start):
        attributes["data-period-start"] = measured_start.isoformat()
        attributes["data-period-end"] = row.measured_end.isoformat()
        attributes["data-compare-start"] = row.compare_start.isoformat()
        attributes["data-compare-end"] = row.compare_end.isoformat()
    return attributes


def commitment_attributes(row) -> dict:
    """Attributes of a commitment row or card (a register row, data.state.commitments.register)."""
    return {
        "data-commitment-id": str(row.commitment_id),
        "data-status": row.status,
        "data-owner-id": row.owner_id,
        "data-overdue": "true" if row.overdue else "false",
        "data-metric-id": row.metric_id,
    }
