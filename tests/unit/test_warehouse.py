"""Publishing snapshots (data/warehouse/snapshot.py) on real DuckDB files: the previous one is kept, a rollback
puts it back (and can itself be undone), a refused snapshot or one with nothing new changes nothing,
and publishers take turns."""

import duckdb
import pytest

from data.warehouse.snapshot import (
    NothingNew,
    SnapshotError,
    lock_path,
    previous_path,
    publishing,
    rollback,
    write_snapshot,
)
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


def test_a_fill_with_nothing_new_publishes_nothing(tmp_path):
    """A fill raising NothingNew: write_snapshot answers False, the live and previous files stay as they
    were, and nothing is left beside them."""
    live = build_tiny_warehouse(tmp_path / "cx.duckdb")
    build_tiny_warehouse(live, extra_measurements=[("aht", AS_OF, "shop", "ent", 300.0, 1.0)])

    def fill(_con):
        raise NothingNew

    assert write_snapshot(live, fill) is False
    assert (_handle_time_rows(live), _handle_time_rows(previous_path(live))) == (3, 2)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["cx.duckdb", "cx.duckdb.previous"]


def test_a_rollback_takes_its_turn_with_publishes(tmp_path):
    """While a publish holds the lock a rollback without waiting is refused, naming the lock; the lock
    file goes with the publish that held it."""
    live = build_tiny_warehouse(tmp_path / "cx.duckdb")
    build_tiny_warehouse(live, extra_measurements=[("aht", AS_OF, "shop", "ent", 300.0, 1.0)])
    with publishing(live):
        assert lock_path(live).exists()
        with pytest.raises(
            SnapshotError, match=r"another publish to .*cx\.duckdb is under way \(it holds .*\.lock\)"
        ):
            rollback(live, wait=False)
    assert _handle_time_rows(live) == 3
    assert not lock_path(live).exists()


def test_the_schema_refuses_a_cadence_outside_the_contract(tmp_path):
    """metrics.cadence is NULL or daily, weekly, monthly, quarterly; the schema itself refuses others."""
    live = build_tiny_warehouse(tmp_path / "cx.duckdb")

    def fill(con):
        con.execute("INSERT INTO owners VALUES ('ana', 'Ana Silva', 'VP', 'ana@example.com')")
        con.execute(
            "INSERT INTO metrics (metric_id, name, kind, unit, higher_is_better, scale_min, scale_max, owner_id, "
            "sort_order, cadence) VALUES ('nps', 'NPS', 'nps', 'pts', true, 0, 10, 'ana', 1, 'yearly')"
        )

    with pytest.raises(duckdb.ConstraintException, match="cadence"):
        write_snapshot(live, fill)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["cx.duckdb"]


def test_the_demo_measures_frontline_enps_quarterly_and_leaves_the_other_cadences_to_inference(
    demo_warehouse_path,
):
    """The demo catalogue: enps says `quarterly`; its ten other metrics leave cadence NULL."""
    with duckdb.connect(str(demo_warehouse_path), read_only=True) as con:
        rows = con.execute(
            "SELECT cadence, count(*), string_agg(metric_id) FROM metrics GROUP BY cadence ORDER BY cadence NULLS LAST"
        ).fetchall()
    assert [(cadence, count) for cadence, count, _ids in rows] == [("quarterly", 1), (None, 10)]
    assert rows[0][2] == "enps"
