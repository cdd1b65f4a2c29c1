"""The commitment save workflow (views.commitments.save_commitment) on a real SQLite state file and the
tiny warehouse: each result kind, and who may save what. No browser, no mocks.

The tiny warehouse's NPS is Ana's metric and customer effort Ben's (tests/tiny_warehouse.py)."""

import sqlite3
from datetime import timedelta

import pytest

import auth
import config
from data.state import commitments
from tests.unit.test_commitments_store import migrated_template, url  # noqa: F401 (the store's fixtures)
from views.commitment_context import new_values
from views.commitments import (
    Busy,
    Conflict,
    Invalid,
    Refused,
    Saved,
    may_edit,
    read_only_note,
    save_commitment,
)

ADMIN = auth.User("Ada Admin", auth.ADMIN, "ada")
ANA = auth.User("Ana Silva", auth.OWNER, "ana", owner_id="ana")
BEN = auth.User("Ben Okafor", auth.OWNER, "ben", owner_id="ben")
VERA = auth.User("Vera Viewer", auth.VIEWER, "vera")


@pytest.fixture
def state(url, monkeypatch, tiny_warehouse):  # noqa: F811 (the fixture imported above)
    """A freshly migrated, empty state database of this test's own, as the app's, over the tiny warehouse."""
    monkeypatch.setattr(config, "STATE_URL", url)
    return url.removeprefix("sqlite:///")


def typed(**overrides) -> dict:
    """What the commitment page's form sends for a new action on Ana's NPS: text, as typed."""
    today = commitments.current_date()
    values = {
        "metric_id": "nps",
        "touchpoint_id": "web",
        "segment_id": None,
        "owner_id": "ana",
        "title": "Fix the checkout page",
        "description": "",
        "kind": "action",
        "start_on": (today - timedelta(days=10)).isoformat(),
        "due_on": (today + timedelta(days=20)).isoformat(),
        "status": "planned",
        "progress": "0",
        "completed_on": "",
        "expected_value": "",
        "note": "From the October review",
    }
    values.update(overrides)
    return values


def create(user=ADMIN, **overrides) -> int:
    saved = save_commitment(user, None, typed(**overrides), None)
    assert isinstance(saved, Saved), saved
    return saved.commitment_id


def test_an_owner_creates_a_commitment_on_their_metric(state):
    saved = save_commitment(ANA, None, typed(), None)
    assert saved == Saved(saved.commitment_id, 1, created=True)
    stored = commitments.get(saved.commitment_id)
    assert (stored["title"], stored["owner_id"], stored["created_by"]) == (
        "Fix the checkout page",
        "ana",
        "Ana Silva",
    )
    assert commitments.history(saved.commitment_id)[0]["note"] == "From the October review"


def test_a_change_is_saved_as_the_next_version(state):
    commitment_id = create()
    saved = save_commitment(ANA, commitment_id, typed(status="in_progress", progress="40", note=""), 1)
    assert saved == Saved(commitment_id, 2)
    stored = commitments.get(commitment_id)
    assert (stored["status"], stored["progress"], stored["version"], stored["updated_by"]) == (
        "in_progress",
        40,
        2,
        "Ana Silva",
    )


def test_saving_nothing_new_makes_no_version(state):
    commitment_id = create(note="")
    saved = save_commitment(ANA, commitment_id, typed(note=""), 1)
    assert saved == Saved(commitment_id, 1, changed=False)
    assert len(commitments.history(commitment_id)) == 1


def test_the_in_place_editor_types_some_fields_and_the_rest_stays_as_stored(state):
    """The owner page's card sends status, progress, dates and a note: marked done, it is 100 % done
    and completed today; its title, metric and touchpoint are as they were."""
    commitment_id = create()
    in_place = {"status": "done", "progress": "60", "completed_on": "", "note": "Shipped"}
    assert save_commitment(ANA, commitment_id, in_place, 1) == Saved(commitment_id, 2)
    stored = commitments.get(commitment_id)
    assert (stored["status"], stored["progress"], stored["completed_on"]) == (
        "done",
        100,
        commitments.current_date(),
    )
    assert (stored["title"], stored["metric_id"], stored["touchpoint_id"]) == (
        "Fix the checkout page",
        "nps",
        "web",
    )


def test_a_viewer_is_refused_and_nothing_is_stored(state):
    refused = save_commitment(VERA, None, typed(), None)
    assert refused == Refused(
        "Not saved: you are signed in as a viewer, who reads Beacon but does not change commitments."
    )
    assert commitments.register().empty
    commitment_id = create()
    assert isinstance(save_commitment(VERA, commitment_id, typed(progress="50"), 1), Refused)
    assert commitments.get(commitment_id)["version"] == 1


def test_an_owner_is_refused_a_commitment_on_another_owners_metric(state):
    """Ben neither owns Ana's NPS commitment nor the metric: refused, unchanged."""
    commitment_id = create()
    refused = save_commitment(BEN, commitment_id, typed(progress="50"), 1)
    assert refused == Refused("Not saved: this commitment is neither yours nor on a metric you own.")
    assert commitments.get(commitment_id)["progress"] == 0


def test_an_owner_cannot_hand_work_to_another_owners_metric(state):
    """Ana may not create a commitment that would be Ben's on Ben's metric, nor move hers there."""
    refused = save_commitment(ANA, None, typed(metric_id="effort", owner_id="ben"), None)
    assert refused == Refused(
        "Not saved: you may only save commitments that you own or that are on a metric you own."
    )
    commitment_id = create()
    assert isinstance(
        save_commitment(ANA, commitment_id, typed(metric_id="effort", owner_id="ben"), 1), Refused
    )
    assert commitments.get(commitment_id)["metric_id"] == "nps"


def test_a_commitment_that_does_not_exist_is_refused(state):
    assert save_commitment(ADMIN, 999, typed(), 1) == Refused("There is no commitment 999.")


def test_invalid_fields_are_named_and_what_was_typed_is_kept(state):
    commitment_id = create()
    wrong = typed(progress="150", title="  ", touchpoint_id="moon")
    before = dict(wrong)
    invalid = save_commitment(ANA, commitment_id, wrong, 1)
    assert invalid == Invalid(
        {
            "touchpoint_id": "There is no touchpoint “moon”.",
            "title": "Give the commitment a title.",
            "progress": "Progress is a whole number from 0 to 100.",
        }
    )
    assert wrong == before, "the editor's values are its own: the workflow changes none of them"
    stored = commitments.get(commitment_id)
    assert (stored["progress"], stored["version"]) == (0, 1)


def test_a_save_from_a_stale_version_is_a_conflict_with_their_changes(state):
    """The admin saves version 2 while Ana edits version 1: Ana's save is a Conflict carrying what the
    admin changed, and the store keeps the admin's save alone."""
    commitment_id = create()
    assert save_commitment(ADMIN, commitment_id, typed(status="in_progress", note="Started"), 1) == Saved(
        commitment_id, 2
    )
    conflict = save_commitment(ANA, commitment_id, typed(progress="40"), 1)
    assert isinstance(conflict, Conflict)
    [theirs] = conflict.theirs
    assert (theirs["version"], theirs["changed_by"], theirs["note"]) == (2, "Ada Admin", "Started")
    assert theirs["changes"] == {"status": ["planned", "in_progress"]}
    stored = commitments.get(commitment_id)
    assert (stored["status"], stored["progress"], stored["version"]) == ("in_progress", 0, 2)


def test_a_busy_state_database_saves_nothing(state):
    """Another writer holds the file past database.BUSY_SECONDS: Busy, and nothing is stored."""
    holder = sqlite3.connect(state, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        assert save_commitment(ADMIN, None, typed(), None) == Busy()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert commitments.register().empty


def test_who_may_edit_a_commitment_and_what_the_others_are_told(state):
    stored = commitments.get(create())
    assert [may_edit(user, stored) for user in (ADMIN, ANA, BEN, VERA)] == [True, True, False, False]
    assert read_only_note(ANA, stored) is None
    assert read_only_note(ANA, None) is None
    assert read_only_note(BEN, stored) == (
        "This commitment is neither yours nor on a metric you own: you can read it but not change it."
    )
    assert read_only_note(VERA, None) == (
        "You are signed in as a viewer: you can read commitments but not change them."
    )


def test_a_new_commitment_starts_from_where_it_was_opened(tiny_warehouse):
    """/commitment/new?metric=effort&touchpoint=moon: on Ben's metric, so Ben's; no such touchpoint, so
    on all; an action from today, due in four weeks."""
    today = commitments.current_date()
    values = new_values({"metric": "effort", "touchpoint": "moon", "segment": "smb"}, today)
    assert values == {
        "metric_id": "effort",
        "touchpoint_id": None,
        "segment_id": "smb",
        "owner_id": "ben",
        "kind": "action",
        "status": "planned",
        "progress": 0,
        "start_on": today,
        "due_on": today + timedelta(days=28),
    }
    assert new_values({"metric": "effort", "owner": "ana"}, today)["owner_id"] == "ana"
    assert new_values({"metric": "nope"}, today)["owner_id"] is None


def test_refused_saves_are_logged_by_the_workflow(state, caplog):
    """Saves and conflicts are the store's to log (data.state.commitments); the workflow adds what
    never reaches the store, a refusal."""
    caplog.set_level("INFO", logger="views.commitments")
    commitment_id = create()
    save_commitment(VERA, commitment_id, typed(progress="50"), 1)
    save_commitment(ADMIN, commitment_id, typed(progress="50"), 1)
    save_commitment(ANA, commitment_id, typed(progress="60"), 1)
    assert save_commitment(ANA, commitment_id, typed(progress="60"), 7) == Conflict([])
    assert [
        (record.levelname, record.getMessage())
        for record in caplog.records
        if record.name == "views.commitments"
    ] == [
        (
            "WARNING",
            f"Commitment {commitment_id}: save refused to vera: Not saved: you are signed in as a viewer, "
            "who reads Beacon but does not change commitments.",
        ),
    ]


def test_a_save_while_the_state_database_is_unreachable_is_refused_as_such(state, monkeypatch, tmp_path):
    """PostgreSQL restarting: the editor hears that the database cannot be reached, nothing is stored."""
    monkeypatch.setattr(config, "STATE_URL", f"postgresql+psycopg://beacon@/beacon?host={tmp_path}")
    assert save_commitment(ADMIN, None, typed(), None) == Busy(unreachable=True)
    monkeypatch.setattr(config, "STATE_URL", f"sqlite:///{state}")
    assert commitments.register().empty
