"""Commitment register rows built by hand for unit tests, as data.commitments.register returns them,
and commitments stored as the editor stores them."""

from datetime import date, datetime

import pandas as pd

from data.state import commitments
from data.state.commitments import COLUMNS, with_deadlines


def commitment_row(**values) -> dict:
    """An open action on NPS owned by "ana", due 20 Nov 2026, with `values` changed."""
    row = dict.fromkeys(COLUMNS)
    row.update(
        commitment_id=1,
        metric_id="nps",
        owner_id="ana",
        title="Fix it",
        description="",
        kind="action",
        start_on=date(2026, 11, 2),
        due_on=date(2026, 11, 20),
        status="in_progress",
        progress=40,
        version=1,
    )
    row.update(values)
    return row


def hand_register(today: date, *rows: dict) -> pd.DataFrame:
    """A register of `rows`, with overdue and on-time worked out for `today`."""
    return with_deadlines(pd.DataFrame(list(rows), columns=COLUMNS), today)


def promise(metric_id, owner_id, title, due_on, status="planned", touchpoint_id=None, **more) -> int:
    """A commitment stored as the editor stores one (validated values), started 1 Oct 2026."""
    values = {
        "metric_id": metric_id,
        "touchpoint_id": touchpoint_id,
        "segment_id": None,
        "owner_id": owner_id,
        "title": title,
        "description": "",
        "kind": "action",
        "start_on": date(2026, 10, 1),
        "due_on": due_on,
        "status": status,
        "progress": 100 if status == "done" else 0,
        "completed_on": None,
        "expected_value": None,
        **more,
    }
    return commitments.create(values, owner_id, at=datetime(2026, 10, 1, 9))
