"""A write that finds the state database held by another writer gives up after database.BUSY_SECONDS
with BusyError, writing nothing, on SQLite and (when this machine has it) PostgreSQL."""

import shutil
import sqlite3
import time
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from data.state import commitments, database

VALUES = {
    "metric_id": "nps", "touchpoint_id": None, "segment_id": None, "owner_id": "ana", "title": "Call back",
    "description": "", "kind": "action", "start_on": date(2026, 11, 2), "due_on": date(2026, 11, 30),
    "status": "planned", "progress": 0, "completed_on": None, "expected_value": None,
}  # fmt: skip


def test_a_locked_sqlite_file_gives_busy_error_within_the_wait(tmp_path):
    """Another connection holds a write transaction on the file: create() waits BUSY_SECONDS (not
    15 s), then raises BusyError; once the lock is released the same create() goes through."""
    path = tmp_path / "database.db"
    url = f"sqlite:///{path}"
    database.migrate(url)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    started = time.monotonic()
    with pytest.raises(database.BusyError) as busy:
        commitments.create(VALUES, "Ana", url=url)
    waited = time.monotonic() - started
    assert database.BUSY_SECONDS - 0.5 <= waited < database.BUSY_SECONDS + 2
    assert "nothing was saved" in str(busy.value)
    holder.execute("ROLLBACK")
    assert commitments.register(url=url).empty
    commitment_id = commitments.create(VALUES, "Ana", url=url)
    assert commitments.get(commitment_id, url=url)["title"] == "Call back"


def test_a_row_locked_in_postgresql_gives_busy_error_within_the_wait(postgres_cluster):
    """PostgreSQL has no file lock: another transaction holding the commitment's row (SELECT … FOR
    UPDATE) makes update() give up after BUSY_SECONDS (lock_timeout) instead of waiting for ever."""
    url = postgres_cluster()
    database.migrate(url)
    commitment_id = commitments.create(VALUES, "Ana", url=url)
    with sa.create_engine(url).connect() as holder:
        holder.execute(
            sa.text("SELECT 1 FROM commitments WHERE commitment_id = :id FOR UPDATE"), {"id": commitment_id}
        )
        started = time.monotonic()
        with pytest.raises(database.BusyError):
            commitments.update(commitment_id, 1, {"progress": 50}, "Ana", url=url)
        assert time.monotonic() - started < database.BUSY_SECONDS + 2
        holder.rollback()
    assert commitments.get(commitment_id, url=url)["progress"] == 0


def test_a_postgresql_server_that_does_not_answer_is_said_so_and_nothing_is_written(tmp_path):
    """No server behind the URL's socket (down, restarting): reads and writes raise UnreachableError,
    a kind of BusyError, saying nothing was saved, instead of the driver's error."""
    url = f"postgresql+psycopg://beacon@/beacon?host={tmp_path}&connect_timeout=2"
    with pytest.raises(database.UnreachableError, match="cannot be reached just now: nothing was saved"):
        commitments.create(VALUES, "Ana", url=url)
    with pytest.raises(database.UnreachableError):
        commitments.register(url=url)
    assert issubclass(database.UnreachableError, database.BusyError)


def test_the_version_changes_with_every_change_and_only_then(tmp_path):
    url = f"sqlite:///{tmp_path / 'database.db'}"
    database.migrate(url)
    empty = commitments.version(url)
    assert empty == (0, 0)
    commitment_id = commitments.create(VALUES, "Ana", url=url)
    created = commitments.version(url)
    assert created != empty and commitments.version(url) == created
    commitments.update(commitment_id, 1, {**VALUES, "progress": 50}, "Ana", "", url=url)
    assert commitments.version(url) not in (empty, created)


def test_saves_while_postgresql_restarts_are_refused_then_go_through(tmp_path):
    """A real server stopped under an engine with open connections: saves meanwhile raise
    UnreachableError and store nothing; once it is back the same engine saves again (stale connections
    are checked before use), and every save that was acknowledged is there."""
    import tempfile

    from deploy.postgres import Cluster, programs

    if programs() is None:
        pytest.skip("PostgreSQL is not installed (make services)")
    folder = Path(tempfile.mkdtemp(prefix="beacon-pg-"))
    cluster = Cluster(folder)
    cluster.start()
    try:
        url = cluster.url()
        database.migrate(url)
        acknowledged = [commitments.create({**VALUES, "title": "Before"}, "Ana", url=url)]
        cluster.stop()
        with pytest.raises(database.UnreachableError):
            commitments.create({**VALUES, "title": "During"}, "Ana", url=url)
        cluster.start()
        acknowledged.append(commitments.create({**VALUES, "title": "After"}, "Ana", url=url))
        stored = commitments.register(url=url)
        assert list(stored["commitment_id"]) == acknowledged
        assert list(stored["title"]) == ["Before", "After"]
    finally:
        database.engine(cluster.url()).dispose()
        cluster.stop("immediate")
        shutil.rmtree(folder, ignore_errors=True)
