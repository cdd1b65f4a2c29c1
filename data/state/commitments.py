"""Commitments: what an owner has promised to do about a metric, kept in the state database.

Every save checks the version the editor started from (optimistic concurrency): a save made from a
stale version is refused with the change that got there first, and nothing is overwritten. Every
change, creation included, is appended to the commitment's history.

`validate` is pure: it turns what a form holds into clean values, or says what is wrong beside each
field. The store functions take clean values only.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import sqlalchemy as sa

import config
from data.state import database
from i18n import N_, _, format_day, format_integer

log = logging.getLogger(__name__)

#: Kinds and statuses in words (in English: translate with `_` where shown).
KINDS = {"action": N_("Action"), "redesign sprint": N_("Redesign sprint")}
STATUSES = {
    "planned": N_("Planned"),
    "in_progress": N_("In progress"),
    "done": N_("Done"),
    "dropped": N_("Dropped"),
}
OPEN_STATUSES = ("planned", "in_progress")
#: A redesign sprint is time-boxed: its due date is its 20th working day (Monday to Friday).
SPRINT_WORKING_DAYS = 20
TITLE_MAX, DESCRIPTION_MAX, NOTE_MAX = 120, 2000, 500

#: The fields a person edits, in form order. Everything else is kept by the store.
FIELDS = (
    "metric_id",
    "touchpoint_id",
    "segment_id",
    "owner_id",
    "title",
    "description",
    "kind",
    "start_on",
    "due_on",
    "status",
    "progress",
    "completed_on",
    "expected_value",
)
#: Each field's label (in English: translate with `_` where shown).
FIELD_LABELS = {
    "metric_id": N_("Metric"),
    "touchpoint_id": N_("Touchpoint"),
    "segment_id": N_("Segment"),
    "owner_id": N_("Owner"),
    "title": N_("Title"),
    "description": N_("Description"),
    "kind": N_("Kind"),
    "start_on": N_("Start"),
    "due_on": N_("Due"),
    "status": N_("Status"),
    "progress": N_("Progress"),
    "completed_on": N_("Completed"),
    "expected_value": N_("Expected effect"),
}


class ConflictError(Exception):
    """A save from a stale version: `changes` are the history entries saved since that version."""

    def __init__(self, commitment_id: int, current: dict, changes: list[dict]):
        self.commitment_id, self.current, self.changes = commitment_id, current, changes
        super().__init__(f"Commitment {commitment_id} was changed by someone else.")


@dataclass(frozen=True)
class Catalogue:
    """The ids a commitment may refer to, from the warehouse."""

    metrics: frozenset[str]
    touchpoints: frozenset[str]
    segments: frozenset[str]
    owners: frozenset[str]


def sprint_due(start: date) -> date:
    """The due date of a redesign sprint starting on `start`: its 20th working day, counting the start
    (a weekend start counts from the Monday after)."""
    return np.busday_offset(start, SPRINT_WORKING_DAYS - 1, roll="forward").astype(date)


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _date(value, label: str, errors: dict, field: str) -> date | None:
    text = _text(value)
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors[field] = _("%(field)s must be a date like 2026-11-30.", field=_(label))
        return None


def validate(
    values: dict, catalogue: Catalogue, today: date, stored: dict | None = None
) -> tuple[dict, dict]:
    """(clean values, {field: message}) for what a form holds; clean is only complete without errors.

    Derived here so that every form agrees: a redesign sprint's due date follows from its start; a
    commitment marked done is 100% done and completed today unless a completion date is given; a
    commitment not done has no completion date. With `stored` (the commitment being edited), an id
    it already had stands even when the warehouse no longer knows it, so the commitment can still be
    closed or dropped.
    """
    errors: dict[str, str] = {}
    clean: dict = {}

    for field, known, missing, unknown in (
        ("metric_id", catalogue.metrics, N_("Choose the metric."), N_("There is no metric “%(id)s”.")),
        ("owner_id", catalogue.owners, N_("Choose the owner."), N_("There is no owner “%(id)s”.")),
        ("touchpoint_id", catalogue.touchpoints, None, N_("There is no touchpoint “%(id)s”.")),
        ("segment_id", catalogue.segments, None, N_("There is no segment “%(id)s”.")),
    ):
        text = _text(values.get(field))
        kept = stored is not None and text == _text(stored.get(field))
        required = missing is not None
        if not text and required:
            errors[field] = _(missing)
        elif text and text not in known and not kept:
            errors[field] = _(unknown, id=text)
        clean[field] = text if required else (text or None)

    clean["title"] = _text(values.get("title"))
    if not clean["title"]:
        errors["title"] = _("Give the commitment a title.")
    elif len(clean["title"]) > TITLE_MAX:
        errors["title"] = _(
            "Keep the title to %(max)s characters (it has %(count)s).",
            max=format_integer(TITLE_MAX),
            count=format_integer(len(clean["title"])),
        )
    clean["description"] = _text(values.get("description"))
    if len(clean["description"]) > DESCRIPTION_MAX:
        errors["description"] = _(
            "Keep the description to %(max)s characters (it has %(count)s).",
            max=format_integer(DESCRIPTION_MAX),
            count=format_integer(len(clean["description"])),
        )

    clean["kind"] = _text(values.get("kind")) or "action"
    if clean["kind"] not in KINDS:
        errors["kind"] = _(
            "Kind must be one of: %(kinds)s.", kinds=", ".join(_(word) for word in KINDS.values())
        )
    if clean["kind"] == "redesign sprint" and not clean["touchpoint_id"] and "touchpoint_id" not in errors:
        errors["touchpoint_id"] = _("A redesign sprint redesigns one touchpoint: choose it.")
    clean["status"] = _text(values.get("status")) or "planned"
    if clean["status"] not in STATUSES:
        errors["status"] = _(
            "Status must be one of: %(statuses)s.", statuses=", ".join(_(word) for word in STATUSES.values())
        )

    start = _date(values.get("start_on"), FIELD_LABELS["start_on"], errors, "start_on")
    if start is None and "start_on" not in errors:
        errors["start_on"] = _("Give the start date.")
    due = sprint_due(start) if start and clean["kind"] == "redesign sprint" else None
    if due is None:
        due = _date(values.get("due_on"), FIELD_LABELS["due_on"], errors, "due_on")
        if due is None and "due_on" not in errors:
            errors["due_on"] = _("Give the due date.")
    if start and due and due < start:
        errors["due_on"] = _(
            "The due date must be on or after the start (%(start)s).", start=format_day(start)
        )
    clean["start_on"], clean["due_on"] = start, due

    progress_text = _text(values.get("progress"))
    try:
        progress = float(progress_text) if progress_text else 0.0
        if not 0 <= progress <= 100 or progress != int(progress):
            raise ValueError
        clean["progress"] = int(progress)
    except ValueError:
        errors["progress"] = _("Progress is a whole number from 0 to 100.")
        clean["progress"] = None

    completed = _date(values.get("completed_on"), FIELD_LABELS["completed_on"], errors, "completed_on")
    if clean["status"] == "done":
        completed = completed or today
        clean["progress"] = 100
        if start and completed < start:
            errors["completed_on"] = _(
                "It cannot be completed before it started (%(start)s).", start=format_day(start)
            )
        elif completed > today:
            errors["completed_on"] = _("The completion date cannot be in the future.")
    else:
        completed = None
    clean["completed_on"] = completed

    expected_text = _text(values.get("expected_value"))
    try:
        clean["expected_value"] = float(expected_text) if expected_text else None
        if clean["expected_value"] is not None and not np.isfinite(clean["expected_value"]):
            raise ValueError
    except ValueError:
        errors["expected_value"] = _("The expected effect is a number in the metric's unit, such as 45.")
        clean["expected_value"] = None
    clean["note"] = _text(values.get("note"))
    if len(clean["note"]) > NOTE_MAX:
        errors["note"] = _(
            "Keep the note to %(max)s characters (it has %(count)s).",
            max=format_integer(NOTE_MAX),
            count=format_integer(len(clean["note"])),
        )
    return clean, errors


def _row(connection, commitment_id: int) -> dict | None:
    found = connection.execute(
        sa.select(database.commitments).where(database.commitments.c.commitment_id == commitment_id)
    ).first()
    return dict(found._mapping) if found else None


def _history_entry(connection, commitment_id, version, user, changes, note, when) -> None:
    connection.execute(
        database.history.insert().values(
            commitment_id=commitment_id,
            version=version,
            changed_at=when,
            changed_by=user,
            changes={field: [_plain(before), _plain(after)] for field, (before, after) in changes.items()},
            note=note or "",
        )
    )


def _plain(value):
    """A value as JSON keeps it: dates as ISO text."""
    return value.isoformat() if isinstance(value, date) else value


def current_time() -> datetime:
    """The time in the business's time zone (BEACON_TIMEZONE, else the server's), to the second and
    without zone, as histories store it."""
    zone = ZoneInfo(config.TIMEZONE) if config.TIMEZONE else None
    return datetime.now(zone).replace(tzinfo=None, microsecond=0)


def current_date() -> date:
    """Today in the business's time zone: what "overdue" and "not in the future" are measured against."""
    return current_time().date()


def _moment(at: datetime | None) -> datetime:
    return (at or current_time()).replace(microsecond=0)


def create(
    values: dict,
    user: str,
    note: str = "",
    url: str | None = None,
    at: datetime | None = None,
    also: Callable[[sa.Connection, int], object] | None = None,
) -> int:
    """Store a new commitment from clean values (`validate`); returns its id. `at` is when it was
    made (default now; given when importing or seeding a history). `also(connection, commitment_id)`
    runs in the same write transaction, after the commitment is stored (the follow-up cases a redesign
    sprint links): if it fails, nothing is stored."""
    now = _moment(at)
    record = {field: values.get(field) for field in FIELDS}
    record["description"] = record["description"] or ""
    with database.writing(url) as connection:
        commitment_id = connection.execute(
            database.commitments.insert().values(
                **record, created_at=now, created_by=user, updated_at=now, updated_by=user, version=1
            )
        ).inserted_primary_key[0]
        changes = {field: (None, value) for field, value in record.items() if value not in (None, "")}
        _history_entry(connection, commitment_id, 1, user, changes, note, now)
        if also is not None:
            also(connection, commitment_id)
    log.info("Commitment %d created by %s", commitment_id, user)
    return commitment_id


def update(
    commitment_id: int,
    version: int,
    values: dict,
    user: str,
    note: str = "",
    url: str | None = None,
    at: datetime | None = None,
) -> int:
    """Save changed fields of a commitment edited from `version`; returns the new version.

    Raises LookupError when there is no such commitment and ConflictError when someone saved since
    `version`. Saving nothing new but a note still records the note. `at` as for `create`.
    """
    now = _moment(at)
    with database.writing(url) as connection:
        current = _row(connection, commitment_id)
        if current is None:
            raise LookupError(f"There is no commitment {commitment_id}.")
        if current["version"] != version:
            log.warning(
                "Commitment %d not saved by %s: edited from version %d, it is at %d (conflict)",
                commitment_id,
                user,
                version,
                current["version"],
            )
            raise ConflictError(commitment_id, current, _entries(connection, commitment_id, after=version))
        changes = {
            field: (current[field], values[field])
            for field in FIELDS
            if field in values and values[field] != current[field]
        }
        if not changes and not note:
            return version
        updated = connection.execute(
            database.commitments.update()
            .where(
                database.commitments.c.commitment_id == commitment_id,
                database.commitments.c.version == version,
            )
            .values(
                **{field: after for field, (_before, after) in changes.items()},
                updated_at=now,
                updated_by=user,
                version=version + 1,
            )
        )
        if updated.rowcount != 1:  # only reachable on a database without a write lock at BEGIN
            raise ConflictError(commitment_id, current, _entries(connection, commitment_id, after=version))
        _history_entry(connection, commitment_id, version + 1, user, changes, note, now)
    log.info(
        "Commitment %d saved by %s: version %d (%s)",
        commitment_id,
        user,
        version + 1,
        ", ".join(changes) or "a note",
    )
    return version + 1


def _entries(connection, commitment_id: int, after: int = 0) -> list[dict]:
    rows = connection.execute(
        sa.select(database.history)
        .where(database.history.c.commitment_id == commitment_id, database.history.c.version > after)
        .order_by(database.history.c.version, database.history.c.history_id)
    )
    return [dict(row._mapping) for row in rows]


def get(commitment_id: int, url: str | None = None) -> dict | None:
    with database.reading(url) as connection:
        return _row(connection, commitment_id)


def history(commitment_id: int, url: str | None = None) -> list[dict]:
    """Every change to a commitment, oldest first: version, changed_at, changed_by, changes, note."""
    with database.reading(url) as connection:
        return _entries(connection, commitment_id)


def titles(url: str | None = None) -> dict[int, str]:
    """commitment id → its title, every commitment."""
    table = database.commitments
    with database.reading(url) as connection:
        return dict(connection.execute(sa.select(table.c.commitment_id, table.c.title)).all())


def version(url: str | None = None) -> tuple[int, int]:
    """Changes as far as they go (the history's entries and the newest of them): different after any
    commitment is made or changed, the same otherwise. What a wall screen's commitments slide was drawn
    from, so an unchanged one is not drawn again. The count as well as the newest id, because on
    PostgreSQL an entry with a lower id can commit after a higher one."""
    history = database.history
    with database.reading(url) as connection:
        count, newest = connection.execute(
            sa.select(sa.func.count(), sa.func.max(history.c.history_id))
        ).one()
    return count, newest or 0


COLUMNS = [column.name for column in database.commitments.columns]


def register(url: str | None = None, today: date | None = None, **filters) -> pd.DataFrame:
    """Commitments (all, or those matching `filters` such as owner_id="o1"), with `overdue` and
    `on_time` (done by the due date; NA unless done) worked out for `today`."""
    query = sa.select(database.commitments).order_by(database.commitments.c.commitment_id)
    for field, value in filters.items():
        if value is not None:
            query = query.where(database.commitments.c[field] == value)
    with database.reading(url) as connection:
        rows = connection.execute(query).fetchall()
    frame = pd.DataFrame(rows, columns=COLUMNS)
    # pandas would turn a missing touchpoint into NaN; keep None, as `get` does, so a row means the same
    # whichever way it was read.
    for column in ("touchpoint_id", "segment_id", "completed_on", "expected_value"):
        frame[column] = pd.Series([row._mapping[column] for row in rows], dtype=object)
    return with_deadlines(frame, today or current_date())


def with_deadlines(frame: pd.DataFrame, today: date) -> pd.DataFrame:
    """Add `overdue` (open and past its due date) and `on_time` (done by the due date; NA unless done)."""
    # Row by row in Python: a register is hundreds of rows, where pandas' date parsing costs more.
    dates = pd.to_datetime(frame["due_on"]), pd.to_datetime(frame["completed_on"])
    rows = list(zip(frame["status"], *dates, strict=True))
    today = pd.Timestamp(today)
    return frame.assign(
        # bool even with no rows: an empty object column would select columns, not rows
        overdue=pd.Series(
            [status in OPEN_STATUSES and due < today for status, due, _done in rows],
            dtype=bool,
            index=frame.index,
        ),
        on_time=pd.array(
            [done <= due if status == "done" and not pd.isna(done) else None for status, due, done in rows],
            dtype="boolean",
        ),
    )
