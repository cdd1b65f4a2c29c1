"""Publishing snapshots (data/warehouse.py) on real DuckDB files: the previous one is kept, a rollback
puts it back (and can itself be undone), and a refused snapshot changes nothing."""

import duckdb
import pytest

from data.warehouse import SnapshotError, previous_path, rollback
from tests.tiny_warehouse import AS_OF, build_tiny_warehouse


def _handle_time_rows(path) -> int:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("SELECT count(*) FROM measurements WHERE metric_id = 'aht'").fetchone()[0]


def test_publishing_keeps_the_previous_snapshot_and_rollback_puts_it_back(tmp_path):
    """Two AHT rows, then three: the three-row file is live and the two-row one is kept; a rollback
    swaps them, and a second rollback swaps them back."""
    live = build_tiny_warehouse(tmp_path / "cx.duckdb")
    assert not previous_path(live).exists()
    build_tiny_warehouse(live, extra_measurements=[("aht", AS_OF, "shop", "ent", 300.0, 1.0)])
    assert (_handle_time_rows(live), _handle_time_rows(previous_path(live))) == (3, 2)

    rollback(live)
    assert (_handle_time_rows(live), _handle_time_rows(previous_path(live))) == (2, 3)
    rollback(live)
    assert (_handle_time_rows(live), _handle_time_rows(previous_path(live))) == (3, 2)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["cx.duckdb", "cx.duckdb.previous"]


def test_rollback_without_a_previous_snapshot_says_so(tmp_path):
    live = build_tiny_warehouse(tmp_path / "cx.duckdb")
    with pytest.raises(SnapshotError, match=r"no previous snapshot to roll back to: .*cx\.duckdb\.previous"):
        rollback(live)
    assert _handle_time_rows(live) == 2


def test_a_refused_snapshot_changes_neither_the_live_nor_the_previous_file(tmp_path):
    """A measurement of an unknown touchpoint fails the build's checks: both files stay as they were
    and no half-written file is left behind."""
    live = build_tiny_warehouse(tmp_path / "cx.duckdb")
    build_tiny_warehouse(live, extra_measurements=[("aht", AS_OF, "shop", "ent", 300.0, 1.0)])
    with pytest.raises(SnapshotError, match="touchpoint_id not in `touchpoints`"):
        build_tiny_warehouse(live, extra_measurements=[("aht", AS_OF, "moon", "ent", 1.0, 1.0)])
    assert (_handle_time_rows(live), _handle_time_rows(previous_path(live))) == (3, 2)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["cx.duckdb", "cx.duckdb.previous"]
