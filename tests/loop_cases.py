"""Six follow-up cases worked by hand, for the closed-loop figures' unit and browser tests.

All answered at `base`; the clocks are set around `now`. With "Long wait" and "Bill unclear" as causes:

| # | metric | touchpoint | segment | status | first contact | contact due | resolve due | counts as |
|---|---|---|---|---|---|---|---|---|
| 1 | nps | web | smb | resolved | +10 h | +48 h | now + 5 d | due, on time |
| 2 | nps | web | ent | contacted | +30 h | +24 h | now + 5 d | due, late; open |
| 3 | nps | shop | smb | new | — | now + 1 d | now + 6 d | not due yet (left out); open |
| 4 | nps | shop | smb | new | — | now − 1 d | now + 4 d | due, late; open, overdue |
| 5 | effort | web | smb | reopened | +26 h | now + 1 d | now + 7 d | due, on time; open |
| 6 | effort | shop | ent | contacted | +24 h | +48 h | now − 3 d | due, on time; open, overdue |

All six: n 6, due 5, on time 3 (60%, Wilson 23.07% to 88.24%), median of 10, 24, 26, 30 h = 25 h,
backlog 5, overdue 2 (#4, #6), causes Long wait 3 (#1, #2, #6), Bill unclear 2 (#4, #5).
nps (Ana's): n 4, due 3, on time 1 (33.3%, Wilson 6.15% to 79.23%), median of 10, 30 = 20 h, backlog 3,
overdue 1, Long wait 2, Bill unclear 1. effort (Ben's): n 2, due 2, on time 2, median 25 h, backlog 2,
overdue 1, Bill unclear 1 and Long wait 1 (a tie: by name).
"""

from datetime import datetime, timedelta

import sqlalchemy as sa

from data.state import cases, database

H, D = timedelta(hours=1), timedelta(days=1)


def hand_cases(base: datetime, now: datetime) -> list[dict]:
    rows = [
        ("nps", "web", "smb", "resolved", "Long wait", 10 * H, base + 48 * H, now + 5 * D),
        ("nps", "web", "ent", "contacted", "Long wait", 30 * H, base + 24 * H, now + 5 * D),
        ("nps", "shop", "smb", "new", None, None, now + D, now + 6 * D),
        ("nps", "shop", "smb", "new", "Bill unclear", None, now - D, now + 4 * D),
        ("effort", "web", "smb", "reopened", "Bill unclear", 26 * H, now + D, now + 7 * D),
        ("effort", "shop", "ent", "contacted", "Long wait", 24 * H, base + 48 * H, now - 3 * D),
    ]
    return [
        {
            "case_id": number,
            "metric_id": metric_id,
            "touchpoint_id": touchpoint_id,
            "segment_id": segment_id,
            "status": status,
            "root_cause": cause,
            "responded_at": base,
            "contact_due_at": contact_due,
            "contacted_at": None if first_contact is None else base + first_contact,
            "resolve_due_at": resolve_due,
        }
        for number, (
            metric_id,
            touchpoint_id,
            segment_id,
            status,
            cause,
            first_contact,
            contact_due,
            resolve_due,
        ) in enumerate(rows, start=1)
    ]


def store_cases(url: str, rows: list[dict]) -> None:
    """`rows` (hand_cases, or any with the clocks' columns) as cases of a migrated state database at
    `url`, under one rule, each with a cause in words and a respondent reference that the figures must
    never show; a row's own values (an assignee, a score) win over these."""
    with database.writing(url) as connection:
        rule_id = connection.execute(
            database.case_rules.insert().values(
                metric_id="nps",
                score_min=0,
                score_max=6,
                created_at=datetime(2026, 1, 1),
                created_by="test",
                updated_at=datetime(2026, 1, 1),
                updated_by="test",
            )
        ).inserted_primary_key[0]
        connection.execute(
            database.cases.insert(),
            [
                {
                    "response_id": f"r{row['case_id']}",
                    "rule_id": rule_id,
                    "respondent_ref": f"CRM-SECRET-{row['case_id']}",
                    "cause_note": f"Private words {row['case_id']}",
                    "score": 3.0,
                    "snapshot_id": "s1",
                    "assignee_kind": "owner",
                    "assignee_id": "ana",
                    "version": 1,
                    "created_at": row["responded_at"],
                    "updated_at": row["responded_at"],
                    "updated_by": "test",
                    **row,
                    "next_due_at": cases.next_due(
                        row["status"], row["contact_due_at"], row["resolve_due_at"]
                    ),
                }
                for row in rows
            ],
        )
        assert connection.execute(sa.select(sa.func.count()).select_from(database.cases)).scalar() == len(
            rows
        )
