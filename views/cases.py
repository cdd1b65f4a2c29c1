"""What the follow-up case pages need: the queue from its URL (filters, sort, overdue), one case with its
answer and timeline, who may see and act, and each action as a typed result the page turns into words.

    match act(user, case_id, version, action, fields):
        case Saved(version): ...             # done; the case is at `version` now
        case Invalid(field, message): ...    # that field is wrong; nothing saved
        case Refused(reason): ...            # this user may not act on this case; nothing saved
        case Conflict(changes): ...          # someone acted since; their changes, nothing overwritten
        case Busy(): ...                     # the state database stayed busy or away; nothing saved

Rights are checked here on the server for every action, whatever the page showed: whoever may not see
cases acts on none (may_see), and only a case's assignee, its metric's owner or an admin acts on it
(auth.case_refusal). Reassigning tells the new assignee as a new case does (a case_new event).
"""

import logging
from dataclasses import dataclass
from datetime import datetime

import pandas as pd

import auth
import config
import queries
from data.state import accounts, alerts, cases, commitments, database
from i18n import N_, _, ngettext
from views.results import Busy, Invalid, Refused
from views.users import acting_user, case_actor

log = logging.getLogger(__name__)

#: The queue's filters: URL key → (label, the case column it filters); labels marked for translation.
FILTERS = {
    "assignee": (N_("Assignee"), "assignee"),
    "status": (N_("Status"), "status"),
    "metric": (N_("Metric"), "metric_id"),
    "touchpoint": (N_("Touchpoint"), "touchpoint_id"),
    "segment": (N_("Segment"), "segment_id"),
    "commitment": (N_("Commitment"), "commitment_id"),  # the commitment the cases are linked to
}
#: Each filter's "all" choice (translate with `_` where shown).
EVERY = {
    "assignee": N_("Every assignee"),
    "status": N_("Every status"),
    "metric": N_("Every metric"),
    "touchpoint": N_("Every touchpoint"),
    "segment": N_("Every segment"),
    "commitment": N_("Every commitment"),
}
#: A filter value the catalogue does not know, per filter.
UNKNOWN = {
    "metric": N_("There is no metric “%(value)s” to filter by."),
    "touchpoint": N_("There is no touchpoint “%(value)s” to filter by."),
    "segment": N_("There is no segment “%(value)s” to filter by."),
}
QUEUE_PARAMS = (*FILTERS, "overdue", "sort", "page")
#: The status filter's choices, marked for translation (filter_choices translates them).
STATUS_CHOICES = {"open": N_("Open (new, contacted, reopened)"), **cases.STATUSES}
SORTS = cases.QUEUE_SORTS  # the default puts what is due soonest first
#: A commitment in the queue's filter.
COMMITMENT_CHOICE = "#%(id)s %(title)s"
DEFAULT_SORT = "due"
#: The cases the queue draws on one page; the CSV holds them all.
PAGE_ROWS = 100


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
    return assignee_id or _("Nobody")


def late_for(status: str, contact_due_at, resolve_due_at, now: datetime) -> str:
    """What a case is late for at `now`: "contact" (waiting for a first contact past its time),
    "resolution" (open past its resolution time), or "" (in time, or resolved)."""
    if status in cases.AWAITING_CONTACT and contact_due_at < now:
        return "contact"
    if status in cases.OPEN_STATUSES and resolve_due_at < now:
        return "resolution"
    return ""


def assignee_of(key: str) -> tuple[str | None, str | None]:
    """The (kind, id) an assignee key names (`assignee_key`'s inverse); ValueError for a key that is none."""
    if key == "nobody":
        return None, None
    kind, _colon, assignee_id = key.partition(":")
    if kind not in cases.ASSIGNEE_KINDS or not assignee_id:
        raise ValueError(
            _("“%(key)s” is not an assignee to filter by (owner:ID, account:NAME or nobody).", key=key)
        )
    return kind, assignee_id


def queue_filter(params: dict, names: dict) -> cases.QueueFilter:
    """The cases the URL's filters keep; ValueError naming a filter it cannot use."""
    kept = {}
    for key, (_label, column) in FILTERS.items():
        value = params.get(key)
        if not value:
            continue
        if key == "status" and value not in STATUS_CHOICES:
            raise ValueError(_("There is no status “%(value)s” to filter by.", value=value))
        if key in ("metric", "touchpoint", "segment") and value not in names[key]:
            raise ValueError(_(UNKNOWN[key], value=value))
        if key == "commitment" and not value.isdigit():
            raise ValueError(
                _("“%(value)s” is not a commitment to filter by (its number, e.g. 12).", value=value)
            )
        kept[column] = (
            assignee_of(value) if key == "assignee" else int(value) if key == "commitment" else value
        )
    return cases.QueueFilter(**kept, overdue=params.get("overdue") == "1")


def sort_of(params: dict) -> tuple[str, bool]:
    """(sort key, descending) from the URL's `sort` (`-score`: highest first)."""
    sort = params.get("sort") or DEFAULT_SORT
    if sort.lstrip("-") not in SORTS:
        raise ValueError(
            _("The queue sorts by %(sorts)s, not “%(sort)s”.", sorts=", ".join(SORTS), sort=sort)
        )
    return sort.lstrip("-"), sort.startswith("-")


def page_of(params: dict) -> int:
    page = params.get("page") or "1"
    if not page.isdigit() or int(page) < 1:
        raise ValueError(_("“%(page)s” is not a page of the queue (1, 2, 3 …).", page=page))
    return int(page)


def _named(rows: list[dict], names: dict) -> list[dict]:
    """The rows as the queue and its CSV show them: names beside ids, what is late. Plain dicts, one
    pass: a page of the queue is 100 rows, which pandas would only slow down."""
    metrics, touchpoints, segments = names["metric"], names["touchpoint"], names["segment"]
    named = []
    for row in rows:
        kind, assignee_id, linked = row["assignee_kind"], row["assignee_id"], row["commitment_id"]
        late = "contact" if row["late_contact"] else "resolution" if row["late_resolution"] else ""
        named.append(
            {
                **row,
                "assignee": assignee_key(kind, assignee_id),
                "assignee_name": assignee_name(kind, assignee_id, names),
                "metric_name": metrics.get(row["metric_id"], row["metric_id"]),
                "touchpoint_name": touchpoints.get(row["touchpoint_id"], row["touchpoint_id"]),
                "segment_name": segments.get(row["segment_id"], row["segment_id"]),
                "overdue": bool(late),
                "late": late,
                # The commitment it is linked to as the URL names it ("12"), "" for none.
                "commitment": "" if linked is None else str(linked),
            }
        )
    return named


@dataclass(frozen=True)
class Queue:
    """One page of the queue: its rows (names beside ids), how many cases its filters keep, which page
    of how many, and every case's totals."""

    rows: list[dict]
    count: int
    page: int
    pages: int
    totals: dict[str, int]


def queue(params: dict, now: datetime, names: dict, rows_per_page: int = PAGE_ROWS) -> Queue:
    """The page of the queue the URL asks for; ValueError naming a filter, sort or page it cannot use.
    Filtered, sorted and cut in the state database: the cost is the page's, not the backlog's."""
    keep, (sort, descending), page = queue_filter(params, names), sort_of(params), page_of(params)
    rows, count = cases.queue(
        now, keep, sort, descending, names, limit=rows_per_page, offset=(page - 1) * rows_per_page
    )
    pages = max(1, -(-count // rows_per_page))
    if page > pages:
        raise ValueError(
            ngettext(
                "The queue has %(num)s page of these cases, not %(page)s.",
                "The queue has %(num)s pages of these cases, not %(page)s.",
                pages,
                page=page,
            )
        )
    return Queue(_named(rows, names), count, page, pages, cases.queue_totals(now))


def queue_rows(params: dict, now: datetime, names: dict) -> pd.DataFrame:
    """Every case the URL's filters keep, in its order (for the CSV)."""
    sort, descending = sort_of(params)
    rows, _count = cases.queue(now, queue_filter(params, names), sort, descending, names)
    return pd.DataFrame(_named(rows, names))


def filter_choices(names: dict, commitment: str | None = None) -> dict[str, list[tuple[str, str]]]:
    """Each filter's choices as (value, text): the catalogue's, the statuses, the assignees with cases,
    the commitments with cases linked (and `commitment`, the one the URL names, even without)."""
    assignees = sorted(
        {(assignee_key(k, i), assignee_name(k, i, names)) for k, i in cases.assignees()},
        key=lambda pair: pair[1],
    )
    linked = {str(key) for key in cases.linked_commitments()} | {commitment}
    return {
        "assignee": assignees,
        "status": [(key, _(text)) for key, text in STATUS_CHOICES.items()],
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
    totals = cases.queue_totals(now, assignee=("owner", owner_id))
    return {"open": totals["open"], "overdue": totals["overdue"]}


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


def _assignable_accounts() -> list[dict]:
    """The enabled accounts a case may go to that are not an owner's own (an owner's account is that
    owner), viewers' only where viewers see cases."""
    viewers_see = config.VIEWER_COMMENTS == "shown"
    return [
        account
        for account in accounts.listing()
        if not account["disabled"]
        and not account["owner_id"]
        and (account["role"] != auth.VIEWER or viewers_see)
    ]


def assignee_choices(names: dict) -> list[tuple[str, str]]:
    """Whom a case may be handed to, as (assignee key, text): every owner of the catalogue, then every
    account `_assignable_accounts` keeps."""
    owners = [
        (assignee_key("owner", owner_id), _("%(name)s · owner", name=name))
        for owner_id, name in names["owner"].items()
    ]
    return owners + [
        (
            assignee_key("account", a["username"]),
            _("%(name)s · account %(username)s", name=a["display_name"], username=a["username"]),
        )
        for a in _assignable_accounts()
    ]


def assignee_names(names: dict) -> dict[str, str]:
    """Assignee key → the name a timeline shows: the catalogue's owners, every account's display name."""
    found = {assignee_key("owner", owner_id): name for owner_id, name in names["owner"].items()}
    for account in accounts.listing():
        found[assignee_key("account", account["username"])] = account["display_name"] or account["username"]
    return found


def _owner_contacts() -> dict[str, dict]:
    """The catalogue's owners: owner_id → {"name", "email"}, as a new case's message reads them."""
    frame = queries.owners()
    return {row.owner_id: {"name": row.name, "email": row.email} for row in frame.itertuples(index=False)}


def _reassign(case_id: int, version: int, by: str, fields: dict) -> int:
    """Hand the case to the assignee `fields` names ("assignee": an assignee key, or assignee_kind and
    assignee_id), an owner checked against the catalogue; in the same transaction, tell them as a publish
    tells the assignee of new cases. The new version."""
    if "assignee" in fields:
        kind, _colon, assignee_id = str(fields["assignee"] or "").partition(":")
        fields = {**fields, "assignee_kind": kind, "assignee_id": assignee_id}
    names = labels()
    catalogue = cases.Catalogue({}, frozenset(), frozenset(), frozenset(names["owner"]))
    wanted = {key: fields.get(key) for key in ("assignee_kind", "assignee_id", "note")}
    now = cases.current_time().replace(microsecond=0)
    with database.writing() as connection:
        new_version = cases.act_in(
            connection, case_id, version, by, "reassign", now, **wanted, catalogue=catalogue
        )
        if new_version != version:
            key, facts = cases.reassigned_message(connection, case_id, by, _owner_contacts(), names["metric"])
            alerts.record(connection, "case_new", key, facts, found_at=now)
    return new_version


#: What someone who may not see cases is told when they try to act on one.
UNSEEN = N_("Not saved: cases hold customers' own words, which you may not read here.")


def act(user: auth.User, case_id: int, version: int, action: str, fields: dict) -> Result:
    """Do `action` on case `case_id` as seen at `version`, if `user` may."""
    try:
        if not may_see(user):
            return Refused(_(UNSEEN))
        case = cases.get(case_id)
        if case is None:
            return Refused(_("There is no case %(case)s.", case=case_id))
        reason = refusal(user, case)
        if reason is not None:
            return Refused(reason)
        by = case_actor(user)
        if action == "reassign":
            new_version = _reassign(case_id, version, by, fields)
        else:
            new_version = cases.act(case_id, version, by, action, **fields)
    except cases.FieldError as error:
        return Invalid(error.field, str(error))
    except cases.ConflictError as error:
        return Conflict(error.changes)
    except database.BusyError as error:
        return Busy.of(error)
    log.info("Case %d: %s by %s", case_id, action, user.name)
    return Saved(new_version)
