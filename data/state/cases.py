"""Follow-up cases: unhappy answers turned into work that someone owns, with a clock on it.

* **Rules** (case_rules) say which answers become cases: a score band on a survey metric's scale, a
  comment required or not, optionally one touchpoint and one segment, and the hours allowed for first
  contact (default 48) and for resolution (default 168, 7 days). For each answer, the enabled rules of
  the most specific scope that applies decide (touchpoint and segment > touchpoint > segment > neither,
  the contract's SPECIFICITY, as targets are picked): a rule for billing overrides the metric's
  general rule there. Several rules of that scope: the lowest rule_id whose band holds.
* **Routes** (case_routes) say who gets them: (metric, touchpoint, segment) → an owner or an account,
  the most specific match winning the same way; an answer no route covers goes to the metric's owner.
* **Opening** (`record_cases`, called by alerts.record_publication inside its transaction, which also
  records the case_new messages it returns, so this store sends nothing itself): answers of the live
  snapshot the previous one did not hold, each at most once per rule (unique (response_id, rule_id): a
  re-ingest or a second record opens nothing). A **first publication** (no previous
  snapshot) opens only answers within their rule's resolution time of the snapshot's latest answer,
  so a first install does not open years of cases. Due times are counted from responded_at in hours
  elapsed in BEACON_TIMEZONE. Each assignee hears once per publish (`case_new`), with the count.
* **Life of a case** (`act`): new → contacted → resolved (with an outcome), or reopened; a root cause
  from the touchpoint's list (root_causes, editable) with free text; notes; reassigning. Every change
  checks the version it was made from (optimistic, as commitments: a stale one is refused with the
  changes since, nothing is overwritten) and adds a history row.
* **From causes to commitments** (`link_to_commitment`, inside the commitment's own write transaction):
  a redesign sprint started from a touchpoint's cause links the cases of that cause there whose answers
  were given in a period and that no commitment holds yet, each with a history row. Cases opened, or
  given that cause, later are not linked: the sprint answers for the cases it was started from.

Every change to the rules, routes and causes is written to the audit log (data.state.audit) with who
made it, in the same transaction: they decide whose work an answer becomes.

Who may act on a case is the views' decision (views/, later); this store only keeps cases consistent.
"""

import dataclasses
import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from urllib.parse import urlencode

import duckdb
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from data.state import audit, database
from data.state.commitments import current_time
from data.warehouse import contract, new_cases
from i18n import N_, _, format_decimal, format_integer

log = logging.getLogger(__name__)

#: The ids each catalogue table holds, one fixed statement each.
_CATALOGUE_IDS = {
    ("touchpoints", "touchpoint_id"): "SELECT touchpoint_id FROM touchpoints",
    ("segments", "segment_id"): "SELECT segment_id FROM segments",
    ("owners", "owner_id"): "SELECT owner_id FROM owners",
    ("metrics", "metric_id"): "SELECT metric_id FROM metrics",
}

#: Each status's word, marked for translation (translate with `_` where shown).
STATUSES = {
    "new": N_("New"),
    "contacted": N_("Contacted"),
    "resolved": N_("Resolved"),
    "reopened": N_("Reopened"),
}
#: Waiting for a first contact: what the contact clock runs on.
AWAITING_CONTACT = ("new", "reopened")
OPEN_STATUSES = ("new", "contacted", "reopened")
OUTCOMES = {
    "fixed": N_("Fixed"),
    "explained": N_("Explained"),
    "could_not_reach": N_("Could not reach"),
    "not_actionable": N_("Not actionable"),
}
ACTIONS = ("contact", "resolve", "reopen", "set_cause", "note", "reassign")
#: The history action of a case linked to a commitment (link_to_commitment), not one a person takes on it.
LINKED = "link"
ASSIGNEE_KINDS = ("owner", "account")
CONTACT_HOURS, RESOLVE_HOURS = 48, 168
NOTE_MAX, CAUSE_MAX = 2000, 120
#: Cases inserted per statement when a publish opens many.
BATCH = 2000
#: Who a publish's changes are by, in a case's history.
PUBLISHER = "publish"
RULE_FIELDS = (
    "metric_id",
    "touchpoint_id",
    "segment_id",
    "score_min",
    "score_max",
    "comment_required",
    "contact_hours",
    "resolve_hours",
    "enabled",
)
#: Each field's name in a form and its messages, marked for translation (translate with `_` where shown).
FIELD_LABELS = {
    "metric_id": N_("Metric"),
    "touchpoint_id": N_("Touchpoint"),
    "segment_id": N_("Segment"),
    "score_min": N_("Lowest score"),
    "score_max": N_("Highest score"),
    "comment_required": N_("Comment required"),
    "contact_hours": N_("Hours to first contact"),
    "resolve_hours": N_("Hours to resolution"),
    "enabled": N_("Enabled"),
    "status": N_("Status"),
    "outcome": N_("Outcome"),
    "root_cause": N_("Root cause"),
    "cause_note": N_("Cause in words"),
    "assignee": N_("Assignee"),
    "note": N_("Note"),
    "commitment_id": N_("Commitment"),
}

_rules, _routes, _causes = database.case_rules, database.case_routes, database.root_causes
_cases, _history = database.cases, database.case_history


class FieldError(ValueError):
    """A value that cannot be stored: `field` names it, the message says why."""

    def __init__(self, field: str, message: str):
        self.field = field
        label = _(FIELD_LABELS[field]) if field in FIELD_LABELS else field
        super().__init__(_("%(field)s: %(problem)s", field=label, problem=message))


class ConflictError(Exception):
    """An action from a stale version: `changes` are the history entries saved since that version, and
    `current` the case as it is now. Nothing was changed."""

    def __init__(self, case_id: int, current: dict, changes: list[dict]):
        self.case_id, self.current, self.changes = case_id, current, changes
        super().__init__(f"Case {case_id} was changed by someone else.")


@dataclass(frozen=True)
class Catalogue:
    """What rules and routes may name, from the warehouse: survey metrics with their scales
    (metric_id → (scale_min, scale_max)), touchpoints, segments, owners."""

    metrics: dict[str, tuple[float, float]]
    touchpoints: frozenset[str]
    segments: frozenset[str]
    owners: frozenset[str]


def catalogue_of(path: Path) -> Catalogue:
    """The Catalogue of the snapshot at `path` (its survey metrics only: ratios have no answers)."""
    with duckdb.connect(str(path), read_only=True) as con:
        metrics = {
            metric_id: (low, high)
            for metric_id, low, high in con.execute(
                "SELECT metric_id, scale_min, scale_max FROM metrics WHERE NOT list_contains($counted, kind)",
                {"counted": list(contract.COUNTED_KINDS)},
            ).fetchall()
        }

        def ids(table: str, column: str) -> frozenset[str]:
            # One fixed statement per catalogue table: names are never formatted into SQL.
            return frozenset(row[0] for row in con.execute(_CATALOGUE_IDS[(table, column)]).fetchall())

        return Catalogue(
            metrics,
            ids("touchpoints", "touchpoint_id"),
            ids("segments", "segment_id"),
            ids("owners", "owner_id"),
        )


def score_text(score: float) -> str:
    """A score as people write it, in the locale's digits: "6", "4.5"."""
    return format_integer(int(score)) if float(score).is_integer() else format_decimal(score, 1)


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _number(values: dict, field: str) -> float:
    text = _text(values.get(field))
    if not text:
        raise FieldError(field, _("give a score."))
    try:
        return float(text)
    except ValueError:
        raise FieldError(field, _("“%(text)s” is not a number.", text=text)) from None


def _hours(values: dict, field: str, default: int) -> int:
    text = _text(values.get(field))
    if not text:
        return default
    try:
        hours = float(text)
    except ValueError:
        raise FieldError(field, _("“%(text)s” is not a number of hours.", text=text)) from None
    if hours != int(hours) or not 1 <= hours <= 24 * 366:
        raise FieldError(field, _("a whole number of hours from 1 to 8784 (a year)."))
    return int(hours)


def _flag(value, default: bool) -> bool:
    if value is None or value == "":
        return default
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def _scope(values: dict, catalogue: Catalogue) -> tuple[str | None, str | None]:
    found = []
    for field, known, unknown in (
        ("touchpoint_id", catalogue.touchpoints, N_("there is no touchpoint “%(text)s”.")),
        ("segment_id", catalogue.segments, N_("there is no segment “%(text)s”.")),
    ):
        text = _text(values.get(field)) or None
        if text is not None and text not in known:
            raise FieldError(field, _(unknown, text=text))
        found.append(text)
    return found[0], found[1]


def validate_rule(values: dict, catalogue: Catalogue) -> dict:
    """Clean values for a rule from what a form holds; FieldError naming the first field that is wrong:
    an unknown or non-survey metric, a band outside the metric's scale, the lowest above the highest."""
    metric_id = _text(values.get("metric_id"))
    if not metric_id:
        raise FieldError("metric_id", _("choose the metric."))
    if metric_id not in catalogue.metrics:
        raise FieldError(
            "metric_id",
            _("there is no survey metric “%(metric)s” (ratios have no answers).", metric=metric_id),
        )
    touchpoint_id, segment_id = _scope(values, catalogue)
    low, high = catalogue.metrics[metric_id]
    score_min, score_max = _number(values, "score_min"), _number(values, "score_max")
    for field, score in (("score_min", score_min), ("score_max", score_max)):
        if not low <= score <= high:
            raise FieldError(
                field,
                _(
                    "%(score)s is outside the scale of %(metric)s (%(low)s–%(high)s).",
                    score=score_text(score),
                    metric=metric_id,
                    low=score_text(low),
                    high=score_text(high),
                ),
            )
    if score_min > score_max:
        raise FieldError(
            "score_min",
            _(
                "%(low)s is above the highest score, %(high)s.",
                low=score_text(score_min),
                high=score_text(score_max),
            ),
        )
    contact = _hours(values, "contact_hours", CONTACT_HOURS)
    resolve = _hours(values, "resolve_hours", RESOLVE_HOURS)
    if resolve < contact:
        raise FieldError(
            "resolve_hours",
            _("resolution cannot be due before first contact (%(hours)s h).", hours=format_integer(contact)),
        )
    return {
        "metric_id": metric_id,
        "touchpoint_id": touchpoint_id,
        "segment_id": segment_id,
        "score_min": score_min,
        "score_max": score_max,
        "comment_required": _flag(values.get("comment_required"), False),
        "contact_hours": contact,
        "resolve_hours": resolve,
        "enabled": _flag(values.get("enabled"), True),
    }


def add_rule(values: dict, user: str, catalogue: Catalogue, url: str | None = None) -> int:
    """A new rule's id; FieldError (nothing stored) when a value is wrong."""
    clean, now = validate_rule(values, catalogue), current_time()
    with database.writing(url) as connection:
        rule_id = connection.execute(
            _rules.insert().values(**clean, created_at=now, created_by=user, updated_at=now, updated_by=user)
        ).inserted_primary_key[0]
        audit.write(connection, user, "case rule added", str(rule_id), detail=rule_text(clean))
    log.info("Case rule %d added by %s", rule_id, user)
    return rule_id


def update_rule(rule_id: int, values: dict, user: str, catalogue: Catalogue, url: str | None = None) -> None:
    """Change a rule (every field, as `validate_rule`); LookupError when there is none. Cases it
    opened keep their due times; answers published from now on follow the new values."""
    clean = validate_rule(values, catalogue)
    with database.writing(url) as connection:
        result = connection.execute(
            _rules.update()
            .where(_rules.c.rule_id == rule_id)
            .values(**clean, updated_at=current_time(), updated_by=user)
        )
        if result.rowcount != 1:
            raise LookupError(_("There is no case rule %(rule)s.", rule=rule_id))
        audit.write(connection, user, "case rule changed", str(rule_id), detail=rule_text(clean))


def set_rule_enabled(rule_id: int, enabled: bool, user: str, url: str | None = None) -> None:
    with database.writing(url) as connection:
        result = connection.execute(
            _rules.update()
            .where(_rules.c.rule_id == rule_id)
            .values(enabled=enabled, updated_at=current_time(), updated_by=user)
        )
        if result.rowcount != 1:
            raise LookupError(_("There is no case rule %(rule)s.", rule=rule_id))
        audit.write(connection, user, "case rule enabled" if enabled else "case rule disabled", str(rule_id))


def rule_text(rule: dict) -> str:
    """A rule in a line, as the audit log keeps it: "nps · web · all · 0–6 · comment required · 48 h / 168 h"."""
    scope = " · ".join(rule.get(field) or "all" for field in ("metric_id", "touchpoint_id", "segment_id"))
    band = f"{rule['score_min']:g}–{rule['score_max']:g}"
    comment = "comment required" if rule.get("comment_required") else "any answer"
    return f"{scope} · {band} · {comment} · {rule['contact_hours']} h / {rule['resolve_hours']} h"


def _dicts(connection, query) -> list[dict]:
    return [dict(row._mapping) for row in connection.execute(query)]


def rules(url: str | None = None, enabled_only: bool = False) -> list[dict]:
    """The rules, in the order they were made."""
    query = sa.select(_rules).order_by(_rules.c.rule_id)
    if enabled_only:
        query = query.where(_rules.c.enabled)
    with database.reading(url) as connection:
        return _dicts(connection, query)


def _check_assignee(connection, kind: str, assignee_id: str, catalogue: Catalogue | None) -> tuple[str, str]:
    kind, assignee_id = _text(kind), _text(assignee_id)
    if kind not in ASSIGNEE_KINDS:
        raise FieldError("assignee", _("assign to an owner or an account, not “%(kind)s”.", kind=kind))
    if not assignee_id:
        raise FieldError("assignee", _("choose who gets these cases."))
    if kind == "owner" and catalogue is not None and assignee_id not in catalogue.owners:
        raise FieldError("assignee", _("there is no owner “%(owner)s”.", owner=assignee_id))
    if kind == "account":
        account = connection.execute(
            sa.select(database.accounts.c.disabled).where(database.accounts.c.username == assignee_id)
        ).first()
        if account is None:
            raise FieldError("assignee", _("there is no account “%(account)s”.", account=assignee_id))
        if account.disabled:
            raise FieldError("assignee", _("the account “%(account)s” is disabled.", account=assignee_id))
    return kind, assignee_id


def set_route(values: dict, user: str, catalogue: Catalogue, url: str | None = None) -> int:
    """Route cases of (metric_id, touchpoint_id, segment_id) to (assignee_kind, assignee_id): a new
    route, or the one for that scope changed. Its id; FieldError on bad input."""
    metric_id = _text(values.get("metric_id"))
    if metric_id not in catalogue.metrics:
        raise FieldError("metric_id", _("there is no survey metric “%(metric)s”.", metric=metric_id))
    touchpoint_id, segment_id = _scope(values, catalogue)
    with database.writing(url) as connection:
        kind, assignee_id = _check_assignee(
            connection, values.get("assignee_kind"), values.get("assignee_id"), catalogue
        )
        same = connection.execute(
            sa.select(_routes.c.route_id).where(
                _routes.c.metric_id == metric_id,
                _null_or(_routes.c.touchpoint_id, touchpoint_id),
                _null_or(_routes.c.segment_id, segment_id),
            )
        ).first()
        if same is not None:
            connection.execute(
                _routes.update()
                .where(_routes.c.route_id == same.route_id)
                .values(
                    assignee_kind=kind, assignee_id=assignee_id, created_at=current_time(), created_by=user
                )
            )
            route_id = same.route_id
        else:
            route_id = connection.execute(
                _routes.insert().values(
                    metric_id=metric_id,
                    touchpoint_id=touchpoint_id,
                    segment_id=segment_id,
                    assignee_kind=kind,
                    assignee_id=assignee_id,
                    created_at=current_time(),
                    created_by=user,
                )
            ).inserted_primary_key[0]
        scope = " · ".join(value or "all" for value in (metric_id, touchpoint_id, segment_id))
        audit.write(
            connection, user, "case route set", str(route_id), detail=f"{scope} → {kind}:{assignee_id}"
        )
        return route_id


def _null_or(column, value):
    return column.is_(None) if value is None else column == value


def remove_route(route_id: int, url: str | None = None, actor: str | None = None) -> bool:
    """Remove a route (its cases go by the next most specific one, or to the metric's owner); whether
    there was one."""
    with database.writing(url) as connection:
        removed = connection.execute(_routes.delete().where(_routes.c.route_id == route_id)).rowcount == 1
        if removed:
            audit.write(connection, actor or audit.command_line_actor(), "case route removed", str(route_id))
        return removed


def routes(url: str | None = None) -> list[dict]:
    with database.reading(url) as connection:
        return _dicts(connection, sa.select(_routes).order_by(_routes.c.route_id))


# --- root causes ----------------------------------------------------------------------------------


def add_cause(
    touchpoint_id: str,
    cause: str,
    sort_order: int | None = None,
    url: str | None = None,
    actor: str | None = None,
) -> int:
    """A cause offered for cases at `touchpoint_id` (last in its list unless `sort_order`); the same
    cause again is enabled and kept where it was. Its id; FieldError on an empty or long cause."""
    touchpoint_id, cause = _text(touchpoint_id), _text(cause)
    if not touchpoint_id:
        raise FieldError("touchpoint_id", _("choose the touchpoint."))
    if not cause or len(cause) > CAUSE_MAX:
        raise FieldError(
            "root_cause",
            _("give the cause in at most %(most)s characters.", most=format_integer(CAUSE_MAX)),
        )
    with database.writing(url) as connection:
        held = connection.execute(
            sa.select(_causes.c.cause_id).where(
                _causes.c.touchpoint_id == touchpoint_id, _causes.c.cause == cause
            )
        ).first()
        if held is not None:
            connection.execute(
                _causes.update().where(_causes.c.cause_id == held.cause_id).values(enabled=True)
            )
            cause_id = held.cause_id
        else:
            if sort_order is None:
                last = connection.execute(
                    sa.select(sa.func.max(_causes.c.sort_order)).where(
                        _causes.c.touchpoint_id == touchpoint_id
                    )
                ).scalar()
                sort_order = (last or 0) + 1
            cause_id = connection.execute(
                _causes.insert().values(
                    touchpoint_id=touchpoint_id, cause=cause, sort_order=sort_order, enabled=True
                )
            ).inserted_primary_key[0]
        audit.write(
            connection, actor or audit.command_line_actor(), "root cause added", str(cause_id),
            detail=f"{touchpoint_id}: {cause}",
        )  # fmt: skip
        return cause_id


def set_cause_enabled(cause_id: int, enabled: bool, url: str | None = None, actor: str | None = None) -> None:
    """Offer a cause again, or no longer (cases that name it keep it); LookupError when there is none."""
    with database.writing(url) as connection:
        result = connection.execute(
            _causes.update().where(_causes.c.cause_id == cause_id).values(enabled=enabled)
        )
        if result.rowcount != 1:
            raise LookupError(_("There is no root cause %(cause)s.", cause=cause_id))
        action = "root cause enabled" if enabled else "root cause disabled"
        audit.write(connection, actor or audit.command_line_actor(), action, str(cause_id))


def move_cause(cause_id: int, sort_order: int, url: str | None = None) -> None:
    with database.writing(url) as connection:
        connection.execute(
            _causes.update().where(_causes.c.cause_id == cause_id).values(sort_order=sort_order)
        )


def shift_cause(cause_id: int, step: int, url: str | None = None, actor: str | None = None) -> bool:
    """Move a cause one place up (step −1) or down (+1) in its touchpoint's list, disabled causes
    counted, in one transaction; the list is numbered 1, 2, … afterwards. Whether it moved (not past
    either end); LookupError when there is no such cause."""
    with database.writing(url) as connection:
        touchpoint_id = connection.execute(
            sa.select(_causes.c.touchpoint_id).where(_causes.c.cause_id == cause_id)
        ).scalar()
        if touchpoint_id is None:
            raise LookupError(_("There is no root cause %(cause)s.", cause=cause_id))
        order = list(
            connection.execute(
                sa.select(_causes.c.cause_id)
                .where(_causes.c.touchpoint_id == touchpoint_id)
                .order_by(_causes.c.sort_order, _causes.c.cause_id)
            ).scalars()
        )
        at = order.index(cause_id)
        to = at + (1 if step > 0 else -1)
        if not 0 <= to < len(order):
            return False
        order[at], order[to] = order[to], order[at]
        for place, listed in enumerate(order, start=1):
            connection.execute(_causes.update().where(_causes.c.cause_id == listed).values(sort_order=place))
        audit.write(
            connection, actor or audit.command_line_actor(), "root cause moved", str(cause_id),
            detail=f"{touchpoint_id}: to place {to + 1}",
        )  # fmt: skip
        return True


def causes(touchpoint_id: str | None = None, url: str | None = None, enabled_only: bool = True) -> list[dict]:
    """The causes offered (per touchpoint, in their order)."""
    query = sa.select(_causes).order_by(_causes.c.touchpoint_id, _causes.c.sort_order, _causes.c.cause_id)
    if touchpoint_id is not None:
        query = query.where(_causes.c.touchpoint_id == touchpoint_id)
    if enabled_only:
        query = query.where(_causes.c.enabled)
    with database.reading(url) as connection:
        return _dicts(connection, query)


# --- opening cases at a publish --------------------------------------------------------------------


@dataclass(frozen=True)
class Opened:
    """What one publish opened: the number of cases, and per assignee (kind, id) their count."""

    count: int
    by_assignee: dict[tuple[str | None, str | None], int]
    first: bool  # a first publication: only answers within their rule's resolution time
    #: (dedupe key, facts) of each assignee's case_new event, for the caller to record with its alerts
    #: (alerts.record_publication, in the same transaction): this module does not send anything itself.
    messages: list[tuple[str, dict]] = dataclasses.field(default_factory=list)


def _insert_batch(connection, rows: list[dict]) -> dict[tuple[str, int], int]:
    """Insert `rows` unless their (response_id, rule_id) is there: the case_id of each inserted, by
    (response_id, rule_id) (RETURNING gives no order to rely on)."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(_cases)
        .on_conflict_do_nothing(index_elements=["response_id", "rule_id"])
        .returning(_cases.c.case_id, _cases.c.response_id, _cases.c.rule_id)
    )
    return {
        (response_id, rule_id): case_id
        for case_id, response_id, rule_id in connection.execute(statement, rows)
    }


def _email_of(connection, kind: str | None, assignee_id: str | None, owners: dict[str, dict]) -> str | None:
    """Where an assignee is e-mailed: an owner at the catalogue's address; an account at its owner's,
    else at the address its newest active subscription uses; None: nowhere known."""
    if kind == "owner":
        return (owners.get(assignee_id) or {}).get("email")
    if kind == "account":
        owner_id = connection.execute(
            sa.select(database.accounts.c.owner_id).where(database.accounts.c.username == assignee_id)
        ).scalar()
        if owner_id and (owners.get(owner_id) or {}).get("email"):
            return owners[owner_id]["email"]
        subscriptions = database.subscriptions
        return connection.execute(
            sa.select(subscriptions.c.email)
            .where(subscriptions.c.username == assignee_id, subscriptions.c.ended_at.is_(None))
            .order_by(subscriptions.c.subscription_id.desc())
            .limit(1)
        ).scalar()
    return None


def _name_of(connection, kind: str | None, assignee_id: str | None, owners: dict[str, dict]) -> str | None:
    if kind == "owner":
        return (owners.get(assignee_id) or {}).get("name") or assignee_id
    if kind == "account":
        return (
            connection.execute(
                sa.select(database.accounts.c.display_name).where(database.accounts.c.username == assignee_id)
            ).scalar()
            or assignee_id
        )
    return None


def cases_link(assignee_id: str | None) -> str:
    """The queue of one assignee's cases."""
    return "/cases" + (f"?{urlencode({'assignee': assignee_id})}" if assignee_id else "")


def record_cases(
    connection,
    live_path: Path,
    previous_path: Path | None,
    snapshot_id: str,
    now: datetime | None = None,
    window_hours: int | None = None,
) -> Opened:
    """Open the cases of the snapshot at `live_path` (against `previous_path`; None or missing: a first
    publication, whose window is each rule's resolution time, or `window_hours`) in this write
    transaction, and queue one `case_new` event per assignee, deduplicated by
    case_new:<assignee>:<snapshot_id>. Opening the same answers again opens nothing."""
    now = now or current_time()
    enabled = _dicts(
        connection,
        sa.select(*(_rules.c[column] for column in new_cases.RULE_COLUMNS)).where(_rules.c.enabled),
    )
    if not enabled:
        return Opened(0, {}, previous_path is None)
    routing = _dicts(connection, sa.select(*(_routes.c[column] for column in new_cases.ROUTE_COLUMNS)))
    by_assignee: dict[tuple[str | None, str | None], list[int]] = {}
    by_metric: dict[tuple[str | None, str | None], dict[str, int]] = {}
    overdue: dict[tuple[str | None, str | None], int] = {}
    with new_cases.find(live_path, previous_path, enabled, routing, window_hours) as found:
        for rows in found.batches(BATCH):
            batch = [
                {
                    **row,
                    "snapshot_id": snapshot_id,
                    "status": "new",
                    "next_due_at": row["contact_due_at"],
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                    "updated_by": PUBLISHER,
                }
                for row in rows
            ]
            inserted = _insert_batch(connection, batch)
            history = []
            for row in batch:
                case_id = inserted.get((row["response_id"], row["rule_id"]))
                if case_id is None:  # opened before (a re-ingest, a second record)
                    continue
                key = (row["assignee_kind"], row["assignee_id"])
                by_assignee.setdefault(key, []).append(case_id)
                counts = by_metric.setdefault(key, {})
                counts[row["metric_id"]] = counts.get(row["metric_id"], 0) + 1
                overdue[key] = overdue.get(key, 0) + (row["contact_due_at"] < now)
                history.append(
                    {
                        "case_id": case_id,
                        "version": 1,
                        "changed_at": now,
                        "changed_by": PUBLISHER,
                        "action": "opened",
                        "changes": {
                            "status": [None, "new"],
                            "assignee": [None, assignee_text(row["assignee_kind"], row["assignee_id"])],
                        },
                        "note": "",
                    }
                )
            if history:
                connection.execute(_history.insert(), history)
    messages = []
    for (kind, assignee_id), case_ids in by_assignee.items():
        count = len(case_ids)
        facts = {
            "assignee_kind": kind,
            "assignee_id": assignee_id,
            "assignee_name": _name_of(connection, kind, assignee_id, found.owners),
            "assignee_email": _email_of(connection, kind, assignee_id, found.owners),
            "count": count,
            "overdue_count": overdue[(kind, assignee_id)],
            "by_metric": [
                {
                    "metric_id": metric_id,
                    "metric_name": found.metrics.get(metric_id, {}).get("name"),
                    "count": n,
                }
                for metric_id, n in sorted(
                    by_metric[(kind, assignee_id)].items(), key=lambda item: (-item[1], item[0])
                )
            ],
            "first_case_id": min(case_ids),
            "snapshot_id": snapshot_id,
            "link": cases_link(assignee_id),
        }
        messages.append((f"case_new:{assignee_text(kind, assignee_id)}:{snapshot_id}", facts))
    total = sum(len(ids) for ids in by_assignee.values())
    if total:
        log.info("Publish of %s opened %d follow-up case(s)", snapshot_id, total)
    return Opened(total, {key: len(ids) for key, ids in by_assignee.items()}, found.first, messages)


def reassigned_message(
    connection, case_id: int, by: str, owners: dict[str, dict], metric_names: dict[str, str]
) -> tuple[str, dict]:
    """(dedupe key, facts) of the case_new event telling a reassigned case's new assignee, as a publish
    tells the assignee of its new cases (`owners`: the catalogue's owner_id → {"name", "email"}). The
    caller records it with its alerts in the transaction that reassigned the case; keyed by the case and
    its version, so each hand-over is told once."""
    case = _row(connection, case_id)
    kind, assignee_id = case["assignee_kind"], case["assignee_id"]
    facts = {
        "assignee_kind": kind,
        "assignee_id": assignee_id,
        "assignee_name": _name_of(connection, kind, assignee_id, owners),
        "assignee_email": _email_of(connection, kind, assignee_id, owners),
        "count": 1,
        "overdue_count": int(case["status"] in AWAITING_CONTACT and case["contact_due_at"] < current_time()),
        "by_metric": [
            {
                "metric_id": case["metric_id"],
                "metric_name": metric_names.get(case["metric_id"]),
                "count": 1,
            }
        ],
        "first_case_id": case_id,
        "case_id": case_id,
        "reassigned_by": by,
        "link": f"/case/{case_id}",
    }
    return f"case_new:{assignee_text(kind, assignee_id)}:case:{case_id}:{case['version']}", facts


def assignee_text(kind: str | None, assignee_id: str | None) -> str:
    """An assignee in one word: `owner:ana`, `account:ops.lead`, `nobody`."""
    return f"{kind}:{assignee_id}" if kind and assignee_id else "nobody"


# --- acting on a case ------------------------------------------------------------------------------


def _row(connection, case_id: int) -> dict | None:
    found = connection.execute(sa.select(_cases).where(_cases.c.case_id == case_id)).first()
    return dict(found._mapping) if found else None


def _entries(connection, case_id: int, after: int = 0) -> list[dict]:
    return _dicts(
        connection,
        sa.select(_history)
        .where(_history.c.case_id == case_id, _history.c.version > after)
        .order_by(_history.c.version, _history.c.history_id),
    )


def get(case_id: int, url: str | None = None) -> dict | None:
    with database.reading(url) as connection:
        return _row(connection, case_id)


def history(case_id: int, url: str | None = None) -> list[dict]:
    """Every change to a case, oldest first: version, changed_at, changed_by, action, changes, note."""
    with database.reading(url) as connection:
        return _entries(connection, case_id)


def _too_long(text: str) -> str:
    return _(
        "keep it to %(most)s characters (it has %(count)s).",
        most=format_integer(NOTE_MAX),
        count=format_integer(len(text)),
    )


#: Why a case of each status that is not waiting for a first contact cannot be marked contacted.
_NOT_AWAITING = {
    "contacted": N_("a contacted case is not waiting for contact."),
    "resolved": N_("a resolved case is not waiting for contact."),
}


def _note(fields: dict, required: bool = False) -> str:
    note = _text(fields.get("note"))
    if required and not note:
        raise FieldError("note", _("write the note."))
    if len(note) > NOTE_MAX:
        raise FieldError("note", _too_long(note))
    return note


def _plain(value):
    """A value as JSON keeps it: times as ISO text."""
    return value.isoformat(sep=" ") if isinstance(value, datetime) else value


def _changes(connection, current: dict, action: str, fields: dict, now: datetime) -> tuple[dict, str]:
    """The new values of `action` on the case `current`, and its note; FieldError when it cannot be
    done (a resolved case contacted, a resolution without outcome, a cause the touchpoint lacks …)."""
    status = current["status"]
    if action == "contact":
        if status not in AWAITING_CONTACT:
            raise FieldError(
                "status", _(_NOT_AWAITING.get(status, N_("the case is not waiting for contact.")))
            )
        values = {"status": "contacted"}
        if current["contacted_at"] is None:
            values["contacted_at"] = now
        return values, _note(fields)
    if action == "resolve":
        if status == "resolved":
            raise FieldError("status", _("the case is resolved already."))
        outcome = _text(fields.get("outcome"))
        if outcome not in OUTCOMES:
            raise FieldError(
                "outcome",
                _("choose one of: %(outcomes)s.", outcomes=", ".join(_(o) for o in OUTCOMES.values())),
            )
        return {"status": "resolved", "outcome": outcome, "resolved_at": now}, _note(fields)
    if action == "reopen":
        if status != "resolved":
            raise FieldError("status", _("only a resolved case can be reopened."))
        rule = connection.execute(
            sa.select(_rules.c.contact_hours, _rules.c.resolve_hours).where(
                _rules.c.rule_id == current["rule_id"]
            )
        ).first()
        contact, resolve = (
            (rule.contact_hours, rule.resolve_hours) if rule else (CONTACT_HOURS, RESOLVE_HOURS)
        )
        # Its clocks start again: the customer is waiting again.
        values = {
            "status": "reopened",
            "outcome": None,
            "resolved_at": None,
            "contact_due_at": now + timedelta(hours=contact),
            "resolve_due_at": now + timedelta(hours=resolve),
        }
        return values, _note(fields, required=True)
    if action == "set_cause":
        cause = _text(fields.get("root_cause")) or None
        if cause is not None:
            offered = connection.execute(
                sa.select(_causes.c.cause_id).where(
                    _causes.c.touchpoint_id == current["touchpoint_id"], _causes.c.cause == cause
                )
            ).first()
            if offered is None and cause != current["root_cause"]:
                raise FieldError(
                    "root_cause", _("“%(cause)s” is not a cause listed for this touchpoint.", cause=cause)
                )
        cause_note = _text(fields.get("cause_note")) or None
        if cause_note and len(cause_note) > NOTE_MAX:
            raise FieldError("cause_note", _too_long(cause_note))
        return {"root_cause": cause, "cause_note": cause_note}, _note(fields)
    if action == "note":
        return {}, _note(fields, required=True)
    if action == "reassign":
        kind, assignee_id = _check_assignee(
            connection, fields.get("assignee_kind"), fields.get("assignee_id"), fields.get("catalogue")
        )
        return {"assignee_kind": kind, "assignee_id": assignee_id}, _note(fields)
    raise FieldError(
        "action", _("“%(action)s” is not one of: %(actions)s.", action=action, actions=", ".join(ACTIONS))
    )


def act_in(
    connection, case_id: int, version: int, user_name: str, action: str, now: datetime, **fields
) -> int:
    """`act` inside the caller's write transaction (a seed of many, the demo's)."""
    current = _row(connection, case_id)
    if current is None:
        raise LookupError(_("There is no case %(case)s.", case=case_id))
    if current["version"] != version:
        log.warning(
            "Case %d: %s by %s refused: acted from version %d, it is at %d (conflict)",
            case_id,
            action,
            user_name,
            version,
            current["version"],
        )
        raise ConflictError(case_id, current, _entries(connection, case_id, after=version))
    values, note = _changes(connection, current, action, fields, now)
    after = {**current, **values}
    values["next_due_at"] = next_due(after["status"], after["contact_due_at"], after["resolve_due_at"])
    changed = {
        field: (current[field], after)
        for field, after in values.items()
        if after != current[field] and field != "next_due_at"  # what the history shows: the fields acted on
    }
    if not changed and not note:
        return version
    updated = connection.execute(
        _cases.update()
        .where(_cases.c.case_id == case_id, _cases.c.version == version)
        .values(**values, version=version + 1, updated_at=now, updated_by=user_name)
    )
    if updated.rowcount != 1:  # only reachable on a database without a write lock at BEGIN
        raise ConflictError(case_id, current, _entries(connection, case_id, after=version))
    shown = {field: [_plain(before), _plain(after)] for field, (before, after) in changed.items()}
    if "assignee_id" in changed or "assignee_kind" in changed:
        shown = {k: v for k, v in shown.items() if k not in ("assignee_kind", "assignee_id")}
        shown["assignee"] = [
            assignee_text(current["assignee_kind"], current["assignee_id"]),
            assignee_text(values["assignee_kind"], values["assignee_id"]),
        ]
    connection.execute(
        _history.insert().values(
            case_id=case_id,
            version=version + 1,
            changed_at=now,
            changed_by=user_name,
            action=action,
            changes=shown,
            note=note,
        )
    )
    return version + 1


def act(
    case_id: int,
    version: int,
    user_name: str,
    action: str,
    url: str | None = None,
    at: datetime | None = None,
    **fields,
) -> int:
    """Do `action` (one of ACTIONS) on a case seen at `version`, as `user_name`; the new version.

    * contact: a new or reopened case is contacted (the first contact's time is kept);
    * resolve: `outcome` (one of OUTCOMES) required;
    * reopen: a resolved case, with a `note` saying why; its clocks start again from now;
    * set_cause: `root_cause` from the touchpoint's list (None clears it) and `cause_note` in words;
    * note: a `note`;
    * reassign: `assignee_kind` (owner | account) and `assignee_id` (`catalogue` to check an owner).

    Each may carry a `note`. LookupError: no such case; ConflictError: someone acted since `version`
    (nothing changed; the error holds their changes); FieldError: the action cannot be done as asked.
    Doing nothing new without a note keeps the version. `at`: when (default now)."""
    now = (at or current_time()).replace(microsecond=0)
    with database.writing(url) as connection:
        new_version = act_in(connection, case_id, version, user_name, action, now, **fields)
    if new_version != version:
        log.info("Case %d: %s by %s, version %d", case_id, action, user_name, new_version)
    return new_version


# --- reading ---------------------------------------------------------------------------------------


def next_due(status: str, contact_due_at: datetime, resolve_due_at: datetime) -> datetime | None:
    """What is due next on a case (its next_due_at): the first contact while it waits for one, else its
    resolution; nothing once resolved. Resolution is never due before first contact (validate_rule), so
    a case is late exactly when this is past."""
    if status in AWAITING_CONTACT:
        return contact_due_at
    return resolve_due_at if status in OPEN_STATUSES else None


def late_for_contact(now: datetime):
    """A case waiting for a first contact past its time at `now` (views.cases.late_for says it of one)."""
    return sa.and_(_cases.c.status.in_(AWAITING_CONTACT), _cases.c.contact_due_at < now)


def late_for_resolution(now: datetime):
    """An open case past its resolution time at `now`."""
    return sa.and_(_cases.c.status.in_(OPEN_STATUSES), _cases.c.resolve_due_at < now)


def late_at(now: datetime):
    """An open case past what is due next at `now` (indexed: next_due_at is NULL once resolved)."""
    return _cases.c.next_due_at < now


def overdue(now: datetime, url: str | None = None) -> list[dict]:
    """Open cases past a due time at `now`, oldest due first, each with `late` = "contact" (waiting for
    a first contact past contact_due_at) and/or "resolve" (not resolved past resolve_due_at): a case
    late on both is listed twice."""
    found = []
    with database.reading(url) as connection:
        for late, condition, due in (
            ("contact", late_for_contact(now), _cases.c.contact_due_at),
            ("resolve", late_for_resolution(now), _cases.c.resolve_due_at),
        ):
            rows = _dicts(connection, sa.select(_cases).where(condition).order_by(due, _cases.c.case_id))
            found += [{**row, "late": late} for row in rows]
    return found


NEXT_DUE = _cases.c.next_due_at
#: The queue's order of statuses: waiting for contact first, resolved last.
STATUS_ORDER = {"new": 0, "reopened": 1, "contacted": 2, "resolved": 3}
QUEUE_FILTERS = ("metric_id", "touchpoint_id", "segment_id", "commitment_id")


@dataclass(frozen=True)
class QueueFilter:
    """Which cases a queue keeps: each field None keeps all. `status`: one of STATUSES or "open"."""

    assignee: tuple[str | None, str | None] | None = None  # (kind, id); (None, None): nobody
    status: str | None = None
    metric_id: str | None = None
    touchpoint_id: str | None = None
    segment_id: str | None = None
    commitment_id: int | None = None  # the commitment the cases are linked to
    overdue: bool = False


def _kept(query, keep: QueueFilter, now: datetime):
    if keep.assignee is not None:
        kind, assignee_id = keep.assignee
        query = query.where(
            _null_or(_cases.c.assignee_kind, kind), _null_or(_cases.c.assignee_id, assignee_id)
        )
    if keep.status == "open":
        query = query.where(_cases.c.status.in_(OPEN_STATUSES))
    elif keep.status is not None:
        query = query.where(_cases.c.status == keep.status)
    for field in QUEUE_FILTERS:
        if getattr(keep, field) is not None:
            query = query.where(_cases.c[field] == getattr(keep, field))
    if keep.overdue:
        query = query.where(late_at(now))
    return query


def _named(column, names: dict[str, str]):
    """`column` as its name from `names` (bound values, never formatted into the SQL), else itself."""
    return sa.case(names, value=column, else_=column) if names else column


def _order(sort: str, names: dict[str, dict[str, str]]) -> list:
    if sort == "due":
        return [NEXT_DUE, _cases.c.case_id]
    if sort == "responded":
        return [_cases.c.responded_at, _cases.c.case_id]
    if sort == "score":
        return [_cases.c.score, NEXT_DUE]
    if sort == "status":
        return [sa.case(STATUS_ORDER, value=_cases.c.status), NEXT_DUE]
    if sort == "metric":
        return [_named(_cases.c.metric_id, names.get("metric", {})), NEXT_DUE]
    if sort == "assignee":
        owner = _named(_cases.c.assignee_id, names.get("owner", {}))
        nobody = sa.func.coalesce(_cases.c.assignee_id, "")
        return [sa.case((_cases.c.assignee_kind == "owner", owner), else_=nobody), NEXT_DUE]
    raise ValueError(
        _("The queue sorts by %(sorts)s, not “%(sort)s”.", sorts=", ".join(QUEUE_SORTS), sort=sort)
    )


QUEUE_SORTS = ("due", "responded", "score", "status", "metric", "assignee")


def queue(
    now: datetime,
    keep: QueueFilter = QueueFilter(),
    sort: str = "due",
    descending: bool = False,
    names: dict[str, dict[str, str]] | None = None,
    limit: int | None = None,
    offset: int = 0,
    url: str | None = None,
) -> tuple[list[dict], int]:
    """The cases `keep` keeps, ordered by `sort` (one of QUEUE_SORTS; `names` {"metric"/"owner": {id:
    name}} for the by-name orders), `limit` of them from `offset`, and how many it keeps in all. Each
    row is a case without its cause in words, with `next_due`, `late_contact` and `late_resolution`.
    Filtered, ordered and cut in SQL: a queue of 50 000 cases reads only the rows it draws."""
    columns = [column for column in _cases.c if column.name != "cause_note"]
    order = _order(sort, names or {})
    rows = _kept(
        sa.select(
            *columns,
            NEXT_DUE.label("next_due"),
            sa.and_(_cases.c.status.in_(AWAITING_CONTACT), late_at(now)).label("late_contact"),
            sa.and_(_cases.c.status == "contacted", late_at(now)).label("late_resolution"),
        ),
        keep,
        now,
    )
    rows = rows.order_by(*[(key.desc() if descending else key.asc()).nulls_last() for key in order])
    if limit is not None:
        rows = rows.limit(limit).offset(offset)
    counted = _kept(sa.select(sa.func.count()).select_from(_cases), keep, now)
    with database.reading(url) as connection:
        found = _dicts(connection, rows)
        if limit is None and offset == 0:
            return found, len(found)
        return found, connection.execute(counted).scalar_one()


def queue_totals(now: datetime, url: str | None = None, assignee: tuple | None = None) -> dict[str, int]:
    """How many cases there are, how many are open and how many of those are late at `now` (of one
    assignee's, (kind, id), when given). Counted on the indexes."""
    by_status = _kept(
        sa.select(_cases.c.status, sa.func.count()).group_by(_cases.c.status),
        QueueFilter(assignee=assignee),
        now,
    )
    late = _kept(
        sa.select(sa.func.count()).select_from(_cases), QueueFilter(assignee=assignee, overdue=True), now
    )
    with database.reading(url) as connection:
        statuses = dict(connection.execute(by_status).all())
        overdue_count = connection.execute(late).scalar_one()
    return {
        "total": sum(statuses.values()),
        "open": sum(statuses.get(status, 0) for status in OPEN_STATUSES),
        "overdue": overdue_count,
    }


def assignees(url: str | None = None) -> list[tuple[str | None, str | None]]:
    """Every (assignee_kind, assignee_id) some case has."""
    query = sa.select(_cases.c.assignee_kind, _cases.c.assignee_id).distinct()
    with database.reading(url) as connection:
        return [tuple(row) for row in connection.execute(query)]


def linked_commitments(url: str | None = None) -> set[int]:
    """Every commitment some case is linked to."""
    query = sa.select(_cases.c.commitment_id).where(_cases.c.commitment_id.is_not(None)).distinct()
    with database.reading(url) as connection:
        return set(connection.execute(query).scalars())


def counts(url: str | None = None) -> dict[str, int]:
    """Cases by status."""
    with database.reading(url) as connection:
        rows = connection.execute(sa.select(_cases.c.status, sa.func.count()).group_by(_cases.c.status))
        return {status: count for status, count in rows}


#: What the closed-loop figures read of a case: its scope, its clocks, its status, its cause from the
#: touchpoint's list and the commitment it is linked to. Never the cause in words, the notes or the
#: respondent's reference.
LOOP_COLUMNS = (
    "case_id",
    "metric_id",
    "touchpoint_id",
    "segment_id",
    "status",
    "root_cause",
    "responded_at",
    "contact_due_at",
    "contacted_at",
    "resolve_due_at",
    "commitment_id",
)


def in_period(start: date, end: date, url: str | None = None, **filters) -> pd.DataFrame:
    """The cases of answers given from `start` to `end` (days, both included), as LOOP_COLUMNS, those
    matching `filters` (metric_id=, touchpoint_id=, segment_id=; None: all) only, oldest answer first."""
    columns = [_cases.c[column] for column in LOOP_COLUMNS]
    query = (
        sa.select(*columns)
        .where(
            _cases.c.responded_at >= datetime.combine(start, time()),
            _cases.c.responded_at < datetime.combine(end + timedelta(days=1), time()),
        )
        .order_by(_cases.c.responded_at, _cases.c.case_id)
    )
    for field, value in filters.items():
        if value is not None:
            query = query.where(_cases.c[field] == value)
    with database.reading(url) as connection:
        rows = connection.execute(query).fetchall()
    frame = pd.DataFrame(rows, columns=list(LOOP_COLUMNS))
    for column in ("responded_at", "contact_due_at", "contacted_at", "resolve_due_at"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


# --- from causes to commitments ---------------------------------------------------------------------


def _cause_cases(touchpoint_id: str, cause: str, start: date, end: date, segment_id: str | None):
    """The condition of the cases of `cause` at `touchpoint_id` (and `segment_id`, if given) whose
    answers were given from `start` to `end` (days, both included), as in_period counts them."""
    condition = sa.and_(
        _cases.c.touchpoint_id == touchpoint_id,
        _cases.c.root_cause == cause,
        _cases.c.responded_at >= datetime.combine(start, time()),
        _cases.c.responded_at < datetime.combine(end + timedelta(days=1), time()),
    )
    return condition if segment_id is None else sa.and_(condition, _cases.c.segment_id == segment_id)


@dataclass(frozen=True)
class CauseCases:
    """The cases of one cause at one touchpoint in a period: not linked to a commitment yet, linked
    already, and whether the cause is (or was) on the touchpoint's list."""

    unlinked: int
    linked: int
    listed: bool


def cause_cases(
    touchpoint_id: str,
    cause: str,
    start: date,
    end: date,
    segment_id: str | None = None,
    url: str | None = None,
) -> CauseCases:
    """How many cases `link_to_commitment` would link now, and how many a commitment holds already."""
    condition = _cause_cases(touchpoint_id, cause, start, end, segment_id)
    linked = _cases.c.commitment_id.is_not(None)
    with database.reading(url) as connection:
        unlinked_count, linked_count = connection.execute(
            sa.select(
                sa.func.count().filter(~linked),
                sa.func.count().filter(linked),
            ).where(condition)
        ).one()
        listed = connection.execute(
            sa.select(_causes.c.cause_id).where(
                _causes.c.touchpoint_id == touchpoint_id, _causes.c.cause == cause
            )
        ).first()
    return CauseCases(unlinked_count, linked_count, listed is not None)


def link_to_commitment(
    connection,
    commitment_id: int,
    touchpoint_id: str,
    cause: str,
    start: date,
    end: date,
    user_name: str,
    segment_id: str | None = None,
    now: datetime | None = None,
) -> int:
    """In the caller's write transaction (the commitment's own): link to `commitment_id` the cases of
    `cause` at `touchpoint_id` (and `segment_id`) whose answers were given from `start` to `end` and
    that no commitment holds yet; each one's version goes up, with a history row saying so (someone
    acting on it from the version before hears of it, as for any change). The number linked."""
    now = (now or current_time()).replace(microsecond=0)
    linked = connection.execute(
        _cases.update()
        .where(_cause_cases(touchpoint_id, cause, start, end, segment_id), _cases.c.commitment_id.is_(None))
        .values(
            commitment_id=commitment_id, version=_cases.c.version + 1, updated_at=now, updated_by=user_name
        )
        .returning(_cases.c.case_id, _cases.c.version)
    ).all()
    if linked:
        connection.execute(
            _history.insert(),
            [
                {
                    "case_id": case_id,
                    "version": version,
                    "changed_at": now,
                    "changed_by": user_name,
                    "action": LINKED,
                    "changes": {"commitment_id": [None, commitment_id]},
                    "note": "",
                }
                for case_id, version in sorted(linked)
            ],
        )
    log.info("Commitment %d: %d follow-up case(s) linked by %s", commitment_id, len(linked), user_name)
    return len(linked)


def linked_count(commitment_id: int, url: str | None = None) -> int:
    """How many cases are linked to a commitment."""
    with database.reading(url) as connection:
        return connection.execute(
            sa.select(sa.func.count()).where(_cases.c.commitment_id == commitment_id)
        ).scalar()


def version(url: str | None = None) -> str:
    """What changes whenever a case is opened or acted on: their count and latest change, as text."""
    with database.reading(url) as connection:
        count, latest = connection.execute(sa.select(sa.func.count(), sa.func.max(_cases.c.updated_at))).one()
    return f"{count}:{latest}"
