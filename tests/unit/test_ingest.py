"""Loading a company's own files (data/warehouse/ingest.py) on real CSV, Parquet and DuckDB files: every validation
rule refuses a bad file naming file, line, column, value and reason, and then nothing has changed; good
loads append idempotently, replace whole tables, are logged, and can be rolled back. Ingests run at once
take turns, and an interrupted one leaves nothing behind."""

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest

import config
from data.warehouse.ingest import IngestError, _Load, ingest, main
from data.warehouse.snapshot import CONTRACT_TABLES, SCHEMA, build_rollup, previous_path, publishing, rollback

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "tests" / "fixtures" / "example_data"
TODAY = date(2026, 11, 25)
EXAMPLE_COUNTS = {
    "owners": 3,
    "touchpoints": 4,
    "segments": 2,
    "metrics": 4,
    "targets": 5,
    "annotations": 2,
    "responses": 299,
    "measurements": 324,
}
EXAMPLE_ROWS = sum(EXAMPLE_COUNTS.values())

OWNERS = "owner_id,name,title,email"
TOUCHPOINTS = "touchpoint_id,name,journey_stage,stage_order,channel"
METRICS = (
    "metric_id,name,description,kind,unit,higher_is_better,scale_min,scale_max,owner_id,sort_order,min_sample"
)
TARGETS = "metric_id,period_start,period_end,target,tolerance,touchpoint_id,segment_id"
RESPONSES = "response_id,metric_id,responded_at,touchpoint_id,segment_id,score,comment"
MEASUREMENTS = "metric_id,day,touchpoint_id,segment_id,numerator,denominator"
NOT_IN = "(neither in these files nor in the warehouse)"


# --- helpers ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def example_warehouse(tmp_path_factory):
    """The example folder ingested into a new warehouse, once per module (a copy is handed to each test)."""
    path = tmp_path_factory.mktemp("example") / "cx.duckdb"
    ingest([EXAMPLE], path, today=TODAY)
    return path


@pytest.fixture
def warehouse(example_warehouse, tmp_path):
    """A fresh warehouse holding the example folder, alone in its own folder."""
    path = tmp_path / "warehouse" / "cx.duckdb"
    path.parent.mkdir()
    shutil.copyfile(example_warehouse, path)
    assert counts(path) == EXAMPLE_COUNTS
    return path


@pytest.fixture
def files(tmp_path):
    """Where a test writes the files it loads, apart from the warehouse's folder."""
    folder = tmp_path / "in"
    folder.mkdir()
    return folder


def write(folder: Path, name: str, header: str, *rows: str) -> Path:
    path = folder / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def write_parquet(path: Path, select: str) -> Path:
    with duckdb.connect() as con:
        con.execute("COPY (" + select + ") TO $path (FORMAT parquet)", {"path": str(path)})
    return path


def counts(warehouse: Path) -> dict[str, int]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {table: con.execute("SELECT count(*) FROM " + table).fetchone()[0] for table in EXAMPLE_COUNTS}


def fingerprint(warehouse: Path) -> dict[str, tuple[int, str]]:
    """Every file of the warehouse's folder (the live file, any .previous, any leftover): mtime and bytes."""
    return {
        path.name: (path.stat().st_mtime_ns, hashlib.sha256(path.read_bytes()).hexdigest())
        for path in sorted(warehouse.parent.iterdir())
    }


def refused(warehouse: Path, *paths: Path, mode: str = "append", today: date | None = TODAY) -> IngestError:
    """Ingest `paths`, expect IngestError, and check that nothing at all has changed; `today` None: the
    ingest's own."""
    before, rows = fingerprint(warehouse), counts(warehouse)
    with pytest.raises(IngestError) as caught:
        ingest(list(paths), warehouse, mode=mode, today=today)
    assert fingerprint(warehouse) == before
    assert counts(warehouse) == rows
    assert not previous_path(warehouse).exists()
    assert sorted(path.name for path in warehouse.parent.iterdir()) == ["cx.duckdb"]
    assert not list(warehouse.parent.glob(".cx.duckdb.*"))
    return caught.value


def only(error: IngestError):
    """The single problem of `error`, as (file, line, column, value, reason)."""
    assert len(error.problems) == 1, str(error)
    problem = error.problems[0]
    return (problem.file, problem.row, problem.column, problem.value, problem.reason)


def response(response_id: str, metric: str = "nps", score: str = "7", **changes: str) -> str:
    row = {
        "response_id": response_id,
        "metric_id": metric,
        "responded_at": "2026-11-10 09:30:00",
        "touchpoint_id": "support",
        "segment_id": "business",
        "score": score,
        "comment": "",
    } | changes
    return ",".join(row.values())


def metric(metric_id: str = "ease", **changes: str) -> str:
    row = {
        "metric_id": metric_id,
        "name": "Ease",
        "description": "",
        "kind": "mean",
        "unit": "score",
        "higher_is_better": "true",
        "scale_min": "1",
        "scale_max": "7",
        "owner_id": "sam",
        "sort_order": "5",
        "min_sample": "10",
    } | changes
    return ",".join(row.values())


def target(**changes: str) -> str:
    row = {
        "metric_id": "nps",
        "period_start": "2027-01-01",
        "period_end": "2027-03-31",
        "target": "20",
        "tolerance": "5",
        "touchpoint_id": "",
        "segment_id": "",
    } | changes
    return ",".join(row.values())


def example_lines(name: str) -> list[str]:
    return (EXAMPLE / name).read_text(encoding="utf-8").splitlines()


# --- columns and types ------------------------------------------------------------------------------


def test_an_unknown_column_is_named_on_the_header_line(warehouse, files):
    """A column the table does not have is refused on row 1, listing the table's columns."""
    path = write(files, "responses.csv", RESPONSES + ",channel", response("X1") + ",web")
    error = refused(warehouse, path)
    assert only(error) == (
        str(path),
        1,
        "channel",
        None,
        "is not a column of responses (response_id, metric_id, responded_at, touchpoint_id, segment_id, "
        "score, comment, respondent_ref)",
    )
    assert f"{path}, row 1, column channel: is not a column of responses" in str(error)


def test_a_missing_required_column_is_named(warehouse, files):
    """A file without a required column is refused, naming the column."""
    path = write(
        files,
        "responses.csv",
        RESPONSES.replace(",score", ""),
        "X1,nps,2026-11-10 09:30:00,support,business,",
    )
    error = refused(warehouse, path)
    assert only(error) == (str(path), 1, "score", None, "is missing: responses needs it")
    assert str(error) == f"{path}, row 1, column score: is missing: responses needs it"


def test_a_required_value_left_empty_is_named_by_line(warehouse, files):
    """An empty (or blank) required value is refused on its line of the file."""
    path = write(
        files,
        "responses.csv",
        RESPONSES,
        response("X1"),
        response("X2", segment_id=""),
        response("X3", segment_id="  "),
    )
    error = refused(warehouse, path)
    assert [(p.file, p.row, p.column, p.value, p.reason) for p in error.problems] == [
        (str(path), 3, "segment_id", None, "is required"),
        (str(path), 4, "segment_id", None, "is required"),
    ]
    assert f"{path}, row 3, column segment_id: is required" in str(error)


def test_a_value_that_is_not_a_number_is_named(warehouse, files):
    """A score that is not a number is refused with its value."""
    path = write(files, "responses.csv", RESPONSES, response("X1"), response("X2", score="seven"))
    error = refused(warehouse, path)
    assert only(error) == (str(path), 3, "score", "seven", "is not a number")
    assert str(error) == f'{path}, row 3, column score: "seven" is not a number'


def test_a_value_that_is_not_a_whole_number_is_named(warehouse, files):
    """A stage_order that is not a whole number is refused with its value."""
    path = write(files, "touchpoints.csv", TOUCHPOINTS, "app,Mobile app,buy,two,app")
    error = refused(warehouse, path)
    assert only(error) == (str(path), 2, "stage_order", "two", "is not a whole number")


def test_a_fraction_where_a_whole_number_belongs_is_named(warehouse, files):
    """A stage_order of 2.5 is refused as not a whole number, not silently rounded to 3."""
    path = write(files, "touchpoints.csv", TOUCHPOINTS, "app,Mobile app,buy,2.5,app")
    error = refused(warehouse, path)
    assert only(error) == (str(path), 2, "stage_order", "2.5", "is not a whole number")


def test_a_value_that_is_not_a_date_is_named(warehouse, files):
    """A target period_start that is not a real date (30 February) is refused."""
    path = write(files, "targets.csv", TARGETS, target(period_start="2027-02-30"))
    error = refused(warehouse, path)
    assert only(error) == (str(path), 2, "period_start", "2027-02-30", "is not a date (YYYY-MM-DD)")


def test_a_value_that_is_not_a_timestamp_is_named(warehouse, files):
    """A responded_at in another date format is refused, saying which format is expected."""
    path = write(files, "responses.csv", RESPONSES, response("X1", responded_at="25/11/2026 10:00"))
    error = refused(warehouse, path)
    assert only(error) == (
        str(path),
        2,
        "responded_at",
        "25/11/2026 10:00",
        "is not a date and time (YYYY-MM-DD HH:MM:SS)",
    )


def test_a_value_that_is_not_a_boolean_is_named(warehouse, files):
    """A higher_is_better that is neither true nor false is refused."""
    path = write(files, "metrics.csv", METRICS, metric(higher_is_better="maybe"))
    error = refused(warehouse, path)
    assert only(error) == (str(path), 2, "higher_is_better", "maybe", "is not true or false")


def test_a_parquet_value_of_the_wrong_type_is_named_by_row(warehouse, files):
    """In a Parquet file problems are numbered by row (first row = 1) and the message says "row N"."""
    path = write_parquet(
        files / "measurements.parquet",
        "SELECT * FROM (VALUES ('fcr', '2026-11-21', 'support', 'business', 5.0, 8.0), "
        "('fcr', 'soon', 'support', 'consumer', 5.0, 8.0)) t(metric_id, day, touchpoint_id, segment_id, "
        "numerator, denominator)",
    )
    error = refused(warehouse, path)
    assert only(error) == (str(path), 2, "day", "soon", "is not a date (YYYY-MM-DD)")
    assert str(error) == f'{path}, row 2, column day: "soon" is not a date (YYYY-MM-DD)'


def test_rows_are_numbered_as_a_spreadsheet_would_across_a_multi_line_comment(warehouse, files):
    """A comment with a line break inside quotes is still one row: the next row is row 3, as a
    spreadsheet shows it (lines of the file would drift)."""
    path = write(
        files,
        "responses.csv",
        RESPONSES,
        response("X1", comment='"Friendly staff.\nLong queue though."'),
        response("X2", score="11"),
    )
    error = refused(warehouse, path)
    assert only(error)[:3] == (str(path), 3, "score")


# --- keys ---------------------------------------------------------------------------------------------


def test_a_key_repeated_within_a_file_names_its_first_occurrence(warehouse, files):
    """A second row with the same (response_id, metric_id) is refused, naming the row of the first."""
    path = write(
        files,
        "responses.csv",
        RESPONSES,
        response("X1"),
        response("X1", metric="csat", score="4"),
        response("X1"),
    )
    error = refused(warehouse, path)
    assert only(error) == (str(path), 4, "response_id, metric_id", None, "repeats a key")
    assert str(error) == f"{path}, row 4, column response_id, metric_id: repeats a key (first at row 2)"


def test_a_key_repeated_across_two_files_of_a_table_names_the_first_file(warehouse, files):
    """The same key in two files of one table is refused in the second, naming the first file and row."""
    first = write(files, "responses-a.csv", RESPONSES, response("X1"), response("X2"))
    second = write(files, "responses-b.csv", RESPONSES, response("X3"), response("X2"))
    error = refused(warehouse, first, second)
    assert only(error) == (str(second), 3, "response_id, metric_id", None, "repeats a key")
    assert error.problems[0].note == "first at row 3 of responses-a.csv"


# --- references ---------------------------------------------------------------------------------------


def test_a_reference_to_an_unknown_touchpoint_is_named(warehouse, files):
    """A response at a touchpoint that is neither loaded nor in the warehouse is refused."""
    path = write(files, "responses.csv", RESPONSES, response("X1", touchpoint_id="kiosk"))
    error = refused(warehouse, path)
    assert only(error) == (str(path), 2, "touchpoint_id", "kiosk", f"is not in touchpoints {NOT_IN}")


def test_a_reference_to_an_unknown_segment_is_named(warehouse, files):
    """A measurement of an unknown segment is refused."""
    path = write(files, "measurements.csv", MEASUREMENTS, "fcr,2026-11-21,support,partners,5,8")
    error = refused(warehouse, path)
    assert only(error) == (str(path), 2, "segment_id", "partners", f"is not in segments {NOT_IN}")


def test_a_reference_to_an_unknown_metric_is_named(warehouse, files):
    """A target for an unknown metric is refused."""
    path = write(files, "targets.csv", TARGETS, target(metric_id="ces"))
    error = refused(warehouse, path)
    assert only(error) == (str(path), 2, "metric_id", "ces", f"is not in metrics {NOT_IN}")


def test_a_reference_to_an_unknown_owner_is_named(warehouse, files):
    """A metric owned by someone not in owners is refused."""
    path = write(files, "metrics.csv", METRICS, metric(owner_id="zoe"))
    error = refused(warehouse, path)
    assert only(error) == (str(path), 2, "owner_id", "zoe", f"is not in owners {NOT_IN}")


def test_a_reference_loaded_in_the_same_call_counts_as_known(warehouse, files):
    """A new owner, the metric they own and its first answers load together in one call."""
    owners = write(files, "owners.csv", OWNERS, "zoe,Zoe Adler,Head of Stores,zoe.adler@example.com")
    metrics = write(files, "metrics.csv", METRICS, metric(owner_id="zoe"))
    responses = write(files, "responses.csv", RESPONSES, response("X1", metric="ease", score="2"))
    summary = ingest([responses, metrics, owners], warehouse, today=TODAY)
    assert summary.added == 3
    assert counts(warehouse) == EXAMPLE_COUNTS | {"owners": 4, "metrics": 5, "responses": 300}


# --- facts against their metric ------------------------------------------------------------------------


def test_a_score_outside_its_metrics_scale_is_named(warehouse, files):
    """Scores above or below their metric's scale are refused, naming the scale."""
    path = write(
        files,
        "responses.csv",
        RESPONSES,
        response("X1", metric="csat", score="6"),
        response("X1", metric="effort", score="0"),
    )
    error = refused(warehouse, path)
    assert [(p.row, p.column, p.value, p.reason) for p in error.problems] == [
        (2, "score", "6", "is outside the scale of metric csat (1–5)"),
        (3, "score", "0", "is outside the scale of metric effort (1–7)"),
    ]


def test_a_ratio_metric_in_responses_is_named(warehouse, files):
    """A survey answer for a ratio metric is refused: its data go in measurements."""
    path = write(files, "responses.csv", RESPONSES, response("X1", metric="fcr", score="1"))
    error = refused(warehouse, path)
    assert only(error) == (str(path), 2, "metric_id", "fcr", "is a ratio metric: its data go in measurements")


def test_a_survey_metric_in_measurements_is_named(warehouse, files):
    """A measurement of a survey metric is refused: its answers go in responses."""
    path = write(files, "measurements.csv", MEASUREMENTS, "nps,2026-11-21,support,business,5,8")
    error = refused(warehouse, path)
    assert only(error) == (
        str(path),
        2,
        "metric_id",
        "nps",
        "is a survey metric: its answers go in responses",
    )


# --- metrics ----------------------------------------------------------------------------------------


def test_a_kind_that_is_not_allowed_is_named(warehouse, files):
    """A metric kind outside nps, top2box, mean, ratio is refused, listing the allowed ones."""
    path = write(files, "metrics.csv", METRICS, metric(kind="median"))
    error = refused(warehouse, path)
    assert only(error) == (str(path), 2, "kind", "median", "is not one of nps, top2box, mean, ratio")


def test_a_unit_that_is_not_allowed_is_named(warehouse, files):
    """A metric unit outside pts, %, s, score, per1000 is refused, listing the allowed ones."""
    path = write(files, "metrics.csv", METRICS, metric(unit="pct"))
    error = refused(warehouse, path)
    assert only(error) == (str(path), 2, "unit", "pct", "is not one of pts, %, s, score, per1000")


def test_a_survey_metric_without_a_scale_is_named(warehouse, files):
    """A survey (mean) metric with empty scale_min and scale_max is refused as an IngestError."""
    path = write(files, "metrics.csv", METRICS, metric(scale_min="", scale_max=""))
    error = refused(warehouse, path)
    assert only(error)[:3] == (str(path), 2, "scale_min")
    assert "scale" in only(error)[4]


def test_a_survey_metric_whose_scale_is_empty_or_reversed_is_named(warehouse, files):
    """scale_min equal to or above scale_max is refused for a survey metric."""
    path = write(
        files,
        "metrics.csv",
        METRICS,
        metric("ease", scale_min="5", scale_max="5"),
        metric("calm", scale_min="7", scale_max="1"),
    )
    error = refused(warehouse, path)
    assert [(p.row, p.column, float(p.value), p.reason) for p in error.problems] == [
        (2, "scale_min", 5.0, "a survey metric needs scale_min below scale_max"),
        (3, "scale_min", 7.0, "a survey metric needs scale_min below scale_max"),
    ]


def test_an_nps_metric_not_on_0_to_10_is_named(warehouse, files):
    """An NPS metric on any scale but 0–10 is refused."""
    path = write(
        files, "metrics.csv", METRICS, metric("nps2", kind="nps", unit="pts", scale_min="1", scale_max="10")
    )
    error = refused(warehouse, path)
    (file, line, column, value, reason) = only(error)
    assert (file, line, column, float(value), reason) == (
        str(path),
        2,
        "scale_min",
        1.0,
        "an NPS metric is on the 0–10 scale",
    )


def test_a_min_sample_below_one_is_named(warehouse, files):
    """A min_sample of 0 is refused."""
    path = write(files, "metrics.csv", METRICS, metric(min_sample="0"))
    error = refused(warehouse, path)
    assert only(error) == (str(path), 2, "min_sample", "0", "must be at least 1")


def test_an_empty_min_sample_takes_the_default_or_is_named(warehouse, files):
    """An empty min_sample in a file that has the column either takes the default 30 or is an IngestError."""
    path = write(files, "metrics.csv", METRICS, metric(min_sample=""))
    try:
        ingest([path], warehouse, today=TODAY)
    except IngestError as error:
        assert only(error)[:3] == (str(path), 2, "min_sample")
    else:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            assert con.execute("SELECT min_sample FROM metrics WHERE metric_id = 'ease'").fetchone() == (30,)


# --- targets and measurements ------------------------------------------------------------------------


def test_a_target_ending_before_it_starts_is_named(warehouse, files):
    """A target whose period_end lies before its period_start is refused."""
    path = write(files, "targets.csv", TARGETS, target(period_start="2027-03-31", period_end="2027-01-01"))
    error = refused(warehouse, path)
    assert only(error) == (str(path), 2, "period_end", "2027-01-01", "is before period_start")


def test_a_target_period_longer_than_five_years_is_named(warehouse, files):
    """Five calendar years are a sensible period; five and a half are refused."""
    path = write(
        files,
        "targets.csv",
        TARGETS,
        target(period_start="2027-01-01", period_end="2031-12-31"),
        target(period_start="2027-01-01", period_end="2032-06-30", touchpoint_id="support"),
    )
    error = refused(warehouse, path)
    assert only(error) == (
        str(path),
        3,
        "period_end",
        "2032-06-30",
        "makes a target period longer than five years",
    )


def test_a_negative_tolerance_is_named(warehouse, files):
    """A target with a negative tolerance is refused."""
    path = write(files, "targets.csv", TARGETS, target(tolerance="-1"))
    error = refused(warehouse, path)
    (file, line, column, value, reason) = only(error)
    assert (file, line, column, float(value), reason) == (
        str(path),
        2,
        "tolerance",
        -1.0,
        "must not be negative",
    )


def test_a_negative_numerator_is_named(warehouse, files):
    """A measurement with a negative numerator is refused."""
    path = write(files, "measurements.csv", MEASUREMENTS, "fcr,2026-11-21,support,business,-3,8")
    error = refused(warehouse, path)
    (file, line, column, value, reason) = only(error)
    assert (file, line, column, float(value), reason) == (
        str(path),
        2,
        "numerator",
        -3.0,
        "must not be negative",
    )


def test_a_response_in_the_future_names_today(warehouse, files):
    """A response after today is refused and the message says what today is; late today is fine."""
    path = write(
        files,
        "responses.csv",
        RESPONSES,
        response("X1", responded_at="2026-11-25 23:59:59"),
        response("X2", responded_at="2026-11-26 08:00:00"),
    )
    error = refused(warehouse, path)
    assert only(error) == (
        str(path),
        3,
        "responded_at",
        "2026-11-26 08:00:00",
        "is in the future (today is 2026-11-25)",
    )
    assert "today is 2026-11-25" in str(error)


# --- which files ------------------------------------------------------------------------------------


def test_a_file_named_after_no_table_is_named(warehouse, files):
    """A file whose name starts with no table's name is refused, listing the table names."""
    path = write(files, "customers.csv", RESPONSES, response("X1"))
    error = refused(warehouse, path)
    assert only(error) == (
        str(path),
        None,
        None,
        None,
        "names no table: start its name with one of owners, touchpoints, segments, metrics, targets, "
        "annotations, responses, measurements",
    )


def test_a_path_that_does_not_exist_is_named(warehouse, files):
    """A path that does not exist is refused by name."""
    error = refused(warehouse, files / "responses.csv")
    assert only(error) == (str(files / "responses.csv"), None, None, None, "does not exist")
    assert str(error) == f"{files / 'responses.csv'}: does not exist"


def test_a_file_that_is_neither_csv_nor_parquet_is_named(warehouse, files):
    """A spreadsheet or other file type is refused, even when named after a table."""
    path = files / "responses.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    error = refused(warehouse, path)
    assert only(error) == (str(path), None, None, None, "is neither a .csv nor a .parquet file")


# --- many problems ----------------------------------------------------------------------------------


def test_more_than_twenty_problems_show_twenty_then_counts_per_reason(warehouse, files):
    """25 problems: the first 20 in full, then "… and 5 more" and how many there are of each reason."""
    rows = [response(f"X{i}", score="11") for i in range(15)] + [
        response(f"Y{i}", segment_id="partners") for i in range(10)
    ]
    path = write(files, "responses.csv", RESPONSES, *rows)
    error = refused(warehouse, path)
    assert len(error.problems) == 25
    assert [p.row for p in error.problems] == list(range(2, 27))
    lines = str(error).splitlines()
    assert lines[:20] == [str(p) for p in error.problems[:20]]
    assert lines[0] == f'{path}, row 2, column score: "11" is outside the scale of metric nps (0–10)'
    assert lines[19] == f'{path}, row 21, column segment_id: "partners" is not in segments {NOT_IN}'
    assert lines[20] == "… and 5 more. All problems by reason:"
    assert lines[21:] == [
        "  15 × is outside the scale of metric nps (0–10)",
        f"  10 × is not in segments {NOT_IN}",
    ]


def test_beyond_a_hundred_problems_of_one_check_the_rest_are_counted(warehouse, files):
    """150 scores out of scale: 100 kept as problems, the other 50 counted, and all 150 reported by reason."""
    path = write(files, "responses.csv", RESPONSES, *[response(f"X{i}", score="11") for i in range(150)])
    error = refused(warehouse, path)
    reason = "is outside the scale of metric nps (0–10)"
    assert (len(error.problems), error.count, dict(error.more)) == (100, 150, {reason: 50})
    lines = str(error).splitlines()
    assert lines[20:] == ["… and 130 more. All problems by reason:", f"  150 × {reason}"]


def test_counts_per_reason_of_many_repeated_keys_are_true(warehouse, files):
    """150 rows each repeating a different row: 100 kept, 50 counted, all under one reason."""
    rows = [response(f"X{i}") for i in range(150)]
    path = write(files, "responses.csv", RESPONSES, *rows, *rows)
    error = refused(warehouse, path)
    assert error.count == 150
    assert len(error.problems) == 100
    assert str(error).splitlines()[-1] == "  150 × repeats a key"


# --- good loads -------------------------------------------------------------------------------------


def test_loading_the_same_folder_twice_changes_nothing(warehouse):
    """A second load of the example folder adds no row and counts every row as a skipped duplicate."""
    summary = ingest([EXAMPLE], warehouse, today=TODAY)
    assert (summary.added, summary.skipped) == (0, EXAMPLE_ROWS)
    assert {s.path.name: (s.added, s.skipped) for s in summary.sources} == {
        f"{table}.{'parquet' if table == 'measurements' else 'csv'}": (0, rows)
        for table, rows in EXAMPLE_COUNTS.items()
    }
    assert summary.tables == EXAMPLE_COUNTS
    assert counts(warehouse) == EXAMPLE_COUNTS


def test_appending_adds_new_rows_and_skips_those_already_there(warehouse, files):
    """Three new responses and two already loaded: three added, two skipped."""
    existing = example_lines("responses.csv")[1:3]
    path = write(
        files,
        "responses.csv",
        RESPONSES,
        response("X1"),
        existing[0],
        response("X2"),
        existing[1],
        response("X3"),
    )
    summary = ingest([path], warehouse, today=TODAY)
    assert (summary.added, summary.skipped) == (3, 2)
    assert counts(warehouse) == EXAMPLE_COUNTS | {"responses": 302}
    assert counts(previous_path(warehouse)) == EXAMPLE_COUNTS


def test_replace_replaces_only_the_tables_given(warehouse, files):
    """mode="replace" with a one-row targets.csv leaves exactly that target; other tables are untouched."""
    path = write(files, "targets.csv", TARGETS, target(metric_id="csat", target="90", tolerance="2"))
    summary = ingest([path], warehouse, mode="replace", today=TODAY)
    assert (summary.mode, summary.added, summary.skipped) == ("replace", 1, 0)
    assert counts(warehouse) == EXAMPLE_COUNTS | {"targets": 1}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute(
            "SELECT metric_id, period_start, period_end, target, tolerance FROM targets"
        ).fetchall() == [("csat", date(2027, 1, 1), date(2027, 3, 31), 90.0, 2.0)]


def test_replacing_a_table_others_still_refer_to_names_each_dangling_value(warehouse, files):
    """Replacing owners by a list without dev and maria, who own kept metrics, is refused naming them."""
    path = write(
        files,
        "owners.csv",
        OWNERS,
        "zoe,Zoe Adler,Head of Stores,zoe.adler@example.com",
        "sam,Samira Haddad,Head of Customer Support,samira.haddad@example.com",
    )
    error = refused(warehouse, path, mode="replace")
    reason = "is used by rows kept in metrics but is not in the replacing owners"
    assert [(p.file, p.row, p.column, p.value, p.reason) for p in error.problems] == [
        ("metrics (in the warehouse)", None, "owner_id", "dev", reason),
        ("metrics (in the warehouse)", None, "owner_id", "maria", reason),
    ]
    assert f'metrics (in the warehouse), column owner_id: "dev" {reason}' in str(error)


def test_rollback_restores_the_previous_snapshot(warehouse, files):
    """After a second ingest, rollback brings the earlier counts back; the CLI's --rollback undoes it."""
    path = write(files, "responses.csv", RESPONSES, response("X1"), response("X2"), response("X3"))
    ingest([path], warehouse, today=TODAY)
    assert counts(warehouse)["responses"] == 302

    rollback(warehouse)
    assert counts(warehouse) == EXAMPLE_COUNTS
    assert counts(previous_path(warehouse))["responses"] == 302

    assert main(["--rollback", "--warehouse", str(warehouse)]) == 0
    assert counts(warehouse)["responses"] == 302
    assert sorted(p.name for p in warehouse.parent.iterdir()) == ["cx.duckdb", "cx.duckdb.previous"]


def test_cli_loads_a_good_file_and_reports_what_it_added(warehouse, files, capsys):
    """The CLI loads a good file, prints added and skipped counts, and returns 0."""
    path = write(files, "responses.csv", RESPONSES, response("X1", responded_at="2026-01-05 10:00:00"))
    assert main([str(path), "--warehouse", str(warehouse)]) == 0
    out = capsys.readouterr().out
    assert f"{path}: 1 row, 1 added, 0 duplicates skipped" in out
    assert "1 rows added, 0 duplicates skipped" in out
    assert counts(warehouse)["responses"] == 300


def test_cli_on_a_bad_file_says_nothing_was_loaded(warehouse, files, capsys):
    """The CLI on a bad file returns 1, prints "Nothing was loaded" and the problem, and changes nothing."""
    path = write(files, "responses.csv", RESPONSES, response("X1", touchpoint_id="kiosk"))
    before = fingerprint(warehouse)
    assert main([str(path), "--warehouse", str(warehouse)]) == 1
    err = capsys.readouterr().err
    assert "Nothing was loaded; 1 problem:" in err
    assert f'{path}, row 2, column touchpoint_id: "kiosk" is not in touchpoints' in err
    assert fingerprint(warehouse) == before


def test_cli_without_paths_or_rollback_is_a_usage_error(warehouse, capsys):
    """The CLI with neither files nor --rollback exits with a usage error."""
    with pytest.raises(SystemExit) as caught:
        main(["--warehouse", str(warehouse)])
    assert caught.value.code == 2
    assert "give files or folders to load, or --rollback" in capsys.readouterr().err


def test_the_snapshot_log_records_each_ingest_with_its_files(warehouse, files):
    """After two ingests snapshot_log has two rows; the last names its files with added/skipped counts."""
    existing = example_lines("responses.csv")[1]
    path = write(files, "responses.csv", RESPONSES, response("X1"), existing)
    ingest([path], warehouse, today=TODAY)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        log = con.execute(
            "SELECT source, mode, files, rows_added, duplicates_skipped FROM snapshot_log ORDER BY rowid"
        ).fetchall()
    assert len(log) == 2
    assert [row[:2] for row in log] == [("ingest", "append"), ("ingest", "append")]
    assert (log[0][3], log[0][4]) == (EXAMPLE_ROWS, 0)
    *_, files_json, added, skipped = log[-1]
    assert (added, skipped) == (1, 1)
    assert json.loads(files_json) == [
        {"path": str(path), "table": "responses", "rows": 2, "added": 1, "skipped": 1}
    ]


def test_a_warehouse_from_before_the_publish_log_takes_an_ingest(tmp_path, files):
    """A warehouse written before `snapshot_log` existed (the table dropped here) still takes an ingest,
    whose publish starts the log."""
    path = tmp_path / "cx.duckdb"
    ingest([EXAMPLE], path, today=TODAY)
    with duckdb.connect(str(path)) as con:
        con.execute("DROP TABLE snapshot_log")
    summary = ingest([write(files, "responses.csv", RESPONSES, response("X1"))], path, today=TODAY)
    assert summary.added == 1
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("SELECT count(*), min(source) FROM snapshot_log").fetchone() == (1, "ingest")


def test_a_load_with_nothing_new_keeps_the_snapshot_a_mistaken_replace_can_be_rolled_back_to(
    warehouse, files, capsys
):
    """A mistaken --replace leaves one target; sending the same file again (appended, then replaced)
    holds nothing new, so nothing is published and a rollback still brings the five targets back."""
    path = write(files, "targets.csv", TARGETS, target(metric_id="csat", target="90", tolerance="2"))
    ingest([path], warehouse, mode="replace", today=TODAY)
    before = fingerprint(warehouse)
    assert main([str(path), "--warehouse", str(warehouse)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        f"Nothing new: {warehouse} already holds every row of these files, so nothing was published "
        "(the snapshot kept for --rollback stays as it was)."
    )
    summary = ingest([path], warehouse, mode="replace", today=TODAY)
    assert (summary.published, summary.added, summary.tables["targets"]) == (False, 1, 1)
    assert fingerprint(warehouse) == before
    rollback(warehouse)
    assert counts(warehouse) == EXAMPLE_COUNTS


# --- dates and time zones ---------------------------------------------------------------------------

FIRST_DAY_REASON = "is before 1990-01-01, the first day the warehouse takes (BEACON_FIRST_DAY)"


def test_a_day_before_the_first_day_is_named(warehouse, files):
    """A response dated 0001-01-01 and a measurement of 1989-12-31 are refused against the default first
    day, 1990-01-01; a response on that day itself is taken. A measurement in the year 20260 is in the
    future (and named, though Python's dates end at 9999)."""
    responses = write(
        files,
        "responses.csv",
        RESPONSES,
        response("X1", responded_at="1990-01-01 00:00:00"),
        response("X2", responded_at="0001-01-01 00:00:00"),
    )
    measurements = write(
        files,
        "measurements.csv",
        MEASUREMENTS,
        "fcr,1989-12-31,support,business,5,8",
        "fcr,20260-01-01,support,business,5,8",
    )
    error = refused(warehouse, responses, measurements)
    assert [(p.file, p.row, p.column, p.value, p.reason) for p in error.problems] == [
        (str(measurements), 2, "day", "1989-12-31", FIRST_DAY_REASON),
        (str(measurements), 3, "day", "20260-01-01", "is in the future (today is 2026-11-25)"),
        (str(responses), 3, "responded_at", "0001-01-01 00:00:00", FIRST_DAY_REASON),
    ]
    assert f'{responses}, row 3, column responded_at: "0001-01-01 00:00:00" {FIRST_DAY_REASON}' in str(error)


def test_many_days_too_early_or_too_late_are_counted_each_under_its_reason(warehouse, files):
    """120 responses before the first day, then 30 after today: 100 kept, and the counts by reason are
    the true 120 and 30 (both are found in one pass over the column)."""
    rows = [response(f"E{i}", responded_at="1980-05-01 10:00:00") for i in range(120)]
    rows += [response(f"L{i}", responded_at="2027-01-01 10:00:00") for i in range(30)]
    error = refused(warehouse, write(files, "responses.csv", RESPONSES, *rows))
    assert (len(error.problems), error.count) == (100, 150)
    assert str(error).splitlines()[-2:] == [
        f"  120 × {FIRST_DAY_REASON}",
        "  30 × is in the future (today is 2026-11-25)",
    ]


def test_the_first_day_is_the_one_beacon_first_day_names(warehouse, files, monkeypatch):
    """With BEACON_FIRST_DAY=2026-01-01 a target starting on 2025-12-01 is refused, naming that day; an
    unreadable BEACON_FIRST_DAY stops the program, named."""
    monkeypatch.setattr(config, "FIRST_DAY", date(2026, 1, 1))
    path = write(files, "targets.csv", TARGETS, target(period_start="2025-12-01", period_end="2026-03-31"))
    error = refused(warehouse, path)
    assert only(error) == (
        str(path),
        2,
        "period_start",
        "2025-12-01",
        "is before 2026-01-01, the first day the warehouse takes (BEACON_FIRST_DAY)",
    )
    started = subprocess.run(
        [sys.executable, "-c", "import config; config.validate()"],
        cwd=ROOT,
        env={**os.environ, "BEACON_FIRST_DAY": "1990-13-01"},
        capture_output=True,
        text=True,
    )
    assert (started.returncode, started.stderr) == (
        1,
        "BEACON_FIRST_DAY='1990-13-01' is not a date: write it as 1990-01-01.\n",
    )


def responded_at(warehouse: Path) -> dict[str, str]:
    """Each new response's stored time, as text."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "SELECT response_id, CAST(responded_at AS VARCHAR) FROM responses WHERE response_id LIKE 'Z%'"
        ).fetchall()
    return dict(rows)


def test_a_time_with_a_zone_is_stored_as_local_time_in_beacon_timezone(warehouse, files, monkeypatch):
    """BEACON_TIMEZONE=Europe/Helsinki (UTC+2 in winter, +3 in summer). Worked by hand:
    23:30 at UTC−5 on 20 Nov is 04:30 UTC on the 21st, 06:30 in Helsinki; noon UTC on 1 July is 15:00;
    23:30 at UTC+5:30 is 18:00 UTC, 20:00 in Helsinki; a time without a zone is Helsinki time already; a
    Parquet timestamp with time zone of 04:30 UTC on 21 Nov is 06:30 there."""
    monkeypatch.setattr(config, "TIMEZONE", "Europe/Helsinki")
    path = write(
        files,
        "responses.csv",
        RESPONSES,
        response("Z1", responded_at="2026-11-20 23:30:00-05:00"),
        response("Z2", responded_at="2026-07-01T12:00:00Z"),
        response("Z3", responded_at="2026-11-20 23:30:00+0530"),
        response("Z4", responded_at="2026-11-20 23:30:00"),
    )
    instant = write_parquet(
        files / "responses-instants.parquet",
        "SELECT 'Z5' AS response_id, 'nps' AS metric_id, TIMESTAMPTZ '2026-11-21 04:30:00+00' AS responded_at, "
        "'support' AS touchpoint_id, 'business' AS segment_id, 7.0 AS score, NULL::VARCHAR AS comment",
    )
    ingest([path, instant], warehouse, today=TODAY)
    assert responded_at(warehouse) == {
        "Z1": "2026-11-21 06:30:00",
        "Z2": "2026-07-01 15:00:00",
        "Z3": "2026-11-20 20:00:00",
        "Z4": "2026-11-20 23:30:00",
        "Z5": "2026-11-21 06:30:00",
    }


def test_without_beacon_timezone_a_time_with_a_zone_is_stored_in_the_servers_zone(warehouse, files):
    """With no BEACON_TIMEZONE and the server in New York (TZ, UTC−5 in winter, −4 in summer):
    04:30 UTC on 21 Nov is 23:30 on the 20th; 16:00 UTC on 1 July is noon."""
    path = write(
        files,
        "responses.csv",
        RESPONSES,
        response("Z1", responded_at="2026-11-21 04:30:00Z"),
        response("Z2", responded_at="2026-07-01 16:00:00+00:00"),
    )
    environment = {name: value for name, value in os.environ.items() if name != "BEACON_TIMEZONE"}
    loaded = subprocess.run(
        [sys.executable, "-m", "data.ingest", str(path), "--warehouse", str(warehouse)],
        cwd=ROOT,
        env=environment | {"TZ": "America/New_York"},
        capture_output=True,
        text=True,
    )
    assert loaded.returncode == 0, loaded.stderr
    assert responded_at(warehouse) == {"Z1": "2026-11-20 23:30:00", "Z2": "2026-07-01 12:00:00"}


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_today_is_the_day_in_beacon_timezone(warehouse, files, monkeypatch, zone):
    """ "In the future" is after today where the business is: 25 hours apart, Kiritimati (UTC+14) and
    Pago Pago (UTC−11) never share a date, so at least one of them is not the server's (UTC) today."""
    monkeypatch.setattr(config, "TIMEZONE", zone)
    today = datetime.now(ZoneInfo(zone)).date()
    path = write(
        files,
        "responses.csv",
        RESPONSES,
        response("Z1", responded_at=f"{today} 00:00:00"),
        response("Z2", responded_at=f"{today + timedelta(days=1)} 00:00:00"),
    )
    error = refused(warehouse, path, today=None)
    assert only(error) == (
        str(path),
        3,
        "responded_at",
        f"{today + timedelta(days=1)} 00:00:00",
        f"is in the future (today is {today})",
    )


def test_a_time_in_a_zone_that_does_not_exist_is_named(warehouse, files):
    """A zone name no time-zone database knows is refused, not dropped."""
    path = write(
        files, "responses.csv", RESPONSES, response("Z1", responded_at="2026-11-20 23:30:00 Mars/Olympus")
    )
    error = refused(warehouse, path)
    assert only(error) == (
        str(path),
        2,
        "responded_at",
        "2026-11-20 23:30:00 Mars/Olympus",
        "is not a date and time (YYYY-MM-DD HH:MM:SS)",
    )


# --- cadence ----------------------------------------------------------------------------------------


def cadences(warehouse: Path) -> dict[str, str | None]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return dict(con.execute("SELECT metric_id, cadence FROM metrics").fetchall())


def test_a_metric_says_its_cadence_or_leaves_it_empty(warehouse, files):
    """metrics.cadence is optional: `quarterly` is stored, an empty one and a file without the column
    (the example's) leave it NULL."""
    path = write(
        files, "metrics.csv", METRICS + ",cadence", metric("ease") + ",quarterly", metric("calm") + ","
    )
    ingest([path], warehouse, today=TODAY)
    assert cadences(warehouse) == {
        "nps": None,
        "csat": None,
        "effort": None,
        "fcr": None,
        "ease": "quarterly",
        "calm": None,
    }


def test_a_cadence_that_is_not_allowed_is_named(warehouse, files):
    """A cadence outside daily, weekly, monthly, quarterly is refused, listing them (case counts)."""
    path = write(
        files, "metrics.csv", METRICS + ",cadence", metric("ease") + ",yearly", metric("calm") + ",Weekly"
    )
    error = refused(warehouse, path)
    reason = "is not one of daily, weekly, monthly, quarterly (or empty)"
    assert [(p.row, p.column, p.value, p.reason) for p in error.problems] == [
        (2, "cadence", "yearly", reason),
        (3, "cadence", "Weekly", reason),
    ]


def test_a_warehouse_from_before_the_cadence_column_takes_an_ingest(warehouse, tmp_path, files):
    """A warehouse written by the schema before `metrics.cadence` existed takes an ingest: its metrics
    keep their rows with no cadence; after that, the same file again is nothing new."""
    cadence_line = "    cadence VARCHAR CHECK (cadence IN ('daily', 'weekly', 'monthly', 'quarterly')),\n"
    assert cadence_line in SCHEMA
    path = tmp_path / "older" / "cx.duckdb"
    path.parent.mkdir()
    with duckdb.connect(str(path)) as con:
        con.execute(SCHEMA.replace(cadence_line, ""))
        con.execute("ATTACH $path AS example (READ_ONLY)", {"path": str(warehouse)})
        for table in (*CONTRACT_TABLES, "snapshot_log"):
            # Table names bound as a value (query_table), never formatted into the SQL.
            rows = con.execute("SELECT * FROM query_table($name)", {"name": f"example.{table}"}).df()
            con.append(table, rows.drop(columns=["cadence"]) if table == "metrics" else rows)
        con.execute("DETACH example")
        build_rollup(con)
    new = write(files, "responses.csv", RESPONSES, response("X1"))
    assert ingest([new], path, today=TODAY).published
    assert counts(path) == EXAMPLE_COUNTS | {"responses": 300}
    assert set(cadences(path).values()) == {None}
    assert not ingest([new], path, today=TODAY).published


# --- which files, and how they are named ------------------------------------------------------------

NOT_REGULAR = "is not a regular file (a pipe, socket or device cannot be loaded): copy it to a file first"


def test_a_named_pipe_is_refused_instead_of_waited_on(warehouse, files):
    """A FIFO called responses.csv, given itself or inside its folder, is refused by name: reading it
    would wait for ever for a writer."""
    pipe = files / "responses.csv"
    os.mkfifo(pipe)
    # Should anything read the pipe after all, this writer feeds it a good file: the test fails, not hangs.
    feeder = threading.Thread(target=lambda: pipe.write_text(f"{RESPONSES}\n{response('X1')}\n"), daemon=True)
    feeder.start()
    try:
        for given in (pipe, files):
            assert only(refused(warehouse, given)) == (str(pipe), None, None, None, NOT_REGULAR)
    finally:
        reader = os.open(pipe, os.O_RDONLY | os.O_NONBLOCK)  # lets the writer's open return
        feeder.join(timeout=30)
        os.close(reader)
    assert not feeder.is_alive()


def test_a_csv_whose_line_endings_change_names_the_row_where_they_change(warehouse, files):
    """Rows 1–4 end with CRLF (row 2's comment holds a line break inside its quotes, which does not
    count), row 5 with LF: refused at row 5. The same rows all ending with CRLF load."""
    path = files / "responses.csv"
    rows = [
        RESPONSES,
        response("X1", comment='"Line one\nline two"'),
        *[response(f"X{i}", comment="Fine") for i in (2, 3, 4)],
    ]
    path.write_bytes(("\r\n".join(rows[:4]) + "\r\n" + rows[4] + "\n").encode())
    error = refused(warehouse, path)
    assert only(error) == (
        str(path),
        5,
        None,
        None,
        "ends with LF where the rows before it end with CRLF: save the file with one kind of line ending",
    )
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode())
    assert ingest([path], warehouse, today=TODAY).added == 4


def test_file_names_with_line_breaks_or_escapes_are_printed_escaped(warehouse, files, capsys):
    """A name holding a line break and a terminal escape is printed as Python writes the string, in
    problems and in the summary alike, so it can neither forge a line nor drive the terminal."""
    bad = write(files, "responses-\x1b[2J\nPublished.csv", RESPONSES, response("X1", touchpoint_id="kiosk"))
    assert main([str(bad), "--warehouse", str(warehouse)]) == 1
    err = capsys.readouterr().err
    assert f'{str(bad)!r}, row 2, column touchpoint_id: "kiosk" is not in touchpoints' in err
    good = write(files, "responses-\tbell\x07.csv", RESPONSES, response("X1"))
    assert main([str(good), "--warehouse", str(warehouse)]) == 0
    printed = capsys.readouterr()
    assert f"{str(good)!r}: 1 row, 1 added, 0 duplicates skipped" in printed.out
    assert "read 'responses-\\tbell\\x07.csv': 1 row" in printed.err
    assert not {"\x1b", "\x07", "\t"} & set(err + printed.out + printed.err)


# --- ingests at once, and interrupted ones ----------------------------------------------------------


def cli(*args: str) -> subprocess.Popen:
    """`python -m data.ingest ARGS` in a process of its own, as a second terminal would run it."""
    return subprocess.Popen(
        [sys.executable, "-m", "data.ingest", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def publish_log(warehouse: Path) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute("SELECT files, rows_added FROM snapshot_log ORDER BY rowid").fetchall()


def test_ingests_run_at_once_each_build_on_the_last_one_published(warehouse, files):
    """Four ingests of 200 new responses each, started together on one warehouse: all 800 rows survive,
    each publish is in the log after the example's, and the snapshot kept for a rollback is the one
    before the last (600 of them, and the log without the last entry)."""
    paths = [
        write(files, f"responses-{k}.csv", RESPONSES, *[response(f"P{k}-{i}") for i in range(200)])
        for k in range(4)
    ]
    runs = [cli(str(path), "--warehouse", str(warehouse)) for path in paths]
    printed = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0, 0], printed
    assert all("200 rows added" in out for out, _err in printed)
    assert counts(warehouse) == EXAMPLE_COUNTS | {"responses": 299 + 800}
    assert counts(previous_path(warehouse)) == EXAMPLE_COUNTS | {"responses": 299 + 600}
    log = publish_log(warehouse)
    assert [added for _files, added in log] == [EXAMPLE_ROWS, 200, 200, 200, 200]
    assert sorted(json.loads(files_json)[0]["path"] for files_json, _added in log[1:]) == sorted(
        map(str, paths)
    )
    assert publish_log(previous_path(warehouse)) == log[:-1]
    assert sorted(p.name for p in warehouse.parent.iterdir()) == ["cx.duckdb", "cx.duckdb.previous"]


def test_an_ingest_waits_for_the_publish_under_way_and_says_so(warehouse, files):
    """While another publish holds the lock, an ingest says it waits and loads nothing; once the lock is
    let go it builds on what is live then."""
    path = write(files, "responses.csv", RESPONSES, response("X1"))
    with publishing(warehouse):
        run = cli(str(path), "--warehouse", str(warehouse))
        assert run.stderr.readline() == (
            f"Waiting for another publish to {warehouse} to finish (it holds {warehouse}.lock)…\n"
        )
        assert counts(warehouse) == EXAMPLE_COUNTS
    out, err = run.communicate(timeout=120)
    assert run.returncode == 0, err
    assert "1 rows added" in out
    assert counts(warehouse) == EXAMPLE_COUNTS | {"responses": 300}


def test_no_wait_refuses_at_once_while_another_publish_is_under_way(warehouse, files, capsys):
    """--no-wait, with the lock held: exit 1 with the reason, and nothing changed (rollback too)."""
    path = write(files, "responses.csv", RESPONSES, response("X1"))
    ingest([path], warehouse, today=TODAY)
    before, _ = fingerprint(warehouse), capsys.readouterr()
    with publishing(warehouse):
        assert main([str(path), "--replace", "--warehouse", str(warehouse), "--no-wait"]) == 1
        assert main(["--rollback", "--warehouse", str(warehouse), "--no-wait"]) == 1
    busy = (
        f"Nothing was loaded: another publish to {warehouse} is under way (it holds {warehouse}.lock); "
        "run again when it has finished.\n"
    )
    assert capsys.readouterr().err == busy + busy
    assert fingerprint(warehouse) == before


def test_ctrl_c_during_an_ingest_says_so_in_one_line_and_leaves_nothing(
    warehouse, files, capsys, monkeypatch, request
):
    """A real SIGINT to this process while the files are checked: the half-written snapshot existed then,
    and afterwards exit 130, one line, the folder as it was and Python's own Ctrl-C handler back."""
    # As a terminal's run has it (a job started in the background inherits SIGINT ignored).
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    request.addfinalizer(lambda: signal.signal(signal.SIGINT, previous))
    seen = []

    def interrupted(_load, _sources):
        seen.extend(sorted(p.name.split(".")[-1] for p in warehouse.parent.iterdir()))
        os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(_Load, "check_keys", interrupted)
    path = write(files, "responses.csv", RESPONSES, response("X1"))
    before = fingerprint(warehouse)
    try:
        status = main([str(path), "--warehouse", str(warehouse)])
    except KeyboardInterrupt:
        pytest.fail("Ctrl-C went through main() as a traceback")
    assert status == 130
    assert seen == ["duckdb", "lock", "new", "wal"]
    err = capsys.readouterr().err
    assert err.splitlines()[-1] == "Interrupted: nothing was loaded."
    assert "Traceback" not in err
    assert fingerprint(warehouse) == before
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


@pytest.mark.parametrize(
    ("number", "status", "line"),
    [
        (signal.SIGINT, 130, "Interrupted: nothing was loaded."),
        (signal.SIGTERM, 143, "Stopped: nothing was loaded."),
    ],
)
def test_a_signal_to_a_waiting_ingest_stops_it_in_one_line(warehouse, files, number, status, line):
    """Ctrl-C (SIGINT) or SIGTERM to an ingest waiting for the lock: the one line, and its exit status."""
    path = write(files, "responses.csv", RESPONSES, response("X1"))
    with publishing(warehouse):
        run = cli(str(path), "--warehouse", str(warehouse))
        assert run.stderr.readline().startswith("Waiting for another publish")
        run.send_signal(number)
        out, err = run.communicate(timeout=60)
    assert (run.returncode, out, err) == (status, "", line + "\n")
    assert counts(warehouse) == EXAMPLE_COUNTS


KILLED_HALF_WAY = """
import os, sys
from data.warehouse.snapshot import write_snapshot

def fill(con):
    con.execute("INSERT INTO owners VALUES ('zoe', 'Zoe Adler', 'Head of Stores', 'zoe@example.com')")
    os._exit(137)  # as SIGKILL would: no clean-up at all

write_snapshot(sys.argv[1], fill)
"""


def test_what_a_killed_publish_left_is_removed_by_the_next_ingest(warehouse, files, capsys):
    """A publish killed half-way leaves its new file, its WAL and the lock file; the next ingest removes
    them (holding the lock, so they cannot be another's), says so, and loads."""
    subprocess.run([sys.executable, "-c", KILLED_HALF_WAY, str(warehouse)], cwd=ROOT, check=False)
    assert {"new", "wal"} <= {p.name.split(".")[-1] for p in warehouse.parent.iterdir()}
    path = write(files, "responses.csv", RESPONSES, response("X1"))
    assert main([str(path), "--warehouse", str(warehouse)]) == 0
    assert "Removed what an interrupted publish left in " in capsys.readouterr().err
    assert sorted(p.name for p in warehouse.parent.iterdir()) == ["cx.duckdb", "cx.duckdb.previous"]
    assert counts(warehouse) == EXAMPLE_COUNTS | {"responses": 300}


def test_a_full_disk_says_no_space_left_and_loads_nothing(warehouse, tmp_path, files, capsys):
    """On a disk (a tmpfs mounted for the test) with room for the live file but not for a second one:
    exit 1, "no space left on the device" naming its folder, and the folder as it was."""
    disk = tmp_path / "disk"
    disk.mkdir()
    size = warehouse.stat().st_size + (1 << 20)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(disk)], capture_output=True
    )
    if mounted.returncode:
        pytest.skip(f"cannot mount a small tmpfs here (needs root): {mounted.stderr.decode().strip()}")
    try:
        live = disk / "cx.duckdb"
        shutil.copyfile(warehouse, live)
        before = fingerprint(live)
        path = write(files, "responses.csv", RESPONSES, response("X1"))
        assert main([str(path), "--warehouse", str(live)]) == 1
        assert capsys.readouterr().err.splitlines()[-1] == (
            f"Nothing was loaded: no space left on the device ({disk}): the new snapshot needs about as "
            "much free space as cx.duckdb takes, plus the new data."
        )
        assert fingerprint(live) == before
    finally:
        subprocess.run(["umount", str(disk)], check=True)


# --- respondent_ref ---------------------------------------------------------------------------------

REF_REASON = (
    "respondent_ref holds an opaque id from your own system (such as a CRM contact id), never contact details"
)


def test_a_respondent_ref_is_stored_and_may_be_left_out(warehouse, files):
    """respondent_ref is optional: an opaque id is stored, a blank one is NULL, and a file without the
    column loads as before."""
    path = write(
        files,
        "responses.csv",
        RESPONSES + ",respondent_ref",
        response("X1") + ",CRM-004211",
        response("X2") + ",",
        response("X3") + ",004211",
    )
    old = write(files, "responses-old.csv", RESPONSES, response("X4"))
    ingest([path, old], warehouse, today=TODAY)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        refs = dict(
            con.execute(
                "SELECT response_id, respondent_ref FROM responses WHERE response_id LIKE 'X%'"
            ).fetchall()
        )
    assert refs == {"X1": "CRM-004211", "X2": None, "X3": "004211", "X4": None}


@pytest.mark.parametrize(
    ("ref", "what"),
    [
        ("ana.silva@example.com", "an e-mail address"),
        ("+44 20 7946 0958", "a phone number"),
        ("(020) 7946-0958", "a phone number"),
    ],
)
def test_contact_details_as_a_respondent_ref_are_refused_in_one_line(warehouse, files, ref, what):
    """An e-mail address or a phone number in respondent_ref is refused, naming file, row and column in
    one line; nothing is published."""
    path = write(
        files,
        "responses.csv",
        RESPONSES + ",respondent_ref",
        response("X1") + ",CRM-1",
        response("X2") + f",{ref}",
    )
    error = refused(warehouse, path)
    assert only(error) == (str(path), 3, "respondent_ref", ref, f"looks like {what}: {REF_REASON}")
    assert str(error) == f'{path}, row 3, column respondent_ref: "{ref}" looks like {what}: {REF_REASON}'


def test_a_warehouse_from_before_respondent_ref_takes_an_ingest(tmp_path, files):
    """A warehouse written before responses had respondent_ref (the column dropped here) takes an ingest:
    its rows are kept, without a reference, beside the new ones with theirs."""
    path = tmp_path / "cx.duckdb"
    ingest([EXAMPLE], path, today=TODAY)
    with duckdb.connect(str(path)) as con:
        con.execute("ALTER TABLE responses DROP COLUMN respondent_ref")
    new = write(files, "responses.csv", RESPONSES + ",respondent_ref", response("X1") + ",CRM-7")
    summary = ingest([new], path, today=TODAY)
    assert (summary.published, summary.added) == (True, 1)
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute(
            "SELECT count(*), count(respondent_ref), max(respondent_ref) FROM responses"
        ).fetchone() == (EXAMPLE_COUNTS["responses"] + 1, 1, "CRM-7")
