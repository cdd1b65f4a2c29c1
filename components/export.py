"""CSV exports: a frame as CSV text that is safe to open in a spreadsheet."""

import pandas as pd

#: What a spreadsheet reads as the start of a formula (OWASP "CSV injection"): = + - @, tab and CR.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(value):
    """A text cell a spreadsheet shows as text, never runs: one starting like a formula gets a leading
    apostrophe. Anything that is not text (numbers, dates, blanks) is returned as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value


def csv_text(frame: pd.DataFrame) -> str:
    """`frame` as CSV without its index, every text cell through `inert`: typed, ingested and customers'
    text alike, so no export forgets one. Every CSV Beacon offers is written by this."""
    text_columns = frame.select_dtypes(include=["object", "string"]).columns
    return frame.assign(**{column: frame[column].map(inert) for column in text_columns}).to_csv(index=False)
