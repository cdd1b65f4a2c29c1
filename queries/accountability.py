"""Accountability: who owns what, whether each off-track metric has a plan, and whether a finished
commitment moved its metric.

The board functions are pure (KPI frame and commitments in, frames out); `commitment_effect` asks the
warehouse for the metric in equal windows before a commitment started and after it was completed, and
tests the change with DESIGN.md's significance tests (`queries.kpis` against a comparison period).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd

from data.state.commitments import OPEN_STATUSES
from queries.api import kpis
from queries.periods import Period, View
from queries.runner import memoised

#: Length of the before and after windows: four whole weeks, so weekday mix cannot fake an effect.
EFFECT_WINDOW_DAYS = 28

EFFECT_LABELS = {
    "moved": "Moved (significant)",
    "no_change": "No measurable change",
    "too_little_data": "Too little data",
}


@dataclass(frozen=True)
class Effect:
    verdict: str  # a key of EFFECT_LABELS
    #: Why it has this verdict: a key of components.commitments.badges.EFFECT_REASONS, whose sentence is
    #: filled from `reason_values` in the reader's language (an effect is memoised for every language).
    reason: str
    before: Period | None = None
    after: Period | None = None
    value_before: float | None = None
    value_after: float | None = None
    change: float | None = None
    better: bool | None = None  # whether the move is in the metric's good direction
    reason_values: dict = field(default_factory=dict)


def effect_windows(start_on: date, completed_on: date) -> tuple[Period, Period]:
    """The window just before a commitment started and the equal window just after it was completed."""
    days = timedelta(days=EFFECT_WINDOW_DAYS)
    before = Period(
        "before", f"{EFFECT_WINDOW_DAYS} days before the start", start_on - days, start_on - timedelta(1)
    )
    after = Period(
        "after",
        f"{EFFECT_WINDOW_DAYS} days after completion",
        completed_on + timedelta(1),
        completed_on + days,
    )
    return before, after


def commitment_effect(commitment: dict, as_of: date) -> Effect | None:
    """Whether a done commitment moved its metric on its touchpoint and segment; None unless done."""
    if commitment["status"] != "done" or commitment["completed_on"] is None:
        return None
    return _effect(
        commitment["metric_id"],
        commitment["touchpoint_id"],
        commitment["segment_id"],
        commitment["start_on"],
        commitment["completed_on"],
        as_of,
    )


@memoised
def _effect(metric_id, touchpoint_id, segment_id, start_on: date, completed_on: date, as_of: date) -> Effect:
    """Memoised like a query: a register shows the effect of every done commitment on each visit."""
    before, after = effect_windows(start_on, completed_on)
    if after.end > as_of:
        return Effect(
            "too_little_data",
            "window_open",
            before,
            after,
            reason_values={"days": EFFECT_WINDOW_DAYS, "end": after.end, "as_of": as_of},
        )
    frame = kpis(
        View(after, before, "commitment", as_of),
        metric_id=metric_id,
        touchpoint_id=touchpoint_id,
        segment_id=segment_id,
    )
    if frame.empty:
        return Effect("too_little_data", "metric_gone", before, after)
    row = frame.iloc[0]
    measured = {
        "before": before,
        "after": after,
        "value_before": None if pd.isna(row["previous_value"]) else float(row["previous_value"]),
        "value_after": None if pd.isna(row["value"]) else float(row["value"]),
    }
    if pd.isna(row["change_significant"]):
        reason, values = _too_little_data(row, measured)
        return Effect("too_little_data", reason, **measured, reason_values=values)
    change = measured["value_after"] - measured["value_before"]
    moved = bool(row["change_significant"])
    reason = "significant" if moved else "within_variation" if row["kind"] == "ratio" else "within_noise"
    better = (change > 0) == bool(row["higher_is_better"])
    return Effect(
        "moved" if moved else "no_change", reason, change=change, better=better if moved else None, **measured
    )


def _too_little_data(row, measured: dict) -> tuple[str, dict]:
    """Why a before/after change has no verdict (a reason key and its values): too few answers in a
    window, or for a ratio metric (whose days are its units) a window without data or with too few days
    for an interval."""
    if row["kind"] == "ratio":
        missing = [label for label in ("before", "after") if measured[f"value_{label}"] is None]
        if missing:
            return "no_data_" + "_".join(missing), {}
        return "few_days", {}
    thin = [
        label
        for label, n in (("before", row["previous_n"]), ("after", row["n"]))
        if pd.isna(n) or n < row["min_sample"]
    ]
    if not thin:
        return "few_responses", {}
    return "fewer_than_" + "_".join(thin), {"min": int(row["min_sample"])}


def owner_board(card: pd.DataFrame, register: pd.DataFrame, owners: pd.DataFrame) -> pd.DataFrame:
    """One row per owner (plus one for metrics without an owner, owner_id None) with their metrics'
    statuses and their commitments' counts: open, overdue, done_on_time, done_late, and metric_ids,
    statuses and no_plan_ids (metrics off track with no open commitment) as lists."""
    # A board is a dozen owners and metrics: plain records beat a pandas filter per owner tenfold.
    flagged = metric_plans(card, register)[["metric_id", "owner_id", "status", "no_plan"]]
    metrics = [m._replace(owner_id=None if pd.isna(m.owner_id) else m.owner_id) for m in flagged.itertuples()]
    promised = list(register[["owner_id", "status", "overdue", "on_time"]].itertuples())
    people = [(o.owner_id, o.name, o.title) for o in owners.itertuples(index=False)]
    if any(m.owner_id is None for m in metrics):
        people.append((None, "No owner", ""))
    rows = []
    for owner_id, name, title in people:
        mine = [m for m in metrics if m.owner_id == owner_id]
        theirs = [c for c in promised if owner_id is not None and c.owner_id == owner_id]
        timely = [bool(c.on_time) for c in theirs if c.status == "done" and not pd.isna(c.on_time)]
        rows.append(
            {
                "owner_id": owner_id,
                "name": name,
                "title": title,
                "metric_ids": [m.metric_id for m in mine],
                "statuses": [m.status for m in mine],
                "no_plan_ids": [m.metric_id for m in mine if m.no_plan],
                "open": sum(c.status in OPEN_STATUSES for c in theirs),
                "overdue": sum(bool(c.overdue) for c in theirs),
                "done_on_time": sum(timely),
                "done_late": len(timely) - sum(timely),
            }
        )
    return pd.DataFrame(rows)


def metric_plans(card: pd.DataFrame, register: pd.DataFrame) -> pd.DataFrame:
    """The KPI frame (all customers at every touchpoint) with `open_commitments` per metric and
    `no_plan`: off track with no open commitment for the whole metric. A plan for one touchpoint or
    segment is counted but does not cover a metric that is off track for everyone."""
    open_ones = register[register["status"].isin(OPEN_STATUSES)]
    whole = open_ones["touchpoint_id"].isna() & open_ones["segment_id"].isna()
    counts = open_ones.groupby("metric_id").size()
    covering = open_ones[whole].groupby("metric_id").size()
    plans = card["metric_id"].map(counts).fillna(0).astype(int)
    covered = card["metric_id"].map(covering).fillna(0).gt(0)
    return card.assign(open_commitments=plans, no_plan=card["status"].eq("off_track") & ~covered)


def commitments_in_view(
    register: pd.DataFrame,
    metric_id: str | None = None,
    touchpoint_id: str | None = None,
    segment_id: str | None = None,
) -> pd.DataFrame:
    """The commitments that bear on a view: on its metric (any, when None), and on its touchpoint and
    segment or on all of them; an unfiltered view shows the commitments on every slice."""
    keep = pd.Series(True, index=register.index)
    if metric_id:
        keep &= register["metric_id"].eq(metric_id)
    for column, value in (("touchpoint_id", touchpoint_id), ("segment_id", segment_id)):
        if value:
            keep &= register[column].isna() | register[column].eq(value)
    return register[keep]
