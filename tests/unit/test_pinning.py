"""One snapshot per request (queries/runner.py): a request reads the snapshot live at its first query
to its end, and results are memoised under the snapshot's own id, which copies share and a new publish
never reuses."""

import os
import shutil

import pytest
from flask import Flask

import config
from data.warehouse.snapshot import rollback, write_snapshot
from queries import runner
from tests.tiny_warehouse import build_tiny_warehouse


@pytest.fixture
def server(monkeypatch, tmp_path):
    live = tmp_path / "host" / "cx.duckdb"
    live.parent.mkdir()
    build_tiny_warehouse(live)
    monkeypatch.setattr(config, "WAREHOUSE", live)
    app = Flask(__name__)
    runner.init_cache(app)
    return app, live


def _metric_ids() -> list[str]:
    return sorted(runner.run_uncached("metrics")["metric_id"])


def test_a_request_reads_the_snapshot_it_started_on_across_a_swap(server, demo_warehouse_path):
    app, live = server
    with app.test_request_context():
        before, first_identity = _metric_ids(), runner.snapshot_identity()
        incoming = live.with_name(".incoming")
        shutil.copy(demo_warehouse_path, incoming)
        os.replace(incoming, live)
        # Still the tiny warehouse's, whatever is live now.
        assert _metric_ids() == before
        assert runner.snapshot_identity() == first_identity
    with app.test_request_context():
        assert runner.snapshot_identity() != first_identity
        assert _metric_ids() != before


def test_copies_of_a_snapshot_share_its_id_and_each_publish_draws_a_new_one(server, tmp_path):
    _app, live = server
    copy = tmp_path / "other-host" / "cx.duckdb"
    copy.parent.mkdir()
    shutil.copy(live, copy)
    with runner.pinned(live) as here, runner.pinned(copy) as there:
        assert here == there
        assert len(here) == 36  # a random UUID, not the file's inode or times
    write_snapshot(live, lambda con: None)
    with runner.pinned(live) as published:
        assert published != here
    # A rollback puts the first file back: its own id again, which only its own results were kept under.
    rollback(live)
    with runner.pinned(live) as rolled_back:
        assert rolled_back == here


def test_memo_keys_follow_the_request_snapshot(server, demo_warehouse_path):
    """A memoised query answered from one snapshot is not served for the next."""
    app, live = server
    with app.test_request_context():
        tiny = sorted(runner.run("metrics")["metric_id"])
    shutil.copy(demo_warehouse_path, live.with_name(".incoming"))
    os.replace(live.with_name(".incoming"), live)
    with app.test_request_context():
        assert sorted(runner.run("metrics")["metric_id"]) != tiny
