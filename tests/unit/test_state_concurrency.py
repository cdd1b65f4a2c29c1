"""The state database under real concurrency: separate OS processes (spawned, as gunicorn workers are
separate processes), released together by a barrier, on one SQLite file, and on a PostgreSQL database
when this machine has PostgreSQL.

The parent process never migrates (it may make a database as Beacon did before Alembic): every
migration runs in a fresh child, which is what app workers
do on start (and keeps these tests independent of what else ran in the pytest process).
"""

import multiprocessing
import queue
import time
import traceback
from datetime import date

import pytest
import sqlalchemy as sa

from data.state import commitments, database
from data.state.commitments import ConflictError
from tests import state_before_alembic

SPAWN = multiprocessing.get_context("spawn")
WAIT = 60  # seconds: a generous ceiling so a broken lock fails the test instead of hanging it


def values(title: str) -> dict:
    """Clean commitment values, as `commitments.validate` would return them."""
    return {
        "metric_id": "nps",
        "touchpoint_id": None,
        "segment_id": None,
        "owner_id": "ana",
        "title": title,
        "description": "",
        "kind": "action",
        "start_on": date(2026, 11, 2),
        "due_on": date(2026, 11, 30),
        "status": "planned",
        "progress": 0,
        "completed_on": None,
        "expected_value": None,
    }


def run_together(target, count: int, *args) -> list:
    """Start `count` processes running target(name, barrier, results, *args); return their results.

    Each child puts one (name, outcome) on `results`; a child that raised puts its traceback. A child
    that dies without reporting (its stderr is in the captured output) fails the test at once.
    """
    barrier, results = SPAWN.Barrier(count), SPAWN.Queue()
    processes = [SPAWN.Process(target=target, args=(i, barrier, results, *args)) for i in range(count)]
    for process in processes:
        process.start()
    outcomes, deadline = {}, time.monotonic() + WAIT
    try:
        while len(outcomes) < count:
            try:
                name, outcome = results.get(timeout=0.2)
                outcomes[name] = outcome
            except queue.Empty:
                died = [p.exitcode for p in processes if p.exitcode not in (None, 0)]
                assert not died, f"a child process died without reporting (exit codes {died})"
                assert time.monotonic() < deadline, f"only {len(outcomes)} of {count} children reported"
        for process in processes:
            process.join(timeout=WAIT)
            assert process.exitcode == 0
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()
                process.join(timeout=5)
    return [outcomes[i] for i in range(count)]


def _guarded(work, name, results) -> None:
    try:
        results.put((name, work()))
    except Exception:
        results.put((name, ("crashed", traceback.format_exc())))


# --- children (module level, so that spawned processes can import them) ---------------------------


def migrate_child(name, barrier, results, url) -> None:
    def work():
        barrier.wait(timeout=WAIT)
        return database.migrate(url)

    _guarded(work, name, results)


def create_child(name, barrier, results, url, count) -> None:
    def work():
        database.migrate(url)
        barrier.wait(timeout=WAIT)
        return [
            commitments.create(values(f"writer {name} #{i}"), f"writer {name}", url=url) for i in range(count)
        ]

    _guarded(work, name, results)


def edit_child(name, barrier, results, url, commitment_id) -> None:
    def work():
        loaded = commitments.get(commitment_id, url=url)
        barrier.wait(timeout=WAIT)  # both editors hold version 1 now
        try:
            edit = {"title": f"title by editor {name}", "progress": 10 * (name + 1)}
            return (
                "saved",
                commitments.update(commitment_id, loaded["version"], edit, f"editor {name}", url=url),
            )
        except ConflictError as conflict:
            return (
                "conflict",
                [(entry["version"], entry["changed_by"], entry["changes"]) for entry in conflict.changes],
            )

    _guarded(work, name, results)


def migrate_and_create(url) -> int:
    database.migrate(url)
    return commitments.create(values("shared"), "setup", url=url)


def setup_child(name, barrier, results, url) -> None:
    _guarded(lambda: migrate_and_create(url), name, results)


# --- tests ----------------------------------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    """A fresh, empty state database of each kind Beacon supports."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'database.db'}"
    return request.getfixturevalue("postgres_cluster")()


def test_four_processes_migrate_a_fresh_file_at_once(url):
    """Each revision runs once (a second run would fail on tables that exist), and the revision
    reached is recorded once."""
    assert run_together(migrate_child, 4, url) == [database.head()] * 4
    with database.reading(url) as connection:
        assert connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalars().all() == [
            "0007"
        ]
        assert {"commitments", "commitment_history", "sessions"} <= set(
            sa.inspect(connection).get_table_names()
        )


def test_four_processes_adopt_a_database_from_before_alembic_at_once(url):
    """A schema version 2 database, migrated by four processes at once: adopted once, at revision
    0002, and taken on to the head once; its commitment is still there."""
    state_before_alembic.make(url, 2)
    commitment_id = commitments.create(values("from before Alembic"), "setup", url=url)
    assert run_together(migrate_child, 4, url) == [database.head()] * 4
    with database.reading(url) as connection:
        assert connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalars().all() == [
            "0007"
        ]
        assert "sessions" in sa.inspect(connection).get_table_names()
    assert commitments.get(commitment_id, url=url)["title"] == "from before Alembic"
    assert state_before_alembic.versions(url) == [1, 2]


def test_two_processes_create_25_commitments_each_at_once(url):
    """Every create is its own write transaction; the second writer waits its turn, never fails."""
    outcomes = run_together(create_child, 2, url, 25)
    for outcome in outcomes:
        assert isinstance(outcome, list), outcome  # a crash carries its traceback ("database is locked"?)
    ids = outcomes[0] + outcomes[1]
    assert len(set(ids)) == 50
    with database.reading(url) as connection:
        rows = connection.execute(
            sa.select(database.commitments.c.commitment_id, database.commitments.c.title)
        ).all()
        entries = connection.execute(sa.select(database.history)).all()
    assert len(rows) == 50
    assert {row.commitment_id for row in rows} == set(ids)
    assert len(entries) == 50
    assert {entry.commitment_id for entry in entries} == set(ids)
    assert all(entry.version == 1 for entry in entries)
    assert sum(row.title.startswith("writer 0 ") for row in rows) == 25


def test_two_processes_editing_the_same_version_one_wins_one_conflicts(url):
    """Both editors load version 1, meet at a barrier and save: one save lands, the other is refused
    with the winner's change, and nothing the winner saved is overwritten."""
    [commitment_id] = run_together(setup_child, 1, url)
    assert isinstance(commitment_id, int), commitment_id

    outcomes = run_together(edit_child, 2, url, commitment_id)
    kinds = sorted(outcome[0] for outcome in outcomes)
    assert kinds == ["conflict", "saved"], outcomes
    winner = next(i for i, outcome in enumerate(outcomes) if outcome[0] == "saved")
    assert outcomes[winner][1] == 2
    [(version, changed_by, changes)] = outcomes[1 - winner][1]
    assert (version, changed_by) == (2, f"editor {winner}")
    assert changes == {"title": ["shared", f"title by editor {winner}"], "progress": [0, 10 * (winner + 1)]}

    row = commitments.get(commitment_id, url=url)
    assert (row["version"], row["title"], row["updated_by"]) == (
        2,
        f"title by editor {winner}",
        f"editor {winner}",
    )
    assert [entry["version"] for entry in commitments.history(commitment_id, url=url)] == [1, 2]
