"""Closed-loop figures: how well the follow-up cases of a view's answers are being worked.

Pure: a frame of cases (data.state.cases.in_period's columns, with `owner_id` added for a figure per
owner) and the time now in, a frame of figures out, one row per group (or one for them all):

* `n`: the cases;
* `due`, `on_time`, `share`, `low`, `high`: of the cases whose first contact is **due or done** (contacted,
  or waiting past contact_due_at), those contacted by their contact time (contacted_at ≤ contact_due_at),
  in percent with the project's 95% interval for a proportion (Wilson, queries.stats, as top-2-box).
  An open case whose contact is not yet due is **left out**: it can still go either way, and counting
  it as on time (or late) would flatter (or blame) a team for cases just opened;
* `contacted`, `median_hours`: the contacted cases, and the median hours from the answer to the first
  contact (NaN without one);
* `backlog`, `overdue`: cases open now (new, contacted, reopened), and of them those past a due time
  (waiting for contact past contact_due_at, or not resolved past resolve_due_at), each counted once;
* `causes`: [(root cause, cases)], the causes chosen from the touchpoints' lists, most cases first, then
  by name; cases without a cause are not in it.

`sprint_starts` says, per cause, how many of its cases no commitment holds yet and which metric a
redesign sprint from them would be measured by.

A reopened case keeps its first contact's time, and its clock was started again at reopening: it counts
as on time when that first contact was within the (new) contact time.
"""

import numpy as np
import pandas as pd

from data.state.cases import OPEN_STATUSES
from queries.stats import proportion, wilson_interval

#: The figures' columns, after the group's.
FIGURES = (
    "n",
    "due",
    "on_time",
    "share",
    "low",
    "high",
    "contacted",
    "median_hours",
    "backlog",
    "overdue",
    "causes",
)
#: What a case waits in for its first contact.
AWAITING_CONTACT = ("new", "reopened")


def _flags(cases: pd.DataFrame, now) -> pd.DataFrame:
    """Per case: contacted, due (due or done), on_time, hours to first contact, open, overdue."""
    now = pd.Timestamp(now)
    contacted = cases["contacted_at"].notna()
    waiting = cases["status"].isin(AWAITING_CONTACT)
    open_ = cases["status"].isin(OPEN_STATUSES)
    late_contact = waiting & ~contacted & (cases["contact_due_at"] < now)
    overdue = open_ & ((waiting & (cases["contact_due_at"] < now)) | (cases["resolve_due_at"] < now))
    return pd.DataFrame(
        {
            "contacted": contacted,
            "due": contacted | late_contact,
            "on_time": contacted & (cases["contacted_at"] <= cases["contact_due_at"]),
            "hours": (cases["contacted_at"] - cases["responded_at"]).dt.total_seconds() / 3600,
            "open": open_,
            "overdue": overdue,
        },
        index=cases.index,
    )


def _causes(causes: pd.Series) -> list[tuple[str, int]]:
    counted = causes.dropna().value_counts()
    return sorted(((str(cause), int(count)) for cause, count in counted.items()), key=lambda c: (-c[1], c[0]))


def _figures(cases: pd.DataFrame, flags: pd.DataFrame) -> dict:
    due, on_time = int(flags["due"].sum()), int((flags["on_time"] & flags["due"]).sum())
    hours = flags.loc[flags["contacted"], "hours"]
    low, high = wilson_interval(on_time, due)
    return {
        "n": len(cases),
        "due": due,
        "on_time": on_time,
        "share": float(proportion(on_time, due)),
        "low": float(low),
        "high": float(high),
        "contacted": int(flags["contacted"].sum()),
        "median_hours": float(hours.median()) if len(hours) else np.nan,
        "backlog": int(flags["open"].sum()),
        "overdue": int((flags["open"] & flags["overdue"]).sum()),
        "causes": _causes(cases["root_cause"]),
    }


def loop_figures(cases: pd.DataFrame, now, by: str | None = None) -> pd.DataFrame:
    """The closed-loop figures of `cases` at `now`, one row per value of the column `by`
    ("metric_id", "touchpoint_id", "owner_id"; a group without cases has no row), or one row for them
    all when `by` is None (with n = 0 and NaN shares when there are none)."""
    flags = _flags(cases, now)
    if by is None:
        return pd.DataFrame([_figures(cases, flags)], columns=list(FIGURES))
    rows = [
        {by: key, **_figures(group, flags.loc[group.index])}
        for key, group in cases.groupby(by, sort=True, dropna=True)
    ]
    return pd.DataFrame(rows, columns=[by, *FIGURES])


def with_owners(cases: pd.DataFrame, metrics: pd.DataFrame) -> pd.DataFrame:
    """`cases` with `owner_id`, the owner of each case's metric (the catalogue's metrics frame): the
    owner answers for the loop on their metrics whoever the case is assigned to."""
    owners = metrics.set_index("metric_id")["owner_id"]
    return cases.assign(owner_id=cases["metric_id"].map(owners))


def sprint_starts(
    cases: pd.DataFrame, metrics: pd.DataFrame, owner_id: str | None = None
) -> dict[str, tuple[int, str]]:
    """cause → (its cases not linked to a commitment yet, the metric a redesign sprint from them is
    measured by), for each cause of `cases` (as `loop_figures` reads them, with `commitment_id`).

    The metric is the one with the most of those cases (of all the cause's cases once every one is
    linked); with `owner_id` (an owner starting it), the one of their metrics with the most, if they own
    any of them, since an owner saves commitments on their own metrics; a tie goes to the catalogue's
    order (`metrics`, with metric_id and owner_id, in sort order)."""
    order = {metric_id: rank for rank, metric_id in enumerate(metrics["metric_id"])}
    owners = metrics.set_index("metric_id")["owner_id"]
    caused = cases.dropna(subset=["root_cause"])
    starts = {}
    for cause, group in caused.groupby("root_cause", sort=True):
        unlinked = group[group["commitment_id"].isna()]
        counted = (unlinked if len(unlinked) else group)["metric_id"].value_counts()
        theirs = [metric_id for metric_id in counted.index if owner_id and owners.get(metric_id) == owner_id]
        candidates = theirs or list(counted.index)
        metric_id = min(candidates, key=lambda m: (-counted[m], order.get(m, len(order)), m))
        starts[str(cause)] = (len(unlinked), metric_id)
    return starts
