"""Demo follow-up cases: the rules, routes and root causes of a believable closed-loop programme over
the demo warehouse (data/demo/generator.py), and its cases in every state.

Seeded by `python -m data.demo.commitments` (so `make demo`) after the demo commitments, once, while
the state database has no case rule: the rules, routes and causes are made as an admin makes them
(cases.add_rule, set_route, add_cause), the cases opened from the live snapshot as a publish opens
them (cases.record_cases, reaching back SEED_DAYS), and then worked the way a team works them
(cases.act_in), each step at a time of its own, so every case has its history:

* most answers of the last day are still new; older ones were mostly contacted within their time,
  some late, and some never (overdue for first contact, or for resolution after a week);
* most cases older than a few days are resolved (fixed, explained, could not reach, not actionable),
  a few were reopened when the customer wrote again;
* root causes come from the touchpoint's list; at billing, since the price change, they point at the
  tariffs: the new prices not explained, surprise charges, hard-to-read invoices.

Every case's timeline is one a team could have lived, at the clock the app then runs on: each case was
opened by the publish that followed its answer (minutes later, not at seeding time), each step comes
after the one before it, and nothing is later than the seed's `now` (the clock, unless given), so
answers the warehouse holds for later today open no case yet.

The work is drawn from a fixed seed per case, so the same warehouse gives the same cases.
"""

from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import sqlalchemy as sa

from data.state import cases, database
from data.state.commitments import current_time
from data.warehouse.events import snapshot_identity

ADMIN = "Aino Virtanen"
#: How far back the seed opens cases (a publish opens only what is new): far enough that some are
#: overdue for resolution.
SEED_DAYS = 21
NAMES = {
    "aino_virtanen": "Aino Virtanen",
    "julien_moreau": "Julien Moreau",
    "lucia_fernandez": "Lucía Fernández",
    "reka_szabo": "Réka Szabó",
    "tom_becker": "Tom Becker",
    "dariush_karimi": "Dariush Karimi",
    "grace_okafor": "Grace Okafor",
    "priya_raman": "Priya Raman",
}

#: metric, touchpoint, segment, band, comment required, hours to contact, hours to resolve. NPS
#: detractors (0–6), CSAT's bottom two boxes (1–2), effort's worst two answers (6–7 of 1–7, lower is
#: better). The employee survey (eNPS) opens none: staff are not customers. Billing's detractors get a
#: day, not two, since the price change.
RULES = (
    ("tnps", None, None, (0, 6), False, 48, 168),
    ("tnps", "billing", None, (0, 6), False, 24, 120),
    ("rnps", None, None, (0, 6), False, 72, 240),
    ("rnps", None, "enterprise", (0, 8), False, 24, 120),  # passives too: a named account manager calls
    ("csat", None, None, (1, 2), False, 48, 168),
    ("ces", None, None, (6, 7), False, 48, 168),
    ("accessibility_csat", None, None, (1, 2), False, 72, 336),
)
#: metric, touchpoint, segment → owner: whoever runs the touchpoint calls its unhappy customers back.
ROUTES = (
    *(
        (metric, touchpoint, None, owner)
        for metric in ("tnps", "csat", "ces")
        for touchpoint, owner in (
            ("billing", "dariush_karimi"),
            ("online_checkout", "lucia_fernandez"),
            ("web_search", "lucia_fernandez"),
            ("mobile_app", "lucia_fernandez"),
            ("app_setup", "lucia_fernandez"),
            ("help_centre", "lucia_fernandez"),
            ("contact_centre", "reka_szabo"),
            ("chat", "reka_szabo"),
            ("welcome_call", "reka_szabo"),
            ("store_purchase", "tom_becker"),
            ("field_service", "tom_becker"),
            ("renewal_desk", "grace_okafor"),
            ("sales_consult", "grace_okafor"),
        )
    ),
    ("rnps", None, "smb", "grace_okafor"),
    ("rnps", None, "enterprise", "grace_okafor"),
)
#: The causes offered per touchpoint, in list order, with how often the demo's teams choose each.
CAUSES = {
    "billing": (
        ("New prices not explained", 8),
        ("Unexpected or surprise charge", 5),
        ("Invoice hard to read", 2),
        ("Charged after cancelling", 1),
        ("Payment failed", 1),
    ),
    "online_checkout": (
        ("Payment step failed", 4),
        ("Delivery options", 2),
        ("Price changed at checkout", 1),
    ),
    "web_search": (("Could not find it", 3), ("Information out of date", 2)),
    "mobile_app": (("App crashed or froze", 3), ("Bill explainer unclear", 2), ("Feature missing", 1)),
    "app_setup": (("Sign-in problems", 3), ("Setup steps unclear", 2)),
    "help_centre": (("Article did not answer it", 3), ("Could not find the article", 2)),
    "contact_centre": (("Long wait", 4), ("Not solved first time", 3), ("Agent could not help", 1)),
    "chat": (("Slow replies", 3), ("Passed between agents", 2)),
    "welcome_call": (("Call came too late", 2), ("Product not explained", 2)),
    "store_purchase": (("Queue too long", 3), ("Out of stock", 2), ("Staff attitude", 1)),
    "field_service": (("Technician late", 3), ("Not fixed on the first visit", 2)),
    "renewal_desk": (("Price at renewal", 4), ("Offer not explained", 1)),
    "sales_consult": (("Promised more than we deliver", 2), ("Slow quote", 2)),
}
OUTCOMES = (("fixed", 0.45), ("explained", 0.3), ("could_not_reach", 0.15), ("not_actionable", 0.1))
NOTES = {
    "fixed": "Credited the difference and explained what changed.",
    "explained": "Walked the customer through the invoice line by line.",
    "could_not_reach": "Three calls, no answer; left a voicemail and sent a message.",
    "not_actionable": "Customer unhappy with the policy itself; noted for the quarterly review.",
}
HOUR = timedelta(hours=1)
#: How soon after an answer the publish that opened its case ran: (earliest, latest).
PUBLISH_DELAY = (timedelta(minutes=5), timedelta(minutes=45))


def _seed_setup(url: str, catalogue: cases.Catalogue) -> None:
    for metric, touchpoint, segment, (low, high), comment, contact, resolve in RULES:
        values = {
            "metric_id": metric,
            "touchpoint_id": touchpoint,
            "segment_id": segment,
            "score_min": low,
            "score_max": high,
            "comment_required": comment,
            "contact_hours": contact,
            "resolve_hours": resolve,
        }
        cases.add_rule(values, ADMIN, catalogue, url)
    for metric, touchpoint, segment, owner in ROUTES:
        values = {
            "metric_id": metric,
            "touchpoint_id": touchpoint,
            "segment_id": segment,
            "assignee_kind": "owner",
            "assignee_id": owner,
        }
        cases.set_route(values, ADMIN, catalogue, url)
    for touchpoint, offered in CAUSES.items():
        for cause, _weight in offered:
            cases.add_cause(touchpoint, cause, url=url, actor=ADMIN)


def _pick(rng: np.random.Generator, choices) -> str:
    names, weights = zip(*choices, strict=True)
    weights = np.array(weights, dtype=float)
    return names[rng.choice(len(names), p=weights / weights.sum())]


def _opened_at(case: dict, now: datetime) -> datetime:
    """When the publish after the case's answer opened it: minutes after the answer, never after `now`.
    Drawn from a seed of its own, so the work drawn from the case's seed is what it always was."""
    rng = np.random.default_rng([20261203, case["case_id"], 1])
    earliest, latest = PUBLISH_DELAY
    delay = earliest + (latest - earliest) * rng.random()
    return min(case["responded_at"] + delay, now).replace(microsecond=0)


def _after(previous: datetime, wanted: datetime, now: datetime) -> datetime:
    """A step wanted at `wanted` after one at `previous`: at the latest an hour before `now`, and if
    that is not after `previous`, halfway from `previous` to `now`. So a step always comes after the
    one before it, and none is in the future."""
    at = min(wanted, now - HOUR)
    return (at if at > previous else previous + (now - previous) / 2).replace(microsecond=0)


def _open(connection, case: dict, opened: datetime) -> None:
    """Date the case's opening (its row and its "opened" history entry) at `opened`."""
    connection.execute(
        sa.update(database.cases)
        .where(database.cases.c.case_id == case["case_id"])
        .values(created_at=opened, updated_at=opened)
    )
    connection.execute(
        sa.update(database.case_history)
        .where(database.case_history.c.case_id == case["case_id"], database.case_history.c.action == "opened")
        .values(changed_at=opened)
    )


def _work(connection, case: dict, now: datetime) -> None:
    """Open and work one case up to `now` as its assignee would have: drawn from the case's own seed."""
    rng = np.random.default_rng([20261203, case["case_id"]])
    opened = _opened_at(case, now)
    _open(connection, case, opened)
    who = NAMES.get(case["assignee_id"], case["assignee_id"] or ADMIN)
    age = (now - case["responded_at"]) / HOUR
    allowed = (case["contact_due_at"] - case["responded_at"]) / HOUR
    if age < 6 or rng.random() < (0.55 if age < 24 else 0.08):
        return  # still new (overdue once past its time)
    # First contact: mostly within the time allowed, some late; after the case was opened.
    late = rng.random() < 0.15
    after = allowed * (1 + rng.uniform(0.05, 0.6)) if late else allowed * rng.uniform(0.1, 0.9)
    wanted = max(case["responded_at"] + after * HOUR, opened + PUBLISH_DELAY[0])
    contacted = _after(opened, wanted, now)
    version = cases.act_in(connection, case["case_id"], 1, who, "contact", contacted)
    causes = CAUSES.get(case["touchpoint_id"])
    if age < 30 or rng.random() < 0.12:
        return  # contacted, not resolved yet (overdue for resolution once past its time)
    resolved = _after(contacted, contacted + rng.uniform(2, 96) * HOUR, now)
    if causes:
        version = cases.act_in(
            connection, case["case_id"], version, who, "set_cause", resolved, root_cause=_pick(rng, causes)
        )
    outcome = _pick(rng, OUTCOMES)
    version = cases.act_in(
        connection, case["case_id"], version, who, "resolve", resolved, outcome=outcome, note=NOTES[outcome]
    )
    if age > 96 and rng.random() < 0.04:
        reopened = _after(resolved, resolved + rng.uniform(24, 72) * HOUR, now)
        cases.act_in(
            connection,
            case["case_id"],
            version,
            who,
            "reopen",
            reopened,
            note="The customer wrote again: the next bill had the same problem.",
        )


def _not_given_yet(connection, now: datetime) -> None:
    """Take back the cases of answers after `now` (a warehouse that runs to the end of today holds
    them): no publish could have found them yet."""
    later = sa.select(database.cases.c.case_id).where(database.cases.c.responded_at > now)
    connection.execute(sa.delete(database.case_history).where(database.case_history.c.case_id.in_(later)))
    connection.execute(sa.delete(database.cases).where(database.cases.c.responded_at > now))


def seed_cases(url: str, warehouse: Path, now: datetime | None = None) -> int:
    """Seed the demo's rules, routes, causes and cases into the state database at `url` unless it has
    case rules already; the number of cases opened."""
    database.migrate(url)
    with database.reading(url) as connection:
        if connection.execute(sa.select(sa.func.count()).select_from(database.case_rules)).scalar():
            return 0
    catalogue = cases.catalogue_of(warehouse)
    _seed_setup(url, catalogue)
    snapshot_id = snapshot_identity(warehouse)
    now = (now or current_time()).replace(microsecond=0)
    with database.writing(url) as connection:
        cases.record_cases(connection, warehouse, None, snapshot_id, now, window_hours=SEED_DAYS * 24)
        _not_given_yet(connection, now)
        rows = connection.execute(sa.select(database.cases).order_by(database.cases.c.case_id)).all()
        for row in rows:
            _work(connection, dict(row._mapping), now)
    return len(rows)
