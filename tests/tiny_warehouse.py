"""A tiny warehouse written by hand, small enough that every KPI it yields is worked out on paper.

As of 2026-11-20 (the latest data date): the default view is Q4 2026 to date (2026-10-01..11-20)
against Q3 2026 (2026-07-01..09-30).
"""

from datetime import date, datetime
from pathlib import Path

import pandas as pd

from data.warehouse.snapshot import CONTRACT_TABLES, write_snapshot

AS_OF = date(2026, 11, 20)

OWNERS = [
    ("ana", "Ana Silva", "VP Customer Experience", "ana@example.com"),
    ("ben", "Ben Okafor", "Head of Service", "ben@example.com"),
]
TOUCHPOINTS = [("web", "Website", "discover", 1, "web"), ("shop", "Shop", "buy", 2, "store")]
SEGMENTS = [("smb", "Small business", None), ("ent", "Enterprise", None)]
# metric_id, name, description, kind, unit, higher_is_better, scale_min, scale_max, owner, order, min_sample,
# cadence
METRICS = [
    ("nps", "Net promoter score", None, "nps", "pts", True, 0, 10, "ana", 1, 5, None),
    ("csat", "Satisfaction (top-2-box)", None, "top2box", "%", True, 1, 5, "ana", 2, 5, None),
    ("effort", "Customer effort", None, "mean", "score", False, 1, 7, "ben", 3, 3, None),
    ("fcr", "First-contact resolution", None, "ratio", "%", True, None, None, "ben", 4, 30, None),
    ("aht", "Average handle time", None, "ratio", "s", False, None, None, None, 5, 30, None),
    ("pilot", "Pilot NPS", None, "nps", "pts", True, 0, 10, "ana", 6, 30, None),
]
Q4 = (date(2026, 10, 1), date(2026, 12, 31))
Q3 = (date(2026, 7, 1), date(2026, 9, 30))
# metric, start, end, target, tolerance, touchpoint, segment
TARGETS = [
    ("nps", *Q4, 45.0, 10.0, None, None),
    ("nps", *Q4, 35.0, 5.0, "web", None),
    ("nps", *Q4, 38.0, 1.0, None, "smb"),
    ("nps", *Q4, 50.0, 5.0, "web", "smb"),
    ("nps", *Q3, 0.0, 5.0, None, None),
    ("csat", *Q4, 90.0, 5.0, None, None),
    ("effort", *Q4, 3.0, 0.5, None, None),
    ("fcr", *Q4, 85.0, 5.0, None, None),
    ("pilot", *Q4, 10.0, 5.0, None, None),
]

# Q4 NPS at web/smb: 6 promoters (≥9), 2 passives, 2 detractors (≤6) → NPS 40.
NPS_Q4 = [10, 10, 9, 9, 9, 9, 8, 7, 3, 0]
# Q3 NPS at web/smb: 2 promoters, 3 passives... scores 10,9 | 8,8,7 | 6,5,4,3,2 → P=2, D=5 → NPS −30.
NPS_Q3 = [10, 9, 8, 8, 7, 6, 5, 4, 3, 2]
# Q4 NPS at shop/ent: 1 promoter, 1 detractor of 4 → NPS 0.
NPS_Q4_SHOP_ENT = [9, 8, 7, 2]
# Q4 CSAT at shop/ent on 1–5: top-2 = score ≥ 4 → 8 of 10 → 80 %.
CSAT_Q4 = [5, 5, 5, 4, 4, 4, 4, 4, 3, 1]
# Q4 effort at shop/smb on 1–7: 2,4,4,5,7 → mean 4.4, s² = (110 − 22²/5)/4 = 3.3.
EFFORT_Q4 = [2, 4, 4, 5, 7]
# FCR at shop/smb: day 1 resolves 1 of 2, day 2 90 of 100 → ratio of sums 91/102 = 89.2157 %
# (the average of daily ratios would be 70 %).
FCR = [(date(2026, 10, 1), 1.0, 2.0), (date(2026, 10, 2), 90.0, 100.0)]
# AHT at shop/ent: 3 000 s over 10 contacts and 9 000 s over 20 → 12 000/30 = 400 s.
AHT = [(date(2026, 11, 20), 3000.0, 10.0), (date(2026, 11, 19), 9000.0, 20.0)]


def _responses() -> pd.DataFrame:
    rows = []

    def add(metric, day, touchpoint, segment, scores):
        for i, score in enumerate(scores):
            rows.append(
                (f"{metric}-{day:%m%d}-{touchpoint}-{segment}-{i}", metric, datetime(day.year, day.month, day.day, 9 + i % 8),
                 touchpoint, segment, float(score), None)
            )  # fmt: skip

    add("nps", date(2026, 10, 15), "web", "smb", NPS_Q4)
    add("nps", date(2026, 8, 10), "web", "smb", NPS_Q3)
    add("nps", date(2026, 11, 2), "shop", "ent", NPS_Q4_SHOP_ENT)
    add("csat", date(2026, 11, 5), "shop", "ent", CSAT_Q4)
    add("effort", date(2026, 10, 20), "shop", "smb", EFFORT_Q4)
    add("pilot", date(2026, 11, 1), "web", "ent", [10, 9])
    frame = pd.DataFrame(
        rows,
        columns=[
            "response_id",
            "metric_id",
            "responded_at",
            "touchpoint_id",
            "segment_id",
            "score",
            "comment",
        ],
    )
    frame.loc[0, "comment"] = "Great <b>service</b> & fast"
    return frame


def _measurements(extra: list[tuple]) -> pd.DataFrame:
    rows = [("fcr", day, "shop", "smb", num, den) for day, num, den in FCR]
    rows += [("aht", day, "shop", "ent", num, den) for day, num, den in AHT]
    rows += extra
    return pd.DataFrame(
        rows, columns=["metric_id", "day", "touchpoint_id", "segment_id", "numerator", "denominator"]
    )


#: Rows per table, worked by hand from the lists above (the /data page and its query show these).
ROW_COUNTS = {
    "owners": len(OWNERS),
    "touchpoints": len(TOUCHPOINTS),
    "segments": len(SEGMENTS),
    "metrics": len(METRICS),
    "targets": len(TARGETS),
    "annotations": 1,
    "responses": 41,  # NPS 10 + 10 + 4, CSAT 10, effort 5, pilot 2
    "measurements": 4,  # FCR 2 days, AHT 2 days
    # One row per (metric, day, touchpoint, segment): NPS 3, CSAT 1, effort 1, pilot 1, FCR 2, AHT 2.
    "daily_rollup": 10,
}


def build_tiny_warehouse(path: Path, extra_measurements: list[tuple] = ()) -> Path:
    """The hand-made warehouse at `path` (a new snapshot swapped in if one is there), with
    `extra_measurements` rows (metric_id, day, touchpoint_id, segment_id, numerator, denominator)."""

    def fill(con):
        tables = {
            "owners": OWNERS,
            "touchpoints": TOUCHPOINTS,
            "segments": SEGMENTS,
            "metrics": METRICS,
            "targets": TARGETS,
            "annotations": [(date(2026, 10, 10), "nps", "web", "Website redesign")],
        }
        for table, rows in tables.items():
            con.append(table, pd.DataFrame(rows))
        con.append("responses", _responses(), by_name=True)
        con.append("measurements", _measurements(list(extra_measurements)))

    write_snapshot(path, fill)
    return path


#: Each contract table's rows copied from the snapshot attached as `before`: one fixed statement per
#: table (no SQL built from names); `copy_before` checks that the contract has no table this lacks.
_COPY_BEFORE = {
    "owners": "INSERT INTO owners SELECT * FROM before.owners",
    "touchpoints": "INSERT INTO touchpoints SELECT * FROM before.touchpoints",
    "segments": "INSERT INTO segments SELECT * FROM before.segments",
    "metrics": "INSERT INTO metrics SELECT * FROM before.metrics",
    "targets": "INSERT INTO targets SELECT * FROM before.targets",
    "annotations": "INSERT INTO annotations SELECT * FROM before.annotations",
    "responses": "INSERT INTO responses SELECT * FROM before.responses",
    "measurements": "INSERT INTO measurements SELECT * FROM before.measurements",
}


def copy_before(con, path: Path) -> None:
    """Inside a snapshot being written (write_snapshot's fill), every contract table of the snapshot at
    `path`, as it is: what a test's next publish starts from."""
    assert tuple(_COPY_BEFORE) == CONTRACT_TABLES, "a contract table this copy does not know"
    con.execute("ATTACH $path AS before (READ_ONLY)", {"path": str(path)})
    for statement in _COPY_BEFORE.values():
        con.execute(statement)
    con.execute("DETACH before")
