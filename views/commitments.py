"""Commitment workflows: who may save one, saving it (both editors), and the register's filters and sort.

`save_commitment` is the one way a commitment is saved, from the commitment page's form and from the
in-place editor on an owner's page alike: refuse → validate → store → conflict. It returns what
became of the save as a typed result, and the page turns that into words:

    match save_commitment(user, commitment_id, typed, version):
        case Saved(): ...            # stored (or nothing differed: `changed` is False)
        case Refused(reason): ...    # this user may not save this; nothing changed
        case Invalid(field_errors): ...  # what to correct beside each field; the form keeps what was typed
        case Conflict(theirs): ...   # someone saved since `version`: what they changed
        case Busy(): ...             # the state database stayed busy; nothing was saved

A new commitment started from a touchpoint's root cause (`sprint`, views.commitment_context.SprintCases)
links the follow-up cases of that cause in the same write transaction: both are stored, or neither.
"""

import logging
from dataclasses import dataclass

import pandas as pd

import auth
from data.state import cases, commitments, database
from data.state.commitments import STATUSES
from i18n import N_, _
from views.commitment_context import SprintCases, catalogue, metric_owners
from views.users import case_actor

log = logging.getLogger(__name__)


# --- who may save ---------------------------------------------------------------------------------


def save_refusal(user: auth.User, stored: dict | None, wanted: dict) -> str | None:
    """Why `user` may not save `wanted` over `stored` (None: a new one), or None when they may."""
    return auth.commitment_refusal(user, metric_owners(), stored, wanted)


def may_edit(user: auth.User, stored: dict) -> bool:
    """Whether `user` may change `stored` as it is (an editor is drawn for it only then)."""
    return save_refusal(user, stored, stored) is None


#: Why someone who may change no commitment reads them only, by role (whole sentences).
READ_ONLY_NOTES = {
    auth.VIEWER: N_("You are signed in as a viewer: you can read commitments but not change them."),
    auth.DISPLAY: N_("You are signed in as a display: you can read commitments but not change them."),
    None: N_("You are signed in as a %(role)s: you can read commitments but not change them."),
}


def read_only_note(user: auth.User, stored: dict | None) -> str | None:
    """Why `user` may only read this commitment (None: a new one), said up front; None when they may
    change it. The save is refused on the server regardless."""
    if not auth.may_change_commitments(user):
        return _(READ_ONLY_NOTES.get(user.role, READ_ONLY_NOTES[None]), role=user.role)
    if stored is not None and not may_edit(user, stored):
        return _(
            "This commitment is neither yours nor on a metric you own: you can read it but not change it."
        )
    return None


# --- saving ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Saved:
    """Stored as `version`; `changed` is False when nothing differed, so no version was made."""

    commitment_id: int
    version: int
    created: bool = False
    changed: bool = True
    linked: int = 0  # the follow-up cases a new one linked


@dataclass(frozen=True)
class Refused:
    """This user may not save this (or there is no such commitment): nothing changed."""

    reason: str


@dataclass(frozen=True)
class Invalid:
    """What to correct, field → message; nothing was saved."""

    field_errors: dict[str, str]


@dataclass(frozen=True)
class Conflict:
    """Someone saved since the version the editor started from: `theirs` are the history entries of
    what they saved, oldest first. Nothing was overwritten."""

    theirs: list[dict]


@dataclass(frozen=True)
class Busy:
    """The state database stayed busy, or could not be reached (`unreachable`): nothing was saved, and
    the editor keeps what was typed."""

    unreachable: bool = False


SaveResult = Saved | Refused | Invalid | Conflict | Busy


def save_commitment(
    user: auth.User,
    commitment_id: int | None,
    typed: dict,
    version: int | None,
    sprint: SprintCases | None = None,
) -> SaveResult:
    """Save what an editor holds: `typed` (form fields as text, and the history's "note") over the
    stored commitment `commitment_id` edited from `version`, or a new commitment for None. An editor
    that shows some fields only types those: the others stay as stored. A new one with `sprint` links
    its cases (when it names any without a problem), and must stay at their touchpoint."""
    try:
        result = _save(user, commitment_id, typed, version, sprint)
    except database.BusyError as error:
        result = Busy(unreachable=isinstance(error, database.UnreachableError))
    _log(user, commitment_id, result)
    return result


def _linker(user: auth.User, sprint: SprintCases, linked: list[int]):
    """What `commitments.create` runs in its transaction to link the sprint's cases (their count
    appended to `linked`)."""

    def link(connection, commitment_id: int) -> None:
        period = sprint.period
        linked.append(
            cases.link_to_commitment(
                connection,
                commitment_id,
                sprint.touchpoint_id,
                sprint.cause,
                period.start,
                period.end,
                case_actor(user),
                sprint.segment_id,
            )
        )

    return link


def _save(
    user: auth.User,
    commitment_id: int | None,
    typed: dict,
    version: int | None,
    sprint: SprintCases | None = None,
) -> SaveResult:
    stored = commitments.get(commitment_id) if commitment_id is not None else None
    if commitment_id is not None and stored is None:
        return Refused(_("There is no commitment %(id)s.", id=commitment_id))
    wanted = {**(stored or {}), **typed}
    # Checked here, on the server, whatever the page showed: a refused save changes nothing.
    refusal = save_refusal(user, stored, wanted)
    if refusal:
        return Refused(refusal)
    clean, errors = commitments.validate(wanted, catalogue(), commitments.current_date(), stored)
    if errors:
        return Invalid(errors)
    note = clean.pop("note")
    if stored is None:
        if sprint is None or not sprint.links:
            return Saved(commitments.create(clean, user.name, note), 1, created=True)
        if clean["touchpoint_id"] != sprint.touchpoint_id:
            return Invalid(
                {
                    "touchpoint_id": _(
                        "The cases this commitment links are at %(touchpoint)s: keep it, "
                        "or start the commitment from the other touchpoint's page.",
                        touchpoint=sprint.touchpoint,
                    )
                }
            )
        linked: list[int] = []
        created = commitments.create(clean, user.name, note, also=_linker(user, sprint, linked))
        return Saved(created, 1, created=True, linked=linked[0])
    try:
        saved = commitments.update(commitment_id, version, clean, user.name, note)
    except commitments.ConflictError as conflict:
        return Conflict(conflict.changes)
    except LookupError:  # gone since it was read
        return Refused(_("There is no commitment %(id)s.", id=commitment_id))
    return Saved(commitment_id, saved, changed=saved != version)


def _log(user: auth.User, commitment_id: int | None, result: SaveResult) -> None:
    """What the store cannot know: saves refused before reaching it, or never made (the store logs
    creations, saves and conflicts itself, as data.state.commitments)."""
    who, which = user.username or user.name, commitment_id or "new"
    if isinstance(result, Refused):
        log.warning("Commitment %s: save refused to %s: %s", which, who, result.reason)
    elif isinstance(result, Busy):
        why = "could not be reached" if result.unreachable else "stayed busy"
        log.warning("Commitment %s: save by %s not made, the state database %s", which, who, why)


# --- the register ---------------------------------------------------------------------------------

#: Filters: URL parameter → (label, register column, the "all" choice); the words in English
#: (`filter_labels` translates them).
FILTERS = {
    "owner": (N_("Owner"), "owner_id", N_("All owners")),
    "metric": (N_("Metric"), "metric_id", N_("All metrics")),
    "touchpoint": (N_("Touchpoint"), "touchpoint_id", N_("All touchpoints")),
    "segment": (N_("Segment"), "segment_id", N_("All segments")),
    "status": (N_("Status"), "status", N_("Any status")),
}
#: A filter naming nothing the register has: a whole sentence per filter.
UNKNOWN_FILTER = {
    "owner": N_("There is no owner “%(value)s” to filter by."),
    "metric": N_("There is no metric “%(value)s” to filter by."),
    "touchpoint": N_("There is no touchpoint “%(value)s” to filter by."),
    "segment": N_("There is no segment “%(value)s” to filter by."),
    "status": N_("There is no status “%(value)s” to filter by."),
}
#: Every URL parameter of the register: the filters, overdue only (1) and the sort.
REGISTER_PARAMS = (*FILTERS, "overdue", "sort")
#: Status filter choices: "open" stands for planned and in progress.
STATUS_CHOICES = {"open": N_("Open (planned or in progress)"), **STATUSES}
#: Sort keys (the register's column keys) → the columns they sort by.
SORTS = {
    "title": ["title"],
    "metric": ["metric_name", "title"],
    "owner": ["owner_name", "due_on"],
    "status": ["status_order", "due_on"],
    "progress": ["progress", "due_on"],
    "due_on": ["due_on", "title"],
}
DEFAULT_SORT = "due_on"
#: Sorting by status puts the work under way first, then what is planned, then what is closed.
STATUS_ORDER = {"planned": 1, "in_progress": 0, "done": 2, "dropped": 3}


def register_params(query: dict) -> dict:
    """The register's parameters from a URL's query (None for each one not given)."""
    return {key: query.get(key) for key in REGISTER_PARAMS}


def filter_labels() -> dict:
    """FILTERS with its words in the current language, for the filter bar."""
    return {name: (_(label), column, _(everything)) for name, (label, column, everything) in FILTERS.items()}


def filter_choices(labels: dict) -> dict[str, list[tuple[str, str]]]:
    """Each filter's choices as (value, text): the catalogue's names, and the statuses with "open"."""
    choices = {name: list(labels[name].items()) for name in ("owner", "metric", "touchpoint", "segment")}
    return {**choices, "status": [(value, _(word)) for value, word in STATUS_CHOICES.items()]}


def filtered(register: pd.DataFrame, params: dict, labels: dict) -> pd.DataFrame:
    """The register rows the URL's filters keep, in the URL's sort order; ValueError for a bad filter.

    `labels` maps "owner"/"metric"/"touchpoint"/"segment" to {id: name}: the ids a filter may name,
    and the names the metric and owner sorts go by."""
    for name, (_label, column, _all) in FILTERS.items():
        value = params.get(name)
        if not value:
            continue
        known = STATUS_CHOICES if name == "status" else labels[name]
        if value not in known:
            raise ValueError(_(UNKNOWN_FILTER[name], value=value))
        if name == "status" and value == "open":
            register = register[register["status"].isin(commitments.OPEN_STATUSES)]
        else:
            register = register[register[column] == value]
    if params.get("overdue") == "1":
        register = register[register["overdue"]]
    sort = params.get("sort") or DEFAULT_SORT
    if sort.lstrip("-") not in SORTS:
        raise ValueError(
            _("The register sorts by %(keys)s, not “%(sort)s”.", keys=", ".join(SORTS), sort=sort)
        )
    keyed = register.assign(
        metric_name=register["metric_id"].map(labels["metric"]),
        owner_name=register["owner_id"].map(labels["owner"]),
        status_order=register["status"].map(STATUS_ORDER),
    )
    return keyed.sort_values(
        SORTS[sort.lstrip("-")], ascending=not sort.startswith("-"), kind="stable", ignore_index=True
    )


# --- an owner's commitments -----------------------------------------------------------------------

#: Sections of an owner's commitments: (title, which rows, soonest due first?), in the order an owner
#: works through them. Titles in English (components.commitments.editor.commitment_section translates).
OWNER_SECTIONS = (
    (N_("Overdue"), lambda r: r["overdue"], True),
    (N_("Open"), lambda r: r["status"].isin(commitments.OPEN_STATUSES) & ~r["overdue"], True),
    (N_("Done"), lambda r: r["status"].eq("done"), False),
    (N_("Dropped"), lambda r: r["status"].eq("dropped"), False),
)


def owner_sections(register: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """(title, rows) of each section that has any: open work soonest due first, closed work latest first."""
    sections = [
        (title, register[rows_of(register)].sort_values("due_on", ascending=soonest_first))
        for title, rows_of, soonest_first in OWNER_SECTIONS
    ]
    return [(title, rows) for title, rows in sections if not rows.empty]
