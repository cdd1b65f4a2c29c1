"""The warehouse contract of DESIGN.md, declared once: the format a customer loads their data in.

Everything that needs a rule of the contract reads it here: the schema (`schema_sql`, what a new
snapshot is created with), ingest's checks, the snapshot's fact checks, the formatting of values and
the statistics' scale. Table and column names are fixed. Adding a unit is one line of `UNITS`; a unit
test fails if a place that needs it has not learned it.
"""

from dataclasses import dataclass

from i18n import N_

# DuckDB's names of the column types the contract uses.
VARCHAR, INTEGER, BIGINT, DOUBLE, BOOLEAN = "VARCHAR", "INTEGER", "BIGINT", "DOUBLE", "BOOLEAN"
DATE, TIMESTAMP = "DATE", "TIMESTAMP"


@dataclass(frozen=True)
class Unit:
    """A metric's unit: how a ratio of sums is scaled into it, and how its numbers are shown."""

    multiplier: float  # of a ratio metric's Σnumerator/Σdenominator
    decimals: int  # places shown; data attributes keep full precision
    suffix: str  # after a value
    change_suffix: str  # after a change: a change of a percentage is in percentage points
    words: str  # the unit in words, for a field asking for a value in it
    ceiling: float | None = None  # what no value can pass (a share is at most 100 %)


UNITS = {
    "pts": Unit(multiplier=1, decimals=1, suffix="", change_suffix=" pts", words="points"),
    "%": Unit(multiplier=100, decimals=1, suffix="%", change_suffix=" pp", words="percent", ceiling=100),
    "s": Unit(multiplier=1, decimals=0, suffix=" s", change_suffix=" s", words="seconds"),
    "score": Unit(multiplier=1, decimals=2, suffix="", change_suffix="", words="score points"),
    "per1000": Unit(multiplier=1000, decimals=2, suffix=" ‰", change_suffix=" ‰", words="‰ (per 1 000)"),
}


@dataclass(frozen=True)
class Kind:
    """A metric's kind: whether people answer it in a survey, and the scale it is fixed to, if any."""

    survey: bool  # answers in `responses` on the metric's scale; otherwise counts in `measurements`
    name: str  # as a sentence names it
    scale: tuple[float, float] | None = None  # (scale_min, scale_max) by definition


KINDS = {
    "nps": Kind(survey=True, name="NPS", scale=(0, 10)),
    "top2box": Kind(survey=True, name="top-2-box"),
    "mean": Kind(survey=True, name="mean"),
    "ratio": Kind(survey=False, name="ratio"),
}
#: The kinds counted in `measurements`; every other kind is answered in `responses`.
COUNTED_KINDS = tuple(kind for kind, about in KINDS.items() if not about.survey)

#: How often a metric may be declared to be measured, finest first; NULL: inferred from the data.
CADENCES = ("daily", "weekly", "monthly", "quarterly")


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool = True  # NOT NULL, and ingest refuses a blank
    default: str | None = None  # SQL; a file may leave the column out or blank
    key: bool = False  # part of the table's key: a row whose key is already there is a duplicate
    references: str | None = None  # a table whose key every value must be
    allowed: tuple[str, ...] | None = None  # the only values it may hold
    past: bool = False  # a fact's date: it may not lie after today


@dataclass(frozen=True)
class Rule:
    """A condition every row holds, in SQL over `{column}` placeholders (NULL counts as holding, as in
    a CHECK); `column` is the one a broken rule is blamed on, with `reason`."""

    column: str
    holds: str
    reason: str
    in_schema: bool = True  # False: only what is loaded is held to it (rows already kept are not)


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    rules: tuple[Rule, ...] = ()
    # A fact table's key and references are checked by the build and by ingest, not declared in the
    # schema: row-by-row keys would make 10 M-row loads crawl.
    fact: bool = False

    @property
    def key(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns if column.key)

    @property
    def references(self) -> tuple[tuple[str, str], ...]:
        """(column, referred table) of each column that refers to another table."""
        return tuple((column.name, column.references) for column in self.columns if column.references)


def sql_list(values) -> str:
    """Values as an SQL list of strings, for `IN (...)`: the contract's own words, never user input."""
    return ", ".join(f"'{value}'" for value in values)


def _scale_rules() -> tuple[Rule, ...]:
    """Survey kinds need their scale; a kind fixed to a scale (NPS, 0–10) is on it."""
    rules = [
        Rule(
            "scale_min",
            f"{{kind}} IN ({sql_list(COUNTED_KINDS)}) OR coalesce({{scale_min}} < {{scale_max}}, false)",
            N_("a survey metric needs scale_min below scale_max"),
        )
    ]
    for kind, about in KINDS.items():
        if about.scale:
            low, high = about.scale
            rules.append(
                Rule(
                    "scale_min",
                    f"{{kind}} <> '{kind}' OR coalesce({{scale_min}} = {low} AND {{scale_max}} = {high}, false)",
                    f"an {about.name} metric is on the {low:g}–{high:g} scale",
                )
            )
    return tuple(rules)


#: What a respondent_ref may not look like (Beacon stores no contact details): an e-mail address, or a
#: phone number: digits with the marks phone numbers are written with (a leading +, spaces, dots,
#: dashes, brackets), 7 to 15 digits. Digits alone stay an id ("004211"): many systems number people.
EMAIL_LIKE = r"[^@\s]+@[^@\s]+\.[^@\s]+"
PHONE_CHARACTERS = r"\+?[0-9 ().\-/]+"
PHONE_MARKS = r"^\+|[ ().\-/]"

#: The most specific match wins (DESIGN.md: targets; cases' rules and routes too): a row scoped to a
#: touchpoint outweighs one scoped to a segment, which outweighs one scoped to neither; both, most.
SPECIFICITY = {"touchpoint_id": 2, "segment_id": 1}


def _not_negative(column: str) -> Rule:
    return Rule(column, f"{{{column}}} >= 0", N_("must not be negative"))


#: The contract's tables, what is referred to before what refers to it (the order ingest loads them in).
TABLES = {
    table.name: table
    for table in (
        Table(
            "owners",
            (
                Column("owner_id", VARCHAR, key=True),
                Column("name", VARCHAR),
                Column("title", VARCHAR),
                Column("email", VARCHAR),
            ),
        ),
        Table(
            "touchpoints",
            (
                Column("touchpoint_id", VARCHAR, key=True),
                Column("name", VARCHAR),
                Column("journey_stage", VARCHAR),
                Column("stage_order", INTEGER),
                Column("channel", VARCHAR),
            ),
        ),
        Table(
            "segments",
            (
                Column("segment_id", VARCHAR, key=True),
                Column("name", VARCHAR),
                Column("description", VARCHAR, required=False),
            ),
        ),
        Table(
            "metrics",
            (
                Column("metric_id", VARCHAR, key=True),
                Column("name", VARCHAR),
                Column("description", VARCHAR, required=False),
                Column("kind", VARCHAR, allowed=tuple(KINDS)),
                Column("unit", VARCHAR, allowed=tuple(UNITS)),
                Column("higher_is_better", BOOLEAN),
                Column("scale_min", DOUBLE, required=False),
                Column("scale_max", DOUBLE, required=False),
                Column("owner_id", VARCHAR, required=False, references="owners"),
                Column("sort_order", INTEGER),
                Column("min_sample", INTEGER, default="30"),
                Column("cadence", VARCHAR, required=False, allowed=CADENCES),
            ),
            rules=(
                *_scale_rules(),
                Rule("min_sample", "{min_sample} >= 1", N_("must be at least 1")),
            ),
        ),
        Table(
            "targets",
            (
                Column("metric_id", VARCHAR, key=True, references="metrics"),
                Column("period_start", DATE, key=True),
                Column("period_end", DATE, key=True),
                Column("target", DOUBLE),
                Column("tolerance", DOUBLE),
                Column("touchpoint_id", VARCHAR, required=False, key=True, references="touchpoints"),
                Column("segment_id", VARCHAR, required=False, key=True, references="segments"),
            ),
            rules=(
                Rule("period_end", "{period_end} >= {period_start}", N_("is before period_start")),
                Rule(
                    "period_end",
                    "{period_end} - {period_start} <= 1830",
                    N_("makes a target period longer than five years"),
                    in_schema=False,
                ),
                Rule("tolerance", "{tolerance} >= 0", N_("must not be negative")),
            ),
        ),
        Table(
            "annotations",
            (
                Column("day", DATE, key=True),
                Column("metric_id", VARCHAR, required=False, key=True, references="metrics"),
                Column("touchpoint_id", VARCHAR, required=False, key=True, references="touchpoints"),
                Column("title", VARCHAR, key=True),
            ),
        ),
        Table(
            "responses",  # one row per answered survey question
            (
                Column("response_id", VARCHAR, key=True),
                Column("metric_id", VARCHAR, key=True, references="metrics"),
                Column("responded_at", TIMESTAMP, past=True),
                Column("touchpoint_id", VARCHAR, references="touchpoints"),
                Column("segment_id", VARCHAR, references="segments"),
                Column("score", DOUBLE),
                Column("comment", VARCHAR, required=False),
                # An opaque id from the source system (a CRM contact id) for following the answer up:
                # never contact details. Optional: a file, or a warehouse made before it, may lack it.
                Column("respondent_ref", VARCHAR, required=False),
            ),
            rules=(
                Rule(
                    "respondent_ref",
                    f"NOT regexp_matches({{respondent_ref}}, '{EMAIL_LIKE}')",
                    N_(
                        "looks like an e-mail address: respondent_ref holds an opaque id from your own system "
                        "(such as a CRM contact id), never contact details"
                    ),
                    in_schema=False,
                ),
                Rule(
                    "respondent_ref",
                    f"NOT (regexp_full_match({{respondent_ref}}, '{PHONE_CHARACTERS}') "
                    f"AND length(regexp_replace({{respondent_ref}}, '[^0-9]', '', 'g')) BETWEEN 7 AND 15 "
                    f"AND regexp_matches({{respondent_ref}}, '{PHONE_MARKS}'))",
                    N_(
                        "looks like a phone number: respondent_ref holds an opaque id from your own system "
                        "(such as a CRM contact id), never contact details"
                    ),
                    in_schema=False,
                ),
            ),
            fact=True,
        ),
        Table(
            "measurements",  # operational metrics, one row per day and cell
            (
                Column("metric_id", VARCHAR, key=True, references="metrics"),
                Column("day", DATE, key=True, past=True),
                Column("touchpoint_id", VARCHAR, key=True, references="touchpoints"),
                Column("segment_id", VARCHAR, key=True, references="segments"),
                Column("numerator", DOUBLE),
                Column("denominator", DOUBLE),
            ),
            rules=(_not_negative("numerator"), _not_negative("denominator")),
            fact=True,
        ),
    )
}

#: Derived: one row per publish of this warehouse, newest last, carried forward from snapshot to
#: snapshot (ingest, the demo). The /data page reads it; a file without it still serves.
SNAPSHOT_LOG = Table(
    "snapshot_log",
    (
        Column("published_at", TIMESTAMP),
        Column("source", VARCHAR),  # what published it: "ingest", "demo", "rollback"...
        Column("mode", VARCHAR),  # "append", "replace", "build"
        Column("files", VARCHAR),  # JSON list of {"path", "table", "rows", "added", "skipped"}
        Column("rows_added", BIGINT),
        Column("duplicates_skipped", BIGINT),
    ),
)

#: The catalogue's tables and their key columns, by what each row is.
CATALOGUE_KEYS = {
    "metric": ("metrics", "metric_id"),
    "touchpoint": ("touchpoints", "touchpoint_id"),
    "segment": ("segments", "segment_id"),
    "owner": ("owners", "owner_id"),
}


def _column_sql(table: Table, column: Column) -> str:
    parts = [column.name, column.type]
    primary = not table.fact and table.key == (column.name,)
    if primary:
        parts.append("PRIMARY KEY")
    elif column.required:
        parts.append("NOT NULL")
    if column.default is not None:
        parts.append(f"DEFAULT {column.default}")
    if column.references and not table.fact:
        parts.append(f"REFERENCES {column.references} ({TABLES[column.references].key[0]})")
    if column.allowed:
        parts.append(f"CHECK ({column.name} IN ({sql_list(column.allowed)}))")
    return " ".join(parts)


def _table_sql(table: Table) -> str:
    """CREATE TABLE for `table`: its columns, keys, references and the rules the schema holds."""
    names = {column.name: column.name for column in table.columns}
    lines = [f"    {_column_sql(table, column)}" for column in table.columns]
    lines += [f"    CHECK ({rule.holds.format(**names)})" for rule in table.rules if rule.in_schema]
    body = ",\n".join(lines)
    return f"CREATE TABLE {table.name} (\n{body}\n);\n"


def schema_sql() -> str:
    """The schema a new snapshot is created with: every table of the contract, then the publish log."""
    return "\n".join(_table_sql(table) for table in (*TABLES.values(), SNAPSHOT_LOG))
