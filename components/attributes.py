"""DESIGN.md's testable DOM contract: the data attributes every KPI tile, row and cell carries."""

import pandas as pd


def raw(value) -> str:
    """A number for a data attribute: full precision, empty when there is none."""
    if value is None or pd.isna(value):
        return ""
    return repr(float(value)) if isinstance(value, float) else str(value)


def kpi_attributes(row) -> dict:
    """Attributes of one KPI frame row (queries.kpis): metric, value, status, n, target, owner, slice."""
    attributes = {
        "data-metric-id": row.metric_id,
        "data-value": raw(row.value),
        "data-status": row.status,
        "data-n": raw(row.n),
        "data-target": raw(row.target),
        "data-owner-id": raw(row.owner_id),
    }
    for column in ("touchpoint_id", "segment_id"):
        value = getattr(row, column, None)
        if value is not None and not pd.isna(value):
            attributes[f"data-{column.replace('_', '-')}"] = value
    return attributes


def commitment_attributes(row) -> dict:
    """Attributes of a commitment row or card (a register row, data.commitments.register)."""
    return {
        "data-commitment-id": str(row.commitment_id),
        "data-status": row.status,
        "data-owner-id": row.owner_id,
        "data-overdue": "true" if row.overdue else "false",
        "data-metric-id": row.metric_id,
    }
