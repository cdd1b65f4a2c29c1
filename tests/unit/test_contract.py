"""The warehouse contract (data/warehouse/contract.py) is what every place that needs it reads: the schema
of a fresh snapshot is the contract's, and each unit, kind and cadence is known to the formatting, the
statistics, ingest and the cadence rules, so a new one that a place forgets fails here."""

from datetime import date
from pathlib import Path

import duckdb
import pytest

from components.format import UNIT_WORDS, format_change, format_value
from data.warehouse import contract
from data.warehouse.ingest import ALLOWED, KEYS, REFERENCES, ingest
from data.warehouse.snapshot import CONTRACT_TABLES, SCHEMA, write_snapshot
from queries import cadence, stats

EXAMPLE = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "example_data"
ALL_TABLES = (*contract.TABLES.values(), contract.SNAPSHOT_LOG)


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> Path:
    """An empty snapshot, as write_snapshot creates one from the contract."""
    path = tmp_path_factory.mktemp("fresh") / "cx.duckdb"
    write_snapshot(path, lambda con: None)
    return path


def _rows(path: Path, sql: str, params: dict | None = None) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, params or {}).fetchall()


@pytest.mark.parametrize("table", ALL_TABLES, ids=lambda table: table.name)
def test_a_fresh_snapshot_has_the_contracts_columns(fresh, table):
    """Names, order, types, nullability and defaults, as DuckDB reports them."""
    reported = _rows(
        fresh,
        "SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns "
        "WHERE table_name = $table ORDER BY ordinal_position",
        {"table": table.name},
    )
    expected = [
        (
            c.name,
            c.type,
            "NO" if c.required else "YES",
            c.default,
        )
        for c in table.columns
    ]
    assert reported == expected


def test_a_fresh_snapshot_has_the_contracts_keys_and_references(fresh):
    """Catalogue tables declare their key and references; fact tables leave them to the checks."""
    constraints = _rows(
        fresh,
        "SELECT table_name, constraint_type, constraint_column_names, referenced_table "
        "FROM duckdb_constraints() WHERE constraint_type IN ('PRIMARY KEY', 'FOREIGN KEY')",
    )
    declared = {(t, kind, tuple(columns), referred) for t, kind, columns, referred in constraints}
    expected = {
        (table.name, "PRIMARY KEY", table.key, None)
        for table in contract.TABLES.values()
        if not table.fact and len(table.key) == 1
    } | {
        (table.name, "FOREIGN KEY", (column,), referred)
        for table in contract.TABLES.values()
        if not table.fact
        for column, referred in table.references
    }
    assert declared == expected
    assert {"metrics", "targets", "annotations"} <= {
        t for t, kind, _c, _r in declared if kind == "FOREIGN KEY"
    }


def test_the_schema_holds_the_contracts_allowed_values_and_rules(fresh):
    """One CHECK per allowed-values column and per rule the schema holds, and nothing else."""
    checks = _rows(
        fresh,
        "SELECT table_name, count(*) FROM duckdb_constraints() WHERE constraint_type = 'CHECK' GROUP BY ALL",
    )
    expected = {
        table.name: sum(1 for c in table.columns if c.allowed) + sum(1 for r in table.rules if r.in_schema)
        for table in contract.TABLES.values()
    }
    assert dict(checks) == {name: count for name, count in expected.items() if count}
    assert contract.schema_sql() == SCHEMA


def test_ingest_reads_its_tables_keys_references_and_allowed_values_from_the_contract():
    assert CONTRACT_TABLES == tuple(contract.TABLES) == (
        "owners", "touchpoints", "segments", "metrics", "targets", "annotations", "responses", "measurements",
    )  # fmt: skip
    assert KEYS["responses"] == ("response_id", "metric_id")
    assert KEYS["targets"] == ("metric_id", "period_start", "period_end", "touchpoint_id", "segment_id")
    assert ("measurements", "segment_id", "segments") in REFERENCES
    assert ALLOWED[("metrics", "unit")] == tuple(contract.UNITS)
    assert ALLOWED[("metrics", "kind")] == tuple(contract.KINDS)
    assert ALLOWED[("metrics", "cadence")] == contract.CADENCES


@pytest.mark.parametrize("unit", contract.UNITS)
def test_every_unit_formats_with_its_own_precision_and_words(unit):
    about = contract.UNITS[unit]
    assert format_value(2.5, unit) == f"{2.5:.{about.decimals}f}" + about.suffix
    assert format_change(2.5, unit) == f"+{2.5:.{about.decimals}f}" + about.change_suffix
    assert UNIT_WORDS[unit] == about.words and about.words


@pytest.mark.parametrize("unit", contract.UNITS)
def test_every_unit_scales_a_ratio_by_its_multiplier(unit):
    multiplier = contract.UNITS[unit].multiplier
    assert float(stats.ratio(1, 4, unit)) == pytest.approx(0.25 * multiplier)
    # Three days of 1/4, 2/4, 3/4: R = 0.5, SE = 0.25/√3 / 4 … scaled like R.
    low, high = stats.ratio_interval(6, 12, 1 + 4 + 9, 4 + 8 + 12, 48, 3, unit)
    assert float(low) < 0.5 * multiplier < float(high)


def test_a_share_never_passes_its_ceiling():
    ceilings = {unit: about.ceiling for unit, about in contract.UNITS.items() if about.ceiling is not None}
    assert ceilings == {"%": 100.0}
    low, high = stats.ratio_interval(297, 300, 100**2 + 98**2 + 99**2, 100 * 297, 30_000, 3, "%")
    assert float(high) == 100.0 and float(low) < 99.0


def test_every_unit_and_kind_passes_ingest(tmp_path):
    """A metric in each unit (a ratio) and of each survey kind (on its scale) loads."""
    folder = tmp_path / "in"
    folder.mkdir()
    header = "metric_id,name,kind,unit,higher_is_better,scale_min,scale_max,owner_id,sort_order"
    rows = [
        f"ratio_{i},Ratio in {unit},ratio,{unit},true,,,sam,{10 + i}" for i, unit in enumerate(contract.UNITS)
    ]
    for i, (kind, about) in enumerate(contract.KINDS.items()):
        if about.survey:
            low, high = about.scale or (1, 5)
            rows.append(f"survey_{i},A {about.name} metric,{kind},pts,true,{low},{high},sam,{20 + i}")
    (folder / "metrics-new.csv").write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    warehouse = tmp_path / "cx.duckdb"
    ingest([EXAMPLE], warehouse, today=date(2026, 11, 25))
    summary = ingest([folder], warehouse, today=date(2026, 11, 25))
    assert summary.added == len(rows)
    units = dict(_rows(warehouse, "SELECT metric_id, unit FROM metrics WHERE metric_id LIKE 'ratio_%'"))
    assert sorted(units.values()) == sorted(contract.UNITS)


def test_every_kind_fixed_to_a_scale_is_held_to_it():
    fixed = {kind: about.scale for kind, about in contract.KINDS.items() if about.scale}
    assert fixed == {"nps": (0, 10)}
    rules = [rule for rule in contract.TABLES["metrics"].rules if "nps" in rule.holds]
    assert [rule.reason for rule in rules] == ["an NPS metric is on the 0–10 scale"]


def test_every_cadence_has_its_calendar_period_and_grace():
    assert tuple(cadence.CADENCES) == contract.CADENCES
    assert tuple(cadence.GRACE_DAYS) == contract.CADENCES
    for name in contract.CADENCES:
        start, end = cadence.period_bounds(date(2026, 11, 25), name)
        assert start <= date(2026, 11, 25) <= end
        assert cadence.late_after_days(date(2026, 11, 25), name) > cadence.GRACE_DAYS[name]


def test_the_counted_kinds_are_the_ones_without_a_scale():
    assert contract.COUNTED_KINDS == ("ratio",)
    assert [kind for kind, about in contract.KINDS.items() if about.survey] == ["nps", "top2box", "mean"]
    assert all(contract.KINDS[kind].scale is None for kind in contract.COUNTED_KINDS)
