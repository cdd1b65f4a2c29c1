"""The follow-up queue with a big backlog: the server time of `/cases` with --open-cases open cases (50 000
by default), cold and warm, two trees side by side.

    python -m tests.bench.bench_queue [--warehouse data/cx.duckdb] [--before /work/wt/before] [--tree .]
                                      [--runs 5] [--warm 10] [--open-cases 50000]

The state database is the demo's (`python -m data.demo.commitments`: its rules, commitments and cases in
every state) plus that many open cases more, made from the warehouse's latest answers of metrics with a
case rule (new, contacted and reopened alike, due times from their answers, so some are late). Each tree
gets its own copy, migrated by its own server at start (an older tree reads it at its own revision).

In each run, for each tree in turn (the order alternating run by run), a fresh gunicorn worker
(tests/bench/gunicorn_bench.py logs every request's server time, WSGI call to last byte) and a headless
Chromium: one queue URL "cold" (a fresh process; each run another filter and sort), then the same URL
`--warm` times more. The page's own callback (Dash's page container) is what grows with the backlog.

Quality bar (DESIGN.md): warm p95 ≤ 150 ms. Not a test: nothing is asserted. Prints Markdown.
"""

import os
import random
import shutil
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import duckdb
import sqlalchemy as sa

from tests.bench.side_by_side import (
    RequestLog,
    arguments,
    in_turn,
    markdown,
    p50,
    percentile,
    seeded_state,
    temporary_log,
    tree_server,
    trees,
    visit,
)
from tests.browser import chromium

WARM_P95_MS = 150
#: The queues asked for, one per run (cold), each then asked again warm.
QUEUES = (
    "/cases",
    "/cases?status=open&sort=-score",
    "/cases?overdue=1&sort=assignee",
    "/cases?status=new&sort=metric&page=20",
    "/cases?sort=-responded&page=3",
    "/cases?status=open&sort=status",
)
READY = ("#cases-root[data-count]",)
#: The page container's callback: the one that draws the queue.
PAGE_CALLBACK = "_pages_content"


def add_open_cases(state_url: str, warehouse: Path, count: int) -> int:
    """`count` more open cases in the state database, from the warehouse's latest answers of metrics
    with a case rule that have no case yet; how many cases it holds then. Columns every revision since
    0005 has (a later revision fills its own columns when it migrates)."""
    engine = sa.create_engine(state_url)
    with engine.begin() as connection:
        rules = dict(
            connection.execute(sa.text("SELECT metric_id, min(rule_id) FROM case_rules GROUP BY 1")).all()
        )
        taken = {row for (row,) in connection.execute(sa.text("SELECT response_id FROM cases"))}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        answers = con.execute(
            "SELECT response_id, metric_id, touchpoint_id, segment_id, respondent_ref, score, responded_at, "
            "owner_id FROM responses JOIN metrics USING (metric_id) WHERE metric_id IN (SELECT unnest($m)) "
            "ORDER BY responded_at DESC LIMIT $n",
            {"m": list(rules), "n": count + len(taken)},
        ).fetchall()
    chance, rows = random.Random(7), []
    for response_id, metric_id, touchpoint_id, segment_id, ref, score, at, owner_id in answers:
        if response_id in taken or len(rows) == count:
            continue
        status = chance.choice(("new", "new", "contacted", "reopened"))
        rows.append(
            {
                "response_id": response_id,
                "rule_id": rules[metric_id],
                "metric_id": metric_id,
                "touchpoint_id": touchpoint_id,
                "segment_id": segment_id,
                "respondent_ref": ref,
                "score": score,
                "responded_at": at,
                "snapshot_id": "bench",
                "assignee_kind": "owner",
                "assignee_id": owner_id,
                "status": status,
                "contact_due_at": at + timedelta(hours=48),
                "resolve_due_at": at + timedelta(hours=168),
                "contacted_at": at + timedelta(hours=5) if status == "contacted" else None,
                "version": 1,
                "created_at": at,
                "updated_at": at,
                "updated_by": "bench",
            }
        )
    insert = sa.insert(sa.table("cases", *(sa.column(name) for name in rows[0])))
    with engine.begin() as connection:
        connection.execute(insert, rows)
        return connection.execute(sa.text("SELECT count(*) FROM cases")).scalar_one()


def one_run(browser, tree, args, state_url: str, path: str, samples: dict) -> None:
    """A fresh worker of `tree`: the queue at `path` once cold, then `args.warm` times warm."""
    log = temporary_log()
    try:
        with tree_server(tree, args.warehouse, state_url, log) as (base, _master):
            requests = RequestLog(log)
            requests.new_requests()  # the worker's own start-up
            for visit_number in range(1 + args.warm):
                visit(browser, f"{base}{path}", READY)
                drawn = [r for r in requests.new_requests() if PAGE_CALLBACK in (r["callback"] or "")]
                key = "cold" if visit_number == 0 else "warm"
                samples[key] += [r["seconds"] * 1000 for r in drawn]
    finally:
        log.unlink(missing_ok=True)


def main() -> None:
    parser = arguments(__doc__, runs=5)
    parser.add_argument("--warm", type=int, default=10, help="warm visits per run (default 10)")
    parser.add_argument("--open-cases", type=int, default=50_000, help="open cases added (default 50 000)")
    args = parser.parse_args()
    if args.runs > len(QUEUES):
        parser.error(f"at most {len(QUEUES)} runs: one queue URL each")
    measured = trees(args)
    started, load = time.monotonic(), os.getloadavg()[0]
    results = {tree.label: {"cold": [], "warm": []} for tree in measured}
    with tempfile.TemporaryDirectory() as folder, chromium() as browser:
        seeded = seeded_state(measured[0], args.warehouse, Path(folder))
        total = add_open_cases(seeded, args.warehouse, args.open_cases)
        states = {}
        for number, tree in enumerate(measured):
            copy = Path(folder) / f"state-{number}.db"
            shutil.copyfile(Path(folder) / "state.db", copy)
            states[tree] = f"sqlite:///{copy}"
        for run in range(args.runs):
            for tree in in_turn(measured, run):
                one_run(browser, tree, args, states[tree], QUEUES[run], results[tree.label])
            print(f"run {run + 1}/{args.runs} done ({time.monotonic() - started:.0f} s)", flush=True)
    print(
        f"\n{total:,} cases ({args.open_cases:,} open added to the demo's) in SQLite; warehouse "
        f"{args.warehouse}; {args.runs} runs × (1 cold + {args.warm} warm); load average {load:.1f} at "
        f"start; {time.monotonic() - started:.0f} s in all.\n"
    )
    rows = []
    for tree in measured:
        cold, warm = results[tree.label]["cold"], results[tree.label]["warm"]
        warm_p95 = percentile(warm, 0.95)
        rows.append(
            [tree.label, len(cold), p50(cold), percentile(cold, 0.95), len(warm), p50(warm), warm_p95,
             "✓" if warm_p95 <= WARM_P95_MS else "✗"]
        )  # fmt: skip
    print(
        markdown(
            [
                "tree",
                "cold n",
                "cold p50 ms",
                "cold p95",
                "warm n",
                "warm p50",
                "warm p95",
                f"≤ {WARM_P95_MS}",
            ],
            rows,
        )
    )


if __name__ == "__main__":
    main()
