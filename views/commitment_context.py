"""What every commitment page needs from the warehouse: names for ids, choices for the form, the ids
a commitment may refer to, and the effect of done commitments."""

import re
from datetime import date

import pandas as pd

import queries
from data.state import commitments
from data.state.commitments import Catalogue
from queries.accountability import Effect, commitment_effect

NEW = "new"  # the commitment id of the form for a new one: /commitment/new

#: Each kind of id a commitment refers to: (catalogue query, id column).
_CATALOGUES = {
    "metric": (queries.metrics, "metric_id"),
    "touchpoint": (queries.touchpoints, "touchpoint_id"),
    "segment": (queries.segments, "segment_id"),
    "owner": (queries.owners, "owner_id"),
}


def names() -> dict[str, dict[str, str]]:
    """ "metric"/"touchpoint"/"segment"/"owner" → {id: name}, in catalogue order."""
    found = {kind: (query(), column) for kind, (query, column) in _CATALOGUES.items()}
    return {
        kind: dict(zip(frame[column], frame["name"], strict=True)) for kind, (frame, column) in found.items()
    }


def choices() -> dict[str, list[tuple[str, str]]]:
    """The same as (id, name) pairs, for selects."""
    return {kind: list(mapping.items()) for kind, mapping in names().items()}


def catalogue() -> Catalogue:
    known = names()
    return Catalogue(*(frozenset(known[kind]) for kind in ("metric", "touchpoint", "segment", "owner")))


def stored_commitment(commitment_id: str | None) -> dict | None:
    """The commitment a URL's id names, or None: not a number, or no such commitment."""
    return commitments.get(int(commitment_id)) if re.fullmatch(r"[0-9]{1,9}", commitment_id or "") else None


def unit_of(metric_id: str | None) -> str:
    metrics = queries.metrics().set_index("metric_id")
    return metrics["unit"].get(metric_id, "") if metric_id else ""


def effects(register: pd.DataFrame, as_of: date) -> dict[int, tuple[Effect, str]]:
    """commitment id → (its effect on its metric, the metric's unit), for the done ones."""
    units = queries.metrics().set_index("metric_id")["unit"]
    done = register[register["status"].eq("done")]
    return {
        row["commitment_id"]: (commitment_effect(row, as_of), units.get(row["metric_id"], ""))
        for row in done.to_dict("records")
    }


def metric_owners() -> dict[str, str | None]:
    """metric id → the owner id of whoever owns it."""
    metrics = queries.metrics()
    return dict(zip(metrics["metric_id"], metrics["owner_id"], strict=True))
