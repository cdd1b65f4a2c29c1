"""The clock's events: what a scheduled `python -m data.notify` pass finds because time went by, not
because a snapshot was published (data/warehouse/events.py finds those).

* `commitment_overdue`: an open commitment (planned or in progress) past its due date. Keyed by the
  commitment and its due date, so a commitment given a new due date alerts again when that one passes.
* `verdict_available`: a done commitment whose "did it move the metric" verdict
  (queries.accountability.commitment_effect) can now be given: the window after its completion lies
  within the data. Once per commitment.
* `no_plan`: a slice (all customers, a touchpoint or a segment) off track for at least NO_PLAN_DAYS
  days (slice_statuses' `since`) with no open commitment that covers it. Keyed by the slice and the
  day it went off track, so a slice that recovers and falls again alerts again.
* `case_contact_overdue`: a follow-up case still waiting for its first contact (new, or reopened)
  past its contact_due_at. Once per case.
* `case_resolve_overdue`: a case not resolved past its resolve_due_at. Keyed by the case and that due
  time, so a reopened case (whose clocks start again) escalates again when the new one passes.
  Both escalate to the metric's owner (not the assignee, who had the case already), with the case's
  numbers and times only: never its comment or respondent reference.

The commitment's owner hears of its commitment's events, the metric's owner of `no_plan` and of the
cases' escalations; and, as for
every event, the subscribers of the metric, touchpoint or segment and the webhooks
(data.state.alerts.recipients_for). The facts carry the same field names as the publish-time events'.

A view, not data/: the verdict needs the query layer. notify.py, the command's shell at the top,
imports it, as app.py imports the pages.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pandas as pd
import sqlalchemy as sa

import config
import queries
from data.state import alerts, cases, commitments, database
from data.warehouse.events import as_json
from queries.accountability import EFFECT_LABELS, commitment_effect, effect_windows

KINDS = (
    "commitment_overdue",
    "verdict_available",
    "no_plan",
    "case_contact_overdue",
    "case_resolve_overdue",
)
#: What a warehouse with no data yet raises, named here for the command (it does not reach into queries/).
WarehouseError = queries.WarehouseError


@dataclass(frozen=True)
class ClockEvent:
    kind: str
    dedupe_key: str
    facts: dict
    metric_id: str
    touchpoint_id: str | None = None
    segment_id: str | None = None
    commitment_id: int | None = None


def _catalogue() -> dict[str, dict[str, dict]]:
    """ "metric"/"owner"/"touchpoint"/"segment" → {id: its catalogue row}."""
    frames = {
        "metric": (queries.metrics(), "metric_id"),
        "owner": (queries.owners(), "owner_id"),
        "touchpoint": (queries.touchpoints(), "touchpoint_id"),
        "segment": (queries.segments(), "segment_id"),
    }
    return {
        kind: {row[column]: row for row in frame.to_dict("records")}
        for kind, (frame, column) in frames.items()
    }


def _commitment_facts(commitment: dict, catalogue: dict, as_of: date | None) -> dict:
    """What a commitment's messages say; the owner is the commitment's (who has to act on it)."""
    metric = catalogue["metric"].get(commitment["metric_id"], {})
    owner = catalogue["owner"].get(commitment["owner_id"], {})
    touchpoint = catalogue["touchpoint"].get(commitment["touchpoint_id"], {})
    segment = catalogue["segment"].get(commitment["segment_id"], {})
    commitment_id = int(commitment["commitment_id"])
    return {
        "metric_id": commitment["metric_id"],
        "metric_name": as_json(metric.get("name")) or commitment["metric_id"],
        "unit": as_json(metric.get("unit")),
        "kind": as_json(metric.get("kind")),
        "owner_id": commitment["owner_id"],
        "owner_name": as_json(owner.get("name")),
        "owner_email": as_json(owner.get("email")),
        "touchpoint_id": commitment["touchpoint_id"],
        "touchpoint_name": as_json(touchpoint.get("name")),
        "segment_id": commitment["segment_id"],
        "segment_name": as_json(segment.get("name")),
        "commitment_id": commitment_id,
        "commitment_title": commitment["title"],
        "commitment_status": commitment["status"],
        "commitment_start_on": as_json(commitment["start_on"]),
        "commitment_due_on": as_json(commitment["due_on"]),
        "commitment_completed_on": as_json(commitment["completed_on"]),
        "as_of": as_json(as_of),
        "link": f"/commitment/{commitment_id}",
    }


def _commitment_event(kind: str, key: str, facts: dict) -> ClockEvent:
    return ClockEvent(
        kind,
        key,
        facts,
        facts["metric_id"],
        facts["touchpoint_id"],
        facts["segment_id"],
        facts["commitment_id"],
    )


def _overdue(register: pd.DataFrame, catalogue: dict, as_of: date) -> list[ClockEvent]:
    found = []
    for commitment in register[register["overdue"]].to_dict("records"):
        facts = _commitment_facts(commitment, catalogue, as_of)
        key = f"commitment_overdue:{facts['commitment_id']}:{facts['commitment_due_on']}"
        found.append(_commitment_event("commitment_overdue", key, facts))
    return found


def _verdicts(register: pd.DataFrame, catalogue: dict, as_of: date, held: set[str]) -> list[ClockEvent]:
    found = []
    done = register[register["status"].eq("done") & register["completed_on"].notna()]
    for commitment in done.to_dict("records"):
        key = f"verdict_available:{int(commitment['commitment_id'])}"
        _before, after = effect_windows(commitment["start_on"], commitment["completed_on"])
        # Not yet (the window after completion runs past the data), or told already: not measured again.
        if after.end > as_of or key in held:
            continue
        effect = commitment_effect(commitment, as_of)
        facts = {
            **_commitment_facts(commitment, catalogue, as_of),
            "verdict": effect.verdict,
            "verdict_label": EFFECT_LABELS[effect.verdict],
            "verdict_reason": effect.reason,
            "value_before": effect.value_before,
            "value_after": effect.value_after,
            "change": effect.change,
            "better": effect.better,
            "before_start": as_json(effect.before.start),
            "before_end": as_json(effect.before.end),
            "after_start": as_json(effect.after.start),
            "after_end": as_json(effect.after.end),
        }
        found.append(_commitment_event("verdict_available", key, facts))
    return found


def _covers(commitment: dict, metric_id: str, touchpoint_id: str, segment_id: str) -> bool:
    """Whether an open commitment is a plan for a slice ("" for all): on its metric, and on that
    touchpoint and segment or on all of them. A plan for a narrower slice does not cover a wider one
    (as queries.accountability.metric_plans: a plan for one touchpoint does not cover everyone)."""
    return (
        commitment["metric_id"] == metric_id
        and commitment["touchpoint_id"] in (None, touchpoint_id or None)
        and commitment["segment_id"] in (None, segment_id or None)
    )


def _no_plan(register: pd.DataFrame, now: datetime, url: str | None) -> list[ClockEvent]:
    open_ones = register[register["status"].isin(commitments.OPEN_STATUSES)].to_dict("records")
    cutoff = now - timedelta(days=config.NO_PLAN_DAYS)
    statuses = database.slice_statuses
    with database.reading(url) as connection:
        rows = connection.execute(
            sa.select(statuses)
            .where(statuses.c.status == "off_track", statuses.c.since <= cutoff)
            .order_by(statuses.c.metric_id, statuses.c.touchpoint_id, statuses.c.segment_id)
        ).all()
    found = []
    for row in rows:
        if any(_covers(c, row.metric_id, row.touchpoint_id, row.segment_id) for c in open_ones):
            continue
        since = row.since.date().isoformat()
        key = f"no_plan:{row.metric_id}:{row.touchpoint_id or '*'}:{row.segment_id or '*'}:{since}"
        facts = {**row.facts, "since": since}
        found.append(
            ClockEvent(
                "no_plan", key, facts, row.metric_id, row.touchpoint_id or None, row.segment_id or None
            )
        )
    return found


def _case_facts(case: dict, catalogue: dict) -> dict:
    """What an escalation says: the case's metric, slice, score and times, the metric's owner (who is
    told); never the comment or the respondent reference."""
    metric = catalogue["metric"].get(case["metric_id"], {})
    owner = catalogue["owner"].get(metric.get("owner_id"), {})
    touchpoint = catalogue["touchpoint"].get(case["touchpoint_id"], {})
    segment = catalogue["segment"].get(case["segment_id"], {})
    assignee_kind, assignee_id = case["assignee_kind"], case["assignee_id"]
    assignee_name = assignee_id
    if assignee_kind == "owner":
        assignee_name = as_json(catalogue["owner"].get(assignee_id, {}).get("name")) or assignee_id
    return {
        "metric_id": case["metric_id"],
        "metric_name": as_json(metric.get("name")) or case["metric_id"],
        "unit": as_json(metric.get("unit")),
        "kind": as_json(metric.get("kind")),
        "owner_id": as_json(metric.get("owner_id")),
        "owner_name": as_json(owner.get("name")),
        "owner_email": as_json(owner.get("email")),
        "touchpoint_id": case["touchpoint_id"],
        "touchpoint_name": as_json(touchpoint.get("name")),
        "segment_id": case["segment_id"],
        "segment_name": as_json(segment.get("name")),
        "case_id": int(case["case_id"]),
        "case_status": case["status"],
        "score": as_json(case["score"]),
        "responded_at": case["responded_at"].isoformat(sep=" "),
        "contact_due_at": case["contact_due_at"].isoformat(sep=" "),
        "resolve_due_at": case["resolve_due_at"].isoformat(sep=" "),
        "assignee_kind": assignee_kind,
        "assignee_id": assignee_id,
        "assignee_name": assignee_name,
        "link": f"/case/{int(case['case_id'])}",
    }


def _cases_overdue(now: datetime, catalogue: dict, url: str | None) -> list[ClockEvent]:
    found = []
    for case in cases.overdue(now, url):
        facts = _case_facts(case, catalogue)
        if case["late"] == "contact":
            kind, key = "case_contact_overdue", f"case_contact_overdue:{facts['case_id']}"
        else:
            kind = "case_resolve_overdue"
            key = f"case_resolve_overdue:{facts['case_id']}:{case['resolve_due_at'].isoformat()}"
        found.append(
            ClockEvent(kind, key, facts, facts["metric_id"], facts["touchpoint_id"], facts["segment_id"])
        )
    return found


def due(now: datetime, url: str | None = None) -> list[ClockEvent]:
    """Every clock event that holds at `now` (local time) and was not recorded yet: what a pass records,
    and what --dry-run lists."""
    register = commitments.register(url, today=now.date())
    catalogue = _catalogue()
    as_of = queries.as_of()
    with database.reading(url) as connection:
        held_verdicts = alerts.recorded(
            connection, [f"verdict_available:{int(i)}" for i in register["commitment_id"]]
        )
    found = [
        *_overdue(register, catalogue, as_of),
        *_verdicts(register, catalogue, as_of, held_verdicts),
        *_no_plan(register, now, url),
        *_cases_overdue(now, catalogue, url),
    ]
    with database.reading(url) as connection:
        held = alerts.recorded(connection, [event.dedupe_key for event in found])
    return [event for event in found if event.dedupe_key not in held]


def find(now: datetime, url: str | None = None) -> int:
    """Record the clock's new events at `now`, each once (by its dedupe_key, however many passes run at
    once), with their outbox rows: one write transaction per event. The number recorded."""
    recorded = 0
    for event in due(now, url):
        with database.writing(url) as connection:
            event_id = alerts.record(
                connection,
                event.kind,
                event.dedupe_key,
                event.facts,
                metric_id=event.metric_id,
                touchpoint_id=event.touchpoint_id,
                segment_id=event.segment_id,
                commitment_id=event.commitment_id,
                found_at=now,
            )
        recorded += event_id is not None
    return recorded
