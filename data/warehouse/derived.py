"""The derived tables verbatims and score distributions read (derived.sql), written into each snapshot
as it is built, so the atomic swap publishes them with the facts they come from."""

from pathlib import Path

import duckdb

DERIVED = (Path(__file__).resolve().parent / "derived.sql").read_text()

#: The tables `build_derived` writes.
DERIVED_TABLES = ("score_histogram", "comment_index")


def build_derived(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(DERIVED)
