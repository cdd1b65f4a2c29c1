"""Load a company's own CSV or Parquet files into the warehouse, as a new snapshot.

    python -m data.ingest PATH... [--replace] [--warehouse FILE] [--no-wait]
    python -m data.ingest --rollback [--warehouse FILE] [--no-wait]

Each file is named after its table (`responses.csv`, `responses-2026-11.parquet`, `metrics.csv`...);
a folder stands for the CSV and Parquet files in it. Everything is checked before anything goes live:
columns and types, required values, unique keys, references, allowed values, scores inside their
metric's scale, dates neither in the future nor before BEACON_FIRST_DAY, sensible target periods.
A problem is named by file, line, column, value and reason; then nothing changes. A date and time
with a zone (`2026-11-20 23:30:00-05:00`) is converted to BEACON_TIMEZONE (else the server's zone) and
stored as local time without it. A good load is written as a complete new snapshot beside the live
file and swapped in atomically (data.warehouse.snapshot.write_snapshot), the one before kept for `--rollback`;
ingests of one warehouse take turns (a second waits, or with --no-wait refuses at once).

Append (the default) adds rows whose key is new and counts the others as duplicates, so loading the
same file twice changes nothing, and publishes nothing; --replace replaces the tables that files are
given for.
"""

import argparse
import json
import logging
import re
import signal
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb

import config
import i18n
from data.state import alerts
from data.warehouse import contract
from data.warehouse.snapshot import (
    CONTRACT_TABLES,
    NothingNew,
    SnapshotError,
    rollback,
    shown,
    write_snapshot,
)
from i18n import N_, _, ngettext

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())  # the command prints its report; these go where logging is sent

#: Tables a file may load, in loading order: the contract's.
TABLES = CONTRACT_TABLES
#: The key of each table: a row whose key is already there is a duplicate.
KEYS = {name: table.key for name, table in contract.TABLES.items()}
#: (table, column, referred table): every value must be a key of the referred table.
REFERENCES = tuple(
    (name, column, referred)
    for name, table in contract.TABLES.items()
    for column, referred in table.references
)
#: Columns whose values may not lie after today (in BEACON_TIMEZONE): facts happen in the past.
NOT_IN_FUTURE = {
    name: column.name for name, table in contract.TABLES.items() for column in table.columns if column.past
}
#: Column types that hold a day: none may lie before BEACON_FIRST_DAY (see _Load._check_days).
DAY_KINDS = (contract.DATE, contract.TIMESTAMP)
ALLOWED = {
    (name, column.name): column.allowed
    for name, table in contract.TABLES.items()
    for column in table.columns
    if column.allowed
}
#: Rules within a row: (column blamed, condition that makes the row wrong, reason); {column} stands for
#: the column's typed value. A rule is broken where it does not hold (NULL holds, as in a CHECK).
TABLE_RULES = {
    name: tuple((rule.column, f"NOT ({rule.holds})", rule.reason) for rule in table.rules)
    for name, table in contract.TABLES.items()
    if table.rules
}
#: The kinds whose data are counted in measurements, as SQL: every other kind is answered in responses.
_COUNTED = contract.sql_list(contract.COUNTED_KINDS)
#: The kinds of file ingest reads.
FILE_TYPES = (".csv", ".parquet")
#: Problems shown in full before the rest are counted by reason.
SHOWN_IN_FULL = 20
#: Problems kept per check; beyond them a check only counts (a file may be millions of bad rows).
KEPT_PER_CHECK = 100
#: What a value of each type must be, as "is not …" says it (translated where said).
_TYPE_WORDS = {
    "DATE": N_("is not a date (YYYY-MM-DD)"),
    "TIMESTAMP": N_("is not a date and time (YYYY-MM-DD HH:MM:SS)"),
    "DOUBLE": N_("is not a number"),
    "INTEGER": N_("is not a whole number"),
    "BIGINT": N_("is not a whole number"),
    "BOOLEAN": N_("is not true or false"),
}
#: A time of day followed by a zone: an offset (-05:00, +0530, +05), Z, or a name (UTC, Europe/Paris).
_WITH_ZONE = r"[0-9]:[0-9]{2}(:[0-9]{2}(\.[0-9]*)?)?\s*[A-Za-z+-]"


@dataclass(frozen=True)
class Problem:
    file: str
    # The row as a spreadsheet numbers it: a CSV's header is row 1, a Parquet file's first row is row 1.
    # (CSV lines would drift from rows at the first comment holding a line break.) None: the whole file.
    row: int | None
    column: str | None
    value: str | None
    reason: str  # what problems are counted by
    note: str = ""  # what this one adds, such as where a repeated key first appears

    @classmethod
    def of_file(cls, path: Path | str, reason: str) -> "Problem":
        """A problem of a whole file (no row, column or value)."""
        return cls(str(path), None, None, None, reason)

    def __str__(self) -> str:
        where = [shown(self.file)]
        if self.row is not None:
            where.append(_("row %(row)s", row=self.row))
        if self.column:
            where.append(_("column %(column)s", column=self.column))
        value = "" if self.value is None else f"{json.dumps(self.value, ensure_ascii=False)} "
        said = f"{value}{self.reason}"
        if self.note:
            said = _("%(problem)s (%(note)s)", problem=said, note=self.note)
        return _("%(where)s: %(problem)s", where=_(", ").join(where), problem=said)


class IngestError(ValueError):
    """Files that cannot be loaded; `problems` says what is wrong and where. Nothing was changed."""

    def __init__(self, problems: list[Problem], more: Counter | None = None):
        self.problems = problems
        self.more = more or Counter()  # problems beyond those kept, by reason
        self.count = len(problems) + sum(self.more.values())
        super().__init__(report(problems, self.more))


@dataclass
class Source:
    path: Path
    table: str
    stage: str = ""  # its staging table while loading
    rows: int = 0
    added: int = 0
    skipped: int = 0


@dataclass
class Summary:
    sources: list[Source]
    seconds: float
    mode: str
    tables: dict[str, int] = field(default_factory=dict)  # rows per table in the new snapshot
    published: bool = True  # False: the files held nothing new, the live snapshot stays as it was

    @property
    def added(self) -> int:
        return sum(source.added for source in self.sources)

    @property
    def skipped(self) -> int:
        return sum(source.skipped for source in self.sources)


def report(problems: list[Problem], more: Counter | None = None) -> str:
    """The first problems in full, then how many of each reason there are in all."""
    by_reason = Counter(problem.reason for problem in problems) + (more or Counter())
    total = sum(by_reason.values())
    lines = [str(problem) for problem in problems[:SHOWN_IN_FULL]]
    if total > SHOWN_IN_FULL:
        lines.append(
            ngettext(
                "… and %(num)s more. All problems by reason:",
                "… and %(num)s more. All problems by reason:",
                total - SHOWN_IN_FULL,
            )
        )
        lines += [f"  {i18n.format_integer(count)} × {reason}" for reason, count in by_reason.most_common()]
    return "\n".join(lines)


def _typed(text: str, kind: str) -> str:
    """SQL for `text` as a value of `kind`, NULL when it is not one. A date and time with a zone becomes
    the session's local time (BEACON_TIMEZONE, see _Load), without zone: DuckDB's own cast to TIMESTAMP
    would drop the zone and keep the clock time."""
    if kind == "TIMESTAMP":
        # The usual form first: it holds no zone, and reading it so is twice as fast as the test for one.
        return (
            f"coalesce(try_strptime({text}, '%Y-%m-%d %H:%M:%S'), CASE WHEN regexp_matches({text}, '{_WITH_ZONE}') "
            f"THEN CAST(TRY_CAST({text} AS TIMESTAMPTZ) AS TIMESTAMP) ELSE TRY_CAST({text} AS TIMESTAMP) END)"
        )
    return f"TRY_CAST({text} AS {kind})"


def _not_of_type(text: str, kind: str) -> str:
    """SQL that is true when `text` is not a value of `kind`; whole numbers must be written whole, since
    DuckDB would round "2.5" to 3."""
    if kind in ("INTEGER", "BIGINT"):
        return f"NOT regexp_full_match({text}, '[+-]?[0-9]+')"
    return f"{_typed(text, kind)} IS NULL"


def first_changed_line_ending(path: Path) -> tuple[int, str, str] | None:
    """Where a CSV file's line endings change, outside quoted values: (row, the header's ending, the
    row's), rows numbered as in `Problem`; None when every row ends as the header does."""
    row, first, quoted, before = 1, None, False, b""
    with open(path, "rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            for match in re.finditer(rb'["\n]', chunk):
                if match.group() == b'"':
                    quoted = not quoted  # an escaped quote ("") flips twice
                    continue
                if quoted:
                    continue
                at = match.start()
                ending = "CRLF" if (chunk[at - 1 : at] if at else before) == b"\r" else "LF"
                first = first or ending
                if ending != first:
                    return row, first, ending
                row += 1
            before = chunk[-1:]
    return None


def table_of(path: Path) -> str | None:
    """The table a file loads, from its name: `responses.csv`, `responses-2026-11.parquet`."""
    stem = path.name.split(".")[0]
    for table in TABLES:
        if stem == table or stem.startswith((f"{table}-", f"{table}_")):
            return table
    return None


def _not_loadable(path: Path, table: str | None) -> str | None:
    """Why a file cannot be loaded at all, or None."""
    if not path.is_file():  # reading a named pipe would wait for a writer for ever
        return _("is not a regular file (a pipe, socket or device cannot be loaded): copy it to a file first")
    if path.suffix.lower() not in FILE_TYPES:
        return _("is neither a .csv nor a .parquet file")
    if table is None:
        return _("names no table: start its name with one of %(tables)s", tables=", ".join(TABLES))
    return None


def find_sources(paths: list[Path]) -> list[Source]:
    """Every file to load, in table order; IngestError names what cannot be loaded."""
    files, problems = [], []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.iterdir() if p.suffix.lower() in FILE_TYPES)
        elif path.exists():
            files.append(path)
        else:
            problems.append(Problem.of_file(path, _("does not exist")))
    sources = []
    for path in files:
        table = table_of(path)
        reason = _not_loadable(path, table)
        if reason:
            problems.append(Problem.of_file(path, reason))
        else:
            sources.append(Source(path, table))
    if not sources and not problems:
        problems.append(Problem.of_file(", ".join(map(str, paths)), _("holds no .csv or .parquet file")))
    if problems:
        raise IngestError(problems)
    return sorted(sources, key=lambda source: TABLES.index(source.table))


def _quoted(name: str, allowed) -> str:
    """An identifier from the warehouse's own schema, quoted; anything else is refused."""
    if name not in allowed:
        raise ValueError(f"{name!r} is not a known identifier")
    return '"' + name + '"'


class _Load:
    """One ingest, inside the new snapshot's connection: stage, check, then insert."""

    def __init__(self, con: duckdb.DuckDBPyConnection, old: Path | None, mode: str, today: date):
        self.con, self.mode, self.today = con, mode, today
        self.has_old = old is not None
        if config.TIMEZONE:  # unset, DuckDB's zone is the server's, as Python's is
            con.execute("SET TimeZone = $zone", {"zone": config.TIMEZONE})
        if old is not None:
            con.execute("ATTACH $path AS old (READ_ONLY)", {"path": str(old)})
        schema = self._schema("new")
        self.columns = {
            table: {
                name: (kind, nullable == "YES", default is not None) for name, kind, nullable, default in rows
            }
            for table, rows in schema.items()
        }
        self.defaults = {
            table: {name: default for name, _kind, _nullable, default in rows if default is not None}
            for table, rows in schema.items()
        }
        self.identifiers = {name for columns in self.columns.values() for name in columns} | set(TABLES)
        self.problems: list[Problem] = []
        self.more: Counter = Counter()

    def _schema(self, which: str) -> dict[str, list[tuple]]:
        """(column, type, nullable, default) of each table of the "new" snapshot or the "old" one."""
        return {
            table: self.con.execute(
                "SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns "
                "WHERE table_catalog = CASE WHEN $which = 'old' THEN 'old' ELSE current_database() END "
                "AND table_name = $table ORDER BY ordinal_position",
                {"which": which, "table": table},
            ).fetchall()
            for table in TABLES
        }

    def _run(self, sql: str, params: dict | None = None) -> duckdb.DuckDBPyConnection:
        """Every statement of a load goes through here. Its identifiers are only `stage_N` names and the
        schema's own tables and columns (`_quoted` refuses anything else); every value is bound."""
        return self.con.execute(sql, params or {})

    # --- staging ------------------------------------------------------------------------------------

    def stage(self, source: Source, index: int) -> None:
        """The file in a temporary table `stage_N`, as read, with its row number (`_row`, as in `Problem`);
        `source.stage` stays empty when the file cannot be read."""
        stage = f"stage_{index}"
        started = time.perf_counter()
        if source.path.suffix.lower() == ".parquet":
            reader = "SELECT * EXCLUDE (file_row_number), file_row_number + 1 AS _row FROM read_parquet($path, file_row_number = true)"
        else:
            reader = "SELECT *, row_number() OVER () + 1 AS _row FROM read_csv($path, header = true, all_varchar = true)"
        try:
            self._run(f"CREATE TEMP TABLE {stage} AS {reader}", {"path": str(source.path)})
        except duckdb.Error as error:
            self.problems.append(self._unreadable(source, error))
            return
        source.stage = stage
        source.rows = self._run(f"SELECT count(*) FROM {source.stage}").fetchone()[0]
        seconds = time.perf_counter() - started
        print(
            "  "
            + _(
                "read %(file)s: %(rows)s in %(seconds)s s (%(speed)s rows/s)",
                file=shown(source.path.name),
                rows=ngettext("%(num)s row", "%(num)s rows", source.rows),
                seconds=i18n.format_decimal(seconds, 1),
                speed=i18n.format_integer(round(source.rows / max(seconds, 1e-6))),
            ),
            file=sys.stderr,
        )

    @staticmethod
    def _unreadable(source: Source, error: duckdb.Error) -> Problem:
        """Why a file cannot be read, at its row where that can be told."""
        if source.path.suffix.lower() == ".csv":
            changed = first_changed_line_ending(source.path)
            if changed:
                row, first, ending = changed
                return Problem(
                    str(source.path),
                    row,
                    None,
                    None,
                    _(
                        "ends with %(ending)s where the rows before it end with %(first)s: save the file with "
                        "one kind of line ending",
                        ending=ending,
                        first=first,
                    ),
                )
        message = str(error).replace(str(source.path), shown(source.path))
        return Problem.of_file(source.path, _("cannot be read: %(reason)s", reason=message))

    def _file_columns(self, source: Source) -> list[str]:
        return [row[0] for row in self._run(f"DESCRIBE {source.stage}").fetchall() if row[0] != "_row"]

    def _collect(self, sql: str, params: dict, make) -> None:
        """Problems `make(row)` from the rows of `sql`: the first KEPT_PER_CHECK kept, the rest counted, so
        a file of ten million bad rows is reported in full without holding them all."""
        rows = self._run(f"{sql} LIMIT {KEPT_PER_CHECK + 1}", params).fetchall()
        self.problems += [make(row) for row in rows[:KEPT_PER_CHECK]]
        if len(rows) > KEPT_PER_CHECK:
            total = self._run(f"SELECT count(*) FROM ({sql})", params).fetchone()[0]
            self.more[make(rows[-1]).reason] += total - KEPT_PER_CHECK

    def _found(
        self, source: Source, column: str | None, sql: str, reason: str, params: dict | None = None
    ) -> None:
        """Rows of `sql` (row, value) are problems of `source` at `column` with `reason`."""
        self._collect(
            sql,
            params or {},
            lambda row: Problem(
                str(source.path), row[0], column, None if row[1] is None else str(row[1]), reason
            ),
        )

    # --- checks -------------------------------------------------------------------------------------

    def check_columns(self, source: Source) -> bool:
        expected = self.columns[source.table]
        present = self._file_columns(source)
        for column in present:
            if column not in expected:
                self.problems.append(
                    Problem(
                        str(source.path),
                        1,
                        column,
                        None,
                        _(
                            "is not a column of %(table)s (%(columns)s)",
                            table=source.table,
                            columns=", ".join(expected),
                        ),
                    )
                )
        for column, (_kind, nullable, has_default) in expected.items():
            if column not in present and not nullable and not has_default:
                self.problems.append(
                    Problem(
                        str(source.path),
                        1,
                        column,
                        None,
                        _("is missing: %(table)s needs it", table=source.table),
                    )
                )
        return all(column in expected for column in present)

    def value(self, source: Source, column: str) -> str:
        """SQL for the column's value with its contract type, NULL when the file lacks the column or is blank."""
        kind = self.columns[source.table][column][0]
        if column not in self._file_columns(source):
            return f"CAST(NULL AS {kind})"
        quoted = f"{source.stage}.{_quoted(column, self.identifiers)}"  # qualified: checks join other tables
        typed = _typed(f"NULLIF(trim(CAST({quoted} AS VARCHAR)), '')", kind)
        default = self.defaults[source.table].get(column)
        # A blank where the contract has a default (min_sample) means the default; it comes from the schema.
        return typed if default is None else f"coalesce({typed}, CAST({default} AS {kind}))"

    def check_values(self, source: Source) -> None:
        stage, table = source.stage, source.table
        present = self._file_columns(source)
        for column, (kind, nullable, has_default) in self.columns[table].items():
            if column not in present:
                continue
            quoted = _quoted(column, self.identifiers)
            text = f"NULLIF(trim(CAST({quoted} AS VARCHAR)), '')"
            if not nullable and not has_default:
                self._found(
                    source,
                    column,
                    f"SELECT _row, NULL FROM {stage} WHERE {text} IS NULL ORDER BY _row",
                    _("is required"),
                )
            if kind != "VARCHAR":
                self._found(
                    source,
                    column,
                    f"SELECT _row, {text} FROM {stage} WHERE {text} IS NOT NULL AND {_not_of_type(text, kind)} ORDER BY _row",
                    _(_TYPE_WORDS[kind]) if kind in _TYPE_WORDS else _("is not %(type)s", type=kind),
                )
            allowed = ALLOWED.get((table, column))
            if allowed:
                self._found(
                    source,
                    column,
                    f"SELECT _row, {text} FROM {stage} WHERE {text} IS NOT NULL AND {text} NOT IN (SELECT unnest($allowed)) ORDER BY _row",
                    _("is not one of %(values)s (or empty)", values=", ".join(allowed))
                    if nullable
                    else _("is not one of %(values)s", values=", ".join(allowed)),
                    {"allowed": list(allowed)},
                )
            if kind in DAY_KINDS:
                self._check_days(source, column)
        self._check_table_rules(source)

    def _check_days(self, source: Source, column: str) -> None:
        """Days before BEACON_FIRST_DAY, and facts after today, in one pass over the column (reading every
        value is what costs); each row is counted under its own reason."""
        day = f"CAST({self.value(source, column)} AS DATE)"
        last = self.today if NOT_IN_FUTURE.get(source.table) == column else None  # NULL: no upper bound
        early = _(
            "is before %(day)s, the first day the warehouse takes (BEACON_FIRST_DAY)",
            day=config.FIRST_DAY.isoformat(),
        )
        late = _("is in the future (today is %(day)s)", day=self.today.isoformat())
        params = {"first": config.FIRST_DAY, "last": last}
        rows = self._run(
            # As text: Python's dates end at year 9999, DuckDB's do not.
            f"SELECT _row, CAST({self.value(source, column)} AS VARCHAR), {day} < $first FROM {source.stage} "
            f"WHERE {day} NOT BETWEEN $first AND $last ORDER BY _row LIMIT {KEPT_PER_CHECK + 1}",
            params,
        ).fetchall()
        self.problems += [
            Problem(str(source.path), row, column, value, early if before else late)
            for row, value, before in rows[:KEPT_PER_CHECK]
        ]
        if len(rows) > KEPT_PER_CHECK:
            kept_early = sum(before for _row, _value, before in rows[:KEPT_PER_CHECK])
            all_early, all_late = self._run(
                f"SELECT count_if({day} < $first), count_if({day} > $last) FROM {source.stage}", params
            ).fetchone()
            self.more[early] += all_early - kept_early
            self.more[late] += all_late - (KEPT_PER_CHECK - kept_early)

    def _check_table_rules(self, source: Source) -> None:
        values = {column: self.value(source, column) for column in self.columns[source.table]}
        present = self._file_columns(source)
        for column, condition, reason in TABLE_RULES.get(source.table, ()):
            # The value as the file wrote it, not as converted ("7", not "7.0").
            shown = f"CAST({_quoted(column, self.identifiers)} AS VARCHAR)" if column in present else "NULL"
            self._found(
                source,
                column,
                f"SELECT _row, {shown} FROM {source.stage} WHERE {condition.format(**values)} ORDER BY _row",
                _(reason),
            )

    def check_keys(self, sources: list[Source]) -> None:
        """A key may appear once in all the files of its table."""
        for table in TABLES:
            mine = [s for s in sources if s.table == table]
            if not mine:
                continue
            union = " UNION ALL ".join(
                f"SELECT $file{i} AS file, _row, {', '.join(self.value(s, c) + ' AS ' + _quoted(c, self.identifiers) for c in KEYS[table])} FROM {s.stage}"
                for i, s in enumerate(mine)
            )
            names = ", ".join(_quoted(c, self.identifiers) for c in KEYS[table])
            key = ", ".join(KEYS[table])

            def repeated(row, key=key) -> Problem:
                file, line, first_file, first_row = row
                if first_file == file:
                    where = _("first at row %(row)s", row=first_row)
                else:
                    where = _(
                        "first at row %(row)s of %(file)s", row=first_row, file=shown(Path(first_file).name)
                    )
                return Problem(file, line, key, None, _("repeats a key"), where)

            self._collect(
                f"SELECT file, _row, first_file, first_row FROM (SELECT file, _row, "
                f"first(file) OVER w AS first_file, first(_row) OVER w AS first_row, row_number() OVER w AS nth "
                f"FROM ({union}) WINDOW w AS (PARTITION BY {names} ORDER BY file, _row)) WHERE nth > 1 ORDER BY file, _row",
                {f"file{i}": str(s.path) for i, s in enumerate(mine)},
                repeated,
            )

    def replaced(self, table: str, sources: list[Source]) -> bool:
        """Whether the new snapshot's `table` holds only the files' rows."""
        return self.mode == "replace" and any(s.table == table for s in sources)

    def keys_after(self, table: str, sources: list[Source]) -> str:
        """SQL for the keys the new snapshot will have in a referred table."""
        column = _quoted(KEYS[table][0], self.identifiers)
        parts = [
            f"SELECT {self.value(s, KEYS[table][0])} AS {column} FROM {s.stage}"
            for s in sources
            if s.table == table
        ]
        if self.has_old and not self.replaced(table, sources):
            parts.append(f"SELECT {column} FROM old.{_quoted(table, self.identifiers)}")
        return " UNION ALL ".join(parts) if parts else f"SELECT CAST(NULL AS VARCHAR) AS {column} WHERE false"

    def check_references(self, sources: list[Source]) -> None:
        for table, column, referred in REFERENCES:
            referred_key = _quoted(KEYS[referred][0], self.identifiers)
            for source in (s for s in sources if s.table == table and column in self._file_columns(s)):
                value = self.value(source, column)
                self._found(
                    source,
                    column,
                    f"SELECT _row, {value} FROM {source.stage} WHERE {value} IS NOT NULL AND {value} NOT IN "
                    f"(SELECT {referred_key} FROM ({self.keys_after(referred, sources)}) WHERE {referred_key} IS NOT NULL) ORDER BY _row",
                    _("is not in %(table)s (neither in these files nor in the warehouse)", table=referred),
                )
            if self.replaced(referred, sources) and self.has_old and not self.replaced(table, sources):
                # Rows kept from the warehouse must still find what they refer to after a replace.
                quoted = _quoted(column, self.identifiers)
                self._collect(
                    f"SELECT {quoted} FROM old.{_quoted(table, self.identifiers)} WHERE {quoted} IS NOT NULL AND {quoted} NOT IN "
                    f"(SELECT {referred_key} FROM ({self.keys_after(referred, sources)}) WHERE {referred_key} IS NOT NULL) "
                    f"GROUP BY {quoted} ORDER BY {quoted}",
                    {},
                    lambda row, table=table, column=column, referred=referred: Problem(
                        _("%(table)s (in the warehouse)", table=table),
                        None,
                        column,
                        str(row[0]),
                        _(
                            "is used by rows kept in %(table)s but is not in the replacing %(referred)s",
                            table=table,
                            referred=referred,
                        ),
                    ),
                )

    def metrics_after(self, sources: list[Source]) -> str:
        """SQL for (metric_id, kind, scale_min, scale_max) of the new snapshot's metrics."""
        kept = self.has_old and not self.replaced("metrics", sources)
        # Appending, a metric already in the warehouse keeps its row there: a re-sent row is a duplicate.
        new_only = " WHERE {} NOT IN (SELECT metric_id FROM old.metrics)" if kept else ""
        parts = [
            f"SELECT {self.value(s, 'metric_id')} AS metric_id, {self.value(s, 'kind')} AS kind, "
            f"{self.value(s, 'scale_min')} AS scale_min, {self.value(s, 'scale_max')} AS scale_max FROM {s.stage}"
            + new_only.format(self.value(s, "metric_id"))
            for s in sources
            if s.table == "metrics"
        ]
        if kept:
            parts.append("SELECT metric_id, kind, scale_min, scale_max FROM old.metrics")
        return (
            " UNION ALL ".join(parts)
            if parts
            else "SELECT NULL AS metric_id, NULL AS kind, NULL AS scale_min, NULL AS scale_max WHERE false"
        )

    def check_facts(self, sources: list[Source]) -> None:
        """Survey answers belong to survey metrics, within their scale; measurements to ratio metrics."""
        metrics = self.metrics_after(sources)
        for source in sources:
            if source.table == "responses":
                metric, score = self.value(source, "metric_id"), self.value(source, "score")
                self._found(
                    source,
                    "metric_id",
                    f"SELECT _row, {metric} FROM {source.stage} JOIN ({metrics}) m ON m.metric_id = {metric} WHERE m.kind IN ({_COUNTED}) ORDER BY _row",
                    _("is a ratio metric: its data go in measurements"),
                )
                self._collect(
                    f"SELECT _row, {score}, m.metric_id, m.scale_min, m.scale_max FROM {source.stage} JOIN ({metrics}) m ON m.metric_id = {metric} "
                    f"WHERE m.kind NOT IN ({_COUNTED}) AND ({score} < m.scale_min OR {score} > m.scale_max) ORDER BY _row",
                    {},
                    lambda row, path=str(source.path): Problem(
                        path,
                        row[0],
                        "score",
                        f"{row[1]:g}",
                        _(
                            "is outside the scale of metric %(metric)s (%(low)s–%(high)s)",
                            metric=row[2],
                            low=f"{row[3]:g}",
                            high=f"{row[4]:g}",
                        ),
                    ),
                )
            if source.table == "measurements":
                metric = self.value(source, "metric_id")
                self._found(
                    source,
                    "metric_id",
                    f"SELECT _row, {metric} FROM {source.stage} JOIN ({metrics}) m ON m.metric_id = {metric} WHERE m.kind NOT IN ({_COUNTED}) ORDER BY _row",
                    _("is a survey metric: its answers go in responses"),
                )

    # --- loading ------------------------------------------------------------------------------------

    def insert(self, sources: list[Source]) -> None:
        """Old rows (unless replaced), then each file's rows whose key is new."""
        for table in TABLES:
            target = _quoted(table, self.identifiers)
            mine = [s for s in sources if s.table == table]
            if self.has_old and not self.replaced(table, sources):
                # By name: a warehouse from before a column was added (metrics.cadence) gets its default.
                self._run(f"INSERT INTO {target} BY NAME SELECT * FROM old.{target}")
            columns = list(self.columns[table])
            key = " AND ".join(
                f"t.{_quoted(c, self.identifiers)} IS NOT DISTINCT FROM s.{_quoted(c, self.identifiers)}"
                for c in KEYS[table]
            )
            for source in mine:
                defaults = [
                    c for c in columns if c not in self._file_columns(source) and self.columns[table][c][2]
                ]
                chosen = [c for c in columns if c not in defaults]
                values = ", ".join(self.value(source, c) for c in chosen)
                chosen_names = ", ".join(_quoted(c, self.identifiers) for c in chosen)
                before = self._run(f"SELECT count(*) FROM {target}").fetchone()[0]
                self._run(
                    f"INSERT INTO {target} ({chosen_names}) SELECT * FROM (SELECT {values} FROM {source.stage}) s({chosen_names}) "
                    f"WHERE NOT EXISTS (SELECT 1 FROM {target} t WHERE {key})"
                )
                source.added = self._run(f"SELECT count(*) FROM {target}").fetchone()[0] - before
                source.skipped = source.rows - source.added

    def unchanged(self, sources: list[Source]) -> bool:
        """Whether the new snapshot's tables hold exactly the live one's rows and columns (after insert)."""
        # A warehouse from before a column was added changes by gaining it.
        if self._schema("old") != self._schema("new"):
            return False
        for table in TABLES:
            mine = [s for s in sources if s.table == table]
            if not self.replaced(table, sources):
                if any(s.added for s in mine):
                    return False
                continue
            target = _quoted(table, self.identifiers)
            # Both counts equal and no row of the new missing from the old: the same rows.
            differs = self._run(
                f"SELECT (SELECT count(*) FROM {target}) <> (SELECT count(*) FROM old.{target}) "
                f"OR EXISTS (SELECT * FROM {target} EXCEPT ALL SELECT * FROM old.{target})"
            ).fetchone()[0]
            if differs:
                return False
        return True


def _say(message: str) -> None:
    """Where ingest's notes go (progress, waiting for another publish): stderr, beside the problems."""
    print(message, file=sys.stderr)


def _today() -> date:
    """Today in the business's time zone (BEACON_TIMEZONE, else the server's), the zone facts are stored in."""
    return datetime.now(ZoneInfo(config.TIMEZONE) if config.TIMEZONE else None).date()


def ingest(
    paths: list[Path],
    warehouse: Path,
    mode: str = "append",
    today: date | None = None,
    wait: bool = True,
    notice: Callable[[str], None] = _say,
) -> Summary:
    """Check every file, then publish a new snapshot of `warehouse` with their rows; IngestError (and no
    change at all) when anything is wrong. When the files hold nothing the warehouse lacks, nothing is
    published (`Summary.published` is False). Another ingest publishing to the same warehouse is waited
    for (told through `notice`), or with `wait=False` refused with a SnapshotError."""
    if mode not in ("append", "replace"):
        raise ValueError(f"mode must be 'append' or 'replace', not {mode!r}")
    started = time.perf_counter()
    sources = find_sources([Path(p) for p in paths])
    warehouse = Path(warehouse)
    tables: dict[str, int] = {}

    def fill(con: duckdb.DuckDBPyConnection) -> None:
        # Under the publish lock: the live file now is the last one published.
        old = warehouse if warehouse.exists() else None
        con.execute("SET enable_progress_bar = true")
        load = _Load(con, old, mode, today or _today())
        for index, source in enumerate(sources):
            load.stage(source, index)
        readable = [s for s in sources if s.stage]
        # Unknown or missing columns make the rest meaningless; otherwise every check runs, so one
        # attempt reports every problem (a value that is not of its type is skipped by the later checks).
        if all([load.check_columns(s) for s in readable]) and not load.problems:
            for source in readable:
                load.check_values(source)
            load.check_keys(readable)
            load.check_references(readable)
            load.check_facts(readable)
        if load.problems:
            raise IngestError(sorted(load.problems, key=lambda p: (p.file, p.row or 0)), load.more)
        try:
            load.insert(sources)
        except duckdb.ConstraintException as error:
            raise IngestError(
                [
                    Problem.of_file(
                        _("the new snapshot"), _("breaks a rule of the warehouse: %(reason)s", reason=error)
                    )
                ]
            ) from error
        for table in TABLES:
            tables[table] = load._run(f"SELECT count(*) FROM {_quoted(table, set(TABLES))}").fetchone()[0]
        # Publishing the same rows again would only push the snapshot kept for --rollback out.
        if old is not None and load.unchanged(sources):
            raise NothingNew
        # The history carries forward; a warehouse made before the log existed starts it here.
        has_log = (
            old is not None
            and con.execute(
                "SELECT count(*) FROM duckdb_tables() WHERE database_name = 'old' AND table_name = 'snapshot_log'"
            ).fetchone()[0]
        )
        if has_log:
            con.execute("INSERT INTO snapshot_log BY NAME SELECT * FROM old.snapshot_log")
        files = [
            {"path": str(s.path), "table": s.table, "rows": s.rows, "added": s.added, "skipped": s.skipped}
            for s in sources
        ]
        con.execute(
            "INSERT INTO snapshot_log VALUES ($at, 'ingest', $mode, $files, $added, $skipped)",
            {
                "at": datetime.now().replace(microsecond=0),
                "mode": mode,
                "files": json.dumps(files),
                "added": sum(s.added for s in sources),
                "skipped": sum(s.skipped for s in sources),
            },
        )
        if old is not None:
            con.execute("DETACH old")

    published = write_snapshot(warehouse, fill, wait, notice, memory_limit=config.PUBLISH_MEMORY)
    return Summary(sources, time.perf_counter() - started, mode, tables, published)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m data.ingest", description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, help="CSV or Parquet files, or folders of them")
    parser.add_argument("--replace", action="store_true", help="replace the tables the files are for")
    parser.add_argument("--rollback", action="store_true", help="put the previous snapshot back")
    parser.add_argument(
        "--warehouse", type=Path, default=config.WAREHOUSE, help=f"default: {config.WAREHOUSE}"
    )
    parser.add_argument(
        "--no-wait",
        action="store_true",
        help="refuse at once, instead of waiting, when another ingest is publishing to the warehouse",
    )
    args = parser.parse_args(argv)
    config.validate()
    if args.rollback == bool(args.paths):
        parser.error("give files or folders to load, or --rollback")
    # Ctrl-C and SIGTERM stop the load where it is; the half-written snapshot is removed on the way out.
    # DuckDB turns the exception into its own "Query interrupted" error, so the signal is noted here.
    received: list[int] = []

    def stop(signum, _frame) -> None:
        received.append(signum)
        raise KeyboardInterrupt

    handlers = {number: signal.signal(number, stop) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        return _run(args)
    except BaseException:
        if not received:
            raise
        said = (
            _("Interrupted: nothing was loaded.")
            if received[0] == signal.SIGINT
            else _("Stopped: nothing was loaded.")
        )
        print(said, file=sys.stderr)
        return 128 + received[0]
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)


def _run(args: argparse.Namespace) -> int:
    """The command, once its arguments are read: what it prints and its exit status."""
    warehouse, wait = shown(args.warehouse), not args.no_wait
    try:
        if args.rollback:
            rollback(args.warehouse, wait, _say)
            log.info("Rolled back %s to the previous snapshot", warehouse)
            print(
                _(
                    "Rolled back: %(warehouse)s is the previous snapshot again (run --rollback again to undo).",
                    warehouse=warehouse,
                )
            )
            return 0
        summary = ingest(args.paths, args.warehouse, "replace" if args.replace else "append", wait=wait)
    except IngestError as error:
        log.warning("Ingest into %s refused: %d problem(s), nothing loaded", warehouse, error.count)
        said = ngettext(
            "Nothing was loaded; %(num)s problem:", "Nothing was loaded; %(num)s problems:", error.count
        )
        print(f"{said}\n{error}", file=sys.stderr)
        return 1
    except SnapshotError as error:
        log.warning("Ingest into %s refused: %s", warehouse, error)
        print(_("Nothing was loaded: %(reason)s", reason=error), file=sys.stderr)
        return 1
    for source in summary.sources:
        print(
            _(
                "%(file)s: %(rows)s, %(added)s added, %(skipped)s duplicates skipped",
                file=shown(source.path),
                rows=ngettext("%(num)s row", "%(num)s rows", source.rows),
                added=i18n.format_integer(source.added),
                skipped=i18n.format_integer(source.skipped),
            )
        )
    if not summary.published:
        print(
            _(
                "Nothing new: %(warehouse)s already holds every row of these files, so nothing was published "
                "(the snapshot kept for --rollback stays as it was).",
                warehouse=warehouse,
            )
        )
        return 0
    log.info(
        "Published %s (%s): %d rows added, %d duplicates skipped",
        warehouse,
        summary.mode,
        summary.added,
        summary.skipped,
    )
    print(
        _(
            "Published %(warehouse)s in %(seconds)s s (%(mode)s): %(added)s rows added, %(skipped)s duplicates "
            "skipped; running Beacon processes switch to it by themselves.",
            warehouse=warehouse,
            seconds=i18n.format_decimal(summary.seconds, 1),
            mode=summary.mode,
            added=i18n.format_integer(summary.added),
            skipped=i18n.format_integer(summary.skipped),
        )
    )
    print(alerts.after_publish(args.warehouse))
    return 0
