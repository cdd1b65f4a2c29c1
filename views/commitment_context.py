"""What every commitment page needs from the warehouse: names for ids, choices for the form, the ids
a commitment may refer to, and the effect of done commitments."""

import re
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

import queries
from data.state import cases, commitments
from data.state.commitments import Catalogue
from i18n import N_, _
from queries.accountability import Effect, commitment_effect, metric_plans
from queries.periods import Period, View
from views.context import PageContext

NEW = "new"  # the commitment id of the form for a new one: /commitment/new
#: A new action is due in four weeks unless the owner says otherwise.
DEFAULT_ACTION_DAYS = 28

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
    """The ids a commitment may refer to, as validation checks them."""
    known = names()
    return Catalogue(*(frozenset(known[kind]) for kind in ("metric", "touchpoint", "segment", "owner")))


def stored_commitment(commitment_id: str | None) -> dict | None:
    """The commitment a URL's id names, or None: not a number, or no such commitment."""
    return commitments.get(int(commitment_id)) if re.fullmatch(r"[0-9]{1,9}", commitment_id or "") else None


def unit_of(metric_id: str | None) -> str:
    """The unit of a metric ("pts", "%", …), "" for none or an unknown one."""
    metrics = queries.metrics().set_index("metric_id")
    return metrics["unit"].get(metric_id, "") if metric_id else ""


def register_row(stored: dict, today: date):
    """One stored commitment as a register row (a named tuple), with `overdue` and `on_time` for `today`."""
    return next(commitments.with_deadlines(pd.DataFrame([stored]), today).itertuples(index=False))


def effect_of(stored: dict) -> tuple[Effect | None, str]:
    """Whether one commitment moved its metric (None unless done), and the metric's unit."""
    return commitment_effect(stored, queries.as_of()), unit_of(stored["metric_id"])


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


#: A redesign sprint's title, started from a touchpoint's root cause.
SPRINT_TITLE = N_("Redesign: %(cause)s at %(touchpoint)s")


@dataclass(frozen=True)
class SprintCases:
    """The follow-up cases a new commitment's URL asks to link when it is saved (?cause=&touchpoint=
    &period=&segment=, from a touchpoint's closed-loop card): those of the root cause `cause` at the
    touchpoint (and segment), answered in the period, that no commitment holds yet. `problem` says why
    none will be linked (an unknown cause, touchpoint or period); the form stays usable regardless."""

    cause: str
    touchpoint_id: str | None = None
    touchpoint: str = ""  # its name
    segment_id: str | None = None
    segment: str = ""  # its name
    period: Period | None = None
    unlinked: int = 0  # linked when saved
    linked: int = 0  # held by a commitment already: not linked again
    problem: str | None = None

    @property
    def links(self) -> bool:
        """Whether saving links any case."""
        return self.problem is None and self.unlinked > 0


def sprint_cases(prefill: dict) -> SprintCases | None:
    """What a new commitment's URL asks to link (None: it names no cause), counted now."""
    cause = (prefill.get("cause") or "").strip()
    if not cause:
        return None
    known = names()
    touchpoint_id = prefill.get("touchpoint")
    if touchpoint_id not in known["touchpoint"]:
        problem = (
            _("No follow-up case is linked: there is no touchpoint “%(id)s”.", id=touchpoint_id)
            if touchpoint_id
            else _(
                "No follow-up case is linked: the address does not say at which touchpoint they were found."
            )
        )
        return SprintCases(cause, problem=problem)
    touchpoint = known["touchpoint"][touchpoint_id]
    segment_id = prefill.get("segment") or None
    if segment_id is not None and segment_id not in known["segment"]:
        return SprintCases(
            cause,
            touchpoint_id,
            touchpoint,
            problem=_("No follow-up case is linked: there is no segment “%(id)s”.", id=segment_id),
        )
    segment = known["segment"].get(segment_id, "")
    try:
        period = queries.view(prefill.get("period") or None).period
    except queries.PeriodError as error:
        return SprintCases(
            cause,
            touchpoint_id,
            touchpoint,
            segment_id,
            segment,
            problem=_("No follow-up case is linked: %(reason)s", reason=error),
        )
    found = cases.cause_cases(touchpoint_id, cause, period.start, period.end, segment_id)
    if not found.listed and not found.unlinked + found.linked:
        problem = _(
            "No follow-up case is linked: “%(cause)s” is not a root cause at %(touchpoint)s. "
            "Choose one on the touchpoint's page, or save this commitment without cases.",
            cause=cause,
            touchpoint=touchpoint,
        )
        return SprintCases(cause, touchpoint_id, touchpoint, segment_id, segment, period, problem=problem)
    return SprintCases(
        cause, touchpoint_id, touchpoint, segment_id, segment, period, found.unlinked, found.linked
    )


def new_values(prefill: dict, today: date, sprint: SprintCases | None = None) -> dict:
    """A new commitment's fields, pre-filled from the page it was opened from (?metric=&touchpoint=
    &segment=&owner=; unknown ids left out); the owner is the one asked for, else the metric's. From a
    touchpoint's root cause (`sprint`), a redesign sprint of that touchpoint, titled after the cause
    when the touchpoint has it."""
    known = catalogue()
    metric = prefill.get("metric") if prefill.get("metric") in known.metrics else None
    owner = prefill.get("owner")
    values = {
        "metric_id": metric,
        "touchpoint_id": prefill.get("touchpoint")
        if prefill.get("touchpoint") in known.touchpoints
        else None,
        "segment_id": prefill.get("segment") if prefill.get("segment") in known.segments else None,
        "owner_id": owner if owner in known.owners else metric_owners().get(metric) if metric else None,
        "kind": "action",
        "status": "planned",
        "progress": 0,
        "start_on": today,
        "due_on": today + timedelta(days=DEFAULT_ACTION_DAYS),
    }
    if sprint is not None and sprint.touchpoint_id is not None:
        values.update(kind="redesign sprint", due_on=commitments.sprint_due(today))
        if sprint.period is not None and sprint.problem is None:
            values["title"] = _(SPRINT_TITLE, cause=sprint.cause, touchpoint=sprint.touchpoint)
    return values


@dataclass(frozen=True)
class CommitmentPage:
    """What the commitment page shows of one commitment, or of the form for a new one."""

    today: date
    names: dict[str, dict[str, str]]  # as `names()`
    values: dict  # what the form starts with
    stored: dict | None = None  # None: a new one
    row: tuple | None = None  # the stored one as a register row (overdue, on time)
    effect: Effect | None = None  # whether it moved its metric, once done
    unit: str = ""  # its metric's unit
    history: tuple[dict, ...] = ()
    sprint: SprintCases | None = None  # a new one: the cases its URL asks to link
    linked: int = 0  # a stored one: the follow-up cases linked to it


def commitment_page(commitment_id: str | None, prefill: dict) -> CommitmentPage | None:
    """The commitment a URL names (NEW: the form for a new one, pre-filled from `prefill`); None when
    there is no such commitment."""
    today, known = commitments.current_date(), names()
    if commitment_id == NEW:
        sprint = sprint_cases(prefill)
        values = new_values(prefill, today, sprint)
        return CommitmentPage(today, known, values, unit=unit_of(values["metric_id"]), sprint=sprint)
    stored = stored_commitment(commitment_id)
    if stored is None:
        return None
    return CommitmentPage(
        today,
        known,
        stored,
        stored,
        register_row(stored, today),
        *effect_of(stored),
        tuple(commitments.history(stored["commitment_id"])),
        linked=cases.linked_count(stored["commitment_id"]),
    )


@dataclass(frozen=True)
class OwnerPage:
    """What an owner's page shows: their metrics in a view, and their commitments."""

    owner: pd.Series  # owner_id (the index), name, title, email
    view: View
    today: date
    names: dict[str, dict[str, str]]  # as `names()`
    metrics: pd.DataFrame  # their metrics' scorecard rows
    plans: pd.DataFrame  # queries.accountability.metric_plans of those (no_plan: off track, nothing open)
    register: pd.DataFrame  # their commitments
    effects: dict[int, tuple[Effect, str]]  # as `effects`, for the done ones


def owner_page(context: PageContext) -> OwnerPage:
    """An owner's page in the view of its (resolved) URL."""
    owners = queries.owners().set_index("owner_id")
    owner_id, view = context.owner_id, context.view
    today = commitments.current_date()
    card = queries.scorecard(view)
    mine = card[card["owner_id"] == owner_id]
    everyone = commitments.register(today=today)  # a metric's plans may be someone else's commitments
    register = everyone[everyone["owner_id"] == owner_id]
    return OwnerPage(
        owners.loc[owner_id],
        view,
        today,
        names(),
        mine,
        metric_plans(mine, everyone),
        register,
        effects(register, queries.as_of()),
    )
