"""Commitments on a real SQLite state file: schema migration, form validation, the store with its
history and optimistic concurrency, and the register with its deadline flags. Never mocks."""

import multiprocessing
import os
import shutil
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

import config
from data.state import commitments, database
from data.state.commitments import Catalogue, ConflictError, validate

TODAY = date(2026, 11, 20)  # a Friday
CATALOGUE = Catalogue(
    metrics=frozenset({"nps", "csat"}),
    touchpoints=frozenset({"web", "shop"}),
    segments=frozenset({"smb", "ent"}),
    owners=frozenset({"ana", "ben"}),
)


def in_fresh_process(function, *args):
    """Run `function(*args)` in a new spawned process and return its result.

    Schema creation runs there as it does in the app: in a process that has not migrated before (see
    test_one_process_can_migrate_two_fresh_databases for one that has).
    """
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(function, *args).result(timeout=60)


def migrate_and_close(*urls: str) -> list:
    """Migrate each url in turn (run in a fresh process): its version, or the error it raised."""
    results = []
    for url in urls:
        try:
            results.append(database.migrate(url))
        except Exception as error:
            results.append(f"{type(error).__name__}: {str(error).splitlines()[0]}")
        database.engine(url).dispose()  # closes the connections, so the WAL is checkpointed into the file
    return results


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("state-template") / "database.db"
    assert in_fresh_process(migrate_and_close, f"sqlite:///{path}") == [database.head()]
    return path


@pytest.fixture
def url(tmp_path, migrated_template):
    """A freshly migrated, empty state database of this test's own."""
    for source in migrated_template.parent.glob("database.db*"):
        shutil.copy(source, tmp_path / source.name)
    return f"sqlite:///{tmp_path / 'database.db'}"


def form(**overrides) -> dict:
    """What a filled-in commitment form holds: text everywhere, as the browser sends it."""
    values = {
        "metric_id": "nps",
        "touchpoint_id": "web",
        "segment_id": "",
        "owner_id": "ana",
        "title": "Fix the checkout page",
        "description": "Remove the second address step.",
        "kind": "action",
        "start_on": "2026-11-02",
        "due_on": "2026-11-30",
        "status": "planned",
        "progress": "10",
        "completed_on": "",
        "expected_value": "",
    }
    values.update(overrides)
    return values


def clean(**overrides) -> dict:
    values, errors = validate(form(**overrides), CATALOGUE, TODAY)
    assert errors == {}
    return values


# --- schema ---------------------------------------------------------------------------------------


def test_migrate_creates_the_latest_schema_and_is_idempotent(tmp_path):
    url = f"sqlite:///{tmp_path / 'database.db'}"
    assert in_fresh_process(migrate_and_close, url, url, url) == ["0007"] * 3
    assert database.migrate(url) == database.head() == "0007"  # and once more from this process
    with database.reading(url) as connection:
        assert set(sa.inspect(connection).get_table_names()) == {
            "alembic_version",
            "commitments",
            "commitment_history",
            "accounts",
            "audit_log",
            "display_tokens",
            "sessions",
            "publications",
            "slice_statuses",
            "alert_events",
            "outbox",
            "delivery_attempts",
            "subscriptions",
            "opt_outs",
            "unsubscribe_links",
            "webhooks",
            "case_rules",
            "case_routes",
            "root_causes",
            "cases",
            "case_history",
        }
        assert MigrationContext.configure(connection).get_current_revision() == "0007"
        rows = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalars().all()
    assert rows == ["0007"]


def test_the_tables_the_store_uses_are_the_ones_the_revisions_make(url):
    """Alembic's comparison of the module's tables with a migrated database finds no difference: a
    change to a table without its revision (or the reverse) fails here."""
    with database.reading(url) as connection:
        assert compare_metadata(MigrationContext.configure(connection), database.metadata) == []


def test_the_revisions_go_down_to_nothing_and_up_again(url):
    """Each revision's downgrade undoes its upgrade: down to base leaves only Alembic's own table, and
    the revisions then make the schema again."""
    with database.writing(url) as connection:
        command.downgrade(database.alembic_config(connection), "base")
    with database.reading(url) as connection:
        assert sa.inspect(connection).get_table_names() == ["alembic_version"]
        assert MigrationContext.configure(connection).get_current_revision() is None
    assert database.migrate(url) == "0007"
    with database.reading(url) as connection:
        assert compare_metadata(MigrationContext.configure(connection), database.metadata) == []


def test_migrate_creates_the_parent_directory(tmp_path):
    url = f"sqlite:///{tmp_path / 'not' / 'yet' / 'database.db'}"
    assert in_fresh_process(migrate_and_close, url) == [database.head()]
    assert (tmp_path / "not" / "yet" / "database.db").exists()


def test_one_process_can_migrate_two_fresh_databases(tmp_path):
    """A process (a test run, a tool) that creates two state databases must be able to: a revision
    builds its tables in a MetaData of its own, so nothing it makes sticks to the module's tables (an
    index attached to them once made the second database fail: "index commitments_by_owner already
    exists")."""
    first, second = f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"
    assert in_fresh_process(migrate_and_close, first, second) == [database.head()] * 2


# --- validate -------------------------------------------------------------------------------------


def test_a_complete_form_is_clean():
    values, errors = validate(form(), CATALOGUE, TODAY)
    assert errors == {}
    assert values["start_on"] == date(2026, 11, 2)
    assert values["due_on"] == date(2026, 11, 30)
    assert values["progress"] == 10
    assert values["segment_id"] is None  # empty optional id → None, not ""
    assert values["completed_on"] is None
    assert values["expected_value"] is None


@pytest.mark.parametrize(
    "field", ["metric_id", "owner_id", "title", "start_on", "due_on"], ids=lambda f: f"missing-{f}"
)
def test_each_required_field_is_reported_under_its_own_key(field):
    _values, errors = validate(form(**{field: ""}), CATALOGUE, TODAY)
    assert set(errors) == {field}


def test_whitespace_only_title_counts_as_missing():
    _values, errors = validate(form(title="   "), CATALOGUE, TODAY)
    assert set(errors) == {"title"}


@pytest.mark.parametrize(
    ("field", "noun"),
    [
        ("metric_id", "metric"),
        ("touchpoint_id", "touchpoint"),
        ("segment_id", "segment"),
        ("owner_id", "owner"),
    ],
)
def test_unknown_ids_are_rejected(field, noun):
    _values, errors = validate(form(**{field: "zzz"}), CATALOGUE, TODAY)
    assert set(errors) == {field}
    assert errors[field].startswith(f"There is no {noun} ")
    assert "zzz" in errors[field]


def test_due_before_start_is_rejected_but_due_on_start_is_fine():
    _values, errors = validate(form(start_on="2026-11-10", due_on="2026-11-09"), CATALOGUE, TODAY)
    assert set(errors) == {"due_on"}
    _values, errors = validate(form(start_on="2026-11-10", due_on="2026-11-10"), CATALOGUE, TODAY)
    assert errors == {}


@pytest.mark.parametrize("progress", ["-1", "101", "12.5", "abc", "nan", "inf"])
def test_progress_outside_whole_0_to_100_is_rejected(progress):
    values, errors = validate(form(progress=progress), CATALOGUE, TODAY)
    assert set(errors) == {"progress"}
    assert values["progress"] is None


@pytest.mark.parametrize(
    ("progress", "expected"), [("0", 0), ("100", 100), ("", 0), ("50.0", 50), (" 7 ", 7)]
)
def test_progress_whole_numbers_0_to_100_are_accepted(progress, expected):
    values, errors = validate(form(progress=progress), CATALOGUE, TODAY)
    assert errors == {}
    assert values["progress"] == expected
    assert isinstance(values["progress"], int)


def test_title_length_limit_is_120_characters():
    values, errors = validate(form(title="x" * 120), CATALOGUE, TODAY)
    assert errors == {}
    assert len(values["title"]) == 120
    _values, errors = validate(form(title="x" * 121), CATALOGUE, TODAY)
    assert set(errors) == {"title"}
    assert "121" in errors["title"]


def test_description_length_limit_is_2000_characters():
    _values, errors = validate(form(description="d" * 2000), CATALOGUE, TODAY)
    assert errors == {}
    _values, errors = validate(form(description="d" * 2001), CATALOGUE, TODAY)
    assert set(errors) == {"description"}


@pytest.mark.parametrize("field", ["start_on", "due_on"])
@pytest.mark.parametrize("text", ["next week", "2026-13-01", "2026-02-30", "30/11/2026"])
def test_bad_date_text_is_rejected_under_its_field(field, text):
    _values, errors = validate(form(**{field: text}), CATALOGUE, TODAY)
    assert set(errors) == {field}
    assert "date like" in errors[field]


def test_bad_completed_date_text_is_rejected():
    _values, errors = validate(form(status="done", completed_on="soon"), CATALOGUE, TODAY)
    assert "completed_on" in errors


def test_unknown_kind_and_status_are_rejected():
    _values, errors = validate(form(kind="wish", status="someday"), CATALOGUE, TODAY)
    assert set(errors) == {"kind", "status"}


@pytest.mark.parametrize(
    ("start", "due"),
    [
        # Mon 2 Nov: working days 2–6, 9–13, 16–20, 23–27 Nov → the 20th is Fri 27 Nov.
        ("2026-11-02", date(2026, 11, 27)),
        # Sat 7 Nov counts from Mon 9 Nov: 9–13, 16–20, 23–27 Nov, 30 Nov–4 Dec → Fri 4 Dec.
        ("2026-11-07", date(2026, 12, 4)),
        # Sun 8 Nov counts from the same Monday.
        ("2026-11-08", date(2026, 12, 4)),
        # Wed 4 Nov: 4–6 (3), 9–13 (8), 16–20 (13), 23–27 (18), 30 Nov (19), 1 Dec (20) → Tue 1 Dec.
        ("2026-11-04", date(2026, 12, 1)),
    ],
)
def test_redesign_sprint_due_is_its_20th_working_day(start, due):
    """Worked on a calendar of November 2026 (1 Nov is a Sunday); a due date typed in is ignored."""
    values, errors = validate(
        form(kind="redesign sprint", start_on=start, due_on="2027-06-30"), CATALOGUE, TODAY
    )
    assert errors == {}
    assert values["due_on"] == due
    assert type(values["due_on"]) is date
    assert commitments.sprint_due(date.fromisoformat(start)) == due


def test_redesign_sprint_needs_no_due_date_typed_in():
    values, errors = validate(form(kind="redesign sprint", due_on=""), CATALOGUE, TODAY)
    assert errors == {}
    assert values["due_on"] == date(2026, 11, 27)


def test_a_redesign_sprint_needs_its_touchpoint():
    _values, errors = validate(form(kind="redesign sprint", touchpoint_id=""), CATALOGUE, TODAY)
    assert set(errors) == {"touchpoint_id"}


def test_an_id_the_warehouse_dropped_still_stands_on_the_commitment_that_has_it():
    """A metric removed from the warehouse must not lock its commitments: they can still be dropped."""
    stored = clean() | {"metric_id": "retired", "touchpoint_id": "old-kiosk"}
    edited = form(metric_id="retired", touchpoint_id="old-kiosk", status="dropped")
    values, errors = validate(edited, CATALOGUE, TODAY, stored=stored)
    assert errors == {}
    assert (values["metric_id"], values["touchpoint_id"], values["status"]) == (
        "retired",
        "old-kiosk",
        "dropped",
    )
    # Choosing an unknown id anew is still refused.
    _values, errors = validate(form(segment_id="gone"), CATALOGUE, TODAY, stored=stored)
    assert set(errors) == {"segment_id"}


def test_date_text_with_anything_after_the_date_is_rejected():
    _values, errors = validate(form(start_on="2026-11-02junk"), CATALOGUE, TODAY)
    assert set(errors) == {"start_on"}


def test_done_is_100_percent_and_completed_today_unless_given():
    values, errors = validate(form(status="done", progress="30"), CATALOGUE, TODAY)
    assert errors == {}
    assert values["progress"] == 100
    assert values["completed_on"] == TODAY

    values, errors = validate(form(status="done", completed_on="2026-11-12"), CATALOGUE, TODAY)
    assert errors == {}
    assert values["completed_on"] == date(2026, 11, 12)
    assert values["progress"] == 100


def test_done_may_be_completed_on_its_start_day_and_today():
    assert clean(status="done", completed_on="2026-11-02")["completed_on"] == date(2026, 11, 2)
    assert clean(status="done", completed_on=TODAY.isoformat())["completed_on"] == TODAY


def test_completed_before_start_is_rejected():
    _values, errors = validate(form(status="done", completed_on="2026-11-01"), CATALOGUE, TODAY)
    assert set(errors) == {"completed_on"}


def test_completed_in_the_future_is_rejected():
    _values, errors = validate(form(status="done", completed_on="2026-11-21"), CATALOGUE, TODAY)
    assert set(errors) == {"completed_on"}


@pytest.mark.parametrize("status", ["planned", "in_progress", "dropped"])
def test_status_not_done_clears_completed_on(status):
    values, errors = validate(form(status=status, completed_on="2026-11-10"), CATALOGUE, TODAY)
    assert errors == {}
    assert values["completed_on"] is None


def test_expected_value_is_parsed_as_a_number():
    assert clean(expected_value="45")["expected_value"] == 45.0
    assert clean(expected_value="-2.5")["expected_value"] == -2.5
    assert clean(expected_value="")["expected_value"] is None


@pytest.mark.parametrize("text", ["abc", "nan", "inf", "-inf"])
def test_expected_value_that_is_not_a_finite_number_is_rejected(text):
    values, errors = validate(form(expected_value=text), CATALOGUE, TODAY)
    assert set(errors) == {"expected_value"}
    assert values["expected_value"] is None


# --- store: create, get, history, update ----------------------------------------------------------


def test_create_then_get_and_history(url):
    values = clean(expected_value="5")
    commitment_id = commitments.create(values, "ana@example.com", note="Agreed at the QBR", url=url)
    row = commitments.get(commitment_id, url=url)
    assert row["version"] == 1
    assert row["created_by"] == row["updated_by"] == "ana@example.com"
    for field in commitments.FIELDS:
        assert row[field] == values[field], field
    assert row["start_on"] == date(2026, 11, 2)

    entries = commitments.history(commitment_id, url=url)
    assert len(entries) == 1
    entry = entries[0]
    assert entry["version"] == 1
    assert entry["changed_by"] == "ana@example.com"
    assert entry["note"] == "Agreed at the QBR"
    # Every non-empty field is recorded as created from nothing; empty ones are left out.
    assert entry["changes"]["title"] == [None, "Fix the checkout page"]
    assert entry["changes"]["start_on"] == [None, "2026-11-02"]
    assert entry["changes"]["expected_value"] == [None, 5.0]
    assert all(before is None for before, _after in entry["changes"].values())
    assert "segment_id" not in entry["changes"]
    assert "completed_on" not in entry["changes"]


def test_get_missing_commitment_is_none(url):
    assert commitments.get(999, url=url) is None
    assert commitments.history(999, url=url) == []


def test_update_records_only_changed_fields_from_and_to(url):
    commitment_id = commitments.create(clean(), "ana", url=url)
    edited = clean(title="Fix checkout", progress="60", status="in_progress")
    assert commitments.update(commitment_id, 1, edited, "ben", note="Half way", url=url) == 2

    row = commitments.get(commitment_id, url=url)
    assert (row["version"], row["title"], row["progress"], row["status"]) == (
        2,
        "Fix checkout",
        60,
        "in_progress",
    )
    assert row["updated_by"] == "ben"
    assert row["created_by"] == "ana"

    entries = commitments.history(commitment_id, url=url)
    assert [entry["version"] for entry in entries] == [1, 2]
    latest = entries[1]
    assert latest["changes"] == {
        "title": ["Fix the checkout page", "Fix checkout"],
        "status": ["planned", "in_progress"],
        "progress": [10, 60],
    }
    assert latest["changed_by"] == "ben"
    assert latest["note"] == "Half way"
    assert latest["changed_at"] is not None


def test_update_of_dates_records_iso_text(url):
    commitment_id = commitments.create(clean(), "ana", url=url)
    commitments.update(commitment_id, 1, clean(status="done", completed_on="2026-11-19"), "ana", url=url)
    changes = commitments.history(commitment_id, url=url)[-1]["changes"]
    assert changes["completed_on"] == [None, "2026-11-19"]
    assert changes["status"] == ["planned", "done"]
    assert changes["progress"] == [10, 100]
    assert commitments.get(commitment_id, url=url)["completed_on"] == date(2026, 11, 19)


def test_update_with_nothing_changed_and_no_note_is_a_no_op(url):
    commitment_id = commitments.create(clean(), "ana", url=url)
    assert commitments.update(commitment_id, 1, clean(), "ben", url=url) == 1
    assert commitments.get(commitment_id, url=url)["version"] == 1
    assert commitments.get(commitment_id, url=url)["updated_by"] == "ana"
    assert len(commitments.history(commitment_id, url=url)) == 1


def test_note_only_update_records_the_note(url):
    commitment_id = commitments.create(clean(), "ana", url=url)
    assert commitments.update(commitment_id, 1, clean(), "ben", note="Vendor is late", url=url) == 2
    entries = commitments.history(commitment_id, url=url)
    assert len(entries) == 2
    assert entries[1]["changes"] == {}
    assert entries[1]["note"] == "Vendor is late"
    assert entries[1]["changed_by"] == "ben"
    assert commitments.get(commitment_id, url=url)["version"] == 2


def test_partial_values_update_only_the_fields_given(url):
    commitment_id = commitments.create(clean(), "ana", url=url)
    commitments.update(commitment_id, 1, {"progress": 80}, "ana", url=url)
    row = commitments.get(commitment_id, url=url)
    assert (row["progress"], row["title"], row["version"]) == (80, "Fix the checkout page", 2)


# --- store: optimistic concurrency ----------------------------------------------------------------


def test_second_editor_from_a_stale_version_gets_a_conflict_and_overwrites_nothing(url):
    """Two editors open version 1; the first saves, the second is refused with the first's change."""
    commitment_id = commitments.create(clean(), "ana", url=url)
    first = commitments.get(commitment_id, url=url)
    second = commitments.get(commitment_id, url=url)
    assert first["version"] == second["version"] == 1

    commitments.update(
        commitment_id, first["version"], {"title": "Ana's title", "progress": 40}, "ana", url=url
    )
    with pytest.raises(ConflictError) as raised:
        commitments.update(
            commitment_id, second["version"], {"title": "Ben's title", "progress": 90}, "ben", url=url
        )

    conflict = raised.value
    assert conflict.commitment_id == commitment_id
    assert conflict.current["version"] == 2
    assert len(conflict.changes) == 1
    assert conflict.changes[0]["version"] == 2
    assert conflict.changes[0]["changed_by"] == "ana"
    assert conflict.changes[0]["changes"] == {
        "title": ["Fix the checkout page", "Ana's title"],
        "progress": [10, 40],
    }
    row = commitments.get(commitment_id, url=url)
    assert (row["title"], row["progress"], row["version"], row["updated_by"]) == ("Ana's title", 40, 2, "ana")
    assert len(commitments.history(commitment_id, url=url)) == 2


def test_conflict_lists_every_change_since_the_stale_version(url):
    commitment_id = commitments.create(clean(), "ana", url=url)
    commitments.update(commitment_id, 1, {"progress": 20}, "ana", url=url)
    commitments.update(commitment_id, 2, {"progress": 30}, "ben", url=url)
    with pytest.raises(ConflictError) as raised:
        commitments.update(commitment_id, 1, {"progress": 99}, "cy", url=url)
    assert [entry["version"] for entry in raised.value.changes] == [2, 3]
    assert commitments.get(commitment_id, url=url)["progress"] == 30


def test_update_of_a_missing_commitment_raises_lookup_error(url):
    with pytest.raises(LookupError):
        commitments.update(12345, 1, clean(), "ana", url=url)


# --- register and deadlines -----------------------------------------------------------------------


@pytest.fixture
def registered(url):
    """Five commitments around TODAY (Fri 20 Nov 2026), each a distinct deadline case."""
    made = {
        # open, due yesterday → overdue
        "late_open": clean(title="late open", due_on="2026-11-19", status="in_progress"),
        # open, due today → not overdue yet
        "due_today": clean(title="due today", due_on="2026-11-20", owner_id="ben"),
        # done on the due date → on time
        "done_on_due": clean(
            title="done on due",
            due_on="2026-11-10",
            status="done",
            completed_on="2026-11-10",
            metric_id="csat",
        ),
        # done a day after the due date → late, and never overdue
        "done_late": clean(title="done late", due_on="2026-11-10", status="done", completed_on="2026-11-11"),
        # dropped past its due date → neither overdue nor on time
        "dropped": clean(title="dropped", due_on="2026-11-05", status="dropped", owner_id="ben"),
    }
    return {name: commitments.create(values, "ana", url=url) for name, values in made.items()}


def test_register_flags_overdue_and_on_time(url, registered):
    frame = commitments.register(url, TODAY).set_index("title")
    assert len(frame) == 5
    assert frame["overdue"].to_dict() == {
        "late open": True,
        "due today": False,
        "done on due": False,
        "done late": False,
        "dropped": False,
    }
    assert bool(frame.loc["done on due", "on_time"]) is True  # bool(NA) would raise
    assert bool(frame.loc["done late", "on_time"]) is False
    for title in ("late open", "due today", "dropped"):
        assert frame.loc[title, "on_time"] is pd.NA, title


def test_due_today_becomes_overdue_tomorrow(url, registered):
    frame = commitments.register(url, date(2026, 11, 21)).set_index("title")
    assert bool(frame.loc["due today", "overdue"]) is True


def test_register_filters(url, registered):
    assert list(commitments.register(url, TODAY, owner_id="ben")["title"]) == ["due today", "dropped"]
    assert list(commitments.register(url, TODAY, metric_id="csat")["title"]) == ["done on due"]
    assert list(commitments.register(url, TODAY, status="done")["title"]) == ["done on due", "done late"]
    assert list(commitments.register(url, TODAY, owner_id="ana", status="done")["title"]) == [
        "done on due",
        "done late",
    ]
    # A filter given as None is no filter.
    assert len(commitments.register(url, TODAY, owner_id=None)) == 5
    assert commitments.register(url, TODAY, owner_id="nobody").empty


def test_register_columns_and_order(url, registered):
    frame = commitments.register(url, TODAY)
    assert list(frame.columns) == [*commitments.COLUMNS, "overdue", "on_time"]
    assert list(frame["commitment_id"]) == sorted(registered.values())
    assert str(frame["on_time"].dtype) == "boolean"


def test_register_of_an_empty_store(url):
    frame = commitments.register(url, TODAY)
    assert frame.empty
    assert {"overdue", "on_time"} <= set(frame.columns)


def test_today_is_the_business_time_zone(monkeypatch):
    """BEACON_TIMEZONE decides what "today" is: 25 hours apart, Kiritimati is always a day or two ahead."""
    monkeypatch.setattr(config, "TIMEZONE", "Pacific/Kiritimati")  # UTC+14
    east = commitments.current_date()
    monkeypatch.setattr(config, "TIMEZONE", "Pacific/Pago_Pago")  # UTC−11
    west = commitments.current_date()
    assert (east - west).days in (1, 2)


def test_a_wrong_time_zone_stops_the_app_at_start_naming_it():
    found = subprocess.run(
        [sys.executable, "-c", "import config; config.validate()"],
        env={**os.environ, "BEACON_TIMEZONE": "Mars/Olympus_Mons"},
        capture_output=True,
        text=True,
        cwd=Path(config.__file__).parent,
    )
    assert (found.returncode, found.stderr) == (
        1,
        "BEACON_TIMEZONE='Mars/Olympus_Mons' is not a time zone: write an IANA name such as Europe/Helsinki.\n",
    )
