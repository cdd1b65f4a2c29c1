"""Commitment register rows built by hand for unit tests, as data.commitments.register returns them."""

from datetime import date

import pandas as pd

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
