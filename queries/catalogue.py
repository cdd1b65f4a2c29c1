"""The warehouse's catalogue in the users' words: metrics with their owners, touchpoints, segments."""

import pandas as pd

from queries.runner import run


def metrics() -> pd.DataFrame:
    """The metric catalogue in display order, with owners. A warehouse written before the optional
    `cadence` column reads as declaring none."""
    catalogue = run("metrics")
    return catalogue if "cadence" in catalogue else catalogue.assign(cadence=None)


def touchpoints() -> pd.DataFrame:
    """Touchpoints in journey order."""
    return run("touchpoints")


def segments() -> pd.DataFrame:
    return run("segments")


def owners() -> pd.DataFrame:
    return run("owners")
