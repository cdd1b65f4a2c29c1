"""Loading a company's own files (data/ingest.py) on real CSV, Parquet and DuckDB files: every validation
rule refuses a bad file naming file, line, column, value and reason, and then nothing has changed; good
loads append idempotently, replace whole tables, are logged, and can be rolled back."""

import hashlib
import json
import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest

from data.ingest import IngestError, ingest, main
from data.warehouse import previous_path, rollback

EXAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "example_data"
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


def refused(warehouse: Path, *paths: Path, mode: str = "append") -> IngestError:
    """Ingest `paths`, expect IngestError, and check that nothing at all has changed."""
    before, rows = fingerprint(warehouse), counts(warehouse)
    with pytest.raises(IngestError) as caught:
        ingest(list(paths), warehouse, mode=mode, today=TODAY)
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
        "score, comment)",
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
    assert f"{path}: 1 rows, 1 added, 0 duplicates skipped" in out
    assert "1 rows added, 0 duplicates skipped" in out
    assert counts(warehouse)["responses"] == 300


def test_cli_on_a_bad_file_says_nothing_was_loaded(warehouse, files, capsys):
    """The CLI on a bad file returns 1, prints "Nothing was loaded" and the problem, and changes nothing."""
    path = write(files, "responses.csv", RESPONSES, response("X1", touchpoint_id="kiosk"))
    before = fingerprint(warehouse)
    assert main([str(path), "--warehouse", str(warehouse)]) == 1
    err = capsys.readouterr().err
    assert "Nothing was loaded; 1 problem(s):" in err
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


def test_a_warehouse_from_before_the_publish_log_takes_an_ingest(tmp_path):
    """A warehouse written before `snapshot_log` existed (the table dropped here) still takes an ingest,
    whose publish starts the log."""
    path = tmp_path / "cx.duckdb"
    ingest([EXAMPLE], path, today=TODAY)
    with duckdb.connect(str(path)) as con:
        con.execute("DROP TABLE snapshot_log")
    summary = ingest([EXAMPLE], path, today=TODAY)
    assert summary.added == 0
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("SELECT count(*), min(source) FROM snapshot_log").fetchone() == (1, "ingest")
