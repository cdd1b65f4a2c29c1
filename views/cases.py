"""What the follow-up case pages need: the queue from its URL (filters, sort, overdue), one case with its
answer and timeline, who may see and act, and each action as a typed result the page turns into words.

    match act(user, case_id, version, action, fields):
        case Saved(version): ...             # done; the case is at `version` now
        case Invalid(field, message): ...    # that field is wrong; nothing saved
        case Refused(reason): ...            # this user may not act on this case; nothing saved
        case Conflict(changes): ...          # someone acted since; their changes, nothing overwritten
        case Busy(): ...                     # the state database stayed busy or away; nothing saved

Rights are checked here on the server for every action, whatever the page showed (auth.case_refusal).
"""

import logging
from dataclasses import dataclass
from datetime import datetime

import pandas as pd

import auth
import config
import queries
from data.state import cases, commitments, database
from views.results import Busy, Invalid, Refused
from views.users import acting_user, case_actor

log = logging.getLogger(__name__)

#: The queue's filters: URL key → (label, the register's column).
FILTERS = {
    "assignee": ("Assignee", "assignee"),
    "status": ("Status", "status"),
    "metric": ("Metric", "metric_id"),
    "touchpoint": ("Touchpoint", "touchpoint_id"),
    "segment": ("Segment", "segment_id"),
    "commitment": ("Commitment", "commitment"),  # the commitment the cases are linked to
}
QUEUE_PARAMS = (*FILTERS, "overdue", "sort")
STATUS_CHOICES = {"open": "Open (new, contacted, reopened)", **cases.STATUSES}
#: A commitment in the queue's filter.
COMMITMENT_CHOICE = "#%(id)s %(title)s"
#: Sort keys → columns; the default puts what is due soonest first.
SORTS = {
    "due": ["next_due", "case_id"],
    "responded": ["responded_at", "case_id"],
    "score": ["score", "next_due"],
    "status": ["status_order", "next_due"],
    "metric": ["metric_name", "next_due"],
    "assignee": ["assignee_name", "next_due"],
}
DEFAULT_SORT = "due"
STATUS_ORDER = {"new": 0, "reopened": 1, "contacted": 2, "resolved": 3}
#: The most rows the queue draws at once; the CSV holds them all.
SHOWN_ROWS = 500


@dataclass(frozen=True)
class Saved:
    version: int


@dataclass(frozen=True)
class Conflict:
    changes: list  # the history entries saved since the version acted on


Result = Saved | Invalid | Refused | Conflict | Busy


def may_see(user: auth.User | None = None) -> bool:
    return auth.may_see_cases(user or acting_user(), config.VIEWER_COMMENTS == "shown")


def labels() -> dict[str, dict[str, str]]:
    """metric/touchpoint/segment/owner → {id: name}, for the queue's columns and filters."""
    return {
        "metric": dict(queries.metrics()[["metric_id", "name"]].itertuples(index=False)),
        "touchpoint": dict(queries.touchpoints()[["touchpoint_id", "name"]].itertuples(index=False)),
        "segment": dict(queries.segments()[["segment_id", "name"]].itertuples(index=False)),
        "owner": dict(queries.owners()[["owner_id", "name"]].itertuples(index=False)),
        "commitment": {str(key): title for key, title in commitments.titles().items()},
    }


def assignee_key(kind: str | None, assignee_id: str | None) -> str:
    """An assignee as the URL names it: `owner:ana`, `account:ops.lead`, or `nobody`."""
    return cases.assignee_text(kind, assignee_id)


def assignee_name(kind: str | None, assignee_id: str | None, names: dict) -> str:
    if kind == "owner":
        return names["owner"].get(assignee_id, assignee_id)
    return assignee_id or "Nobody"


def late_for(status: str, contact_due_at, resolve_due_at, now: datetime) -> str:
    """What a case is late for at `now`: "contact" (waiting for a first contact past its time),
    "resolution" (open past its resolution time), or "" (in time, or resolved)."""
    if status in cases.AWAITING_CONTACT and contact_due_at < now:
        return "contact"
    if status in cases.OPEN_STATUSES and resolve_due_at < now:
        return "resolution"
    return ""


def register(now: datetime, names: dict) -> pd.DataFrame:
    """Every case with what the queue shows and sorts by: names, the next due time, whether it is late."""
    frame = pd.DataFrame(cases.register())
    if frame.empty:
        return frame
    waiting = frame["status"].isin(cases.AWAITING_CONTACT)
    open_ = frame["status"].isin(cases.OPEN_STATUSES)
    late = [
        late_for(status, contact, resolve, now)
        for status, contact, resolve in zip(
            frame["status"], frame["contact_due_at"], frame["resolve_due_at"], strict=True
        )
    ]
    return frame.assign(
        assignee=[
            assignee_key(k, i) for k, i in zip(frame["assignee_kind"], frame["assignee_id"], strict=True)
        ],
        assignee_name=[
            assignee_name(k, i, names)
            for k, i in zip(frame["assignee_kind"], frame["assignee_id"], strict=True)
        ],
        metric_name=frame["metric_id"].map(names["metric"]).fillna(frame["metric_id"]),
        touchpoint_name=frame["touchpoint_id"].map(names["touchpoint"]).fillna(frame["touchpoint_id"]),
        segment_name=frame["segment_id"].map(names["segment"]).fillna(frame["segment_id"]),
        # What is due next: the first contact while it waits for one, else the resolution; none once resolved.
        next_due=frame["contact_due_at"].where(waiting, frame["resolve_due_at"].where(open_)),
        overdue=[bool(what) for what in late],
        late=late,
        status_order=frame["status"].map(STATUS_ORDER),
        # The commitment it is linked to as the URL names it ("12"), "" for none.
        commitment=[
            "" if pd.isna(linked) else str(int(linked))
            for linked in frame.get("commitment_id", pd.Series(None, index=frame.index, dtype=object))
        ],
    )


def filtered(frame: pd.DataFrame, params: dict, names: dict) -> pd.DataFrame:
    """The cases the URL's filters keep, in its sort order; ValueError naming a filter it cannot use."""
    if frame.empty:
        return frame
    for key, (label, column) in FILTERS.items():
        value = params.get(key)
        if not value:
            continue
        if key == "status":
            if value not in STATUS_CHOICES:
                raise ValueError(f"There is no status “{value}” to filter by.")
            keep = frame["status"].isin(cases.OPEN_STATUSES) if value == "open" else frame["status"] == value
            frame = frame[keep]
            continue
        if key != "assignee" and value not in names[key]:
            raise ValueError(f"There is no {label.lower()} “{value}” to filter by.")
        frame = frame[frame[column] == value]
    if params.get("overdue") == "1":
        frame = frame[frame["overdue"]]
    sort = params.get("sort") or DEFAULT_SORT
    if sort.lstrip("-") not in SORTS:
        raise ValueError(f"The queue sorts by {', '.join(SORTS)}, not “{sort}”.")
    return frame.sort_values(
        SORTS[sort.lstrip("-")], ascending=not sort.startswith("-"), kind="stable", na_position="last"
    ).reset_index(drop=True)


def open_and_overdue(frame: pd.DataFrame) -> tuple[int, int]:
    """How many cases are open, and how many of those are late."""
    if frame.empty:
        return 0, 0
    return int(frame["status"].isin(cases.OPEN_STATUSES).sum()), int(frame["overdue"].sum())


def filter_choices(
    frame: pd.DataFrame, names: dict, commitment: str | None = None
) -> dict[str, list[tuple[str, str]]]:
    """Each filter's choices as (value, text): the catalogue's, the statuses, the assignees with cases,
    the commitments with cases linked (and `commitment`, the one the URL names, even without)."""
    assignees = (
        sorted(set(zip(frame["assignee"], frame["assignee_name"], strict=True)), key=lambda pair: pair[1])
        if not frame.empty
        else []
    )
    linked = (set(frame["commitment"]) if not frame.empty else set()) | {commitment}
    return {
        "assignee": assignees,
        "status": list(STATUS_CHOICES.items()),
        **{key: list(names[key].items()) for key in ("metric", "touchpoint", "segment")},
        # The commitments with cases linked to them, newest first.
        "commitment": [
            (key, COMMITMENT_CHOICE % {"id": key, "title": title})
            for key, title in sorted(names["commitment"].items(), key=lambda item: -int(item[0]))
            if key in linked
        ],
    }


def owner_cases(owner_id: str, now: datetime) -> dict[str, int]:
    """How many open cases an owner is assigned, and how many of those are late."""
    frame = register(now, labels())
    if frame.empty:
        return {"open": 0, "overdue": 0}
    theirs = frame[frame["assignee"] == assignee_key("owner", owner_id)]
    open_, overdue = open_and_overdue(theirs)
    return {"open": open_, "overdue": overdue}


def my_assignee_keys(user: auth.User) -> list[str]:
    """The assignee keys that are this user: their owner, their account."""
    keys = [assignee_key("owner", user.owner_id)] if user.owner_id else []
    return keys + ([assignee_key("account", user.username)] if user.username else [])


# --- one case --------------------------------------------------------------------------------------


def metric_owner(metric_id: str) -> str | None:
    metrics = queries.metrics().set_index("metric_id")
    owner = metrics["owner_id"].get(metric_id)
    return owner if isinstance(owner, str) else None


def refusal(user: auth.User, case: dict) -> str | None:
    return auth.case_refusal(user, case, metric_owner(case["metric_id"]))


def answers(case: dict) -> pd.DataFrame:
    """The response's answers: the case's own first, then the others given with it."""
    found = queries.response_answers(case["response_id"], case["responded_at"])
    own = found["metric_id"] == case["metric_id"]
    return pd.concat([found[own], found[~own]], ignore_index=True)


def act(user: auth.User, case_id: int, version: int, action: str, fields: dict) -> Result:
    """Do `action` on case `case_id` as seen at `version`, if `user` may."""
    try:
        case = cases.get(case_id)
        if case is None:
            return Refused(f"There is no case {case_id}.")
        reason = refusal(user, case)
        if reason is not None:
            return Refused(reason)
        new_version = cases.act(case_id, version, case_actor(user), action, **fields)
    except cases.FieldError as error:
        return Invalid(error.field, str(error))
    except cases.ConflictError as error:
        return Conflict(error.changes)
    except database.BusyError as error:
        return Busy.of(error)
    log.info("Case %d: %s by %s", case_id, action, user.name)
    return Saved(new_version)
